/**
 * tfjs' own `model.fit`, fast on the wasm backend for chains of Dense
 * layers (the course model, wider or deeper ones, relu/tanh/sigmoid/linear
 * hidden layers, Dropout, written with `tf.sequential` or the functional
 * API) ending in softmax with a cross-entropy loss.
 *
 * `model.fit` trains each batch with a function it asks the model for,
 * `makeTrainFunction()`: the forward pass recorded on tfjs' tape, its
 * gradients, and `optimizer.minimize`. On the wasm backend every kernel
 * call costs more than its arithmetic at batch 32, and that function makes
 * about 80 of them before the optimizer. tfjs offers no hook for the
 * training step, so this replaces `makeTrainFunction` on tfjs' LayersModel
 * class (once, in `initBackend`): for a model it recognizes, the returned
 * function computes the same loss, metrics and gradients with the
 * gradients written out by hand (about 20 kernel calls, the matrix
 * products the project's own, which skip the black pixels) and hands them
 * to the model's own optimizer, `applyGradients`, as `minimize` does.
 * Everything else about `fit` (batches, shuffling, validation, callbacks,
 * History, stopping) is tfjs' own code. For any other model, any other
 * backend, a batch with sample weights (`classWeight`), or with
 * MNIST_WASM_KERNELS=0, it returns tfjs' own function.
 *
 * The numbers are tfjs' numbers: the loss is Keras' cross-entropy on the
 * softmax probabilities clipped to [1e-7, 1 − 1e-7], and its gradient is
 * the exact gradient of that expression (zero where tfjs' clip stops it),
 * computed in float64 where tfjs uses float32; Dropout draws its mask with
 * the same calls as tfjs' `tf.dropout`, so a seeded layer drops the same
 * units. test/backend/dense-training.spec.ts trains the same seeded models
 * both ways and compares losses and weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { DenseKernels, denseKernels } from './wasm-dense';

type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];
type TensorFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** What a layer variable gives: its tf.Variable. */
interface LayerVariable {
  read(): tf.Variable;
}

/** The parts of tfjs-layers 4.x's LayersModel this reads (fields present in its compiled code, private in its types). */
interface ModelInternals {
  makeTrainFunction(): TrainFunction;
  makeTestFunction(): void;
  testFunction?: TrainFunction;
  layers: tf.layers.Layer[];
  inputs: unknown[];
  outputs: unknown[];
  lossFunctions?: TensorFunction[];
  metricsTensors?: [TensorFunction, number][];
  collectedTrainableWeights?: LayerVariable[];
  optimizer_?: tf.Optimizer;
}

interface LayerInternals {
  inboundNodes: { inboundLayers: tf.layers.Layer[] }[];
  kernel?: LayerVariable | null;
  bias?: LayerVariable | null;
}

type Activation = 'relu' | 'linear' | 'tanh' | 'sigmoid';
const HIDDEN_ACTIVATIONS: readonly string[] = ['relu', 'linear', 'tanh', 'sigmoid'];

interface DenseStep {
  kind: 'dense';
  kernel: LayerVariable;
  bias: LayerVariable | undefined;
  /** The last Dense layer's softmax is part of the loss. */
  activation: Activation | 'softmax';
}

interface DropoutStep {
  kind: 'dropout';
  rate: number;
  noiseShape: (number | null)[] | undefined;
  seed: number | undefined;
}

type Step = DenseStep | DropoutStep;

export type LossKind = 'sparse' | 'categorical';

interface Plan {
  steps: Step[];
  loss: LossKind;
  /** Per compiled metric: accuracy, or the loss itself ('crossentropy'). */
  metrics: ('accuracy' | 'loss')[];
  /** The variables in the order `minimize` hands them to the optimizer. */
  variables: LayerVariable[];
}

/** A function's name as written in tfjs' source: its bundle renames some, e.g. `sparseCategoricalAccuracy$1`. */
function sourceName(f: TensorFunction): string {
  return f.name.replace(/\$\d+$/, '');
}

