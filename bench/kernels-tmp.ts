import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
function cpuMs(f: () => void, n: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000 / n;
}
async function main() {
  await initBackend('wasm');
  const r = (s: number[]) => tf.randomNormal(s);
  const x1 = r([64, 28, 28, 1]), dy1 = r([64, 26, 26, 32]);
  const x2 = r([64, 13, 13, 32]), dy2 = r([64, 11, 11, 64]), w2 = r([3, 3, 32, 64]);
  const p1 = r([64, 13, 13, 32]);
  // A new buffer per call, as in training (the backend caches packed operands per buffer).
  const made: tf.Tensor[] = [];
  const fresh = (t: tf.Tensor): tf.Tensor => { const c = tf.add(t, 0); made.push(c); return c; };
  const cases: [string, () => tf.Tensor][] = [
    ['filterGrad conv1', () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: x1, dy: fresh(dy1) }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 32] } as any) as tf.Tensor],
    ['filterGrad conv2', () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: x2, dy: fresh(dy2) }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] } as any) as tf.Tensor],
    ['inputGrad conv2', () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: fresh(dy2), filter: fresh(w2) }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: [64, 13, 13, 32] } as any) as tf.Tensor],
    ['forward conv2', () => tf.conv2d(x2 as tf.Tensor4D, fresh(w2) as tf.Tensor4D, 1, 'valid')],
    ['copy dy1 (subtract this)', () => fresh(dy1)],
    ['maxPoolGrad 26', () => tf.engine().runKernel(tf.MaxPoolGrad, { dy: p1, input: dy1, output: p1 }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } as any) as tf.Tensor],
    ['sum 26x26x32', () => tf.sum(dy1, [0, 1, 2])],
    ['relu grad 26', () => tf.tidy(() => tf.mul(dy1, tf.cast(tf.step(dy1), 'float32')))],
    ['biasAdd 26', () => tf.add(dy1, tf.ones([32]))],
  ];
  for (const [name, f] of cases) {
    f().dispose();
    const ms = cpuMs(() => { f().dispose(); tf.dispose(made.splice(0)); }, 10);
    console.log(name.padEnd(20), ms.toFixed(2), 'ms cpu');
  }
}
main();
