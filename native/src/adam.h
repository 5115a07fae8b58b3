/* pairnet native Adam step: as adamStepReference (src/engine/kernels/adam.ts), bit for bit the WebAssembly kernel's. */
#ifndef PAIRNET_ADAM_H
#define PAIRNET_ADAM_H

#include "gemm.h"

/* The step's hyper-parameters as float32 (the wasm kernel's arguments). */
struct pn_adam {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invC2, eps, wd;
};

/* w, m, v (n floats) updated in place from g. Returns 0, or -2 when the CPU lacks `isa`. */
int pn_adam_step(enum pn_isa isa, int n, float *w, const float *g, float *m, float *v, const struct pn_adam *o);

#endif
