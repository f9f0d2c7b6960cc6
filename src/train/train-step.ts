/**
 * One training step: forward pass, gradients, optimizer update, for one
 * batch. Two ways, same result: for a stack of Dense layers (relu or linear hidden
 * layers, softmax output), with the gradients written out by hand instead
 * of recorded on tfjs' tape. The course model is such a stack. On the wasm
 * backend each kernel call has a fixed cost that outweighs the arithmetic
 * at batch 32; the tape's version of this step runs about 80 kernels before
 * the optimizer, this one about 20, and there its products a·W + b and aᵀ·dz
 * are the project's own, which skip the inputs that are 0 (wasm-dense.ts).
 * The optimizer is the model's own, so the
 * update is the one model.fit makes; on the wasm backend its Adam runs fused,
 * one pass per weight (fused-adam.ts), for both kinds of step.
 *
 * Gradients, for logits z = a·W + b and mean cross-entropy over n samples:
 *   dz_out = (softmax(z) − onehot(y)) / n
 *   dW = aᵀ·dz, db = Σ_rows dz, da = dz·Wᵀ, and through relu: dz = da ⊙ [a > 0]
 */
import * as tf from '@tensorflow/tfjs';
import { countCorrect, crossEntropyFromProbabilities, meanCrossEntropyFromLogits } from '../model/loss';
import { fusedAdamFor } from '../backend/fused-adam';
import { denseKernels } from '../backend/wasm-dense';

interface DenseLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
  relu: boolean;
}

export interface TrainStep {
  /**
   * Trains on one batch; returns the batch's summed loss and number of
   * correct answers as scalars (the caller disposes them).
   */
  (x: tf.Tensor, y: tf.Tensor1D): { lossSum: tf.Scalar; correct: tf.Scalar };
}

/**
 * The optimizer's update for `variables`, given their gradients in that
 * order: Adam fused into one pass per weight on the wasm backend, the
 * optimizer's own `applyGradients` elsewhere. Gradients always reach the
 * optimizer in the model's weight order, as in `model.fit`, so its state
 * (one moment slot per position) stays interchangeable with tfjs' own.
 */
function updateFor(optimizer: tf.Optimizer, variables: tf.Variable[]): (gradients: tf.Tensor[]) => void {
  const fused = fusedAdamFor(optimizer, variables);
  if (fused !== undefined) return fused;
  return (gradients) => optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i] })));
}

function hasNoExtras(config: tf.serialization.ConfigDict): boolean {
  return ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']
    .every((key) => config[key] === null || config[key] === undefined);
}

/**
 * The hand-written step for `model`, or undefined where the model is not a
 * plain stack of Dense layers ending in softmax (those train on the tape).
 */
