/**
 * The helper module the workbook imports (`import * as mw from '../lib'`).
 * Each folder serves one part of the course, and the exports below are in
 * the one order of the project: data flows one way (files → typed arrays →
 * tensors → model → metrics → figures), and no folder imports from a folder
 * exported after it (test/layout.spec.ts reads this list and checks every
 * import; cli/, the npm scripts' commands, comes last and is not exported).
 *
 *   data/       steps 1–3: load MNIST, normalize, training and test data
 *   backend/    the first cell, `initBackend`: which engine runs the tensors,
 *               and the kernels that make model.fit fast (imports data/ only
 *               for the project's root; nothing of the lesson imports it)
 *   model/      step 4: the model, compiled as Keras compiles it; saving it
 *   train/      step 5: model.fit's callbacks and defaults
 *   evaluate/   steps 6–8: evaluate, the confusion matrix, predict one digit
 *   figures/    every step's charts and pictures, inline in the notebook
 *   own-digit/  your own digit, from a picture or the draw page
 *   teaching/   the checks, the questions' experiments, re-running cells
 */
export * from './data';
export * from './backend';
export * from './model';
export * from './train';
export * from './evaluate';
export * from './figures';
export * from './own-digit';
export * from './teaching';
