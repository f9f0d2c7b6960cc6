/**
 * Notebook cells are run again and again. A model made in a cell holds
 * tensors that the previous run's model still holds too; `replacePrevious`
 * frees the previous run's value under the same name, so memory stays flat
 * however often a student re-runs the cell.
 */

export interface Disposable {
  dispose(): unknown;
}

const current = new Map<string, Disposable>();

/** Returns `value`, after disposing whatever was last registered under `name`. */
export function replacePrevious<T extends Disposable>(name: string, value: T): T {
  const previous = current.get(name);
  if (previous !== undefined && previous !== value) previous.dispose();
  current.set(name, value);
  return value;
}
