/* pairnet native batch normalisation over x [N, C, S], as batchnormForwardReference / batchnormBackwardReference. */
#ifndef PAIRNET_BATCHNORM_H
#define PAIRNET_BATCHNORM_H

struct pn_norm {
  int N, C, S, training, relu;
};

/* invStd, xhat, y (+ res before the ReLU when res is not NULL); in training also runMean, runVar. */
void pn_batchnorm_forward(const struct pn_norm *s, double momentum, double eps, const float *x, const float *gamma,
                          const float *beta, float *runMean, float *runVar, float *xhat, const float *res, float *y,
                          float *invStd);

/* dgamma += , dbeta += , dx = (dx holds the masked gradient between its two passes). */
void pn_batchnorm_backward(const struct pn_norm *s, const float *gy, const float *xhat, const float *gamma,
                           const float *beta, const float *invStd, float *dgamma, float *dbeta, float *dx);

#endif
