/**
 * One benchmark configuration in one fresh Node process, written as a stock
 * TensorFlow.js script: the only thing it takes from the project is
 * `initBackend` (which, on wasm, installs the project's kernels under tfjs;
 * with MNIST_WASM_KERNELS=0 it installs nothing of them). It reads the MNIST
 * IDX files itself, builds the course MLP (or, with --model cnn, the
 * extension's CNN) with tf.sequential exactly as src/model/model.ts and
 * src/model/cnn.ts do, trains it with `model.fit`, then times
 * `model.evaluate` and `model.predict(…).argMax(-1)` on the 10,000 test
 * images. Started by bench/run.ts; prints exactly one JSON line (a
 * `WorkerResult`) to stdout, everything else to stderr. Peak RSS is this
 * process's own, so each configuration is measured from a clean start.
 *
 *   node -r ts-node/register bench/tfjs-worker.ts --data-dir DIR --backend wasm --batch-size 32 --epochs 5 --seed 42
 *   node -r ts-node/register bench/tfjs-worker.ts --data-dir DIR --backend wasm --model cnn --batch-size 64 --epochs 1
 *   node -r ts-node/register bench/tfjs-worker.ts --data-dir DIR --backend wasm --validation-split 0.1   # what the workbook's Step 5 runs
 *   MNIST_WASM_KERNELS=0 node -r ts-node/register bench/tfjs-worker.ts --data-dir DIR   # stock tfjs on wasm
 *   node -r ts-node/register bench/tfjs-worker.ts --backend tensorflow --probe
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { performance } from 'perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { seedMathRandom } from './seed-math-random';
import { initBackend } from '../src/backend/choose-backend';
import type { WorkerResult } from './common';
import { parseFlags } from './flags';

/**
 * Repeats of evaluate and predict; their median is reported. The CNN's passes take seconds each, and stock
 * tfjs' (MNIST_WASM_KERNELS=0) predict of the 10,000 images takes a minute or more on wasm: one.
 */
const INFERENCE_REPEATS = { mlp: 3, cnn: 1, stock: 1 } as const;

const IMAGE_SIDE = 28;
const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;

