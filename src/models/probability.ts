import type { MainLossKind } from './model.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * P(first digit <= second) that row `row` of a main output states, however the model's loss defines it (MainLossKind).
 * The one reading of a main output as a probability: ensembles average it, the page shows it.
 */
export function comparisonProbability(kind: MainLossKind, main: Float32Array, row = 0): number {
  switch (kind) {
    case 'ce':
    case 'nll': {
      // Logits or log-probabilities: softmax of the two either way (log-probabilities come out as they are, normalised).
      const a = main[2 * row];
      const b = main[2 * row + 1];
      return 1 / (1 + Math.exp(a - b));
    }
    case 'bce':
      return sigmoid(main[row]);
    case 'bce-onehot': {
      // Two independent sigmoids (one per class); normalised so the two read as one probability.
      const s0 = sigmoid(main[2 * row]);
      const s1 = sigmoid(main[2 * row + 1]);
      return s1 / (s0 + s1);
    }
  }
}
