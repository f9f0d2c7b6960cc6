import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
import { createCnn } from '../src/model/cnn';
import { prepareSamples } from '../src/data/prepare';
import { fit } from '../src/train/train';
async function main() {
  await initBackend('wasm');
  const mnist = await loadMnist({ dir: process.env.MNIST_DATA_DIR });
  const n = Number(process.env.N ?? 1280);
  const xs = tf.tidy(() => tf.tensor4d(mnist.train.images.subarray(0, n * 784), [n, 28, 28, 1], 'float32').div(255));
  const ys = tf.tensor1d(mnist.train.labels.subarray(0, n), 'float32');
  for (const mode of ['mw', 'fit-on', 'mw', 'fit-on', 'fit-off']) {
    process.env.MNIST_WASM_KERNELS = mode === 'fit-off' ? '0' : '1';
    const model = createCnn({ seed: 1 });
    const c = process.cpuUsage(); const t = Date.now();
    let loss: number;
    if (mode === 'mw') { const s = prepareSamples(mnist.train, { limit: n }); const h = await fit(model, s, { epochs: 1, batchSize: 64 }); loss = h.history.loss[0]; }
    else { const h = await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 }); loss = h.history.loss[0] as number; }
    const u = process.cpuUsage(c);
    console.log(mode, ((Date.now() - t) / 1000).toFixed(2), 's wall', ((u.user + u.system) / 1e6).toFixed(2), 's cpu', (((u.user + u.system) / 1e6) / (n / 64) * 1000).toFixed(1), 'ms/batch', 'loss', loss.toFixed(4));
    model.dispose();
  }
}
main();
