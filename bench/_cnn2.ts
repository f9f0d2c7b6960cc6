import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
import { createCnn } from '../src/model/cnn';
async function main() {
  await initBackend('wasm');
  const mnist = await loadMnist({ dir: process.env.MNIST_DATA_DIR });
  const n = 1280;
  const xs = tf.tidy(() => tf.tensor4d(mnist.train.images.subarray(0, n * 784), [n, 28, 28, 1], 'float32').div(255));
  const ys = tf.tensor1d(mnist.train.labels.subarray(0, n), 'float32');
  const model = createCnn({ seed: 1 });
  await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 });
  const prof = await tf.profile(async () => { await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 }); });
  const by = new Map<string, [number, number]>();
  for (const k of prof.kernels) { const e = by.get(k.name) ?? [0, 0]; e[0]++; e[1] += k.kernelTimeMs as number; by.set(k.name, e); }
  console.log([...by].sort((a, b) => b[1][1] - a[1][1]).map(([k, [c, t]]) => `${k} ${c} ${t.toFixed(0)}ms`).join('\n'));
}
main();
