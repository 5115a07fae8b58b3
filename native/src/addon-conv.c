/*
 * N-API face of the native stride-1 conv (conv.c) and the fused conv -> ReLU -> pool (conv-relu.c). Activations come
 * as (Float32Array, element offset) pairs, so the same call serves operands in the caller's own arrays and resident
 * ones in the WebAssembly heap (a Float32Array over the wasm memory, with the byte offset / 4); every span is checked
 * against its array before the kernel runs.
 */
#include "addon-conv.h"

#include "conv-relu.h"
#include "conv.h"
#include "napi-helpers.h"

/* The 7 ints N, C, H, W, Cout, k, pad at argv[0..6]; false after throwing. */
static bool shape(napi_env env, napi_value *argv, const char *fn, struct pn_conv *s) {
  int32_t v[7];
  for (int i = 0; i < 7; i++) {
    if (!get_int(env, argv[i], &v[i]) || v[i] < (i == 6 ? 0 : 1)) {
      char msg[128];
      snprintf(msg, sizeof msg, "pairnet native %s: N, C, H, W, Cout, k must be positive integers and pad >= 0", fn);
      napi_throw_type_error(env, NULL, msg);
      return false;
    }
  }
  *s = (struct pn_conv){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
  if (s->pad > s->k - 1 || s->H + 2 * s->pad < s->k || s->W + 2 * s->pad < s->k) {
    char msg[128];
    snprintf(msg, sizeof msg, "pairnet native %s: needs pad <= k-1 and k <= the padded input size", fn);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  return true;
}

static napi_value fail(napi_env env, int rc) {
  napi_throw_error(env, NULL, rc == -1   ? "pairnet native conv: out of memory"
                              : rc == -3 ? "pairnet native convReluBackward: an argmax lies outside its plane"
                                         : "pairnet native conv: no AVX2/AVX-512 on this CPU");
  return NULL;
}

/* conv2dForward(isa, N, C, H, W, Cout, k, pad, x, xAt, w, bias | null, out, outAt): stride 1, as conv2dForwardReference. */
napi_value pn_napi_conv2d_forward(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct pn_conv s;
  if (argc != 14) {
    napi_throw_type_error(env, NULL, "pairnet native conv2dForward: expected 14 arguments");
    return NULL;
  }
  if (!shape(env, argv + 1, "conv2dForward", &s)) return NULL;
  const size_t OH = s.H + 2 * s.pad - s.k + 1, OW = s.W + 2 * s.pad - s.k + 1;
  const size_t sizeX = (size_t)s.N * s.C * s.H * s.W, sizeW = (size_t)s.Cout * s.C * s.k * s.k, sizeOut = (size_t)s.N * s.Cout * OH * OW;
  float *x, *w, *bias, *out;
  if (!operand(env, argv + 8, true, false, "conv2dForward", "x", sizeX, &x) ||
      !operand(env, argv + 10, false, false, "conv2dForward", "weight", sizeW, &w) ||
      !operand(env, argv + 11, false, true, "conv2dForward", "bias", s.Cout, &bias) ||
      !operand(env, argv + 12, true, false, "conv2dForward", "out", sizeOut, &out)) return NULL;
  const int rc = pn_conv_forward(isa_of(env, argv[0]), &s, x, w, bias, out);
  return rc ? fail(env, rc) : NULL;
}

/*
 * conv2dBackward(isa, N, C, H, W, Cout, k, pad, x, xAt, gy, gyAt, w, dw, db | null, dx | null, dxAt): stride 1, as
 * conv2dBackwardReference (dw, db accumulate; dx is overwritten).
 */
napi_value pn_napi_conv2d_backward(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value argv[17];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct pn_conv s;
  if (argc != 17) {
    napi_throw_type_error(env, NULL, "pairnet native conv2dBackward: expected 17 arguments");
    return NULL;
  }
  if (!shape(env, argv + 1, "conv2dBackward", &s)) return NULL;
  const size_t OH = s.H + 2 * s.pad - s.k + 1, OW = s.W + 2 * s.pad - s.k + 1;
  const size_t sizeX = (size_t)s.N * s.C * s.H * s.W, sizeW = (size_t)s.Cout * s.C * s.k * s.k, sizeGy = (size_t)s.N * s.Cout * OH * OW;
  float *x, *gy, *w, *dw, *db, *dx;
  if (!operand(env, argv + 8, true, false, "conv2dBackward", "x", sizeX, &x) ||
      !operand(env, argv + 10, true, false, "conv2dBackward", "gradOut", sizeGy, &gy) ||
      !operand(env, argv + 12, false, false, "conv2dBackward", "weight", sizeW, &w) ||
      !operand(env, argv + 13, false, false, "conv2dBackward", "gradWeight", sizeW, &dw) ||
      !operand(env, argv + 14, false, true, "conv2dBackward", "gradBias", s.Cout, &db) ||
      !operand(env, argv + 15, true, true, "conv2dBackward", "gradInput", sizeX, &dx)) return NULL;
  const int rc = pn_conv_backward(isa_of(env, argv[0]), &s, x, gy, w, dw, db, dx);
  return rc ? fail(env, rc) : NULL;
}

/*
 * The pool (k, stride) at argv[0..1] of a fused pass on s: k 0 for none, else k and stride positive, k within the
 * conv output; *plane = elements of one output plane. false after throwing.
 */
static bool pool_of(napi_env env, napi_value *argv, const char *fn, const struct pn_conv *s, struct pn_pool *pool, size_t *plane) {
  const int OH = s->H + 2 * s->pad - s->k + 1, OW = s->W + 2 * s->pad - s->k + 1;
  int32_t k, stride;
  if (!get_int(env, argv[0], &k) || !get_int(env, argv[1], &stride) || k < 0 || (k > 0 && (stride < 1 || k > OH || k > OW))) {
    char msg[128];
    snprintf(msg, sizeof msg, "pairnet native %s: the pool needs k = 0 (none), or k >= 1 within the conv output and stride >= 1", fn);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  *pool = (struct pn_pool){k, stride};
  *plane = k ? (size_t)((OH - k) / stride + 1) * ((OW - k) / stride + 1) : (size_t)OH * OW;
  return true;
}

/*
 * convReluForward(isa, N, C, H, W, Cout, k, pad, poolK, poolStride, x, xAt, w, bias | null, out, outAt, arg | null,
 * argAt): stride 1, as convReluForwardReference (arg, an Int32Array, only with a pool).
 */
napi_value pn_napi_conv_relu_forward(napi_env env, napi_callback_info info) {
  size_t argc = 18;
  napi_value argv[18];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const char *fn = "convReluForward";
  struct pn_conv s;
  struct pn_pool pool;
  size_t plane;
  if (argc != 18) {
    napi_throw_type_error(env, NULL, "pairnet native convReluForward: expected 18 arguments");
    return NULL;
  }
  if (!shape(env, argv + 1, fn, &s) || !pool_of(env, argv + 8, fn, &s, &pool, &plane)) return NULL;
  const size_t sizeX = (size_t)s.N * s.C * s.H * s.W, sizeW = (size_t)s.Cout * s.C * s.k * s.k, sizeOut = (size_t)s.N * s.Cout * plane;
  float *x, *w, *bias, *out;
  void *arg = NULL;
  if (!operand(env, argv + 10, true, false, fn, "x", sizeX, &x) || !operand(env, argv + 12, false, false, fn, "weight", sizeW, &w) ||
      !operand(env, argv + 13, false, true, fn, "bias", s.Cout, &bias) || !operand(env, argv + 14, true, false, fn, "out", sizeOut, &out) ||
      (pool.k && !typed_operand(env, argv + 16, napi_int32_array, true, false, fn, "argmax", sizeOut, &arg))) return NULL;
  const int rc = pn_conv_relu_forward(isa_of(env, argv[0]), &s, pool, x, w, bias, out, arg);
  return rc ? fail(env, rc) : NULL;
}

/*
 * convReluBackward(isa, N, C, H, W, Cout, k, pad, poolK, poolStride, x, xAt, gy, gyAt, y, yAt, arg | null, argAt, w,
 * dw, db | null, dx | null, dxAt): stride 1, as convReluBackwardReference (dw, db accumulate; dx is overwritten).
 */
napi_value pn_napi_conv_relu_backward(napi_env env, napi_callback_info info) {
  size_t argc = 23;
  napi_value argv[23];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const char *fn = "convReluBackward";
  struct pn_conv s;
  struct pn_pool pool;
  size_t plane;
  if (argc != 23) {
    napi_throw_type_error(env, NULL, "pairnet native convReluBackward: expected 23 arguments");
    return NULL;
  }
  if (!shape(env, argv + 1, fn, &s) || !pool_of(env, argv + 8, fn, &s, &pool, &plane)) return NULL;
  const size_t sizeX = (size_t)s.N * s.C * s.H * s.W, sizeW = (size_t)s.Cout * s.C * s.k * s.k, sizeOut = (size_t)s.N * s.Cout * plane;
  float *x, *gy, *y, *w, *dw, *db, *dx;
  void *arg = NULL;
  if (!operand(env, argv + 10, true, false, fn, "x", sizeX, &x) || !operand(env, argv + 12, true, false, fn, "gradOut", sizeOut, &gy) ||
      !operand(env, argv + 14, true, false, fn, "out", sizeOut, &y) ||
      (pool.k && !typed_operand(env, argv + 16, napi_int32_array, true, false, fn, "argmax", sizeOut, &arg)) ||
      !operand(env, argv + 18, false, false, fn, "weight", sizeW, &w) || !operand(env, argv + 19, false, false, fn, "gradWeight", sizeW, &dw) ||
      !operand(env, argv + 20, false, true, fn, "gradBias", s.Cout, &db) ||
      !operand(env, argv + 21, true, true, fn, "gradInput", sizeX, &dx)) return NULL;
  const int rc = pn_conv_relu_backward(isa_of(env, argv[0]), &s, pool, x, gy, y, arg, w, dw, db, dx);
  return rc ? fail(env, rc) : NULL;
}
