/**
 * Keras' training callbacks for tfjs' `model.fit`: early stopping that puts
 * back the best epoch's weights (tfjs' own `tf.callbacks.earlyStopping` only
 * stops) and a learning-rate schedule (tfjs has none). Both are `tf.Callback`s
 * (training-callback.ts): they go into `model.fit`'s `callbacks`, alone or
 * beside tfjs' own and the progress display, and stop training as Keras and
 * tfjs do, with `model.stopTraining = true`.
 *
 *   const stop = mw.earlyStopping({ patience: 3 });
 *   await model.fit(x, y, { epochs: 30, validationSplit: 0.1,
 *     callbacks: [stop, mw.learningRateScheduler((epoch, rate) => rate), mw.notebookProgress()] });
 *   stop.bestEpoch;   // the epoch whose weights the model kept
 */
import * as tf from '@tensorflow/tfjs';
import { TrainingCallback, metric } from './training-callback';

export interface EarlyStoppingOptions {
  /** The metric watched, as Keras names it ('val_accuracy' also reads tfjs' 'val_acc'); default 'val_loss'. Losses must fall, accuracies rise. */
  monitor?: string;
  /** Epochs without improvement before training stops (Keras' `patience`); default 0. */
  patience?: number;
  /** Put back the weights of the best epoch at the end (Keras' `restore_best_weights`); default true. */
  restoreBestWeights?: boolean;
}

/** Keras' EarlyStopping with `restore_best_weights`; see earlyStopping(). */
export class EarlyStopping extends TrainingCallback {
  /** After training: the 0-based epoch with the best watched metric (whose weights the model kept, by default). */
  bestEpoch: number | undefined;
  /** After training: the 0-based epoch in which it stopped training, or undefined if all epochs ran (Keras' `stopped_epoch`). */
  stoppedEpoch: number | undefined;
  private readonly monitor: string;
  private readonly patience: number;
  private readonly restore: boolean;
  private readonly better: (a: number, b: number) => boolean;
  private best: { value: number; epoch: number; weights: tf.Tensor[] } | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.restore = options.restoreBestWeights ?? true;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new Error(`earlyStopping: expected patience to be a whole number of epochs ≥ 0, got ${options.patience}.`);
    }
    this.better = this.monitor.endsWith('loss') ? (a, b) => a < b : (a, b) => a > b;
  }

  protected override trainBegin(): void {
    if (this.monitor.startsWith('val_') && !this.validates) {
      throw new Error(`Early stopping watches ${this.monitor}: give model.fit validationSplit (e.g. 0.1) or validationData too.`);
    }
    // A run that ended in an error never reached trainEnd: free its snapshot now.
    this.forget();
    this.bestEpoch = undefined;
    this.stoppedEpoch = undefined;
  }

  protected override epochEnd(epoch: number, logs: { [key: string]: number }): void {
    // An interrupted epoch is cut short and has no validation score: not a candidate.
    if (this.interruption !== undefined) return;
    const value = metric(logs, this.monitor);
    if (value === undefined) {
      throw new Error(`Early stopping watches ${this.monitor}, which model.fit does not log; it logs ${Object.keys(logs).join(', ')}.`);
    }
    if (this.best === undefined || this.better(value, this.best.value)) {
      this.forget();
      this.best = { value, epoch, weights: this.restore ? this.model.getWeights().map((w) => tf.clone(w)) : [] };
    } else if (epoch - this.best.epoch >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  protected override trainEnd(): void {
    if (this.best === undefined) return;
    this.bestEpoch = this.best.epoch;
    // After Kernel → Interrupt the model keeps the weights it has, as without this callback.
    if (this.restore && this.interruption === undefined) this.model.setWeights(this.best.weights);
    this.forget();
  }

  private forget(): void {
    this.best?.weights.forEach((w) => w.dispose());
    this.best = undefined;
  }
}

/**
 * Keras' EarlyStopping: stops training once the watched metric has not
 * improved for `patience` epochs and, by default, puts back the best epoch's
 * weights; the callback's `bestEpoch` then names that epoch (0-based).
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

/** The optimizer's learning rate, read and written the way tfjs' optimizers hold it. */
interface RateHolder {
  learningRate?: unknown;
  setLearningRate?: (rate: number) => void;
}

function learningRateOf(optimizer: tf.Optimizer): number {
  const rate = (optimizer as unknown as RateHolder).learningRate;
  if (typeof rate !== 'number') {
    throw new Error(`A learning-rate schedule needs an optimizer with a learning rate; ${optimizer.getClassName()} has none.`);
  }
  return rate;
}

function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  if (!(rate > 0 && Number.isFinite(rate))) {
    throw new Error(`The learning-rate schedule returned ${rate}; expected a positive number such as 0.001.`);
  }
  const holder = optimizer as unknown as RateHolder;
  // SGD and Momentum cache the rate as a tensor and offer a setter; Adam and the others read the field each step.
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(rate);
  else holder.learningRate = rate;
}

/** Keras' LearningRateScheduler; see learningRateScheduler(). */
export class LearningRateScheduler extends TrainingCallback {
  constructor(private readonly schedule: (epoch: number, rate: number) => number) {
    super();
  }

  protected override epochBegin(epoch: number): void {
    const optimizer = this.model.optimizer;
    setLearningRate(optimizer, this.schedule(epoch, learningRateOf(optimizer)));
  }

  protected override epochEnd(_epoch: number, logs: { [key: string]: number }): void {
    // As Keras: the rate this epoch trained with goes into the logs, so the History keeps it as `lr`.
    logs.lr = learningRateOf(this.model.optimizer);
  }
}

/**
 * Keras' LearningRateScheduler: before each epoch (0-based) the optimizer's
 * learning rate becomes `schedule(epoch, currentRate)`, e.g. a tenth of it
 * for the last epoch, to settle into a minimum. The History records the rate
 * each epoch trained with as `history.history.lr`.
 */
export function learningRateScheduler(schedule: (epoch: number, rate: number) => number): LearningRateScheduler {
  return new LearningRateScheduler(schedule);
}