function emit(result: WorkerResult): void {
  process.stdout.write('\n' + JSON.stringify(result) + '\n');
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function cpuSeconds(): number {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1e6;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}


/** An IDX file's items after its header (16 bytes for images, 8 for labels), checked by its magic number. */
function readIdx(dir: string, name: string, kind: 'images' | 'labels'): { count: number; data: Uint8Array } {
  const gz = path.join(dir, name);
  const plain = gz.replace(/\.gz$/, '');
  if (!fs.existsSync(gz) && !fs.existsSync(plain)) {
    throw new Error(`${name} is not in ${dir}: point --data-dir or MNIST_DATA_DIR at the MNIST files (or run \`npm run data\`).`);
  }
  const raw = fs.existsSync(gz) ? zlib.gunzipSync(fs.readFileSync(gz)) : fs.readFileSync(plain);
  const [magic, header, itemBytes] = kind === 'images' ? [2051, 16, IMAGE_SIZE] : [2049, 8, 1];
  const count = raw.length >= header ? raw.readUInt32BE(4) : 0;
  if (raw.length < header || raw.readUInt32BE(0) !== magic || raw.length !== header + count * itemBytes) {
    throw new Error(`${gz} is not an MNIST ${kind} file (IDX magic ${magic}, ${header}-byte header, ${itemBytes} byte(s) per item): ` +
      'replace it with a good copy.');
  }
  return { count, data: new Uint8Array(raw.buffer, raw.byteOffset + header, raw.length - header) };
}

/** Images as the workbook's Step 2 makes them (float32, divided by 255; [n, 28, 28, 1] for the CNN) and labels as float32. */
function mnistTensors(dir: string, split: 'train' | 't10k', limit: number | undefined, model: 'mlp' | 'cnn'): { x: tf.Tensor; y: tf.Tensor1D } {
  const images = readIdx(dir, `${split}-images-idx3-ubyte.gz`, 'images');
  const labels = readIdx(dir, `${split}-labels-idx1-ubyte.gz`, 'labels');
  if (labels.count !== images.count) throw new Error(`${dir}: ${images.count} ${split} images but ${labels.count} labels.`);
  const count = Math.min(images.count, limit ?? images.count);
  const x = tf.tidy(() => {
    const scaled = tf.tensor2d(images.data.subarray(0, count * IMAGE_SIZE), [count, IMAGE_SIZE], 'float32').div<tf.Tensor2D>(255);
    return model === 'cnn' ? scaled.reshape([count, IMAGE_SIDE, IMAGE_SIDE, 1]) : scaled;
  });
  return { x, y: tf.tensor1d(labels.data.subarray(0, count), 'float32') };
}

/** The course model, as src/model/model.ts's createModel({ seed }) builds it. */
function courseMlp(seed: number): tf.Sequential {
  const model = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.dense({
    name: 'hidden', inputShape: [IMAGE_SIZE], units: 128, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }),
  }));
  model.add(tf.layers.dense({ name: 'output', units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** The extension's CNN, as src/model/cnn.ts's createCnn({ seed }) builds it. */
function courseCnn(seed: number): tf.Sequential {
  const init = (offset: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({ name: 'mnist_cnn' });
  model.add(tf.layers.conv2d({
    name: 'conv1', inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(0),
  }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'hidden', units: 128, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ name: 'output', units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), {
    backend: 'string', 'batch-size': 'number', epochs: 'number', seed: 'number',
    'data-dir': 'string', 'train-limit': 'number', probe: 'boolean', model: 'string', 'validation-split': 'number',
  });
  const modelName = flags.string('model', 'mlp');
  if (modelName !== 'mlp' && modelName !== 'cnn') throw new Error(`--model expects mlp or cnn, got "${modelName}".`);
  const validationSplit = flags.optionalNumber('validation-split');
  const backendName = flags.string('backend', 'wasm');
  let backend: string;
  try {
    backend = (await initBackend(backendName)).name;
  } catch (error) {
    emit({ kind: 'tfjs', ok: false, backend: backendName, error: error instanceof Error ? error.message : String(error) });
    return;
  }
  if (flags.boolean('probe')) {
    const wasm = backend === 'wasm'
      ? { wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), wasmThreads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) }
      : {};
    emit({ kind: 'tfjs', ok: true, backend, probe: true, tfjsVersion: tf.version.tfjs, ...wasm });
    return;
  }

  const batchSize = flags.number('batch-size', 32);
  const epochs = flags.number('epochs', 1);
  const seed = flags.number('seed', 42);
  const limit = flags.optionalNumber('train-limit');
  const dataDir = flags.optionalString('data-dir') ?? process.env.MNIST_DATA_DIR;
  if (dataDir === undefined || dataDir === '') throw new Error('No MNIST directory: pass --data-dir DIR or set MNIST_DATA_DIR.');
  const wasmKernels = backend === 'wasm' ? process.env.MNIST_WASM_KERNELS !== '0' : undefined;
  seedMathRandom(seed);

  const loadStart = performance.now();
  const train = mnistTensors(dataDir, 'train', limit, modelName);
  const test = mnistTensors(dataDir, 't10k', undefined, modelName);
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const model = modelName === 'cnn' ? courseCnn(seed) : courseMlp(seed);
  const tensorsBefore = tf.memory().numTensors;
  const tensorsAfterEpoch: number[] = [];
  const secondsPerEpoch: number[] = [];
  const count = train.x.shape[0];
  const trainCount = validationSplit !== undefined ? Math.floor(count * (1 - validationSplit)) : count;
  const label = `${backend}${wasmKernels === false ? ' (MNIST_WASM_KERNELS=0)' : ''} ${modelName}${validationSplit !== undefined ? ' step-5' : ''}`;

  let epochStart = 0;
  const timer: tf.CustomCallbackArgs = {
    onEpochBegin: async () => { epochStart = performance.now(); },
    onEpochEnd: async (epoch, logs) => {
      secondsPerEpoch.push((performance.now() - epochStart) / 1000);
      tensorsAfterEpoch.push(tf.memory().numTensors);
      const accuracy = logs?.acc ?? logs?.accuracy ?? NaN;
      process.stderr.write(`  ${label} batch ${batchSize} seed ${seed}: epoch ${epoch + 1}/${epochs} ` +
        `${secondsPerEpoch[epoch].toFixed(2)} s, loss ${(logs?.loss ?? NaN).toFixed(4)} acc ${accuracy.toFixed(4)} (${tensorsAfterEpoch[epoch]} tensors)\n`);
    },
  };
  // As the CNN notebook trains it: the last of several epochs at a tenth of the learning rate. Adam reads
  // its (protected) learningRate field at every step, so setting it is the whole schedule.
  const lastEpochSlower: tf.CustomCallbackArgs = {
    onEpochBegin: async (epoch) => {
      if (epoch !== epochs - 1) return;
      const optimizer = model.optimizer as unknown as { learningRate: number };
      optimizer.learningRate = optimizer.learningRate / 10;
      process.stderr.write(`  ${label}: learning rate ${optimizer.learningRate} for the last epoch\n`);
    },
  };
  const callbacks = modelName === 'cnn' && epochs > 1 ? [lastEpochSlower, timer] : [timer];
  const history = await model.fit(train.x, train.y, { epochs, batchSize, validationSplit, callbacks });
  const tensorsAfterFit = tf.memory().numTensors;

  const evaluateMs: number[] = [];
  const predictMs: number[] = [];
  let score = { loss: NaN, accuracy: NaN };
  for (let i = 0; i < INFERENCE_REPEATS[wasmKernels === false ? 'stock' : modelName]; i++) {
    const e = timed(() => {
      const result = model.evaluate(test.x, test.y) as tf.Scalar[];
      const [loss, accuracy] = result.map((t) => t.dataSync()[0]);
      tf.dispose(result);
      return { loss, accuracy };
    });
    score = e.value;
    evaluateMs.push(e.ms);
    predictMs.push(timed(() => {
      const probabilities = model.predict(test.x) as tf.Tensor;
      const labels = probabilities.argMax(-1);
      labels.dataSync();
      tf.dispose([probabilities, labels]);
    }).ms);
  }
  const tensorsAfterInference = tf.memory().numTensors;
  model.dispose();
  tf.dispose([train.x, train.y, test.x, test.y]);

  const numbers = (values: (number | tf.Tensor)[] | undefined): number[] =>
    (values ?? []).map((v) => (typeof v === 'number' ? v : v.dataSync()[0]));
  emit({
    kind: 'tfjs',
    ok: true,
    backend,
    model: modelName,
    validationSplit,
    wasmKernels,
    tfjsVersion: tf.version.tfjs,
    batchSize,
    epochs,
    seed,
    trainSamples: trainCount,
    testSamples: test.y.shape[0],
    loadSeconds,
    secondsPerEpoch,
    trainLoss: numbers(history.history.loss),
    trainAccuracy: numbers(history.history.acc ?? history.history.accuracy),
    testLoss: score.loss,
    testAccuracy: score.accuracy,
    evaluateMs: median(evaluateMs),
    predictMs: median(predictMs),
    tensorsBefore,
    tensorsAfterEpoch,
    tensorsAfterFit,
    tensorsAfterInference,
    tensorsAfterDispose: tf.memory().numTensors,
    peakRssMiB: peakRssMiB(),
    cpuSeconds: cpuSeconds(),
  });
}

main().catch((error: unknown) => {
  process.stderr.write((error instanceof Error ? error.stack ?? error.message : String(error)) + '\n');
  emit({ kind: 'tfjs', ok: false, error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