export function denseStepFor(model: tf.LayersModel): TrainStep | undefined {
  const optimizer = model.optimizer;
  if (optimizer === undefined || optimizer === null) return undefined;
  const layers: DenseLayer[] = [];
  for (const [i, layer] of model.layers.entries()) {
    const config = layer.getConfig();
    const last = i === model.layers.length - 1;
    const activation = config.activation;
    const allowed = last ? activation === 'softmax' : activation === 'relu' || activation === 'linear';
    if (layer.getClassName() !== 'Dense' || config.useBias !== true || !allowed || !hasNoExtras(config) || !layer.trainable) {
      return undefined;
    }
    const [kernel, bias] = layer.getWeights() as tf.Variable[];
    layers.push({ kernel, bias, relu: activation === 'relu' });
  }
  if (layers.length === 0) return undefined;
  const update = updateFor(optimizer, layers.flatMap((l) => [l.kernel, l.bias]));
  const kernels = denseKernels();

  return (batch, y) => tf.tidy(() => {
    // A stack of Dense layers takes flat rows, so its batches come as (n, features).
    const x = batch as tf.Tensor2D;
    const n = x.shape[0];
    const inputs: tf.Tensor2D[] = [x];
    let a: tf.Tensor2D = x;
    layers.forEach((layer, i) => {
      const kernel = layer.kernel as tf.Tensor2D;
      const out = kernels !== undefined
        ? kernels.forward(a, kernel, layer.bias, layer.relu)
        : tf.fused.matMul({ a, b: kernel, bias: layer.bias, activation: layer.relu ? 'relu' : 'linear' }) as tf.Tensor2D;
      if (i < layers.length - 1) inputs.push(out);
      a = out;
    });
    const logits = a;
    const fast = kernels !== undefined && y.dtype === 'int32' ? kernels : undefined;
    let lossSum: tf.Scalar;
    let correct: tf.Scalar;
    let dz: tf.Tensor2D;
    if (fast !== undefined) {
      ({ dz, lossSum, correct } = fast.softmaxCrossEntropy(logits, y));
    } else {
      const classes = logits.shape[1];
      const logProbabilities = tf.logSoftmax(logits);
      const onehot = tf.oneHot(y, classes);
      lossSum = tf.neg(tf.sum(tf.mul(logProbabilities, onehot))) as tf.Scalar;
      correct = countCorrect(y, logits);
      dz = tf.div(tf.sub(tf.exp(logProbabilities), onehot), n) as tf.Tensor2D;
    }

    const gradients: tf.Tensor[] = new Array<tf.Tensor>(2 * layers.length);
    for (let i = layers.length - 1; i >= 0; i--) {
      const input = inputs[i];
      gradients[2 * i] = kernels !== undefined ? kernels.weightGrad(input, dz) : tf.matMul(input, dz, true, false);
      gradients[2 * i + 1] = tf.sum(dz, 0);
      if (i > 0) {
        const da = tf.matMul(dz, layers[i].kernel, false, true) as tf.Tensor2D;
        if (!layers[i - 1].relu) dz = da;
        else dz = fast !== undefined ? fast.reluGrad(da, input) : (tf.mul(da, tf.step(input)) as tf.Tensor2D);
      }
    }
    update(gradients);
    return { lossSum, correct };
  });
}

/**
 * The forward pass split before a final Dense softmax, so the tape's loss
 * works on logits; other models train on their probabilities.
 */
function forwardForTape(model: tf.LayersModel): (x: tf.Tensor) => { scores: tf.Tensor2D; logits: boolean } {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  const config = last.getConfig();
  const softmaxHead = last.getClassName() === 'Dense' && config.activation === 'softmax' && config.useBias === true;
  if (!softmaxHead) {
    return (x) => ({ scores: model.apply(x, { training: true }) as tf.Tensor2D, logits: false });
  }
  const body = layers.slice(0, -1);
  return (x) => {
    let h = x;
    for (const layer of body) h = layer.apply(h, { training: true }) as tf.Tensor;
    const [kernel, bias] = last.getWeights();
    return { scores: tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D, logits: true };
  };
}

/** The general step for any compiled model: gradients recorded on tfjs' tape. */
export function tapeStepFor(model: tf.LayersModel): TrainStep {
  const optimizer = model.optimizer;
  const forward = forwardForTape(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const update = updateFor(optimizer, variables);
  return (x, y) => tf.tidy(() => {
    // computeGradients() runs the loss function in a scope of its own; the
    // count of correct answers is kept out of it.
    const kept: { correct?: tf.Scalar } = {};
    const { value: cost, grads } = optimizer.computeGradients(() => {
      const { scores, logits } = forward(x);
      kept.correct = tf.keep(countCorrect(y, scores));
      return logits ? meanCrossEntropyFromLogits(y, scores) : (tf.mean(crossEntropyFromProbabilities(y, scores)) as tf.Scalar);
    }, variables);
    update(variables.map((v) => grads[v.name]));
    // A kept tensor would outlive every scope: hand out a copy and free it.
    const counted = kept.correct as tf.Scalar;
    const correct = tf.clone(counted);
    counted.dispose();
    return { lossSum: tf.mul(cost, x.shape[0]) as tf.Scalar, correct };
  });
}

/** The fastest correct step for `model`: hand-written for Dense stacks, the tape otherwise. */
export function trainStepFor(model: tf.LayersModel): TrainStep {
  return denseStepFor(model) ?? tapeStepFor(model);
}
