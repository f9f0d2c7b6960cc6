/**
 * Keras' training callbacks for `fit`: early stopping and a learning-rate
 * schedule. As in Keras they sit outside the training loop: `fit` tells each
 * callback when training, an epoch and a batch begin and end, and a callback
 * stops training the way Keras' and tfjs' do, by setting
 * `model.stopTraining = true`.
 *
 *   await mw.fit(model, train, { epochs: 30, validationData: validation,
 *     callbacks: [mw.earlyStopping({ patience: 3 }), mw.learningRateScheduler((epoch, rate) => rate)] });
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochLogs, TrainingCallbacks, TrainBegin } from './train';

export interface EarlyStoppingOptions {
  /** The metric watched, as Keras names it; default 'val_loss'. Losses must fall, accuracies rise. */
  monitor?: keyof EpochLogs;
  /** Epochs without improvement before training stops (Keras' `patience`); default 0. */
  patience?: number;
  /** Put back the weights of the best epoch at the end (Keras' `restore_best_weights`); default true. */
  restoreBestWeights?: boolean;
}

/**
 * Keras' EarlyStopping: stops training once the watched metric has not
 * improved for `patience` epochs and, by default, puts back the best epoch's
 * weights; `history.bestEpoch` then names that epoch (0-based).
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): TrainingCallbacks {
  const monitor = options.monitor ?? 'val_loss';
  const patience = options.patience ?? 0;
  const restore = options.restoreBestWeights ?? true;
  if (!Number.isInteger(patience) || patience < 0) {
    throw new Error(`earlyStopping: expected patience to be a whole number of epochs ≥ 0, got ${patience}.`);
  }
  const better = monitor.endsWith('loss') ? (a: number, b: number): boolean => a < b : (a: number, b: number): boolean => a > b;
  let run: TrainBegin | undefined;
  let best: { value: number; epoch: number; weights: tf.Tensor[] } | undefined;
  const forget = (): void => best?.weights.forEach((w) => w.dispose());
  return {
    onTrainBegin: (info) => {
      if (monitor.startsWith('val_') && info.history.params?.validationSamples === 0) {
        throw new Error(`Early stopping watches ${monitor}: pass validationData (e.g. from splitValidation()) too.`);
      }
      forget();
      best = undefined;
      run = info;
    },
    onEpochEnd: (epoch, logs) => {
      const value = logs[monitor];
      if (run === undefined || value === undefined) return;
      if (best === undefined || better(value, best.value)) {
        forget();
        best = { value, epoch, weights: restore ? run.model.getWeights().map((w) => tf.clone(w)) : [] };
      } else if (epoch - best.epoch >= patience) {
        run.model.stopTraining = true;
      }
    },
    onTrainEnd: (history) => {
      if (run === undefined || best === undefined) return;
      if (restore) run.model.setWeights(best.weights);
      history.bestEpoch = best.epoch;
      forget();
      best = undefined;
    },
    onTrainAbort: () => {
      forget();
      best = undefined;
    },
  };
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

/**
 * Keras' LearningRateScheduler: before each epoch (0-based) the optimizer's
 * learning rate becomes `schedule(epoch, currentRate)`, e.g. a tenth of it
 * for the last epoch, to settle into a minimum. `history.learningRate`
 * records the rate each epoch trained with.
 */
export function learningRateScheduler(schedule: (epoch: number, rate: number) => number): TrainingCallbacks {
  let run: TrainBegin | undefined;
  return {
    onTrainBegin: (info) => {
      run = info;
    },
    onEpochBegin: (epoch) => {
      if (run === undefined) return;
      const optimizer = run.model.optimizer;
      setLearningRate(optimizer, schedule(epoch, learningRateOf(optimizer)));
      (run.history.learningRate ??= []).push(learningRateOf(optimizer));
    },
  };
}
