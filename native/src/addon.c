/*
 * N-API face of pairnet's native kernels (loaded by src/engine/kernels/native.ts). Operands are Float32Arrays used in
 * place (no copies); the JS side validates shapes first (checkGemm), this side checks types and lengths again so a
 * bad call throws instead of touching memory it does not own.
 */
#include "napi-helpers.h"
#include "adam.h"
#include "addon-conv.h"
#include "addon-norm.h"
#include "dropout.h"
#include "elementwise.h"
#include "gemm.h"
#include "pool.h"

/* isa(): the best instruction set of this CPU. */
static napi_value Isa(napi_env env, napi_callback_info info) {
  (void)info;
  return string(env, isa_name(pn_detect_isa()));
}

/*
 * gemmBatched(isa, batch, M, N, K, A, strideA, transA, B, strideB, transB, C, strideC, accumulate) with isa 'avx512' or
 * 'avx2': for i < batch, C_i (+)= op(A_i) op(B_i), X_i at element i*strideX of X; strideC 0 sums the products into C
 * (gemmBatchedReference).
 */
static napi_value GemmBatched(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value args[14];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  char name[16] = "";
  if (argc != 14 || napi_get_value_string_utf8(env, args[0], name, sizeof name, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "pairnet native gemmBatched: expected an isa name and 13 operands");
    return NULL;
  }
  const enum pn_isa isa = strcmp(name, "avx512") == 0 ? PN_ISA_AVX512 : strcmp(name, "avx2") == 0 ? PN_ISA_AVX2 : PN_ISA_NONE;
  napi_value *argv = args + 1;
  int32_t batch, M, N, K, sA, tA, sB, tB, sC, acc;
  if (!get_int(env, argv[0], &batch) || !get_int(env, argv[1], &M) || !get_int(env, argv[2], &N) ||
      !get_int(env, argv[3], &K) || !get_int(env, argv[5], &sA) || !get_int(env, argv[6], &tA) ||
      !get_int(env, argv[8], &sB) || !get_int(env, argv[9], &tB) || !get_int(env, argv[11], &sC) ||
      !get_int(env, argv[12], &acc) || batch < 0 || M < 0 || N < 0 || K < 0 || sA < 0 || sB < 0 || sC < 0) {
    napi_throw_type_error(env, NULL, "pairnet native gemmBatched: sizes and strides must be non-negative integers");
    return NULL;
  }
  size_t lenA, lenB, lenC;
  float *A, *B, *C;
  if (!f32(env, argv[4], "A", &A, &lenA) || !f32(env, argv[7], "B", &B, &lenB) || !f32(env, argv[10], "C", &C, &lenC)) return NULL;
  if (batch == 0 || M == 0 || N == 0) return NULL;
  if (lenA < span(batch, (size_t)M * K, sA) || lenB < span(batch, (size_t)K * N, sB) || lenC < span(batch, (size_t)M * N, sC)) {
    napi_throw_range_error(env, NULL, "pairnet native gemmBatched: an operand is shorter than its span");
    return NULL;
  }
  for (int i = 0; i < batch; i++) {
    const int accumulate = acc || (sC == 0 && i > 0);
    const int rc = pn_gemm(isa, M, N, K, A + (size_t)i * sA, tA, B + (size_t)i * sB, tB, C + (size_t)i * sC, accumulate);
    if (rc != 0) {
      napi_throw_error(env, NULL, rc == -1 ? "pairnet native gemm: out of memory" : "pairnet native gemm: no AVX2/AVX-512 on this CPU");
      return NULL;
    }
  }
  return NULL;
}


/*
 * adamStep(isa, w, g, m, v, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, invC2, eps, weightDecay): one Adam step
 * over w's elements, w, m and v in place (the JS side checks that g, m and v are as long).
 */
static napi_value AdamStep(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 13) {
    napi_throw_type_error(env, NULL, "pairnet native adamStep: expected an isa name, 4 arrays and 8 numbers");
    return NULL;
  }
  float *w, *g, *m, *v;
  size_t n, lg, lm, lv;
  if (!f32(env, argv[1], "w", &w, &n) || !f32(env, argv[2], "g", &g, &lg) || !f32(env, argv[3], "m", &m, &lm) ||
      !f32(env, argv[4], "v", &v, &lv)) return NULL;
  if (lg < n || lm < n || lv < n || n > INT32_MAX) {
    napi_throw_range_error(env, NULL, "pairnet native adamStep: g, m and v must be at least as long as w");
    return NULL;
  }
  double h[8];
  for (int i = 0; i < 8; i++) {
    if (napi_get_value_double(env, argv[5 + i], &h[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "pairnet native adamStep: hyper-parameters must be numbers");
      return NULL;
    }
  }
  const struct pn_adam o = {(float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)h[6], (float)h[7]};
  if (pn_adam_step(isa_of(env, argv[0]), (int)n, w, g, m, v, &o) != 0) {
    napi_throw_error(env, NULL, "pairnet native adamStep: no AVX2/AVX-512 on this CPU");
  }
  return NULL;
}

/*
 * elementwise(op, n, a, b, out, s): op 0 relu, 1 reluBackward (a = y, b = dy), 2 add, 3 addRelu, 4 leakyRelu,
 * 5 leakyReluBackward (a = x, b = dy), 6 multiply; n elements of each array (the JS side checks the lengths).
 */
