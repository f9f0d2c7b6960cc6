import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { fusedAdamFor } from '../../src/backend/fused-adam';
import { wasmKernels } from '../../src/backend/wasm-kernels';
import { createModel } from '../../src/model/model';
import { maxAbsDifference, randomValues } from '../support/compare-backends';

// Shapes of the course model's weights, plus an odd size for the scalar tail of the SIMD loop.
const SHAPES = [[784, 128], [128], [128, 10], [10], [3, 7]];

interface Run { weights: Float32Array[]; moments: Float32Array[] }

/** Runs `f` on tfjs' own Adam: initBackend installs the fused pass under applyGradients, which MNIST_WASM_KERNELS=0 switches off. */
function stock<T>(f: () => T): T {
  process.env.MNIST_WASM_KERNELS = '0';
  try {
    return f();
  } finally {
    delete process.env.MNIST_WASM_KERNELS;
  }
}

/** A variable made from a temporary tensor, which is freed (the variable keeps the values). */
function variable(make: () => tf.Tensor, name: string): tf.Variable {
  return tf.tidy(() => tf.variable(make(), true, name));
}

/** Three Adam steps on fixed weights and gradients, with either tfjs' own Adam or the fused one. */
function threeSteps(fused: boolean, rate = 0.001): Run {
  const variables = SHAPES.map((s, i) => variable(() => tf.tensor(randomValues(s.reduce((a, b) => a * b, 1), 10 + i), s), `fused_adam_w${i}_${fused}`));
  const optimizer = tf.train.adam(rate, 0.9, 0.999, 1e-7);
  const update = fusedAdamFor(optimizer, variables);
  if (fused) expect(update).to.be.a('function');
  for (let step = 0; step < 3; step++) {
    tf.tidy(() => {
      const gradients = SHAPES.map((s, i) => tf.tensor(randomValues(s.reduce((a, b) => a * b, 1), 100 * step + i), s).mul(0.1 * (step + 1)));
      if (fused && update !== undefined) update(gradients);
      else stock(() => optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: gradients[i] }))));
    });
  }
  const state = optimizer as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] };
  const run = {
    weights: variables.map((v) => v.dataSync() as Float32Array),
    moments: [...state.accumulatedFirstMoment, ...state.accumulatedSecondMoment].map((s) => s.variable.dataSync() as Float32Array),
  };
  expect(optimizer.iterations).to.equal(3);
  variables.forEach((v) => v.dispose());
  optimizer.dispose();
  return run;
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).to.equal(b.length);
  return Math.max(...a.map((x, i) => maxAbsDifference(x, b[i])));
}

