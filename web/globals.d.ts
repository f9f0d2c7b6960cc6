// Types for what the draw page gets from its server, for `npm run typecheck` only (nothing here is served).
// /vendor/tf.min.js (TensorFlow.js from node_modules) sets the global `tf`.
declare global {
  interface Window { tf: typeof import('@tensorflow/tfjs'); }
}
export {};
