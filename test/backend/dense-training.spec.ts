// tfjs' own model.fit with the project's kernels (initBackend on wasm) and
// without them (MNIST_WASM_KERNELS=0, stock tfjs): the same seeded runs must
// give the same losses and weights, for the models a student writes, and
// fit's own features must keep working.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { wasmKernels } from '../../src/backend/wasm-kernels';
import { loadMnist } from '../../src/data/mnist';
import { realMnistDir } from '../support/real-data';

/** Math.random as a fixed sequence, so tfjs' shuffling (and unseeded dropout) repeats between runs. */
function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  let state = seed;
  Math.random = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  return () => {
    Math.random = original;
  };
}

/** Runs `f` with MNIST_WASM_KERNELS set to `value` (undefined: unset), restoring it after. */
async function withKernels<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const before = process.env.MNIST_WASM_KERNELS;
  if (on) delete process.env.MNIST_WASM_KERNELS;
  else process.env.MNIST_WASM_KERNELS = '0';
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env.MNIST_WASM_KERNELS;
    else process.env.MNIST_WASM_KERNELS = before;
  }
}

const init = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });

/** The models a student might write, each compiled; `labels` says which targets its loss takes. */
const MODELS: { name: string; labels: 'sparse' | 'onehot'; images: 'rows' | 'pictures'; build: () => tf.LayersModel }[] = [
  {
    name: 'the course model (784 → 128 relu → 10 softmax, Adam)', labels: 'sparse', images: 'rows',
    build: () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    },
  },
  {
    name: 'three layers, tanh and sigmoid, trained with SGD', labels: 'sparse', images: 'rows',
    build: () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 64, activation: 'tanh', kernelInitializer: init(3) }),
          tf.layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: init(4) }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
      return model;
    },
  },
  {
    name: 'dropout between the layers (seeded), Adam by name', labels: 'sparse', images: 'rows',
    build: () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 96, activation: 'relu', kernelInitializer: init(6) }),
          tf.layers.dropout({ rate: 0.3, seed: 7 }),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(8) }),
        ],
      });
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    },
  },
  {
    name: 'the functional API with separate Activation layers, no bias, one-hot labels', labels: 'onehot', images: 'rows',
    build: () => {
      const input = tf.input({ shape: [784] });
      const hidden = tf.layers.dense({ units: 50, useBias: false, kernelInitializer: init(9) }).apply(input) as tf.SymbolicTensor;
      const relu = tf.layers.activation({ activation: 'relu' }).apply(hidden) as tf.SymbolicTensor;
      const logits = tf.layers.dense({ units: 10, kernelInitializer: init(10) }).apply(relu) as tf.SymbolicTensor;
      const output = tf.layers.activation({ activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: output });
      model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    },
  },
  {
    name: 'the extension\'s CNN (conv, pool, dense; trained on the tape)', labels: 'sparse', images: 'pictures',
    build: () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(11) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(12) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(13) }),
        ],
      });
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    },
  },
];

interface Run {
  history: Record<string, number[]>;
  weights: Float32Array[];
  kernels: string[];
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((w, i) => w.forEach((v, j) => {
    max = Math.max(max, Math.abs(v - b[i][j]));
  }));
  return max;
}

