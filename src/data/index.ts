/**
 * Steps 1–3 of the course: the data. Which files make up MNIST (and
 * Fashion-MNIST), finding, downloading and checking them (IDX, SHA-256), and
 * the preparation the course does before training: pixels scaled to [0, 1],
 * each image flattened to one row, the training and test sets apart.
 * Also the facts everything downstream shares: the image size, and where the
 * project's own folders are. Stage: files → typed arrays (→ tensors in
 * prepare). Imports nothing from the other folders.
 */
export * from './dataset';
export * from './image-size';
export * from './idx';
export * from './mnist';
export * from './prepare';
