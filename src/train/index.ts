/**
 * Step 5 of the course: training. `fit` as Keras' model.fit (epochs of
 * shuffled mini-batches, a History), the course's defaults (5 epochs,
 * batches of 32), Keras' callbacks (early stopping, a learning-rate schedule),
 * the training step, seeded shuffling, progress in a terminal, and
 * Kernel → Interrupt. Uses evaluate/ for each epoch's validation score, as
 * Keras' fit does.
 */
export * from './training-defaults';
export * from './train';
export * from './callbacks';
export * from './interrupt';
