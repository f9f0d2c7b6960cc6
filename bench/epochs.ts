/**
 * A/B timing of one change: the course model trained with tfjs' own
 * `model.fit(x, y, { batchSize: 32 })` on the real 60,000 images for a few
 * epochs, printing seconds and CPU seconds per epoch and the losses. Run it
 * in two checkouts (before and after a change) in the same minutes,
 * alternating, on the same Node.js; equal losses show the change kept the
 * arithmetic (Math.random, which fit shuffles with, is seeded by --seed).
 * With MNIST_WASM_KERNELS=0 in the environment it times stock tfjs.
 * bench/what-was-tried.md's second round of issue 14 was measured this way
 * (then with the project's own loop, since removed).
 *
 *   node -r ts-node/register bench/epochs.ts [--epochs 3] [--seed 42] [--data-dir DIR]
 */
import * as tf from '@tensorflow/tfjs';
import { seedMathRandom } from './seed-math-random';
import { initBackend } from '../src/backend/choose-backend';
import { kernelsBuild } from '../src/backend/wasm-kernels';
import { loadMnist } from '../src/data/mnist';
import { prepareSamples } from '../src/data/prepare';
import { createModel } from '../src/model/model';
import { defaultDataDir, parseFlags } from './common';

interface Timed { seconds: number[]; losses: number[] }


/** tfjs' own fit on tensors of the images, batch 32, shuffled. */
async function tfjsFit(model: tf.LayersModel, x: Float32Array, labels: Uint8Array, epochs: number): Promise<Timed> {
  const xs = tf.tensor2d(x, [labels.length, x.length / labels.length]);
  const ys = tf.tensor1d(labels, 'float32');
  const seconds: number[] = [];
  let started = Date.now();
  const history = await model.fit(xs, ys, {
    epochs, batchSize: 32, shuffle: true, verbose: 0,
    callbacks: {
      onEpochBegin: async () => { started = Date.now(); },
      onEpochEnd: async () => { seconds.push((Date.now() - started) / 1000); },
    },
  });
  tf.dispose([xs, ys]);
  return { seconds, losses: history.history.loss as number[] };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { epochs: 'number', seed: 'number', 'data-dir': 'string' });
  const epochs = flags.number('epochs', 3);
  const seed = flags.number('seed', 42);
  seedMathRandom(seed);
  const backend = await initBackend('wasm');
  const mnist = await loadMnist({ dir: flags.string('data-dir', defaultDataDir()) });
  const train = prepareSamples(mnist.train);
  const model = createModel({ seed });
  const cpu = process.cpuUsage();
  const { seconds, losses } = await tfjsFit(model, train.x, train.y, epochs);
  const used = process.cpuUsage(cpu);
  console.log([
    `tfjs model.fit on ${backend.name} (kernels: ${kernelsBuild() ?? 'none'}), Node.js ${process.version}`,
    `s/epoch ${seconds.map((s) => s.toFixed(2)).join(' ')}`,
    `CPU s/epoch ${((used.user + used.system) / 1e6 / epochs).toFixed(2)}`,
    `loss ${losses.map((l) => l.toFixed(4)).join(' ')}`,
  ].join(' · '));
  model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
