import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
import { createModel } from '../src/model/model';
async function main() {
  await initBackend(process.env.B ?? 'wasm');
  const mnist = await loadMnist({ dir: process.env.MNIST_DATA_DIR });
  const n = Number(process.env.N ?? 12800);
  const xs = tf.tidy(() => tf.tensor2d(mnist.train.images.subarray(0, n * 784), [n, 784], 'float32').div(255));
  const ys = tf.tensor1d(mnist.train.labels.subarray(0, n), 'float32');
  const model = createModel({ seed: 1 });
  const t = Date.now(); const c = process.cpuUsage();
  const h = await model.fit(xs, ys, { epochs: 1, batchSize: 32, verbose: 0 });
  const s = (Date.now() - t) / 1000; const u = process.cpuUsage(c); const cpu = (u.user + u.system) / 1e6;
  console.log(`${n} samples: ${s.toFixed(2)} s, cpu ${cpu.toFixed(2)} s, ${(s / (n / 32) * 1000).toFixed(3)} ms/batch, loss ${(h.history.loss[0] as number).toFixed(4)}`);
}
main();