describe('model.fit with the project\'s kernels and without them (MNIST_WASM_KERNELS=0)', function () {
  this.timeout(300_000);
  let backendBefore: string;
  let data: { rows: tf.Tensor2D; pictures: tf.Tensor4D; sparse: tf.Tensor1D; onehot: tf.Tensor2D };

  before(async function () {
    const dir = realMnistDir(this);
    backendBefore = tf.getBackend();
    const ok = await tf.setBackend('wasm').catch(() => false);
    if (!ok || wasmKernels() === undefined) this.skip();
    const mnist = await loadMnist({ dir });
    const n = 640;
    const images = mnist.train.images.subarray(0, n * 784);
    const labels = mnist.train.labels.subarray(0, n);
    data = tf.tidy(() => ({
      rows: tf.tensor2d(images, [n, 784], 'float32').div<tf.Tensor2D>(255),
      pictures: tf.tensor4d(images, [n, 28, 28, 1], 'float32').div<tf.Tensor4D>(255),
      sparse: tf.tensor1d(labels, 'float32'),
      onehot: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D,
    }));
  });
  after(async () => {
    if (data !== undefined) tf.dispose([data.rows, data.pictures, data.sparse, data.onehot]);
    if (backendBefore !== undefined) await tf.setBackend(backendBefore);
  });

  /** A seeded fit, recording the History, the weights and which kernels ran. */
  async function train(build: () => tf.LayersModel, x: tf.Tensor, y: tf.Tensor, args: tf.ModelFitArgs): Promise<Run> {
    const restore = seedMathRandom(12345);
    const model = build();
    try {
      let history: tf.History | undefined;
      const profile = await tf.profile(async () => {
        history = await model.fit(x, y, { verbose: 0, ...args });
      });
      return {
        history: (history as tf.History).history as Record<string, number[]>,
        weights: model.getWeights().map((w) => w.dataSync() as Float32Array),
        kernels: [...new Set(profile.kernels.map((k) => k.name))],
      };
    } finally {
      restore();
      model.optimizer.dispose();
      model.dispose();
    }
  }

  for (const spec of MODELS) {
    it(`trains ${spec.name} to the same losses and weights`, async function () {
      const x = spec.images === 'rows' ? data.rows : data.pictures;
      const y = spec.labels === 'sparse' ? data.sparse : data.onehot;
      const args: tf.ModelFitArgs = { epochs: 2, batchSize: 32, validationSplit: 0.1 };
      const tensors = tf.memory().numTensors;
      const fast = await withKernels(true, () => train(spec.build, x, y, args));
      const stock = await withKernels(false, () => train(spec.build, x, y, args));
      expect(tf.memory().numTensors, 'tensors left behind').to.equal(tensors);
      for (const key of Object.keys(stock.history)) {
        expect(fast.history[key], key).to.have.lengthOf(2);
        fast.history[key].forEach((v, i) => expect(v, `${key}[${i}]`).to.be.closeTo(stock.history[key][i], 2e-4));
      }
      expect(maxDifference(fast.weights, stock.weights), 'largest weight difference').to.be.below(2e-4);
      // The stock step differentiates the loss on tfjs' tape, whose clip of the probabilities passes its gradient
      // through LogicalAnd; a Dense chain's hand-written step has no tape (validation computes no gradients).
      expect(stock.kernels).to.include('LogicalAnd');
      if (spec.images === 'rows') expect(fast.kernels, 'the hand-written step ran').not.to.include('LogicalAnd');
    });
  }

  describe('model.fit\'s own features, with the kernels on', function () {
    const course = MODELS[0];
    it('validationData, shuffle false and initialEpoch train as stock tfjs does', async function () {
      const validationData: [tf.Tensor, tf.Tensor] = [data.rows.slice([0, 0], [64, 784]), data.sparse.slice([0], [64])];
      const args: tf.ModelFitArgs = { epochs: 3, initialEpoch: 1, batchSize: 50, shuffle: false, validationData };
      const fast = await withKernels(true, () => train(course.build, data.rows, data.sparse, args));
      const stock = await withKernels(false, () => train(course.build, data.rows, data.sparse, args));
      tf.dispose(validationData);
      expect(fast.history.val_loss).to.have.lengthOf(2);
      fast.history.val_acc.forEach((v, i) => expect(v).to.be.closeTo(stock.history.val_acc[i], 1e-6));
      expect(maxDifference(fast.weights, stock.weights)).to.be.below(2e-4);
    });

    it('classWeight weighs the samples as stock tfjs does (those batches run on tfjs\' own step)', async function () {
      const classWeight = { 0: 1, 1: 5, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 0.2, 9: 1 };
      const args: tf.ModelFitArgs = { epochs: 1, batchSize: 32, classWeight };
      const fast = await withKernels(true, () => train(course.build, data.rows, data.sparse, args));
      const stock = await withKernels(false, () => train(course.build, data.rows, data.sparse, args));
      expect(maxDifference(fast.weights, stock.weights)).to.be.below(2e-4);
      const plain = await withKernels(true, () => train(course.build, data.rows, data.sparse, { epochs: 1, batchSize: 32 }));
      expect(maxDifference(plain.weights, fast.weights), 'class weights changed the training').to.be.above(1e-3);
    });

    it('a callback that sets model.stopTraining ends training after that batch', async function () {
      const model = course.build();
      let batches = 0;
      const history = await model.fit(data.rows, data.sparse, {
        epochs: 3, batchSize: 32, verbose: 0,
        callbacks: { onBatchEnd: async (batch) => { batches++; if (batch === 4) model.stopTraining = true; } },
      });
      expect(batches).to.equal(5);
      expect(history.epoch).to.deep.equal([0]);
      model.optimizer.dispose();
      model.dispose();
    });

    it('tf.callbacks.earlyStopping stops once val_loss stops improving', async function () {
      const model = course.build();
      // A learning rate this large makes the validation loss get worse at once.
      model.compile({ optimizer: tf.train.adam(0.5), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const history = await model.fit(data.rows, data.sparse, {
        epochs: 20, batchSize: 64, validationSplit: 0.2, verbose: 0, callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1 }),
      });
      expect(history.epoch.length).to.be.below(20);
      model.optimizer.dispose();
      model.dispose();
    });

    it('keeps tf.memory() flat across epochs and across a second fit', async function () {
      const model = course.build();
      const counts: number[] = [];
      const callbacks = { onEpochEnd: async () => { counts.push(tf.memory().numTensors); } };
      await model.fit(data.rows, data.sparse, { epochs: 3, batchSize: 32, validationSplit: 0.1, verbose: 0, callbacks });
      await model.fit(data.rows, data.sparse, { epochs: 2, batchSize: 32, validationSplit: 0.1, verbose: 0, callbacks });
      // After the first epoch the optimizer's moments exist; from then on nothing grows.
      expect(new Set(counts.slice(1)).size, counts.join(', ')).to.equal(1);
      model.optimizer.dispose();
      model.dispose();
    });

    it('model.evaluate gives stock tfjs\' loss and accuracy, for the model as trained', async function () {
      const model = course.build();
      await model.fit(data.rows, data.sparse, { epochs: 1, batchSize: 32, verbose: 0 });
      const score = async (): Promise<number[]> => {
        const out = model.evaluate(data.rows, data.sparse, { batchSize: 50 }) as tf.Scalar[];
        const values = out.map((t) => t.dataSync()[0]);
        tf.dispose(out);
        return values;
      };
      const fast = await withKernels(true, score);
      const stock = await withKernels(false, score);
      fast.forEach((v, i) => expect(v).to.be.closeTo(stock[i], 1e-5));
      model.optimizer.dispose();
      model.dispose();
    });

    it('model.trainOnBatch (no tidy of its own around the step) leaves no tensors behind', async function () {
      const model = course.build();
      const x = data.rows.slice([0, 0], [32, 784]);
      const y = data.sparse.slice([0], [32]);
      await model.trainOnBatch(x, y);
      const tensors = tf.memory().numTensors;
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) losses.push((await model.trainOnBatch(x, y) as number[])[0]);
      expect(tf.memory().numTensors).to.equal(tensors);
      expect(losses[2]).to.be.below(losses[0]);
      tf.dispose([x, y]);
      model.optimizer.dispose();
      model.dispose();
    });

    it('refuses labels outside the classes with a message naming them', async function () {
      const model = course.build();
      const bad = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i === 3 ? 12 : 1)), 'float32');
      const x = data.rows.slice([0, 0], [32, 784]);
      let message = '';
      try {
        await model.fit(x, bad, { epochs: 1, batchSize: 32, verbose: 0 });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.match(/Label 12 .* not one of the 10 classes/);
      tf.dispose([bad, x]);
      model.optimizer.dispose();
      model.dispose();
    });
  });
});
