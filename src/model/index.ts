/**
 * Step 4 of the course: the model. The course's Dense network (and the
 * perceptron of question 5, the CNN of the extension), compiled as Keras
 * compiles it; its loss; the tensor shape each model reads; saving and
 * loading a trained model. Stage: tensors → model.
 */
export * from './model';
export * from './cnn';
export * from './model-input';
export * from './save-load';