function noExtras(config: tf.serialization.ConfigDict): boolean {
  return ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']
    .every((key) => config[key] === null || config[key] === undefined);
}

/** The one layer feeding `layer`, or undefined where it has several inputs or is used twice. */
function inboundLayer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  const nodes = (layer as unknown as LayerInternals).inboundNodes;
  if (!Array.isArray(nodes) || nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) return undefined;
  return nodes[0].inboundLayers[0];
}

/**
 * The model as a chain of steps this module trains, or undefined. Each
 * layer must take exactly the previous one's output (a functional model
 * that branches or reuses a layer is not a chain).
 */
function planFor(model: ModelInternals): Plan | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const lossFunctions = model.lossFunctions ?? [];
  if (lossFunctions.length !== 1) return undefined;
  const lossName = sourceName(lossFunctions[0]);
  const loss: LossKind | undefined = lossName === 'sparseCategoricalCrossentropy' ? 'sparse'
    : lossName === 'categoricalCrossentropy' ? 'categorical' : undefined;
  if (loss === undefined) return undefined;
  const accuracyName = loss === 'sparse' ? 'sparseCategoricalAccuracy' : 'categoricalAccuracy';
  const metrics: Plan['metrics'] = [];
  for (const [metric, output] of model.metricsTensors ?? []) {
    if (output !== 0) return undefined;
    if (sourceName(metric) === accuracyName) metrics.push('accuracy');
    else if (sourceName(metric) === lossName) metrics.push('loss');
    else return undefined;
  }

  const steps: Step[] = [];
  let previous: tf.layers.Layer | undefined;
  for (const [i, layer] of model.layers.entries()) {
    const name = layer.getClassName();
    if (i === 0 && name === 'InputLayer') {
      previous = layer;
      continue;
    }
    if (previous !== undefined && inboundLayer(layer) !== previous) return undefined;
    previous = layer;
    const config = layer.getConfig();
    if (name === 'Dense') {
      const internals = layer as unknown as LayerInternals;
      const activation = String(config.activation);
      const input = layer.input as tf.SymbolicTensor;
      if (!layer.trainable || !noExtras(config) || input.shape.length !== 2 || !internals.kernel) return undefined;
      if (!HIDDEN_ACTIVATIONS.includes(activation) && activation !== 'softmax') return undefined;
      steps.push({ kind: 'dense', kernel: internals.kernel, bias: internals.bias ?? undefined, activation: activation as DenseStep['activation'] });
    } else if (name === 'Activation') {
      // Dense(linear) then Activation(f) is Dense(f).
      const last = steps[steps.length - 1];
      const activation = String(config.activation);
      if (last?.kind !== 'dense' || last.activation !== 'linear') return undefined;
      if (!HIDDEN_ACTIVATIONS.includes(activation) && activation !== 'softmax') return undefined;
      last.activation = activation as DenseStep['activation'];
    } else if (name === 'Dropout') {
      const rate = Number(config.rate);
      steps.push({
        kind: 'dropout', rate,
        noiseShape: (config.noiseShape ?? undefined) as (number | null)[] | undefined,
        seed: (config.seed ?? undefined) as number | undefined,
      });
    } else {
      return undefined;
    }
  }
  const denseSteps = steps.filter((s): s is DenseStep => s.kind === 'dense');
  const last = steps[steps.length - 1];
  if (last?.kind !== 'dense' || last.activation !== 'softmax') return undefined;
  if (denseSteps.slice(0, -1).some((s) => s.activation === 'softmax')) return undefined;

  // minimize() hands the optimizer the model's trainable weights in this order; the optimizer's state is kept per position.
  const variables = denseSteps.flatMap((s) => (s.bias === undefined ? [s.kernel] : [s.kernel, s.bias]));
  const trainable = model.collectedTrainableWeights ?? [];
  if (trainable.length !== variables.length || trainable.some((v, i) => v !== variables[i])) return undefined;
  return { steps, loss, metrics, variables };
}

