import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { loadMnist } from '../src/data/mnist';
import { createModel } from '../src/model/model';
async function main() {
  await initBackend('wasm');
  const mnist = await loadMnist({ dir: process.env.MNIST_DATA_DIR });
  const n = 60000;
  const xs = tf.tidy(() => tf.tensor2d(mnist.train.images.subarray(0, n * 784), [n, 784], 'float32').div(255));
  const ys = tf.tensor1d(mnist.train.labels.subarray(0, n), 'float32');
  const model = createModel({ seed: 1 });
  for (const on of ['1', '0', '1']) {
    process.env.MNIST_WASM_KERNELS = on;
    let c = process.cpuUsage();
    const r = model.evaluate(xs, ys) as tf.Scalar[]; const vals = r.map((t) => t.dataSync()[0]); tf.dispose(r);
    let u = process.cpuUsage(c); const ev = (u.user + u.system) / 1e6;
    c = process.cpuUsage();
    const p = tf.tidy(() => (model.predict(xs.slice(0, 10000)) as tf.Tensor).argMax(-1)); p.dispose();
    u = process.cpuUsage(c);
    console.log('kernels', on, 'evaluate 60000', ev.toFixed(2), 's', vals.map((v) => v.toFixed(4)).join(' '), 'predict 10000', ((u.user + u.system) / 1e6).toFixed(2), 's');
  }
}
main();
