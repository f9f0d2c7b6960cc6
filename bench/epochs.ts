/**
 * A/B timing of one change: the course model trained with `fit` on the real
 * 60,000 images for a few epochs, printing seconds and CPU seconds per epoch
 * and the losses. Run it in two checkouts (before and after a change) in the
 * same minutes, alternating, on the same Node.js; equal losses show the
 * change kept the arithmetic. bench/what-was-tried.md's second round of
 * issue 14 was measured this way. With --model-fit it times tfjs' own
 * `model.fit(x, y, { batchSize: 32 })` on the same tensors instead, for the
 * README's and the workbook's comparison of the two.
 *
 *   node -r ts-node/register bench/epochs.ts [--epochs 3] [--seed 42] [--model-fit] [--data-dir DIR]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { kernelsBuild } from '../src/backend/wasm-kernels';
import { loadMnist } from '../src/data/mnist';
import { Samples, prepareSamples } from '../src/data/prepare';
import { createModel } from '../src/model/model';
import { fit } from '../src/train/train';
import { defaultDataDir, parseFlags } from './common';

interface Timed { seconds: number[]; losses: number[] }

async function projectFit(model: tf.LayersModel, train: Samples, epochs: number, seed: number): Promise<Timed> {
  const history = await fit(model, train, { epochs, seed });
  return { seconds: history.secondsPerEpoch, losses: history.history.loss };
}

/** tfjs' own fit on tensors of the same images, batch 32, shuffled. */
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
  const flags = parseFlags(process.argv.slice(2), { epochs: 'number', seed: 'number', 'data-dir': 'string', 'model-fit': 'boolean' });
  const epochs = flags.number('epochs', 3);
  const seed = flags.number('seed', 42);
  const backend = await initBackend('wasm');
  const mnist = await loadMnist({ dir: flags.string('data-dir', defaultDataDir()) });
  const train = prepareSamples(mnist.train);
  const model = createModel({ seed });
  const cpu = process.cpuUsage();
  const { seconds, losses } = flags.boolean('model-fit') ? await tfjsFit(model, train.x, train.y, epochs) : await projectFit(model, train, epochs, seed);
  const used = process.cpuUsage(cpu);
  console.log([
    `${flags.boolean('model-fit') ? 'tfjs model.fit' : 'mw.fit'} on ${backend.name} (kernels: ${kernelsBuild() ?? 'none'}), Node.js ${process.version}`,
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
