/*
 * N-API face of the native batch normalisation (batchnorm.c). Activations come as (Float32Array, element offset)
 * pairs (the caller's arrays, or the WebAssembly heap for resident ones), per-channel arrays as Float32Arrays; every
 * span is checked against its array before the kernel runs.
 */
#include "addon-norm.h"

#include "batchnorm.h"
#include "napi-helpers.h"

/* N, C, S (positive) and the training, relu flags at argv[0..4]; false after throwing. */
static bool norm_shape(napi_env env, napi_value *argv, const char *fn, struct pn_norm *s) {
  int32_t v[5];
  for (int i = 0; i < 5; i++) {
    if (!get_int(env, argv[i], &v[i]) || v[i] < (i < 3 ? 1 : 0)) {
      char msg[128];
      snprintf(msg, sizeof msg, "pairnet native %s: N, C, S must be positive integers, training and relu 0 or 1", fn);
      napi_throw_type_error(env, NULL, msg);
      return false;
    }
  }
  *s = (struct pn_norm){v[0], v[1], v[2], v[3] != 0, v[4] != 0};
  return true;
}

/*
 * batchnormForward(N, C, S, training, relu, momentum, eps, x, xAt, gamma, beta, runMean, runVar, xhat, xhatAt,
 * res | null, resAt, y, yAt, invStd): as batchnormForwardReference, plus res before the ReLU when given.
 */
napi_value pn_napi_batchnorm_forward(napi_env env, napi_callback_info info) {
  size_t argc = 20;
  napi_value argv[20];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct pn_norm s;
  double momentum, eps;
  if (argc != 20 || napi_get_value_double(env, argv[5], &momentum) != napi_ok || napi_get_value_double(env, argv[6], &eps) != napi_ok) {
    napi_throw_type_error(env, NULL, "pairnet native batchnormForward: expected 20 arguments, momentum and eps numbers");
    return NULL;
  }
  if (!norm_shape(env, argv, "batchnormForward", &s)) return NULL;
  const char *fn = "batchnormForward";
  const size_t n = (size_t)s.N * s.C * s.S;
  float *x, *gamma, *beta, *rm, *rv, *xhat, *res, *y, *inv;
  if (!operand(env, argv + 7, true, false, fn, "x", n, &x) || !operand(env, argv + 9, false, false, fn, "gamma", s.C, &gamma) ||
      !operand(env, argv + 10, false, false, fn, "beta", s.C, &beta) ||
      !operand(env, argv + 11, false, false, fn, "runningMean", s.C, &rm) ||
      !operand(env, argv + 12, false, false, fn, "runningVar", s.C, &rv) ||
      !operand(env, argv + 13, true, false, fn, "xhat", n, &xhat) || !operand(env, argv + 15, true, true, fn, "res", n, &res) ||
      !operand(env, argv + 17, true, false, fn, "y", n, &y) || !operand(env, argv + 19, false, false, fn, "invStd", s.C, &inv)) {
    return NULL;
  }
  pn_batchnorm_forward(&s, momentum, eps, x, gamma, beta, rm, rv, xhat, res, y, inv);
  return NULL;
}

/*
 * batchnormBackward(N, C, S, training, relu, gy, gyAt, xhat, xhatAt, gamma, beta, invStd, dgamma, dbeta, dx, dxAt):
 * as batchnormBackwardReference (dgamma, dbeta accumulate; dx is overwritten).
 */
napi_value pn_napi_batchnorm_backward(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct pn_norm s;
  if (argc != 16) {
    napi_throw_type_error(env, NULL, "pairnet native batchnormBackward: expected 16 arguments");
    return NULL;
  }
  if (!norm_shape(env, argv, "batchnormBackward", &s)) return NULL;
  const char *fn = "batchnormBackward";
  const size_t n = (size_t)s.N * s.C * s.S;
  float *gy, *xhat, *gamma, *beta, *inv, *dgamma, *dbeta, *dx;
  if (!operand(env, argv + 5, true, false, fn, "gy", n, &gy) || !operand(env, argv + 7, true, false, fn, "xhat", n, &xhat) ||
      !operand(env, argv + 9, false, false, fn, "gamma", s.C, &gamma) || !operand(env, argv + 10, false, false, fn, "beta", s.C, &beta) ||
      !operand(env, argv + 11, false, false, fn, "invStd", s.C, &inv) ||
      !operand(env, argv + 12, false, false, fn, "dgamma", s.C, &dgamma) ||
      !operand(env, argv + 13, false, false, fn, "dbeta", s.C, &dbeta) || !operand(env, argv + 14, true, false, fn, "dx", n, &dx)) {
    return NULL;
  }
  pn_batchnorm_backward(&s, gy, xhat, gamma, beta, inv, dgamma, dbeta, dx);
  return NULL;
}
