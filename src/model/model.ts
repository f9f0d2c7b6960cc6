/**
 * The course's model: 784 inputs → Dense(128, relu) → Dense(10, softmax),
 * compiled with Adam (learning rate 0.001), sparse categorical
 * cross-entropy and accuracy. Built by a function so tests can inspect it
 * without training; a seed fixes the initial weights.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE } from '../data/image-size';

export interface ModelOptions {
  /** Seed for the weight initializers; the same seed gives the same start. */
  seed?: number;
  inputs?: number;
  hidden?: number;
  /** Share of the hidden layer's outputs dropped at random while training (the extension's regularizer); none by default. */
  dropout?: number;
  classes?: number;
}

export const DEFAULT_SEED = 42;

export function createModel(options: ModelOptions = {}): tf.Sequential {
  const seed = options.seed ?? DEFAULT_SEED;
  const inputs = options.inputs ?? IMAGE_SIZE;
  const model = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.dense({
    name: 'hidden',
    inputShape: [inputs],
    units: options.hidden ?? 128,
    activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  }));
  if (options.dropout !== undefined && options.dropout > 0) {
    model.add(tf.layers.dropout({ name: 'dropout', rate: options.dropout, seed: seed + 2 }));
  }
  model.add(tf.layers.dense({
    name: 'output',
    units: options.classes ?? 10,
    activation: 'softmax',
    // A different seed per layer: the same seed would start both kernels
    // from the same random stream.
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  }));
  model.compile({
    // By name, so the model owns the optimizer and model.dispose() frees its
    // state too; tfjs' 'adam' is Adam with Keras' default rate 0.001.
    optimizer: 'adam',
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** The Keras-style summary as text (tfjs prints it; this captures it). */
export function modelSummary(model: tf.LayersModel): string {
  const lines: string[] = [];
  model.summary(undefined, undefined, (line: string) => lines.push(line));
  return lines.join('\n');
}

function dims(shape: tf.Shape | tf.Shape[]): string {
  const single = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
  return single.slice(1).join('×');
}

function inputShapeOf(layer: tf.layers.Layer): tf.Shape {
  const input = layer.input;
  return (Array.isArray(input) ? input[0] : input).shape;
}

/**
 * Parameters per layer, with the shapes flowing in and out and how each
 * count comes about: inputs·units + units for Dense, kh·kw·channels·filters
 * + filters for Conv2D; pooling and flattening learn nothing.
 */
export function parameterBreakdown(model: tf.LayersModel): { layer: string; shape: string; params: number; formula: string }[] {
  return model.layers.map((layer) => {
    const weights = layer.getWeights();
    const params = layer.countParams();
    let formula = 'no weights: 0';
    if (weights.length > 0) {
      const kernel = weights[0].shape;
      const bias = weights.length > 1 ? weights[1].shape[0] : 0;
      formula = `${kernel.join('·')}${bias > 0 ? ` + ${bias}` : ''} = ${params}`;
    }
    return { layer: layer.name, shape: `${dims(inputShapeOf(layer))} → ${dims(layer.outputShape)}`, params, formula };
  });
}

/** A single neuron on the 784 pixels (weights and a bias, sigmoid output): the course's perceptron, for comparison. */
export function createPerceptron(options: { seed?: number; inputs?: number } = {}): tf.Sequential {
  return tf.sequential({
    name: 'perceptron',
    layers: [tf.layers.dense({
      name: 'neuron',
      inputShape: [options.inputs ?? IMAGE_SIZE],
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed ?? DEFAULT_SEED }),
    })],
  });
}

/** The shapes of each layer's weight matrix (kernel) and bias vector. */
export function weightShapes(model: tf.LayersModel): { layer: string; kernel: number[]; bias: number[] }[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    return { layer: layer.name, kernel: kernel.shape, bias: bias.shape };
  });
}

/**
 * One neuron of a Dense layer computed by hand as a perceptron,
 * activation(w·x + b) with its own column of weights, next to the layer's
 * own output for the same input: they agree.
 */
export function neuronAsPerceptron(model: tf.LayersModel, layerIndex: number, neuron: number, input: Float32Array): { byHand: number; fromLayer: number } {
  const layer = model.layers[layerIndex];
  const [kernel, bias] = layer.getWeights();
  const [fanIn, units] = kernel.shape;
  if (input.length !== fanIn || !(neuron >= 0 && neuron < units)) {
    throw new Error(`Layer ${layer.name} takes ${fanIn} inputs and has ${units} neurons; got ${input.length} inputs and neuron ${neuron}.`);
  }
  const w = kernel.dataSync();
  let sum = bias.dataSync()[neuron];
  for (let i = 0; i < fanIn; i++) sum += w[i * units + neuron] * input[i];
  const activation = layer.getConfig().activation;
  if (activation !== 'relu' && activation !== 'linear') {
    throw new Error(`neuronAsPerceptron handles relu and linear layers; layer ${layer.name} uses ${String(activation)}.`);
  }
  const byHand = activation === 'relu' ? Math.max(0, sum) : sum;
  const fromLayer = tf.tidy(() => (layer.apply(tf.tensor2d(input, [1, fanIn])) as tf.Tensor).dataSync()[neuron]);
  return { byHand, fromLayer };
}

/** One layer as its settings describe it, without the names tfjs makes up. */
export interface LayerSettings {
  kind: string;
  units?: number;
  activation?: string;
  /** The input shape the layer declares, batch axis as null (first layer only). */
  inputShape?: (number | null)[];
  useBias?: boolean;
  kernelInitializer?: unknown;
  rate?: number;
}

/** A model's architecture and compile settings: what makes two models "the same model". */
export interface ModelSettings {
  layers: LayerSettings[];
  /** The optimizer's class (e.g. 'Adam') and its configuration (learningRate, …); null before compile. */
  optimizer: { kind: string; config: Record<string, unknown> } | null;
  loss: string | null;
  metrics: string[];
}

/** The architecture and compile settings of `model`, comparable with deep equality. */
export function modelSettings(model: tf.LayersModel): ModelSettings {
  const layers = model.layers.map((layer, i): LayerSettings => {
    const config = layer.getConfig();
    const settings: LayerSettings = { kind: layer.getClassName() };
    if (typeof config.units === 'number') settings.units = config.units;
    if (typeof config.activation === 'string') settings.activation = config.activation;
    if (typeof config.useBias === 'boolean') settings.useBias = config.useBias;
    if (config.kernelInitializer !== undefined) settings.kernelInitializer = config.kernelInitializer;
    if (typeof config.rate === 'number') settings.rate = config.rate;
    if (i === 0) settings.inputShape = model.inputs[0].shape;
    return settings;
  });
  const compiled = model as unknown as { optimizer?: tf.Optimizer | null; loss?: unknown; metrics?: unknown };
  const optimizer = compiled.optimizer ?? null;
  const name = (value: unknown): string => (typeof value === 'function' ? value.name : String(value));
  const metrics = compiled.metrics === undefined ? [] : ([] as unknown[]).concat(compiled.metrics).map(name);
  return {
    layers,
    optimizer: optimizer === null ? null : { kind: optimizer.getClassName(), config: { ...optimizer.getConfig() } },
    loss: compiled.loss === undefined ? null : name(compiled.loss),
    metrics,
  };
}