const EPSILON = Math.fround(1e-7);
const ONE_MINUS_EPSILON = Math.fround(1 - 1e-7);

export interface LossPass {
  /** d(mean loss)/d(logits). */
  dz: tf.Tensor2D;
  loss: number;
  accuracy: number;
}

/**
 * Keras' cross-entropy on softmax(z) as tfjs computes it, and its exact
 * gradient with respect to z, in one pass over the batch's logits.
 *   sparse:      c = clip(p), q = c / Σc, L = −log clip(q_label)
 *   categorical: q = p / Σp,  L = −Σ t · log clip(q)
 * clip(·) to [1e-7, 1 − 1e-7] passes no gradient where it clips (tfjs'
 * ClipByValue gradient), which is what zeroes the rows tfjs leaves alone.
 */
export function softmaxCrossEntropy(backend: BackendWasm, logits: tf.Tensor2D, y: tf.Tensor, loss: LossKind): LossPass {
  const [n, k] = logits.shape;
  const dz = tf.engine().makeTensorFromTensorInfo(backend.makeOutput([n, k], 'float32')) as tf.Tensor2D;
  const z = backend.typedArrayFromHeap(logits) as Float32Array;
  const targets = backend.typedArrayFromHeap(y);
  const g = backend.typedArrayFromHeap(dz) as Float32Array;
  if (loss === 'sparse' ? y.size !== n : y.size !== n * k) {
    dz.dispose();
    throw new Error(`The labels have shape [${y.shape.join(', ')}]; a batch of ${n} rows of ${k} classes needs ` +
      (loss === 'sparse' ? `${n} class numbers for sparseCategoricalCrossentropy.` : `${n} rows of ${k} one-hot values for categoricalCrossentropy.`));
  }
  const p = new Float64Array(k);
  const t = new Float64Array(k);
  const h = new Float64Array(k);
  let total = 0;
  let hits = 0;
  for (let r = 0; r < n; r++) {
    const row = r * k;
    let best = z[row];
    for (let j = 1; j < k; j++) if (z[row + j] > best) best = z[row + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      p[j] = Math.exp(z[row + j] - best);
      sum += p[j];
    }
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      p[j] /= sum;
      if (p[j] > p[predicted]) predicted = j;
    }
    let label: number;
    if (loss === 'sparse') {
      label = Math.floor(targets[r]);
      if (!(label >= 0 && label < k)) {
        dz.dispose();
        throw new Error(`Label ${targets[r]} in row ${r} of the batch is not one of the ${k} classes 0–${k - 1}.`);
      }
      t.fill(0);
      t[label] = 1;
    } else {
      label = 0;
      for (let j = 0; j < k; j++) {
        t[j] = targets[row + j];
        if (t[j] > t[label]) label = j;
      }
    }
    // Forward, as tfjs: c = clip(p) (sparse only), q = c / Σc, L = −Σ t log clip(q).
    let sumC = 0;
    for (let j = 0; j < k; j++) sumC += loss === 'sparse' ? Math.min(Math.max(p[j], EPSILON), ONE_MINUS_EPSILON) : p[j];
    let rowLoss = 0;
    // g_j = dL/dq_j = −t_j·[q_j unclipped] / clip(q_j); then dL/dc_i = g_i / S − Σ_j g_j c_j / S².
    let gc = 0;
    for (let j = 0; j < k; j++) {
      const c = loss === 'sparse' ? Math.min(Math.max(p[j], EPSILON), ONE_MINUS_EPSILON) : p[j];
      const q = c / sumC;
      const clipped = Math.min(Math.max(q, EPSILON), ONE_MINUS_EPSILON);
      if (t[j] !== 0) rowLoss -= t[j] * Math.log(clipped);
      const gq = q >= EPSILON && q <= ONE_MINUS_EPSILON ? -t[j] / clipped : 0;
      h[j] = gq;
      gc += gq * c;
    }
    let ph = 0;
    for (let j = 0; j < k; j++) {
      const passes = loss === 'categorical' || (p[j] >= EPSILON && p[j] <= ONE_MINUS_EPSILON);
      h[j] = passes ? h[j] / sumC - gc / (sumC * sumC) : 0;
      ph += p[j] * h[j];
    }
    // Through the softmax: dz_j = p_j (h_j − Σ p h), and the mean over the batch.
    for (let j = 0; j < k; j++) g[row + j] = (p[j] * (h[j] - ph)) / n;
    total += rowLoss;
    if (predicted === label) hits++;
  }
  return { dz, loss: total / n, accuracy: hits / n };
}

