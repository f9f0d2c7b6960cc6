/**
 * Training, as Keras' `model.fit` does it: epochs of shuffled mini-batches
 * (32 by default), Adam steps on the compiled optimizer, and a History of
 * loss and accuracy (and their validation twins) per epoch.
 *
 * Why not tfjs' own `fit`: it reads the loss back from the backend after
 * every batch and builds each batch through several tensor copies, which on
 * the wasm backend costs more than the arithmetic. This loop keeps the
 * running sums on the backend and reads them only for progress reports.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { seededRandom, shuffledIndices } from './random';
import { trainStepFor } from './train-step';
import { evaluate } from '../evaluate/evaluate';
import { inputTensor, valuesPerInput } from '../model/model-input';
import { DEFAULT_SEED } from '../model/model';
import { TRAINING_DEFAULTS } from './training-defaults';
import { TrainingInterrupted, watchInterrupts } from './interrupt';

export interface EpochLogs {
  loss: number;
  accuracy: number;
  val_loss?: number;
  val_accuracy?: number;
}

/** Keras' History: per-epoch metrics, named as Keras names them. */
export interface History {
  epoch: number[];
  history: {
    loss: number[];
    accuracy: number[];
    val_loss?: number[];
    val_accuracy?: number[];
  };
  /** Wall-clock seconds each epoch took, validation included. */
  secondsPerEpoch: number[];
  /** With earlyStopping(): the 0-based epoch with the best watched metric, whose weights the model kept. */
  bestEpoch?: number;
  /** With learningRateScheduler(): the rate each epoch trained with. */
  learningRate?: number[];
  /** What the run was asked for, as Keras' History.params: epochs, batch size, and how many samples trained and validated. */
  params?: { epochs: number; batchSize: number; samples: number; validationSamples: number };
}

export interface BatchProgress {
  /** 0-based epoch. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch. */
  batch: number;
  batches: number;
  /** Running means over this epoch so far. */
  loss: number;
  accuracy: number;
  /** Seconds since this epoch began. */
  elapsed: number;
}

/** What a callback learns as training begins: the run's size, and the model and History it may act on (as Keras' `set_model`). */
export interface TrainBegin {
  epochs: number;
  batches: number;
  samples: number;
  model: tf.LayersModel;
  history: History;
}

/**
 * Keras' callbacks, as `fit` calls them. A callback stops training as in
 * Keras and tfjs, with `model.stopTraining = true`; see callbacks.ts for
 * earlyStopping and learningRateScheduler.
 */
export interface TrainingCallbacks {
  onTrainBegin?: (info: TrainBegin) => void | Promise<void>;
  onEpochBegin?: (epoch: number, history: History) => void | Promise<void>;
  /** Called every `progressInterval` ms and at the end of each epoch. */
  onBatchProgress?: (progress: BatchProgress) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: EpochLogs, history: History) => void | Promise<void>;
  onTrainEnd?: (history: History) => void | Promise<void>;
  /** Training ended by an error or a Kernel → Interrupt instead: free what the callback holds. */
  onTrainAbort?: (error: unknown) => void;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Seed for the order of the samples in each epoch. */
  seed?: number;
  /** Samples to evaluate after each epoch (val_loss, val_accuracy). */
  validationData?: Samples;
  /**
   * Keras' and tfjs' `validationSplit`: hold back the LAST fraction of the
   * samples (before any shuffling) and evaluate on it after each epoch.
   */
  validationSplit?: number;
  callbacks?: TrainingCallbacks | TrainingCallbacks[];
  /** Milliseconds between progress reports; each report reads back two numbers. */
  progressInterval?: number;
}

function validateFitInput(model: tf.LayersModel, samples: Samples, epochs: number, batchSize: number): void {
  const expected = valuesPerInput(model);
  if (samples.features !== expected) {
    throw new Error(`The model expects ${expected} values per image but the samples have ${samples.features}. ` +
      'Flatten and normalize the images with prepareSamples() first.');
  }
  if (samples.x.length !== samples.count * samples.features || samples.y.length !== samples.count) {
    throw new Error(`Samples are inconsistent: ${samples.count} samples need ${samples.count * samples.features} ` +
      `pixel values and ${samples.count} labels, found ${samples.x.length} and ${samples.y.length}.`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Expected epochs to be a whole number ≥ 1, got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`Expected a batch size that is a whole number ≥ 1, got ${batchSize}.`);
  }
}

/**
 * Holds back the last `fraction` of the samples, cut where tfjs' and Keras'
 * `validationSplit` cut: the first floor(count · (1 − fraction)) train.
 */
