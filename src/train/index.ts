/**
 * Step 5 of the course: training, with TensorFlow.js' own `model.fit`. Here:
 * the course's defaults (5 epochs, batches of 32), Keras' callbacks for
 * model.fit (early stopping that keeps the best weights, a learning-rate
 * schedule), the base they and the progress displays share (a `tf.Callback`
 * that stops training on Kernel → Interrupt), progress in a terminal, and
 * seeded shuffling for the project's own experiments.
 */
export * from './training-defaults';
export * from './training-callback';
export * from './epoch-progress';
export * from './callbacks';
export * from './interrupt';
