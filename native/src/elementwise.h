/* pairnet native elementwise ops (ReLU, LeakyReLU, their gradients, the residual sum, dropout's product). */
#ifndef PAIRNET_ELEMENTWISE_H
#define PAIRNET_ELEMENTWISE_H

enum pn_op { PN_RELU, PN_RELU_BACKWARD, PN_ADD, PN_ADD_RELU, PN_LEAKY_RELU, PN_LEAKY_RELU_BACKWARD, PN_MULTIPLY };

/* out[0..n) from a (and b; s is LeakyReLU's slope, as float32). out may be a or b. */
void pn_elementwise(enum pn_op op, int n, const float *a, const float *b, float *out, float s);

#endif
