import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
function build(kind: string): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  if (kind === 'course') {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }), tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) })] });
    m.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }); return m;
  }
  if (kind === 'tanh') {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 64, activation: 'tanh', kernelInitializer: init(1) }), tf.layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: init(3) }), tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) })] });
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }); return m;
  }
  if (kind === 'dropout') {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }), tf.layers.dropout({ rate: 0.3, seed: 7 }), tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) })] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }); return m;
  }
  const input = tf.input({ shape: [784] });
  const h = tf.layers.dense({ units: 100, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  const r = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  const o = tf.layers.dense({ units: 10, kernelInitializer: init(2) }).apply(r) as tf.SymbolicTensor;
  const s = tf.layers.activation({ activation: 'softmax' }).apply(o) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: s });
  m.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] }); return m;
}
async function main() {
  await initBackend('wasm');
  const mnist = await loadMnist({ dir: process.env.MNIST_DATA_DIR });
  const n = Number(process.env.N ?? 3200);
  const xs = tf.tidy(() => tf.tensor2d(mnist.train.images.subarray(0, n * 784), [n, 784], 'float32').div(255));
  const ys = tf.tensor1d(mnist.train.labels.subarray(0, n), 'float32');
  const oh = tf.oneHot(tf.tensor1d(mnist.train.labels.subarray(0, n), 'int32'), 10);
  for (const kind of (process.env.KINDS ?? 'course,tanh,dropout,functional').split(',')) {
    const results: { loss: number[]; w: Float32Array[]; s: number }[] = [];
    for (const on of ['1', '0']) {
      process.env.MNIST_WASM_KERNELS = on;
      Math.random = (() => { let s = 1; return () => (s = (s * 16807) % 2147483647) / 2147483647; })();
      tf.util.shuffle = ((orig) => orig)(tf.util.shuffle);
      const model = build(kind);
      const t = Date.now();
      const h = await model.fit(xs, kind === 'functional' ? oh : ys, { epochs: 2, batchSize: 32, validationSplit: 0.1, verbose: 0 });
      const s = (Date.now() - t) / 1000;
      results.push({ loss: [...(h.history.loss as number[]), ...(h.history.val_loss as number[]), ...(h.history.acc ?? h.history.accuracy) as number[]], w: model.getWeights().map((w) => w.dataSync() as Float32Array), s });
      model.dispose();
    }
    const [a, b] = results;
    let maxDiff = 0; a.w.forEach((w, i) => w.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - b.w[i][j])); }));
    console.log(kind, 'on', a.loss.map((v) => v.toFixed(5)).join(' '), a.s.toFixed(2) + 's', '| off', b.loss.map((v) => v.toFixed(5)).join(' '), b.s.toFixed(2) + 's', '| max weight diff', maxDiff.toExponential(2), 'tensors', tf.memory().numTensors);
  }
}
main();
