import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
function cpu(name: string, f: () => void, n = 10) {
  f(); const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const d = process.cpuUsage(t0); console.log(name.padEnd(34), ((d.user + d.system) / 1000 / n).toFixed(2));
}
async function main() {
  await initBackend('wasm');
  const a = tf.randomNormal([1, 64, 7744]), p = tf.randomNormal([1, 7744, 288]);
  const pT = tf.randomNormal([288, 7744]), dy = tf.randomNormal([7744, 64]);
  for (let rep = 0; rep < 2; rep++) {
    cpu('64x7744 . 7744x288 same b', () => tf.matMul(a, p).dispose());
    cpu('64x7744 . 7744x288 fresh b', () => { const q = p.add(0); tf.matMul(a, q).dispose(); q.dispose(); });
    cpu('copy 7744x288 (add 0)', () => { p.add(0).dispose(); });
    cpu('288x7744 . 7744x64 fresh b', () => { const q = dy.add(0); tf.matMul(pT, q).dispose(); q.dispose(); });
    cpu('transpose dy 7744x64', () => tf.transpose(dy).dispose());
    const x1 = tf.randomNormal([1, 43264, 9]), dy1 = tf.randomNormal([1, 32, 43264]);
    cpu('conv1: 32x43264 . 43264x9 fresh b', () => { const q = x1.add(0); tf.matMul(dy1, q).dispose(); q.dispose(); });
    cpu('conv1: transpose dy 43264x32', () => tf.transpose(dy1.reshape([32, 43264])).dispose());
  }
}
main();