/** tf.dropout's multiplier, drawn with the same calls (so the same random numbers) as tfjs' Dropout layer. */
function dropoutMultiplier(input: tf.Tensor, step: DropoutStep): tf.Tensor {
  const shape = step.noiseShape === undefined ? input.shape : step.noiseShape.map((d, i) => (d === null ? input.shape[i] : d));
  const keep = 1 - step.rate;
  return tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', step.seed), keep)), keep);
}

function activationGrad(kernels: DenseKernels, activation: Activation, dy: tf.Tensor2D, output: tf.Tensor2D): tf.Tensor2D {
  // tfjs' gradients of the same ops: relu dy·[y > 0], tanh dy·(1 − y²), sigmoid dy·y·(1 − y).
  switch (activation) {
    case 'relu': return kernels.reluGrad(dy, output);
    case 'tanh': return tf.mul(dy, tf.sub(1, tf.square(output)));
    case 'sigmoid': return tf.mul(dy, tf.mul(output, tf.sub(1, output)));
    default: return dy;
  }
}

interface ForwardPass {
  /** Each step's input and output. */
  inputs: tf.Tensor2D[];
  outputs: tf.Tensor2D[];
  /** Each Dropout step's multiplier (training only). */
  multipliers: (tf.Tensor | undefined)[];
}

/** The chain's forward pass, up to the last layer's logits (its softmax belongs to the loss). Dropout acts in training only. */
function forward(plan: Plan, kernels: DenseKernels, x: tf.Tensor, training: boolean): ForwardPass {
  const pass: ForwardPass = { inputs: [], outputs: [], multipliers: [] };
  let a = x as tf.Tensor2D;
  for (const step of plan.steps) {
    pass.inputs.push(a);
    let multiplier: tf.Tensor | undefined;
    if (step.kind === 'dropout') {
      if (training && step.rate > 0 && step.rate < 1) {
        multiplier = dropoutMultiplier(a, step);
        a = tf.mul(a, multiplier) as tf.Tensor2D;
      }
    } else {
      const kernel = step.kernel.read() as tf.Tensor2D;
      const relu = step.activation === 'relu';
      let z = step.bias === undefined
        ? (relu ? tf.relu(tf.matMul(a, kernel)) : tf.matMul(a, kernel))
        : kernels.forward(a, kernel, step.bias.read(), relu);
      if (step.activation === 'tanh') z = tf.tanh(z);
      else if (step.activation === 'sigmoid') z = tf.sigmoid(z);
      a = z as tf.Tensor2D;
    }
    pass.multipliers.push(multiplier);
    pass.outputs.push(a);
  }
  return pass;
}

/** [loss, ...metrics] as scalars, in the order of tfjs' train and test functions. */
function lossAndMetrics(plan: Plan, loss: number, accuracy: number): tf.Scalar[] {
  return [tf.scalar(loss), ...plan.metrics.map((m) => tf.scalar(m === 'accuracy' ? accuracy : loss))];
}

