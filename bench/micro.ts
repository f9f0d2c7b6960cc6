/**
 * Micro-benchmark of one training step (no data loading, random batch):
 * `node -r ts-node/register bench/micro.ts mlp|cnn [batch] [steps]`. The step
 * is the one `model.fit` runs for each batch: the function it gets from the
 * model's `makeTrainFunction()` (with the project's kernels, the hand-written
 * Dense step and fused Adam; with MNIST_WASM_KERNELS=0, tfjs' own). Reports
 * wall and CPU milliseconds per step; CPU time is the steadier figure on a
 * busy machine, since the wasm backend runs on one thread.
 */
import { performance } from 'perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/choose-backend';
import { createModel } from '../src/model/model';
import { createCnn } from '../src/model/cnn';
import { inputTensor } from '../src/model/model-input';

/**
 * What model.fit trains each batch with: tfjs-layers' makeTrainFunction (private in its types), made once per
 * fit. A tf.sequential model trains the LayersModel it wraps (its `model` field), so that one is asked.
 */
type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];
function fitsTrainFunction(model: tf.LayersModel): TrainFunction {
  const trained = (model as unknown as { model?: tf.LayersModel }).model ?? model;
  return (trained as unknown as { makeTrainFunction(): TrainFunction }).makeTrainFunction();
}

async function main() {
  await initBackend('wasm');
  const kind = process.argv[2] ?? 'mlp';
  const batch = Number(process.argv[3] ?? 32);
  const iters = Number(process.argv[4] ?? 300);
  const model = kind === 'cnn' ? createCnn() : createModel();
  const step = fitsTrainFunction(model);
  const xv = new Float32Array(batch * 784).map(() => Math.random());
  // Labels as float32, as the workbook's Step 2 makes yTrain for model.fit.
  const yv = new Float32Array(batch).map(() => Math.floor(Math.random() * 10));
  const run = () => tf.tidy(() => step([inputTensor(model, xv, batch), tf.tensor1d(yv, 'float32')])).forEach((t) => t.dispose());
  for (let i = 0; i < 20; i++) run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) run();
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / iters);
    cpu.push((c.user + c.system) / 1000 / iters);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`${kind} batch ${batch}: ms/step wall min ${times[0].toFixed(3)} median ${times[2].toFixed(3)}; ` +
    `CPU ms/step median ${cpu[2].toFixed(3)}; tensors ${tf.memory().numTensors}`);
}
main();
