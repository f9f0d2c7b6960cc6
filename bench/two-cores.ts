/**
 * What a second core could give a training step on the wasm backend, which
 * tfjs-backend-wasm 4.22 runs on one thread in Node. Measures, for the MLP
 * or the CNN at a batch size B:
 *
 *   one thread:  N steps at batch B;
 *   two threads: N steps at batch B/2 on this thread while a worker thread
 *                (its own tfjs and wasm backend) runs N steps at B/2 — the
 *                data-parallel halves of each batch;
 *   exchange:    what each step would add: the weights copied into a
 *                SharedArrayBuffer and out again (both directions), and an
 *                Atomics wake-up round trip with the worker.
 *
 * and prints the estimated speed-up, (one thread) ÷ (two threads + exchange).
 * Not a training implementation: the halves' gradients are not combined;
 * it tells whether building that is worth it on a given machine. Run it on
 * an otherwise idle machine:
 *
 *   node -r ts-node/register bench/two-cores.ts cnn 64 40
 *   node -r ts-node/register bench/two-cores.ts mlp 32 2000
 */
import { performance } from 'perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
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

interface Job { kind: 'mlp' | 'cnn'; batch: number; steps: number; control?: SharedArrayBuffer }

async function stepRunner(kind: 'mlp' | 'cnn', batch: number): Promise<{ run: () => void; model: tf.LayersModel }> {
  await initBackend('wasm');
  const model = kind === 'cnn' ? createCnn() : createModel();
  const step = fitsTrainFunction(model);
  const x = new Float32Array(batch * 784).map(() => Math.random());
  const y = new Float32Array(batch).map(() => Math.floor(Math.random() * 10));
  const run = (): void => tf.tidy(() => step([inputTensor(model, x, batch), tf.tensor1d(y, 'float32')])).forEach((t) => t.dispose());
  for (let i = 0; i < 3; i++) run();
  return { run, model };
}

function timeSteps(run: () => void, steps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) run();
  return (performance.now() - t0) / steps;
}

/** Blocks until control[index] holds `value`. */
function waitFor(control: Int32Array, index: number, value: number): void {
  for (let now = Atomics.load(control, index); now !== value; now = Atomics.load(control, index)) Atomics.wait(control, index, now, 100);
}

const ROUND_TRIPS = 200;

async function worker(job: Job): Promise<void> {
  const { run } = await stepRunner(job.kind, job.batch);
  const control = new Int32Array(job.control as SharedArrayBuffer);
  // Ready; wait for the start signal, then run the steps.
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
  waitFor(control, 1, 1);
  const ms = timeSteps(run, job.steps);
  parentPort?.postMessage(ms);
  // Ping-pong: answer each wake-up from the main thread.
  for (let i = 1; i <= ROUND_TRIPS; i++) {
    waitFor(control, 2, 2 * i);
    Atomics.store(control, 2, 2 * i + 1);
    Atomics.notify(control, 2);
  }
}

async function main(): Promise<void> {
  const kind = (process.argv[2] ?? 'cnn') as 'mlp' | 'cnn';
  const batch = Number(process.argv[3] ?? (kind === 'cnn' ? 64 : 32));
  const steps = Number(process.argv[4] ?? (kind === 'cnn' ? 40 : 2000));
  const half = Math.ceil(batch / 2);

  const full = await stepRunner(kind, batch);
  const oneThread = timeSteps(full.run, steps);
  const weights = full.model.getWeights();
  const count = weights.reduce((n, w) => n + w.size, 0);

  // Exchange: weights out to shared memory and gradients back, both as plain copies.
  const shared = new Float32Array(new SharedArrayBuffer(count * 4));
  const local = new Float32Array(count);
  const copies = 50;
  const c0 = performance.now();
  for (let i = 0; i < copies; i++) {
    let at = 0;
    for (const w of weights) {
      shared.set(w.dataSync() as Float32Array, at);
      at += w.size;
    }
    local.set(shared);
  }
  const copyMs = (performance.now() - c0) / copies;

  const halfRun = await stepRunner(kind, half);
  const control = new Int32Array(new SharedArrayBuffer(16));
  const job: Job = { kind, batch: half, steps, control: control.buffer as SharedArrayBuffer };
  const thread = new Worker(__filename, { workerData: job, execArgv: process.execArgv });
  const workerMs = new Promise<number>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
  });
  const finished = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  while (Atomics.load(control, 0) !== 1) await new Promise((r) => setTimeout(r, 20));
  Atomics.store(control, 1, 1);
  Atomics.notify(control, 1);
  const mainMs = timeSteps(halfRun.run, steps);
  const otherMs = await workerMs;
  // Round trips: wake the worker and wait for its answer.
  const p0 = performance.now();
  for (let i = 1; i <= ROUND_TRIPS; i++) {
    Atomics.store(control, 2, 2 * i);
    Atomics.notify(control, 2);
    waitFor(control, 2, 2 * i + 1);
  }
  const pingMs = (performance.now() - p0) / ROUND_TRIPS;
  await finished;

  const twoThreads = Math.max(mainMs, otherMs);
  const estimate = twoThreads + copyMs + pingMs;
  const line = (label: string, ms: number): string => `  ${label.padEnd(46)} ${ms.toFixed(3)} ms`;
  console.log(`${kind}, batch ${batch} (${count.toLocaleString('en-US')} weights), ${steps} steps each:`);
  console.log(line(`one thread, batch ${batch}`, oneThread));
  console.log(line(`two threads at once, batch ${half} each (this / worker)`, mainMs) + ` / ${otherMs.toFixed(3)} ms`);
  console.log(line('exchange: weights out and back through shared memory', copyMs));
  console.log(line('exchange: one wake-up round trip', pingMs));
  console.log(`  estimated data-parallel step ${estimate.toFixed(3)} ms: ${(oneThread / estimate).toFixed(2)}× the one-thread step`);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  void worker(workerData as Job);
}
