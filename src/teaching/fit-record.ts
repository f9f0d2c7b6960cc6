/**
 * What each model was trained on. Step 5's check has to know what the model
 * learned from (which tensors, which arguments), and that training really
 * happened; the History alone says neither (it can be typed in, and tfjs'
 * History does not say which rows were held back). So this module wraps the
 * public `fit` method of tfjs' models (LayersModel and Sequential, whose own
 * `fit` hands on to an inner LayersModel) once, when the helper module is
 * loaded, and writes down per model: the x and y it was given, its
 * arguments, the History it returned, and the optimizer's iteration count
 * before and after (public `Optimizer.iterations`).
 *
 * The wrapper passes the very same arguments on and returns the very same
 * History: what `fit` computes and how fast it runs do not change. It reads
 * nothing inside tfjs' training loop, so a backend that replaces kernels or
 * the optimizer's update underneath (src/backend) does not affect it.
 */
import * as tf from '@tensorflow/tfjs';

/** One call of `model.fit`, as it was made. */
export interface FitRecord {
  x: unknown;
  y: unknown;
  args: tf.ModelFitArgs;
  /** The History it returned; undefined while training still runs (or if it failed). */
  history?: tf.History;
  /** The optimizer's iteration count before and after; undefined where the optimizer does not report one. */
  iterationsBefore?: number;
  iterationsAfter?: number;
  failed?: unknown;
}

/** At most this many calls are kept per model (the newest). */
const KEPT = 8;
const byModel = new WeakMap<object, FitRecord[]>();
const byHistory = new WeakMap<object, { model: tf.LayersModel; record: FitRecord }>();

function iterationsOf(model: tf.LayersModel): number | undefined {
  const optimizer = (model as unknown as { optimizer?: tf.Optimizer | null }).optimizer;
  const count = optimizer?.iterations;
  return typeof count === 'number' ? count : undefined;
}

type Fit = (this: tf.LayersModel, x: unknown, y: unknown, args?: tf.ModelFitArgs) => Promise<tf.History>;
const WRAPPED = Symbol.for('mnist-workbook.fit-record');

function wrap(prototype: { fit: Fit }): void {
  const original = prototype.fit;
  if ((original as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  const recorded: Fit = async function (this: tf.LayersModel, x, y, args) {
    const record: FitRecord = { x, y, args: { ...(args ?? {}) }, iterationsBefore: iterationsOf(this) };
    const list = byModel.get(this) ?? [];
    list.push(record);
    if (list.length > KEPT) list.splice(0, list.length - KEPT);
    byModel.set(this, list);
    try {
      const history = await original.call(this, x, y, args);
      record.history = history;
      record.iterationsAfter = iterationsOf(this);
      if (typeof history === 'object' && history !== null) byHistory.set(history, { model: this, record });
      return history;
    } catch (error) {
      record.failed = error;
      throw error;
    }
  };
  (recorded as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  prototype.fit = recorded;
}

/** Installs the recording wrapper on tfjs' models (once, however often it is called). */
export function recordFitCalls(): void {
  wrap(tf.LayersModel.prototype as unknown as { fit: Fit });
  if (Object.prototype.hasOwnProperty.call(tf.Sequential.prototype, 'fit')) wrap(tf.Sequential.prototype as unknown as { fit: Fit });
}

recordFitCalls();

/** Every recorded `fit` call on `model`, oldest first (the newest few). */
export function fitCallsOf(model: tf.LayersModel): readonly FitRecord[] {
  return byModel.get(model) ?? [];
}

/** The model and the call a History came from, if `fit` returned it. */
export function fitCallOf(history: unknown): { model: tf.LayersModel; record: FitRecord } | undefined {
  return typeof history === 'object' && history !== null ? byHistory.get(history) : undefined;
}

/** True when `model`'s optimizer has made at least one step (by any training path), or `fit` finished on it. */
export function hasBeenTrained(model: tf.LayersModel): boolean {
  const steps = iterationsOf(model);
  if (steps !== undefined && steps > 0) return true;
  return fitCallsOf(model).some((r) => r.history !== undefined);
}
