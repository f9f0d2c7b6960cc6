/**
 * `model.fit`'s running means, summed as numbers on the wasm backend.
 * tfjs adds every batch's loss and metrics into running totals kept as
 * tensors (its BaseLogger callback: a multiply and an add per metric, each
 * a kernel call with a fixed cost), about a tenth of a fast training
 * step's time at batch 32. On the wasm backend reading a scalar back is a
 * plain memory read, so the totals are kept as JavaScript numbers, a path
 * BaseLogger already has for logs that are numbers; the epoch's means it
 * reports are the same sums, in float64 instead of float32.
 *
 * BaseLogger is not exported by tfjs; every `fit` builds one as the first
 * callback of its CallbackList (exported), so the method is replaced on its
 * class the first time a CallbackList is given a model. Other backends and
 * MNIST_WASM_KERNELS=0 keep tfjs' own code.
 */
import * as tf from '@tensorflow/tfjs';
import { projectKernelsEnabled } from './wasm-override';

type Logs = Record<string, number | tf.Tensor>;

/** The fields of tfjs-layers 4.x's BaseLogger this reads and writes. */
interface BaseLoggerState {
  seen: number;
  totals: Record<string, number | tf.Tensor>;
  onBatchEnd(batch: number, logs?: Logs): Promise<void>;
}

function baseLoggerName(value: object): boolean {
  return /^BaseLogger(\$\d+)?$/.test(value.constructor.name);
}

let installed = false;
let patched = false;

function patchBaseLogger(prototype: BaseLoggerState): void {
  if (patched) return;
  patched = true;
  const original = prototype.onBatchEnd;
  prototype.onBatchEnd = async function onBatchEnd(this: BaseLoggerState, batch: number, logs?: Logs): Promise<void> {
    if (tf.getBackend() !== 'wasm' || !projectKernelsEnabled() || logs === undefined || logs === null) {
      return original.call(this, batch, logs);
    }
    const numbers: Logs = {};
    for (const key of Object.keys(logs)) {
      const value = logs[key];
      const total = this.totals[key];
      // A total already kept as a tensor (an earlier batch on tfjs' path) stays one.
      if (value instanceof tf.Tensor && value.size === 1 && (total === undefined || typeof total === 'number')) {
        numbers[key] = value.dataSync()[0];
      } else {
        numbers[key] = value;
      }
    }
    return original.call(this, batch, numbers);
  };
}

/** Replaces BaseLogger's onBatchEnd once a `fit` shows its class. Idempotent. */
export function installNumberLogs(): void {
  if (installed) return;
  installed = true;
  const prototype = tf.CallbackList.prototype as unknown as { setModel(model: tf.LayersModel): void; callbacks: object[] };
  const original = prototype.setModel;
  prototype.setModel = function setModel(this: { callbacks: object[] }, model: tf.LayersModel): void {
    original.call(this, model);
    const logger = this.callbacks.find(baseLoggerName);
    if (logger !== undefined) patchBaseLogger(Object.getPrototypeOf(logger) as BaseLoggerState);
  };
}
