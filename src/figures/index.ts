/**
 * What the workbook shows: Vega-Lite charts (training curves, confusion
 * matrix), digit pictures (PNG, imshow), the notebook's live progress bar,
 * showing all of them inline in tslab, and rendering them to files or a
 * browser window for `npm start`. Serves every step's output. Stage: metrics
 * → figures, the end of the chain.
 */
export * from './chart-specs';
export * from './digits';
export * from './display';
export * from './notebook-progress';
export * from './imshow';
