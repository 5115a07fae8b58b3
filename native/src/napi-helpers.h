/* Helpers shared by the N-API files (addon.c, addon-conv.c, addon-norm.c): argument checks that throw a named JS error. */
#ifndef PAIRNET_NAPI_HELPERS_H
#define PAIRNET_NAPI_HELPERS_H

#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gemm.h"

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "pairnet native: N-API call failed"); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

static inline const char *isa_name(enum pn_isa isa) {
  return isa == PN_ISA_AVX512 ? "avx512" : isa == PN_ISA_AVX2 ? "avx2" : "none";
}

static inline napi_value string(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static inline int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/* A typed array of `want` (Float32Array or Int32Array)'s data and length (data may be NULL when empty); false after
 * throwing a TypeError naming it. */
static inline bool typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name, void **out, size_t *length) {
  napi_typedarray_type type;
  void *data;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, length, &data, NULL, NULL) != napi_ok || type != want) {
    char msg[96];
    snprintf(msg, sizeof msg, "pairnet native: %s must be a%s", name, want == napi_int32_array ? "n Int32Array" : " Float32Array");
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  *out = data;
  return true;
}

/* A Float32Array's data and length, as typed(). */
static inline bool f32(napi_env env, napi_value v, const char *name, float **out, size_t *length) {
  void *data;
  if (!typed(env, v, napi_float32_array, name, &data, length)) return false;
  *out = data;
  return true;
}

static inline size_t span(int batch, size_t size, int stride) {
  return stride == 0 || batch <= 1 ? size : (size_t)(batch - 1) * stride + size;
}

static inline enum pn_isa isa_of(napi_env env, napi_value v) {
  char name[16] = "";
  if (napi_get_value_string_utf8(env, v, name, sizeof name, NULL) != napi_ok) return PN_ISA_NONE;
  return strcmp(name, "avx512") == 0 ? PN_ISA_AVX512 : strcmp(name, "avx2") == 0 ? PN_ISA_AVX2 : PN_ISA_NONE;
}

/*
 * Operand `name`: a typed array of `want` at argv[0] (or undefined/null when optional) and, when `offset`, an element
 * offset at argv[1]; *out points at element offset, which must leave `need` elements. false after throwing.
 */
static inline bool typed_operand(napi_env env, napi_value *argv, napi_typedarray_type want, bool offset, bool optional,
                                 const char *fn, const char *name, size_t need, void **out) {
  napi_valuetype type;
  if (optional && napi_typeof(env, argv[0], &type) == napi_ok && (type == napi_undefined || type == napi_null)) {
    *out = NULL;
    return true;
  }
  void *data;
  size_t length;
  int32_t at = 0;
  if (!typed(env, argv[0], want, name, &data, &length)) return false;
  if (offset && (!get_int(env, argv[1], &at) || at < 0)) {
    napi_throw_type_error(env, NULL, "pairnet native: offsets must be non-negative integers");
    return false;
  }
  if ((size_t)at > length || length - at < need) {
    char msg[128];
    snprintf(msg, sizeof msg, "pairnet native %s: %s has %zu elements from %d, needs %zu", fn, name, length - ((size_t)at > length ? length : at), at, need);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  *out = (char *)data + (size_t)at * 4; /* both element types are 4 bytes */
  return true;
}

/* A Float32Array operand, as typed_operand. */
static inline bool operand(napi_env env, napi_value *argv, bool offset, bool optional, const char *fn, const char *name, size_t need,
                           float **out) {
  void *p;
  if (!typed_operand(env, argv, napi_float32_array, offset, optional, fn, name, need, &p)) return false;
  *out = p;
  return true;
}

#endif
