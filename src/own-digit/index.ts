/**
 * After step 8: the student's own digit. MNIST-style preprocessing of a
 * drawing or a photo (the same module runs in the draw page's browser),
 * reading PNG/JPEG files, then predicting with the trained model; a rendered
 * photo to try it on, and the photo shown beside what the model is fed.
 */
export * from './preprocess';
export * from './image-file';
export { digitPhotoPng, Disturbance, DISTURBANCES } from './photo-render';
export * from './show-reading';
