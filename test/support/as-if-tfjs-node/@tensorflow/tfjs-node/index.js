// A stand-in for @tensorflow/tfjs-node, which cannot install here (it downloads
// libtensorflow): it registers a backend named 'tensorflow' that runs tfjs'
// own cpu kernels, so the backend choice (src/backend/choose-backend.ts) finds
// 'tensorflow' first, exactly as on a machine where the optional dependency
// installed. Put on the module path with
//   NODE_PATH=test/support/as-if-tfjs-node npx mocha test/x.spec.ts
// to run specs as they would run there (child processes inherit NODE_PATH).
// It is never on the path otherwise: node_modules has no tfjs-node here.
'use strict';
const tf = require('@tensorflow/tfjs');
const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');

if (tf.findBackendFactory('tensorflow') === null) {
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
}
module.exports = tf;
