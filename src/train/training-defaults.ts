/**
 * The course's training settings, named once: 5 epochs over mini-batches of
 * 32, as its `model.fit(x_train, y_train, epochs=5, batch_size=32)`. `npm start`,
 * the questions' experiments and the step-5 check all read them from here.
 */
export const TRAINING_DEFAULTS = {
  epochs: 5,
  batchSize: 32,
} as const;
