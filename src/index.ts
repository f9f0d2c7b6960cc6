/**
 * The helper module the workbook imports, in the order the course uses it:
 * data → preparation → model → training → evaluation and prediction →
 * metrics → figures. Each name traces back to the notebook step that
 * introduces it.
 */
export * from './dataset';
export * from './image-size';
export * from './idx';
export * from './mnist';
export * from './backend';
export * from './prepare';
export * from './model';
export * from './cnn';
export * from './model-input';
export * from './training-defaults';
export * from './train';
export * from './callbacks';
export * from './interrupt';
export * from './evaluate';
export * from './predict';
export * from './metrics';
export * from './persist';
export * from './figures';
export * from './digits';
export * from './display';
export * from './notebook-progress';
export * from './experiments';
export * from './session';
export * from './imshow';
export * from './generalization';
export * from './checks';
export * from './extension-checks';
export * from './preprocess';
export * from './image-file';
