/**
 * The helper module the workbook imports (`import * as mw from '../lib'`),
 * in the order the course uses it. Each folder serves one part:
 *
 *   backend/    before step 1: which engine runs the tensors
 *   data/       steps 1–3: load MNIST, normalize, training and test data
 *   model/      step 4: the model, compiled as Keras compiles it; saving it
 *   train/      step 5: fit, its defaults and callbacks
 *   evaluate/   steps 6–8: evaluate, the confusion matrix, predict one digit
 *   figures/    every step's charts and pictures, inline in the notebook
 *   own-digit/  your own digit, from a picture or the draw page
 *   teaching/   the checks, the questions' experiments, re-running cells
 *
 * (cli/ holds the npm scripts' commands and is not part of this module.)
 * Data flows one way: files → typed arrays → tensors → model → metrics →
 * figures; no folder imports from a later one (test/layout.spec.ts checks).
 */
export * from './backend';
export * from './data';
export * from './model';
export * from './train';
export * from './evaluate';
export * from './figures';
export * from './own-digit';
export * from './teaching';
