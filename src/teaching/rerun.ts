/**
 * Notebook cells are run again and again. A model made in a cell holds
 * tensors that the previous run's model still holds too; `replacePrevious`
 * frees the previous run's value under the same name, so memory stays flat
 * however often a student re-runs the cell.
 */
import * as tf from '@tensorflow/tfjs';
import { hasBeenTrained } from './fit-record';

export interface Disposable {
  dispose(): unknown;
}

/** What a compiled tfjs model looks like from here: an optimizer it may or may not own. */
interface CompiledModel extends Disposable {
  optimizer?: Disposable | null;
  isOptimizerOwned?: boolean;
}

const current = new Map<string, Disposable>();

function free(value: Disposable): void {
  const model = value as CompiledModel;
  // A model compiled with an optimizer object (tf.train.adam(0.001)) does not
  // own it, so model.dispose() leaves the optimizer's moments behind.
  const optimizer = model.isOptimizerOwned === false ? model.optimizer : undefined;
  value.dispose();
  optimizer?.dispose();
}

/**
 * Returns `value`, after disposing whatever was last registered under `name`
 * (a model's optimizer too). Replacing a model that had been trained says so:
 * a re-run of the cell that builds the model throws the training away, and
 * the cells after it would otherwise use the new, untrained model without a word.
 */
export function replacePrevious<T extends Disposable>(name: string, value: T): T {
  const previous = current.get(name);
  if (previous !== undefined && previous !== value) {
    if (previous instanceof tf.LayersModel && value instanceof tf.LayersModel && hasBeenTrained(previous)) {
      console.log(`Note: '${name}' now holds a new, untrained model; the one trained before under this name is freed. ` +
        'Train it again before the cells that use the trained model.');
    }
    free(previous);
  }
  current.set(name, value);
  return value;
}

/**
 * Registers the tensors a cell made under the cell's `name`; when the cell
 * runs again, the previous run's tensors are freed.
 */
export function freeOnRerun(name: string, ...values: unknown[]): void {
  // An unanswered exercise registers undefined, a wrong one perhaps a number: nothing to free. The check that
  // follows says what is wrong with them; a type error here would stop the student's cell before it could.
  const tensors = values.filter((v): v is Disposable => typeof (v as Partial<Disposable> | null)?.dispose === 'function');
  replacePrevious(name, { dispose: () => tensors.forEach((v) => v.dispose()) });
}
