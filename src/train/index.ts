/**
 * Step 5 of the course: training, with TensorFlow.js' own `model.fit`. Here:
 * the course's defaults (5 epochs, batches of 32), Keras' callbacks for
 * model.fit (early stopping that keeps the best weights, a learning-rate
 * schedule), the `tf.Callback` base they and the progress displays share
 * (it stops training on Kernel → Interrupt), and terminal progress for
 * `npm start` (progress.ts, not part of the notebook's module).
 */
export * from './training-defaults';
export { TrainingCallback } from './training-callback';
export { ProgressCallback } from './epoch-progress';
export type { BatchProgress, EpochCurves } from './epoch-progress';
export * from './callbacks';
export { signalInterrupt, watchInterrupts } from './interrupt';
