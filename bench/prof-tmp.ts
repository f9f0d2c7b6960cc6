import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { createModel } from '../src/model';
import { createCnn } from '../src/cnn';
import { trainStepFor } from '../src/train-step';
import { inputTensor } from '../src/model-input';
async function main() {
  await initBackend('wasm');
  const kind = process.argv[2] ?? 'mlp';
  const batch = Number(process.argv[3] ?? 32);
  const model = kind === 'cnn' ? createCnn() : createModel();
  const step = trainStepFor(model);
  const xv = new Float32Array(batch * 784).map(() => Math.random());
  const yv = new Int32Array(batch).map(() => Math.floor(Math.random() * 10));
  const run = () => tf.tidy(() => { const r = step(inputTensor(model, xv, batch), tf.tensor1d(yv, 'int32')); return [r.lossSum, r.correct]; }).forEach((t) => t.dispose());
  for (let i = 0; i < 5; i++) run();
  const agg = new Map<string, number>();
  const reps = Number(process.argv[4] ?? 5);
  for (let i = 0; i < reps; i++) {
    const p = await tf.profile(() => { run(); });
    for (const k of p.kernels) {
      const key = k.name + ' ' + JSON.stringify(k.inputShapes);
      agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number) / reps);
    }
  }
  const rows = [...agg.entries()].sort((a, b) => b[1] - a[1]);
  let total = 0; for (const [, v] of rows) total += v;
  console.log('total kernel ms', total.toFixed(2), 'kernels', rows.length);
  for (const [k, v] of rows.slice(0, 25)) console.log(v.toFixed(3).padStart(8), k);
}
main();