static napi_value Elementwise(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t op, n;
  double s;
  float *a, *b, *out;
  size_t la, lb, lo;
  if (argc != 6 || !get_int(env, argv[0], &op) || !get_int(env, argv[1], &n) || op < PN_RELU || op > PN_MULTIPLY || n < 0 ||
      napi_get_value_double(env, argv[5], &s) != napi_ok) {
    napi_throw_type_error(env, NULL, "pairnet native elementwise: expected op, n, a, b, out, s");
    return NULL;
  }
  if (!f32(env, argv[2], "a", &a, &la) || !f32(env, argv[3], "b", &b, &lb) || !f32(env, argv[4], "out", &out, &lo)) return NULL;
  if (la < (size_t)n || lb < (size_t)n || lo < (size_t)n) {
    napi_throw_range_error(env, NULL, "pairnet native elementwise: an operand is shorter than n");
    return NULL;
  }
  if (n > 0) pn_elementwise((enum pn_op)op, n, a, b, out, (float)s);
  return NULL;
}

/* maxPool2d(planes, H, W, k, stride, input, out, argmax) as maxPool2dReference (the JS side checks the geometry). */
static napi_value MaxPool2d(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t planes, H, W, k, stride;
  if (argc != 8 || !get_int(env, argv[0], &planes) || !get_int(env, argv[1], &H) || !get_int(env, argv[2], &W) ||
      !get_int(env, argv[3], &k) || !get_int(env, argv[4], &stride) || planes < 0 || k < 1 || stride < 1 || H < k || W < k) {
    napi_throw_type_error(env, NULL, "pairnet native maxPool2d: expected planes, H, W, k, stride (k <= H, W) and 3 arrays");
    return NULL;
  }
  float *in, *out;
  size_t lin, lout, larg;
  napi_typedarray_type type;
  void *arg;
  bool is;
  if (!f32(env, argv[5], "input", &in, &lin) || !f32(env, argv[6], "out", &out, &lout)) return NULL;
  if (napi_is_typedarray(env, argv[7], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[7], &type, &larg, &arg, NULL, NULL) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "pairnet native: argmax must be an Int32Array");
    return NULL;
  }
  const size_t nout = (size_t)planes * ((H - k) / stride + 1) * ((W - k) / stride + 1);
  if (lin < (size_t)planes * H * W || lout < nout || larg < nout) {
    napi_throw_range_error(env, NULL, "pairnet native maxPool2d: an operand is shorter than the geometry needs");
    return NULL;
  }
  if (nout > 0) pn_max_pool(planes, H, W, k, stride, in, out, arg);
  return NULL;
}

/* dropoutForward(seed, threshold, scale, x, y, mask) as dropoutForwardReference (the JS side checks the lengths). */
static napi_value DropoutForward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double threshold, scale;
  napi_typedarray_type type;
  void *seed;
  size_t words, nx, ny, nm;
  bool is;
  if (argc != 6 || napi_is_typedarray(env, argv[0], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[0], &type, &words, &seed, NULL, NULL) != napi_ok || type != napi_int32_array ||
      words != 16 || napi_get_value_double(env, argv[1], &threshold) != napi_ok || napi_get_value_double(env, argv[2], &scale) != napi_ok) {
    napi_throw_type_error(env, NULL, "pairnet native dropoutForward: expected a 16-word Int32Array seed, threshold, scale and 3 arrays");
    return NULL;
  }
  float *x, *y, *mask;
  if (!f32(env, argv[3], "x", &x, &nx) || !f32(env, argv[4], "y", &y, &ny) || !f32(env, argv[5], "mask", &mask, &nm)) return NULL;
  if (ny < nx || nm < nx || nx > INT32_MAX) {
    napi_throw_range_error(env, NULL, "pairnet native dropoutForward: y and mask must be at least as long as x");
    return NULL;
  }
  pn_dropout((int)nx, seed, threshold, (float)scale, x, y, mask);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"isa", NULL, Isa, NULL, NULL, NULL, napi_default, NULL},
      {"gemmBatched", NULL, GemmBatched, NULL, NULL, NULL, napi_default, NULL},
      {"adamStep", NULL, AdamStep, NULL, NULL, NULL, napi_default, NULL},
      {"elementwise", NULL, Elementwise, NULL, NULL, NULL, napi_default, NULL},
      {"maxPool2d", NULL, MaxPool2d, NULL, NULL, NULL, napi_default, NULL},
      {"dropoutForward", NULL, DropoutForward, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dForward", NULL, pn_napi_conv2d_forward, NULL, NULL, NULL, napi_default, NULL},
      {"conv2dBackward", NULL, pn_napi_conv2d_backward, NULL, NULL, NULL, napi_default, NULL},
      {"convReluForward", NULL, pn_napi_conv_relu_forward, NULL, NULL, NULL, napi_default, NULL},
      {"convReluBackward", NULL, pn_napi_conv_relu_backward, NULL, NULL, NULL, napi_default, NULL},
      {"batchnormForward", NULL, pn_napi_batchnorm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"batchnormBackward", NULL, pn_napi_batchnorm_backward, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
