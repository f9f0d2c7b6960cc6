/**
 * Small side-by-side training runs for the course's questions: the same
 * model trained on different inputs (e.g. raw 0–255 pixels next to
 * normalized ones), each from the same seed, each freed when done.
 */
import { createModel, ModelOptions } from '../model/model';
import { Samples } from '../data/prepare';
import { fit, FitOptions, History } from '../train/train';
import { evaluate } from '../evaluate/evaluate';

export interface RunResult {
  history: History;
  test: { loss: number; accuracy: number };
}

/**
 * Trains a fresh course model on each named training set and evaluates it on
 * the matching test set (same name) or on `test`.
 */
export async function compareRuns(
  runs: Record<string, { train: Samples; test: Samples }>,
  options: FitOptions & { model?: ModelOptions } = {},
): Promise<Record<string, RunResult>> {
  const results: Record<string, RunResult> = {};
  for (const [name, data] of Object.entries(runs)) {
    const model = createModel(options.model);
    try {
      const history = await fit(model, data.train, options);
      results[name] = { history, test: evaluate(model, data.test) };
    } finally {
      model.dispose();
    }
  }
  return results;
}
