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
import { Score, evaluate, evaluateRows } from '../evaluate/evaluate';
import { BatchSource, samplesBatches, tensorBatches } from './batches';
import { DEFAULT_SEED } from '../model/model';
import { checkFeatures, holdOut, labelsOfTensors, runSize, trainingPart, validateSamples } from './fit-input';
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

/** What each epoch ends with when there is validation data: its size, and how to score the model on it. */
interface Validation {
  count: number;
  score: () => Score;
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
  const options = (data instanceof tf.Tensor ? tensorOptions : (labelsOrOptions as FitOptions | undefined)) ?? {};
  if (options.validationSplit !== undefined && options.validationData !== undefined) {
    throw new Error('Pass either validationSplit or validationData, not both.');
  }
  if (data instanceof tf.Tensor) return fitTensors(model, data, labelsOrOptions as tf.Tensor, options);
  validateSamples(model, data);
  const size = runSize(options);
  const { train: samples, validation } = options.validationSplit === undefined
    ? { train: data, validation: options.validationData }
    : holdOut(data, options.validationSplit);
  return train(model, samplesBatches(model, samples, size.batchSize), validationOf(model, validation), size, options);
}

function validationOf(model: tf.LayersModel, samples: Samples | undefined): Validation | undefined {
  return samples === undefined ? undefined : { count: samples.count, score: () => evaluate(model, samples) };
}

/** The tensor form: each batch, and the held-back rows, read row by row from x (tensor-rows.ts), never all of x at once. */
async function fitTensors(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: FitOptions): Promise<History> {
  const { count, features, labels } = labelsOfTensors(x, y);
  checkFeatures(model, features, 'images in x', 'Make x one row of pixel values per image, e.g. shape [count, 784], divided by 255.');
  const size = runSize(options);
  if (options.validationSplit === undefined) {
    return train(model, tensorBatches(model, x, labels, count, size.batchSize), validationOf(model, options.validationData), size, options);
  }
  const trainCount = trainingPart(count, options.validationSplit);
  const held = labels.subarray(trainCount);
  const validation: Validation = { count: held.length, score: () => evaluateRows(model, x, trainCount, held) };
  return train(model, tensorBatches(model, x, labels, trainCount, size.batchSize), validation, size, options);
}

/** The training loop both forms share: epochs, callbacks, validation, History. */
async function train(
  model: tf.LayersModel, source: BatchSource, validation: Validation | undefined,
  { epochs, batchSize }: { epochs: number; batchSize: number }, options: FitOptions,
): Promise<History> {
  const callbacks = options.callbacks === undefined ? [] : ([] as TrainingCallbacks[]).concat(options.callbacks);
  const trainEpoch = epochTrainer(model, source, batchSize, options, callbacks);
  const history: History = {
    epoch: [], history: { loss: [], accuracy: [], ...(validation ? { val_loss: [], val_accuracy: [] } : {}) }, secondsPerEpoch: [],
    params: { epochs, batchSize, samples: source.count, validationSamples: validation?.count ?? 0 },
  };
  model.stopTraining = false;
  const batches = Math.ceil(source.count / batchSize);
  for (const cb of callbacks) await cb.onTrainBegin?.({ epochs, batches, samples: source.count, model, history });
  try {
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, history);
      const started = Date.now();
      const logs: EpochLogs = await trainEpoch(epoch, epochs);
      if (validation !== undefined) Object.assign(logs, validationLogs(validation.score()));
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

function validationLogs(val: Score): Pick<EpochLogs, 'val_loss' | 'val_accuracy'> {
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
  model: tf.LayersModel, source: BatchSource, batchSize: number, options: FitOptions, callbacks: TrainingCallbacks[],
): (epoch: number, epochs: number) => Promise<EpochLogs> {
  if (model.optimizer === undefined || model.optimizer === null) {
    throw new Error('The model has no optimizer: compile it first (createModel() does).');
  }
  const interrupted = watchInterrupts();
  const progressInterval = options.progressInterval ?? 250;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const step = trainStepFor(model);
  const batches = Math.ceil(source.count / batchSize);
  return async (epoch, epochs) => {
    const started = Date.now();
    let lastReport = started;
    const order = shuffledIndices(source.count, random);
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
      const size = Math.min(batchSize, source.count - start);
      const [newLoss, newCorrect] = tf.tidy(() => {
        const { x, y } = source.batch(order.subarray(start, start + size));
        const result = step(x, y);
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
