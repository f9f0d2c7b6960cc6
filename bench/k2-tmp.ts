import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { wasmKernels, heapOffset } from '../src/wasm-kernels';
async function main() {
  await initBackend('wasm');
  const k = wasmKernels()!;
  const b = tf.backend() as any;
  const x = tf.randomNormal([64, 26, 26, 32]), dy = tf.randomNormal([64, 13, 13, 32]), dx = tf.zeros([64, 26, 26, 32]);
  const patches = tf.zeros([7744, 288]); const x2 = tf.randomNormal([64, 13, 13, 32]);
  for (let rep = 0; rep < 3; rep++) {
    let t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) k.maxPoolGrad(heapOffset(b, x), heapOffset(b, dy), heapOffset(b, dx), 64, 26, 26, 32, 13, 13, 2, 2, 2, 2, 0, 0);
    let d = process.cpuUsage(t0); console.log('maxPoolGrad', ((d.user + d.system) / 1e4).toFixed(2));
    t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) k.im2col(heapOffset(b, x2), heapOffset(b, patches), 64, 13, 13, 32, 3, 3, 11, 11, 1, 1, 1, 1, 0, 0);
    d = process.cpuUsage(t0); console.log('im2col', ((d.user + d.system) / 1e4).toFixed(2));
    t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) k.sumRows(heapOffset(b, x), heapOffset(b, dy), 43264, 32);
    d = process.cpuUsage(t0); console.log('sumRows', ((d.user + d.system) / 1e4).toFixed(2));
    const a = tf.randomNormal([1, 64, 7744]), p3 = patches.reshape([1, 7744, 288]);
    t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) tf.matMul(a, p3).dispose();
    d = process.cpuUsage(t0); console.log('matmul 64x7744x288', ((d.user + d.system) / 1e4).toFixed(2));
    const pT = tf.randomNormal([288, 7744]), dyr = tf.randomNormal([7744, 64]);
    t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) tf.matMul(pT, dyr).dispose();
    d = process.cpuUsage(t0); console.log('matmul 288x7744x64', ((d.user + d.system) / 1e4).toFixed(2));
    t0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) tf.transpose(patches).dispose();
    d = process.cpuUsage(t0); console.log('transpose 7744x288', ((d.user + d.system) / 1e4).toFixed(2));
  }
}
main();