function holdOut(samples: Samples, fraction: number): { train: Samples; validation: Samples } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected validationSplit to be a fraction between 0 and 1 (e.g. 0.1), got ${fraction}.`);
  }
  const count = Math.floor(samples.count * (1 - fraction));
  if (count < 1 || count >= samples.count) {
    throw new Error(`A validationSplit of ${fraction} leaves ${count} of ${samples.count} samples for training; ` +
      'both the training and the validation part need at least one.');
  }
  const cut = count * samples.features;
  const part = (x: Float32Array, y: Uint8Array, n: number): Samples => ({ x, y, count: n, features: samples.features });
  return {
    train: part(samples.x.subarray(0, cut), samples.y.subarray(0, count), count),
    validation: part(samples.x.subarray(cut), samples.y.subarray(count), samples.count - count),
  };
}

/** Images and labels given as tensors, as tfjs' `model.fit(x, y)` takes them, read back into Samples. */
function samplesFromTensors(x: tf.Tensor, y: tf.Tensor): Samples {
  if (!(y instanceof tf.Tensor)) {
    throw new Error('fit(model, x, y, options) needs the labels y as a tensor too, e.g. tf.tensor1d(trainSet.labels, \'int32\').');
  }
  const count = x.shape[0] ?? 0;
  const features = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const labels = y.shape.length === 2 && y.shape[1] === 1 ? y.shape[0] : y.shape.length === 1 ? y.shape[0] : -1;
  if (x.rank < 2 || count < 1) {
    throw new Error(`Expected x as a tensor of images, one per row (e.g. shape [count, 784]), got shape [${x.shape.join(', ')}].`);
  }
  if (labels !== count) {
    throw new Error(`Expected y to hold one label per image, shape [${count}], got shape [${y.shape.join(', ')}]. ` +
      'Pass the digits 0–9 themselves (sparse labels), not one-hot rows.');
  }
  const values = y.dataSync();
  for (let i = 0; i < values.length; i++) {
    // Labels are class numbers; Samples hold them as bytes.
    if (!(Number.isInteger(values[i]) && values[i] >= 0 && values[i] < 256)) {
      throw new Error(`Expected whole-number labels such as the digits 0–9 in y, found ${values[i]} at position ${i}.`);
    }
  }
  const data = x.dataSync();
  return { x: data instanceof Float32Array ? data : Float32Array.from(data), y: Uint8Array.from(values), count, features };
}

/**
 * Trains `model` (compiled, e.g. by createModel) and returns its History.
 * Two forms: `fit(model, samples, options)`, and the form of tfjs'
 * `model.fit`: `fit(model, x, y, { epochs, batchSize, validationSplit })`
 * with the images and labels as tensors.
 */
export async function fit(model: tf.LayersModel, samples: Samples, options?: FitOptions): Promise<History>;
export async function fit(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options?: FitOptions): Promise<History>;
export async function fit(
  model: tf.LayersModel, data: Samples | tf.Tensor, labelsOrOptions?: tf.Tensor | FitOptions, tensorOptions?: FitOptions,
): Promise<History> {
  const fromTensors = data instanceof tf.Tensor;
  const options = (fromTensors ? tensorOptions : (labelsOrOptions as FitOptions | undefined)) ?? {};
  const samples = fromTensors ? samplesFromTensors(data, labelsOrOptions as tf.Tensor) : data;
  if (options.validationSplit !== undefined) {
    if (options.validationData !== undefined) throw new Error('Pass either validationSplit or validationData, not both.');
    const { train, validation } = holdOut(samples, options.validationSplit);
    return fitSamples(model, train, { ...options, validationSplit: undefined, validationData: validation });
  }
  return fitSamples(model, samples, options);
}

async function fitSamples(model: tf.LayersModel, samples: Samples, options: FitOptions): Promise<History> {
  const epochs = options.epochs ?? TRAINING_DEFAULTS.epochs;
  const batchSize = options.batchSize ?? TRAINING_DEFAULTS.batchSize;
  validateFitInput(model, samples, epochs, batchSize);
  const callbacks = options.callbacks === undefined ? [] : ([] as TrainingCallbacks[]).concat(options.callbacks);
  const trainEpoch = epochTrainer(model, samples, batchSize, options, callbacks);
  const validation = options.validationData;
  const history: History = {
    epoch: [], history: { loss: [], accuracy: [], ...(validation ? { val_loss: [], val_accuracy: [] } : {}) }, secondsPerEpoch: [],
    params: { epochs, batchSize, samples: samples.count, validationSamples: validation?.count ?? 0 },
  };
  model.stopTraining = false;
  const batches = Math.ceil(samples.count / batchSize);
  for (const cb of callbacks) await cb.onTrainBegin?.({ epochs, batches, samples: samples.count, model, history });
  try {
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, history);
      const started = Date.now();
      const logs: EpochLogs = await trainEpoch(epoch, epochs);
      if (validation !== undefined) Object.assign(logs, validationLogs(evaluate(model, validation)));
      record(history, epoch, logs, (Date.now() - started) / 1000);
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, history);
    }
  } catch (err) {
    // An interrupt or a failing callback: let each callback free what it holds (e.g. early stopping's snapshot).
    for (const cb of callbacks) cb.onTrainAbort?.(err);
    throw err;
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history);
  return history;
}

function validationLogs(val: { loss: number; accuracy: number }): Pick<EpochLogs, 'val_loss' | 'val_accuracy'> {
  return { val_loss: val.loss, val_accuracy: val.accuracy };
}

/** Appends one epoch's logs to the History, under Keras' names. */
function record(history: History, epoch: number, logs: EpochLogs, seconds: number): void {
  history.epoch.push(epoch);
  history.history.loss.push(logs.loss);
  history.history.accuracy.push(logs.accuracy);
  if (logs.val_loss !== undefined) history.history.val_loss?.push(logs.val_loss);
  if (logs.val_accuracy !== undefined) history.history.val_accuracy?.push(logs.val_accuracy);
  history.secondsPerEpoch.push(seconds);
}

/**
 * One epoch of shuffled mini-batches, one optimizer step each: returns the
 * epoch's mean loss and accuracy, and reports progress to the callbacks
 * every `progressInterval` ms and at the end.
 */
function epochTrainer(
  model: tf.LayersModel, samples: Samples, batchSize: number, options: FitOptions, callbacks: TrainingCallbacks[],
): (epoch: number, epochs: number) => Promise<EpochLogs> {
  if (model.optimizer === undefined || model.optimizer === null) {
    throw new Error('The model has no optimizer: compile it first (createModel() does).');
  }
  const interrupted = watchInterrupts();
  const progressInterval = options.progressInterval ?? 250;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const step = trainStepFor(model);
  const { features } = samples;
  const batches = Math.ceil(samples.count / batchSize);
  const xBuffer = new Float32Array(batchSize * features);
  const yBuffer = new Int32Array(batchSize);
  return async (epoch, epochs) => {
    const started = Date.now();
    let lastReport = started;
    const order = shuffledIndices(samples.count, random);
    // Running sums stay on the backend; reading them back stalls it.
    let lossSum: tf.Scalar = tf.scalar(0);
    let correctSum: tf.Scalar = tf.scalar(0);
    let seen = 0;
    const report = async (batch: number): Promise<void> => {
      if (callbacks.length === 0) return;
      const [loss, correct] = [(await lossSum.data())[0], (await correctSum.data())[0]];
      const progress: BatchProgress = {
        epoch, epochs, batch, batches, loss: loss / seen, accuracy: correct / seen, elapsed: (Date.now() - started) / 1000,
      };
      for (const cb of callbacks) await cb.onBatchProgress?.(progress);
    };

    for (let batch = 0; batch < batches; batch++) {
      const start = batch * batchSize;
      const size = Math.min(batchSize, samples.count - start);
      for (let i = 0; i < size; i++) {
        const row = order[start + i];
        xBuffer.set(samples.x.subarray(row * features, (row + 1) * features), i * features);
        yBuffer[i] = samples.y[row];
      }
      const [newLoss, newCorrect] = tf.tidy(() => {
        const xs = inputTensor(model, xBuffer.subarray(0, size * features), size);
        const ys = tf.tensor1d(yBuffer.subarray(0, size), 'int32');
        const result = step(xs, ys);
        return [tf.add(lossSum, result.lossSum) as tf.Scalar, tf.add(correctSum, result.correct) as tf.Scalar];
      });
      lossSum.dispose();
      correctSum.dispose();
      lossSum = newLoss;
      correctSum = newCorrect;
      seen += size;
      if (interrupted()) {
        // Kernel → Interrupt: stop here, free what this loop holds, keep the weights learned so far.
        lossSum.dispose();
        correctSum.dispose();
        throw new TrainingInterrupted(epoch, batch + 1, batches);
      }
      if (callbacks.length > 0 && Date.now() - lastReport >= progressInterval && batch + 1 < batches) {
        lastReport = Date.now();
        await report(batch + 1);
      }
    }
    await report(batches);
    const logs: EpochLogs = { loss: (await lossSum.data())[0] / seen, accuracy: (await correctSum.data())[0] / seen };
    lossSum.dispose();
    correctSum.dispose();
    return logs;
  };
}
