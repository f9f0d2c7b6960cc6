/**
 * Small side-by-side training runs for the course's questions: the same
 * model trained on different inputs (e.g. raw 0–255 pixels next to
 * normalized ones), each from the same starting weights, with tfjs' own
 * `model.fit` as in Step 5, each model and tensor freed when done.
 */
import * as tf from '@tensorflow/tfjs';
import { createModel, ModelOptions } from '../model/model';
import { inputTensor } from '../model/model-input';
import { Samples } from '../data/prepare';
import { TRAINING_DEFAULTS } from '../train/training-defaults';
import { evaluate, Score } from '../evaluate/evaluate';

export interface RunResult {
  /** tfjs' History of the run (after model.fit its values are numbers). */
  history: tf.History;
  /** The training loss of each epoch. */
  loss: number[];
  test: Score;
}

/** What each run trains with: model.fit's epochs and batch size (the course's by default) and the model's options. */
export interface RunOptions {
  epochs?: number;
  batchSize?: number;
  model?: ModelOptions;
}

/**
 * Trains a fresh course model on each named training set with
 * `model.fit(x, y, { epochs, batchSize })` and evaluates it on the matching
 * test set.
 */
export async function compareRuns(
  runs: Record<string, { train: Samples; test: Samples }>,
  options: RunOptions = {},
): Promise<Record<string, RunResult>> {
  const results: Record<string, RunResult> = {};
  for (const [name, data] of Object.entries(runs)) {
    const model = createModel(options.model);
    const x = inputTensor(model, data.train.x, data.train.count);
    const y = tf.tensor1d(data.train.y, 'float32');
    try {
      const history = await model.fit(x, y, {
        epochs: options.epochs ?? TRAINING_DEFAULTS.epochs, batchSize: options.batchSize ?? TRAINING_DEFAULTS.batchSize, verbose: 0,
      });
      results[name] = { history, loss: history.history.loss as number[], test: evaluate(model, data.test) };
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  }
  return results;
}
