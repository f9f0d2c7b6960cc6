/**
 * Adam in one pass per weight tensor, for the wasm backend. tfjs' Adam
 * runs about 14 kernels per weight tensor on every step (scale, square,
 * add, divide, sqrt, assign ...), and at batch 32 those calls cost the
 * wasm backend more than the matrix products they follow. This update
 * walks each weight, its gradient and the optimizer's two moments once,
 * straight on the backend's memory, with the optimizer's own state (its
 * moment variables, β-power accumulators, learning rate, ε, iteration
 * count), so `model.fit`, saving the optimizer, or a learning-rate schedule
 * see exactly what tfjs' Adam would have left.
 *
 * Each step rounds to float32 where tfjs' kernels do, so the weights match
 * tfjs' Adam to float32 rounding (the tests compare them to 1e-6).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

/** The parts of tfjs' AdamOptimizer this update reads and writes (all public fields in tfjs 4.x). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** Applies one set of gradients, given in the order of the variables the update was made for. */
export type WeightUpdate = (gradients: tf.Tensor[]) => void;

const f32 = Math.fround;

function isAdam(optimizer: tf.Optimizer): boolean {
  const state = optimizer as unknown as Partial<AdamState>;
  return optimizer instanceof tf.AdamOptimizer && state.accBeta1 instanceof tf.Variable && state.accBeta2 instanceof tf.Variable &&
    Array.isArray(state.accumulatedFirstMoment) && Array.isArray(state.accumulatedSecondMoment) &&
    typeof state.incrementIterations === 'function';
}

/** The optimizer's moment variable for slot i, created as tfjs' Adam creates it (zeros, not trainable, named `<weight>/m`). */
function moment(slots: AdamState['accumulatedFirstMoment'], i: number, value: tf.Variable, suffix: 'm' | 'v'): tf.Variable {
  let slot = slots[i];
  if (slot === undefined || slot === null) {
    slot = { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    slots[i] = slot;
  }
  return slot.variable;
}

/**
 * Where the new values of `variable` go. The moments are written in place
 * unless something else shares their memory (a clone). A weight always gets
 * a fresh buffer: the wasm backend caches XNNPACK's packed copy of a matrix
 * product's weights under the tensor's buffer, and would keep multiplying
 * by the old values if they changed in place.
 */
function target(backend: BackendWasm, variable: tf.Variable, inPlace: boolean): { target: tf.TensorInfo; commit: () => void } {
  if (inPlace && backend.refCount(variable.dataId) === 1) return { target: variable, commit: () => undefined };
  const fresh = tf.engine().makeTensorFromTensorInfo(backend.makeOutput(variable.shape, 'float32'));
  return { target: fresh, commit: () => { variable.assign(fresh); fresh.dispose(); } };
}

function readScalar(backend: BackendWasm, t: tf.Tensor): number {
  return (backend.typedArrayFromHeap(t) as Float32Array)[0];
}

/**
 * The fused update for `optimizer` over `variables`, or undefined where it
 * does not apply (another optimizer, another backend): callers then use
 * `optimizer.applyGradients`.
 */
export function fusedAdamFor(optimizer: tf.Optimizer, variables: tf.Variable[]): WeightUpdate | undefined {
  const kernels = wasmKernels();
  if (kernels === undefined || !isAdam(optimizer)) return undefined;
  const adam = optimizer as unknown as AdamState;
  return (gradients) => {
    if (gradients.length !== variables.length) {
      throw new Error(`Adam got ${gradients.length} gradients for ${variables.length} weights.`);
    }
    const backend = tf.backend() as BackendWasm;
    const beta1 = f32(adam.beta1);
    const beta2 = f32(adam.beta2);
    // tfjs multiplies by the JavaScript numbers 1 − β (float64), rounded to float32 scalars.
    const oneMinusBeta1 = f32(1 - adam.beta1);
    const oneMinusBeta2 = f32(1 - adam.beta2);
    const accBeta1 = readScalar(backend, adam.accBeta1);
    const accBeta2 = readScalar(backend, adam.accBeta2);
    const correction1 = f32(1 - accBeta1);
    const correction2 = f32(1 - accBeta2);
    const epsilon = f32(adam.epsilon);
    const step = f32(-adam.learningRate);
    variables.forEach((value, i) => {
      const m = moment(adam.accumulatedFirstMoment, i, value, 'm');
      const v = moment(adam.accumulatedSecondMoment, i, value, 'v');
      const g = gradients[i];
      if (g.size !== value.size || g.dtype !== 'float32') {
        throw new Error(`The gradient for ${value.name} has ${g.size} values; the weight has ${value.size}.`);
      }
      const outs = [target(backend, value, false), target(backend, m, true), target(backend, v, true)];
      kernels.adam(
        heapOffset(backend, value), heapOffset(backend, m), heapOffset(backend, v), heapOffset(backend, g),
        heapOffset(backend, outs[0].target), heapOffset(backend, outs[1].target), heapOffset(backend, outs[2].target), value.size,
        beta1, beta2, oneMinusBeta1, oneMinusBeta2, correction1, correction2, epsilon, step);
      for (const o of outs) o.commit();
    });
    // The β powers: written in place where nothing shares them (they are no product's operand).
    for (const [acc, beta, value] of [[adam.accBeta1, beta1, accBeta1], [adam.accBeta2, beta2, accBeta2]] as [tf.Variable, number, number][]) {
      if (backend.refCount(acc.dataId) === 1) (backend.typedArrayFromHeap(acc) as Float32Array)[0] = f32(value * beta);
      else tf.tidy(() => acc.assign(tf.mul(acc, beta)));
    }
    adam.incrementIterations();
  };
}

let adamInstalled = false;

/** One update with tfjs' `applyGradients` argument: names of registered variables, with their gradients. */
function fusedApply(optimizer: tf.Optimizer, variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): (() => void) | undefined {
  const named = Array.isArray(variableGradients)
    ? variableGradients.map((v) => ({ name: v.name, tensor: v.tensor }))
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
  const registered = tf.engine().registeredVariables;
  const variables: tf.Variable[] = [];
  const gradients: tf.Tensor[] = [];
  for (const { name, tensor } of named) {
    const variable = registered[name];
    // A missing gradient (tfjs skips that weight) or an unusual tensor: tfjs' own Adam handles it.
    if (variable === undefined || tensor === undefined || tensor === null || variable.dtype !== 'float32' || tensor.dtype !== 'float32') return undefined;
    variables.push(variable);
    gradients.push(tensor);
  }
  const update = fusedAdamFor(optimizer, variables);
  return update === undefined ? undefined : () => update(gradients);
}

/**
 * Makes every `tf.train.adam` optimizer update through the fused pass on the
 * wasm backend, `model.fit`'s included. tfjs offers no kernel hook for an
 * optimizer (its Adam is a sequence of ops), so this replaces the method
 * `applyGradients` on tfjs' AdamOptimizer class, once: the replacement reads
 * the same state and falls back to the original method on every other
 * backend, without the project's kernels, with MNIST_WASM_KERNELS=0, or for
 * anything it does not handle. Other optimizers are not touched.
 */
export function installFusedAdam(): void {
  if (adamInstalled) return;
  adamInstalled = true;
  type Apply = (this: tf.Optimizer, variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]) => void;
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: Apply };
  const original = prototype.applyGradients;
  prototype.applyGradients = function applyGradients(this: tf.Optimizer, variableGradients) {
    const fused = fusedApply(this, variableGradients);
    if (fused === undefined) original.call(this, variableGradients);
    else fused();
  };
}
