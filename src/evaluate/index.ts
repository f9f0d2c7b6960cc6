/**
 * Steps 6–8 of the course: what the trained model gets right. Evaluate (loss
 * and accuracy, as Keras' evaluate), predict (many images in large batches,
 * one image in any shape a student holds it), the confusion matrix and
 * per-class metrics (step 7, question 7), seen versus unseen digits
 * (question 6). Stage: model → metrics.
 */
export * from './evaluate';
export * from './predict';
export * from './metrics';
export * from './generalization';
