// Types for what the draw page gets from its server, for `npm run typecheck` only (nothing here is served).
// /vendor/tf.min.js (TensorFlow.js from node_modules) sets the global `tf` for the draw page;
// vega's and vega-lite's builds set `vega` and `vegaLite` for the --show page.
declare global {
  interface Window { tf: typeof import('@tensorflow/tfjs'); }
  const vega: typeof import('vega');
  const vegaLite: typeof import('vega-lite');
}
export {};
