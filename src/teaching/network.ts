/**
 * The network a model computes, as a teacher reads it off the code: the
 * layers that compute something, each with its settings and activation.
 * TensorFlow.js lists more than that in `model.layers`: an InputLayer when
 * the model begins with `tf.layers.inputLayer` or is built with the
 * functional API (`tf.input` … `tf.model`), and an Activation layer when the
 * activation is written as a layer of its own. Those are the same network as
 * the course's Dense layers with an `activation` option, so the model checks
 * of the workbook and of the extensions all judge this description.
 */
import * as tf from '@tensorflow/tfjs';

export interface NetworkLayer {
  /** The layer's class: Dense, Dropout, Conv2D, … */
  kind: string;
  /** The layer's own configuration, as `layer.getConfig()` gives it. */
  config: tf.serialization.ConfigDict;
  /** The activation applied to its output: its own option, or the Activation layer that follows it; 'linear' for none. */
  activation: string;
  /** The shape it passes on, with the batch axis written `batch`. */
  output: string;
}

/** Activation-only layers and the activation each applies. */
const ACTIVATION_LAYERS: Record<string, (config: tf.serialization.ConfigDict) => string> = {
  Activation: (config) => String(config.activation),
  ReLU: () => 'relu',
  Softmax: () => 'softmax',
};

const shapeOf = (shape: unknown): string => JSON.stringify(shape).replace(/null/g, 'batch');

/** The layers of `model` that compute something, an activation layer folded into the layer before it. */
export function networkLayers(model: tf.LayersModel): NetworkLayer[] {
  const out: NetworkLayer[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'InputLayer') continue;
    const config = layer.getConfig();
    const activationOf = ACTIVATION_LAYERS[kind];
    const previous = out[out.length - 1];
    if (activationOf !== undefined && previous !== undefined && previous.activation === 'linear') {
      previous.activation = activationOf(config);
      previous.output = shapeOf(layer.outputShape);
      continue;
    }
    const activation = activationOf !== undefined ? activationOf(config) : typeof config.activation === 'string' ? config.activation : 'linear';
    out.push({ kind, config, activation, output: shapeOf(layer.outputShape) });
  }
  return out;
}

/** The shape one input of `model` has, batch axis first (`null`). */
export function inputShapeOf(model: tf.LayersModel): (number | null)[] {
  return model.inputs[0].shape;
}

/** "Dense → Dropout → Dense": the network's layers by kind. */
export function describeNetwork(layers: NetworkLayer[]): string {
  return layers.map((l) => l.kind).join(' → ') || 'no layers';
}
