/**
 * One benchmark configuration in one fresh Node process: trains the course
 * MLP (or, with --model cnn, createCnn's CNN) on MNIST with one tfjs backend
 * and batch size, then times evaluate
 * and predict on the 10,000 test images. Started by bench/run.ts; prints
 * exactly one JSON line (a `WorkerResult`) to stdout, everything else to
 * stderr. Peak RSS is this process's own, so each configuration is measured
 * from a clean start.
 *
 *   node -r ts-node/register bench/tfjs-worker.ts --backend wasm --batch-size 32 --epochs 5 --seed 42
 *   node -r ts-node/register bench/tfjs-worker.ts --backend wasm --model cnn --batch-size 64 --epochs 1
 *   node -r ts-node/register bench/tfjs-worker.ts --backend wasm --validation-split 0.1   # what the workbook's Step 5 runs
 *   node -r ts-node/register bench/tfjs-worker.ts --backend tensorflow --probe
 */
import { performance } from 'perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend/backend';
import { ImageSet, loadMnist } from '../src/data/mnist';
import { Samples, prepareSamples } from '../src/data/prepare';
import { createModel } from '../src/model/model';
import { createCnn } from '../src/model/cnn';
import { fit, FitOptions } from '../src/train/train';
import { learningRateScheduler } from '../src/train/callbacks';
import { evaluate } from '../src/evaluate/evaluate';
import { predictLabels } from '../src/evaluate/predict';
import { WorkerResult, defaultDataDir, median, parseFlags } from './common';

/** Repeats of evaluate and predict; their median is reported. The CNN's passes take seconds each: one. */
const INFERENCE_REPEATS = { mlp: 3, cnn: 1 } as const;

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

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

/**
 * The training tensors as the workbook's Step 2 cell makes them from the loaded bytes (a float32
 * tensor of the uint8 images, divided by 255), and its labels as float32, as model.fit takes them.
 */
function step2Tensors(trainSet: ImageSet, limit: number | undefined): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const count = Math.min(trainSet.count, limit ?? trainSet.count);
  const images = trainSet.images.subarray(0, count * 28 * 28);
  return {
    x: tf.tidy(() => tf.tensor2d(images, [count, 28 * 28], 'float32').div<tf.Tensor2D>(255)),
    y: tf.tensor1d(trainSet.labels.subarray(0, count), 'float32'),
  };
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
  const dataDir = flags.string('data-dir', defaultDataDir());

  const loadStart = performance.now();
  const mnist = await loadMnist({ dir: dataDir });
  const test = prepareSamples(mnist.test);
  // Step 5 of the workbook trains on the tensors its Step 2 cell made, and nothing else: no Samples of
  // the training set stay alive beside them (their 188 MB would count in the peak RSS).
  const data: { samples: Samples } | { tensors: { x: tf.Tensor2D; y: tf.Tensor1D } } = validationSplit === undefined
    ? { samples: prepareSamples(mnist.train, { limit }) }
    : { tensors: step2Tensors(mnist.train, limit) };
  const asTensors = 'tensors' in data ? data.tensors : undefined;
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const model = modelName === 'cnn' ? createCnn({ seed }) : createModel({ seed });
  const tensorsBefore = tf.memory().numTensors;
  const tensorsAfterEpoch: number[] = [];
  const count = 'tensors' in data ? data.tensors.x.shape[0] : data.samples.count;
  const trainCount = validationSplit !== undefined ? Math.floor(count * (1 - validationSplit)) : count;
  const fitOptions: FitOptions = {
    epochs, batchSize, seed, validationSplit,
    // As the CNN notebook trains it: the last of several epochs at a tenth of the learning rate.
    callbacks: [
      ...(modelName === 'cnn' && epochs > 1 ? [learningRateScheduler((epoch, rate) => (epoch === epochs - 1 ? rate / 10 : rate))] : []),
      {
        onEpochEnd: (epoch, logs) => {
          tensorsAfterEpoch.push(tf.memory().numTensors);
          process.stderr.write(`  ${backend} ${modelName}${asTensors ? ' step-5' : ''} batch ${batchSize} seed ${seed}: epoch ${epoch + 1}/${epochs} ` +
            `loss ${logs.loss.toFixed(4)} acc ${logs.accuracy.toFixed(4)} (${tensorsAfterEpoch[epoch]} tensors)\n`);
        },
      },
    ],
  };
  const history = 'tensors' in data
    ? await fit(model, data.tensors.x, data.tensors.y, fitOptions)
    : await fit(model, data.samples, fitOptions);

  const evaluateMs: number[] = [];
  const predictMs: number[] = [];
  let score = { loss: NaN, accuracy: NaN };
  for (let i = 0; i < INFERENCE_REPEATS[modelName]; i++) {
    const e = timed(() => evaluate(model, test));
    score = e.value;
    evaluateMs.push(e.ms);
    predictMs.push(timed(() => predictLabels(model, test)).ms);
  }
  const tensorsAfterInference = tf.memory().numTensors;
  model.dispose();
  if (asTensors !== undefined) tf.dispose([asTensors.x, asTensors.y]);

  emit({
    kind: 'tfjs',
    ok: true,
    backend,
    model: modelName,
    validationSplit,
    tfjsVersion: tf.version.tfjs,
    batchSize,
    epochs,
    seed,
    trainSamples: trainCount,
    testSamples: test.count,
    loadSeconds,
    secondsPerEpoch: history.secondsPerEpoch,
    trainLoss: history.history.loss,
    trainAccuracy: history.history.accuracy,
    testLoss: score.loss,
    testAccuracy: score.accuracy,
    evaluateMs: median(evaluateMs),
    predictMs: median(predictMs),
    tensorsBefore,
    tensorsAfterEpoch,
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
