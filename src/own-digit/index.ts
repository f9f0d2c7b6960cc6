/**
 * After step 8: the student's own digit. MNIST-style preprocessing of a
 * drawing or a photo (the same module runs in the draw page's browser) and
 * reading PNG/JPEG files, then predicting with the trained model.
 */
export * from './preprocess';
export * from './image-file';