describe('Adam fused into one pass per weight (wasm)', function () {
  let backendBefore: string;
  before(async function () {
    backendBefore = tf.getBackend();
    const ok = await tf.setBackend('wasm').catch(() => false);
    if (!ok || wasmKernels() === undefined) this.skip();
  });
  let buffers = 0;
  beforeEach(() => {
    buffers = tf.memory().numDataBuffers;
  });
  afterEach(() => {
    // Nothing left behind, on the wasm backend or the cpu one the first test visits.
    expect(tf.memory().numDataBuffers).to.equal(buffers);
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  it('moves weights and moments as tfjs\' Adam does on the cpu backend (1e-6)', async () => {
    const fused = threeSteps(true);
    await tf.setBackend('cpu');
    const reference = threeSteps(false);
    await tf.setBackend('wasm');
    expect(maxDifference(fused.weights, reference.weights)).to.be.below(1e-6);
    expect(maxDifference(fused.moments, reference.moments)).to.be.below(1e-6);
    // The weights did move: three steps of about the learning rate each.
    const start = randomValues(784 * 128, 10);
    expect(maxAbsDifference(fused.weights[0], start)).to.be.above(1e-3);
  });

  it('equals tfjs\' Adam on the wasm backend itself, with another learning rate', () => {
    const fused = threeSteps(true, 0.01);
    const reference = threeSteps(false, 0.01);
    expect(maxDifference(fused.weights, reference.weights)).to.be.below(1e-6);
  });

  it('leaves the optimizer\'s state as tfjs\' Adam would, so tfjs\' own update can carry on from it', () => {
    const w = variable(() => tf.tensor1d(randomValues(9, 3)), 'fused_adam_carry_on');
    const twin = variable(() => w.clone(), 'fused_adam_carry_on_twin');
    const [mine, theirs] = [tf.train.adam(0.01), tf.train.adam(0.01)];
    const g = tf.tensor1d(randomValues(9, 4));
    fusedAdamFor(mine, [w])?.([g]);
    stock(() => theirs.applyGradients([{ name: twin.name, tensor: g }]));
    // Second step: tfjs' own update on both optimizers.
    stock(() => mine.applyGradients([{ name: w.name, tensor: g }]));
    stock(() => theirs.applyGradients([{ name: twin.name, tensor: g }]));
    expect(maxAbsDifference(w.dataSync() as Float32Array, twin.dataSync() as Float32Array)).to.be.below(1e-6);
    expect(mine.iterations).to.equal(2);
    tf.dispose([w, twin, g, mine, theirs] as unknown as tf.Tensor[]);
  });

  it('trains the course model on the new weights (the backend caches packed weights per buffer)', async () => {
    // Written in place, the weights' new values were never seen by the next
    // forward pass: the loss of the same batch stayed the same.
    const model = createModel({ seed: 9 });
    const x = tf.tensor2d(randomValues(32 * 784, 1).map(Math.abs), [32, 784]);
    const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32');
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [loss] = await model.trainOnBatch(x, y) as number[];
      losses.push(loss);
    }
    expect(losses[1]).to.be.below(losses[0] - 1 / 32);
    expect(losses[2]).to.be.below(losses[1] - 1 / 32);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('stores moments below float32\'s smallest normal number as 0, and moves the weights as tfjs\' Adam does', () => {
    // Moments that decay into subnormal numbers (a rarely lit pixel's weights)
    // make every x86 CPU slow; tfjs keeps them, the fused update stores 0.
    // Lanes 0–4 go through the SIMD loop, 5–6 through its scalar tail.
    const SMALLEST_NORMAL = 1.1754943508222875e-38;
    const start = [0.5, -0.25, 0.125, 0, 0.75, -0.5, 0.25];
    const gradient = [0, 1e-21, 0, 0.5, 0, 0, 1e-21];
    const firstMoment = [1.2e-38, 0, -1.2e-38, 0.01, 0.02, 1.2e-38, 0];
    const run = (fused: boolean): { w: Float32Array; m: Float32Array; v: Float32Array } => {
      const w = variable(() => tf.tensor1d(start), `fused_adam_subnormal_${fused}`);
      const optimizer = tf.train.adam(0.01);
      const update = fused ? fusedAdamFor(optimizer, [w]) : (g: tf.Tensor[]) => stock(() => optimizer.applyGradients([{ name: w.name, tensor: g[0] }]));
      // One step with a zero gradient creates the moments; then they are set to the values under test.
      tf.tidy(() => update?.([tf.zerosLike(w)]));
      const state = optimizer as unknown as { accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] };
      const [m, v] = [state.accumulatedFirstMoment[0].variable, state.accumulatedSecondMoment[0].variable];
      tf.tidy(() => {
        m.assign(tf.tensor1d(firstMoment));
        v.assign(tf.tensor1d(firstMoment.map(Math.abs)));
      });
      tf.tidy(() => update?.([tf.tensor1d(gradient)]));
      const result = { w: w.dataSync() as Float32Array, m: m.dataSync() as Float32Array, v: v.dataSync() as Float32Array };
      w.dispose();
      optimizer.dispose();
      return result;
    };
    const fused = run(true);
    const reference = run(false);
    const subnormal = (x: number): boolean => x !== 0 && Math.abs(x) < SMALLEST_NORMAL;
    // tfjs' own Adam leaves subnormal moments (1.2e-38 · 0.9, and 1e-21² · 0.001); the fused one 0 in their place.
    expect(Array.from(reference.m).filter(subnormal).length).to.be.at.least(3);
    expect(Array.from(reference.v).filter(subnormal).length).to.be.at.least(2);
    expect(Array.from(fused.m).filter(subnormal)).to.deep.equal([]);
    expect(Array.from(fused.v).filter(subnormal)).to.deep.equal([]);
    fused.m.forEach((x, i) => expect(x === 0 || x === reference.m[i], `m[${i}]`).to.equal(true));
    expect(maxAbsDifference(fused.m, reference.m)).to.be.below(SMALLEST_NORMAL);
    expect(maxAbsDifference(fused.w, reference.w)).to.be.below(1e-6);
    expect(fused.w[3]).to.not.equal(0); // the weight with a real gradient moved
  });

  it('does not change a clone of a weight that shares its memory', () => {
    const w = variable(() => tf.tensor1d([1, 2, 3, 4, 5]), 'fused_adam_shared');
    const kept = tf.clone(w);
    const optimizer = tf.train.adam(0.1);
    const g = tf.tensor1d([1, 1, 1, 1, 1]);
    fusedAdamFor(optimizer, [w])?.([g]);
    expect(Array.from(kept.dataSync())).to.deep.equal([1, 2, 3, 4, 5]);
    expect(w.dataSync()[0]).to.be.closeTo(0.9, 1e-6);
    tf.dispose([w, kept, g]);
    optimizer.dispose();
  });

  it('keeps the tensor count flat from step to step', () => {
    const w = variable(() => tf.zeros([50, 3]), 'fused_adam_flat');
    const optimizer = tf.train.adam();
    const update = fusedAdamFor(optimizer, [w]) as (g: tf.Tensor[]) => void;
    const g = tf.ones([50, 3]);
    update([g]);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      update([g]);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).to.equal(1);
    tf.dispose([w, g]);
    optimizer.dispose();
  });

  it('refuses gradients that do not fit the weights, with the weight named', () => {
    const w = variable(() => tf.zeros([4]), 'fused_adam_misfit');
    const optimizer = tf.train.adam();
    const update = fusedAdamFor(optimizer, [w]) as (g: tf.Tensor[]) => void;
    const g = tf.ones([5]);
    expect(() => update([g])).to.throw(/fused_adam_misfit has 5 values; the weight has 4/);
    expect(() => update([])).to.throw(/0 gradients for 1 weights/);
    tf.dispose([w, g]);
    optimizer.dispose();
  });

  it('is not used for other optimizers or other backends', async () => {
    const w = variable(() => tf.zeros([4]), 'fused_adam_other');
    const sgd = tf.train.sgd(0.1);
    expect(fusedAdamFor(sgd, [w])).to.equal(undefined);
    await tf.setBackend('cpu');
    const adam = tf.train.adam();
    expect(fusedAdamFor(adam, [w])).to.equal(undefined);
    await tf.setBackend('wasm');
    w.dispose();
    sgd.dispose();
    adam.dispose();
  });
});
