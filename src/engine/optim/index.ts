export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { LRSchedule, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR } from './schedules.js';
