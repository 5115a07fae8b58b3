/*
 * N-API face of the native stride-1 conv (conv.c). Activations come as (Float32Array, element offset) pairs, so the
 * same call serves operands in the caller's own arrays and resident ones in the WebAssembly heap (a Float32Array over
 * the wasm memory, with the byte offset / 4); every span is checked against its array before the kernel runs.
 */
#include "addon-conv.h"

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
  napi_throw_error(env, NULL, rc == -1 ? "pairnet native conv: out of memory" : "pairnet native conv: no AVX2/AVX-512 on this CPU");
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