/** One training step for `plan`, returning [loss, ...metrics] as tfjs' train function does. */
function trainStep(plan: Plan, optimizer: tf.Optimizer, kernels: DenseKernels, x: tf.Tensor, y: tf.Tensor): tf.Scalar[] {
  const { inputs, outputs, multipliers } = forward(plan, kernels, x, true);
  const { dz, loss, accuracy } = softmaxCrossEntropy(tf.backend() as BackendWasm, outputs[outputs.length - 1], y, plan.loss);

  const gradients = new Map<LayerVariable, tf.Tensor>();
  let upstream: tf.Tensor2D = dz;
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const step = plan.steps[i];
    if (step.kind === 'dropout') {
      const multiplier = multipliers[i];
      if (multiplier !== undefined) upstream = tf.mul(upstream, multiplier) as tf.Tensor2D;
      continue;
    }
    const d = step.activation === 'softmax' ? upstream : activationGrad(kernels, step.activation, upstream, outputs[i]);
    gradients.set(step.kernel, kernels.weightGrad(inputs[i], d));
    if (step.bias !== undefined) gradients.set(step.bias, tf.sum(d, 0));
    if (i > 0) upstream = tf.matMul(d, step.kernel.read(), false, true);
  }
  optimizer.applyGradients(plan.variables.map((v) => ({ name: v.read().name, tensor: gradients.get(v) as tf.Tensor })));
  return lossAndMetrics(plan, loss, accuracy);
}

/** One batch of `model.evaluate` (and fit's validation): the loss and metrics of the inference pass. */
function testStep(plan: Plan, kernels: DenseKernels, x: tf.Tensor, y: tf.Tensor): tf.Scalar[] {
  const { outputs } = forward(plan, kernels, x, false);
  const { loss, accuracy } = softmaxCrossEntropy(tf.backend() as BackendWasm, outputs[outputs.length - 1], y, plan.loss);
  return lossAndMetrics(plan, loss, accuracy);
}

/** Whether a batch (tfjs' data array: inputs, targets, sample weights) can take the hand-written path. */
function usable(data: tf.Tensor[]): boolean {
  const [x, , sampleWeight] = data;
  return data.length <= 3 && (sampleWeight === undefined || sampleWeight === null) && x.dtype === 'float32' &&
    x.rank === 2 && denseKernels() !== undefined;
}

let installed = false;

/**
 * Replaces `makeTrainFunction` and `makeTestFunction` on tfjs' LayersModel
 * (so on every model, `tf.sequential` ones included) with ones that give the
 * hand-written step and inference pass where they apply. Idempotent.
 */
export function installDenseTraining(): void {
  if (installed) return;
  installed = true;
  const prototype = tf.LayersModel.prototype as unknown as ModelInternals;
  const original = prototype.makeTrainFunction;
  prototype.makeTrainFunction = function makeTrainFunction(this: ModelInternals): TrainFunction {
    const stock = original.call(this);
    const kernels = denseKernels();
    const optimizer = this.optimizer_;
    const plan = kernels === undefined || optimizer === undefined ? undefined : planFor(this);
    if (plan === undefined || kernels === undefined || optimizer === undefined) return stock;
    // model.fit calls this inside a tidy, trainOnBatch does not: the step frees its own intermediates either way.
    return (data) => (usable(data) ? tf.tidy(() => trainStep(plan, optimizer, kernels, data[0], data[1])) : stock(data));
  };
  // evaluate() and fit's validation ask for a test function the same way; it computes the same loss and metrics.
  const originalTest = prototype.makeTestFunction;
  prototype.makeTestFunction = function makeTestFunction(this: ModelInternals): void {
    originalTest.call(this);
    const stock = this.testFunction;
    const kernels = denseKernels();
    const plan = kernels === undefined || stock === undefined ? undefined : planFor(this);
    if (plan === undefined || kernels === undefined || stock === undefined) return;
    this.testFunction = (data) => (usable(data) ? tf.tidy(() => testStep(plan, kernels, data[0], data[1])) : stock(data));
  };
}
