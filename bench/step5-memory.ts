/**
 * Where the memory of the workbook's Step 5 configuration goes: resident set
 * (now and peak) and the wasm backend's heap after each stage of Steps 2 and 5.
 *
 *   node --expose-gc -r ts-node/register bench/step5-memory.ts [--variant notebook|float32]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/choose-backend';
import { loadMnist } from '../src/data/mnist';
import { createModel } from '../src/model/model';
import { defaultDataDir, parseFlags } from './common';

let ready = false;

function heapMiB(): number {
  if (!ready) return 0;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return backend.wasm === undefined ? 0 : backend.wasm.HEAPU8.length / 2 ** 20;
}

function stage(name: string): void {
  const mib = (n: number): string => n.toFixed(0).padStart(5);
  const usage = process.memoryUsage();
  process.stdout.write(`${name.padEnd(44)} rss ${mib(usage.rss / 2 ** 20)}  peak ${mib(process.resourceUsage().maxRSS / 1024)}` +
    `  wasm heap ${mib(heapMiB())}  js heap ${mib(usage.heapUsed / 2 ** 20)}  array buffers ${mib(usage.arrayBuffers / 2 ** 20)} MiB\n`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { variant: 'string', backend: 'string' });
  const variant = flags.string('variant', 'notebook');
  stage('start (node + ts-node)');
  await initBackend(flags.string('backend', 'wasm'));
  ready = true;
  stage('backend ready');
  const mnist = await loadMnist({ dir: defaultDataDir() });
  const trainSet = mnist.train;
  stage('MNIST loaded (uint8)');
  const xTrain = tf.tidy(() => {
    const raw = variant === 'float32'
      ? tf.tensor2d(trainSet.images, [trainSet.count, 28 * 28], 'float32')
      : tf.tensor2d(trainSet.images, [trainSet.count, 28 * 28]);
    stage(`tensor2d(images${variant === 'float32' ? ", 'float32'" : ''}): ${raw.dtype}`);
    const scaled = raw.div<tf.Tensor2D>(255);
    stage('.div(255) inside the tidy');
    return scaled;
  });
  stage('after the tidy');
  const yTrain = tf.tensor1d(trainSet.labels, 'float32');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    stage('after a full GC');
  }
  const model = createModel({ seed: 42 });
  await model.fit(xTrain, yTrain, { epochs: 1, batchSize: 32, validationSplit: 0.1 });
  stage('after model.fit, 1 epoch, validationSplit 0.1');
  tf.dispose([xTrain, yTrain]);
  model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof Error ? error.stack ?? error.message : String(error)) + '\n');
  process.exitCode = 1;
});
