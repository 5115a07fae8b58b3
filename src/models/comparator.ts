import type { Entry } from './layers.js';
import type { MainLossKind, ModelOptions, OptionSpec } from './model.js';
import { ProbabilisticComparison } from './probabilistic-head.js';

export const COMPARATOR_OPTION: OptionSpec = {
  default: 'learned',
  choices: ['learned', 'probabilistic'],
  description: "comparison head on the 20 digit logits: the report's learned layers, or P(first <= second) from the digit softmaxes (no parameters, NLL main loss)",
};

/**
 * The layers after a model's [B, 20] digit-logit tap: the report's learned comparison layers (built only when
 * used, so the probabilistic variant draws no weights for them) or the parameter-free probabilistic head.
 */
export function comparison(o: ModelOptions, learned: () => Entry[], learnedLoss: MainLossKind): { entries: Entry[]; mainLoss: MainLossKind } {
  if (o.comparator === 'probabilistic') return { entries: [['compare', new ProbabilisticComparison()]], mainLoss: 'nll' };
  return { entries: learned(), mainLoss: learnedLoss };
}
