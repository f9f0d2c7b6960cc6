import * as fs from 'fs';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { KERNELS_FILE, RELAXED_KERNELS_FILE, kernelsBuild, wasmKernels } from '../../src/backend/wasm-kernels';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { denseKernels } from '../../src/backend/wasm-dense';
import { softmaxCrossEntropy } from '../../src/backend/dense-training';
import { maxAbsDifference, randomValues } from '../support/compare-backends';

/** The ids of a WebAssembly module's sections, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

describe('the project\'s WebAssembly kernels (lib/kernels.wasm)', function () {
  let backendBefore: string;
  before(async function () {
    backendBefore = tf.getBackend();
    const ok = await tf.setBackend('wasm').catch(() => false);
    if (!ok) this.skip();
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  it('are built twice, import the backend\'s memory and bring no data that would land on its heap', () => {
    for (const file of [KERNELS_FILE, RELAXED_KERNELS_FILE]) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const ids = sectionIds(bytes);
      expect(ids, `${file}: a data section (11) or data count (12)`).to.not.include(11);
      expect(ids).to.not.include(12);
      expect(ids, `${file}: a start function (8)`).to.not.include(8);
      if (WebAssembly.validate(bytes)) {
        expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).to.deep.include({ module: 'env', name: 'memory', kind: 'memory' });
      }
    }
    expect(wasmKernels()).to.not.equal(undefined);
  });

  it('use the relaxed-SIMD build where this engine has relaxed SIMD (Node.js 22 and later), the plain one elsewhere', () => {
    const relaxed = WebAssembly.validate(new Uint8Array(fs.readFileSync(RELAXED_KERNELS_FILE)));
    expect(WebAssembly.validate(new Uint8Array(fs.readFileSync(KERNELS_FILE)))).to.equal(true);
    expect(kernelsBuild()).to.equal(relaxed ? 'relaxed-simd' : 'simd');
    const major = Number(process.versions.node.split('.')[0]);
    if (major >= 22) expect(relaxed, `Node.js ${process.versions.node} without relaxed SIMD`).to.equal(true);
  });

  it('compute Keras\' cross-entropy of a batch, its exact gradient and the hits as tfjs\' tape does', () => {
    const [n, k] = [8, 10];
    const z = randomValues(n * k, 21).map((v) => v * 4);
    // Row 1 ties for the largest logit (the first counts, as tf.argMax picks it); row 6 is sure and right
    // (p > 1 − 1e-7: tfjs' clip stops its gradient), row 7 sure and wrong (p < 1e-7: stopped too).
    z[10 + 3] = z[10 + 5] = 9;
    z[60 + 2] = 40;
    z[70 + 4] = 40;
    const labels = [3, 3, 0, 9, 2, 2, 2, 8];
    const logits = tf.tensor2d(z, [n, k]);
    for (const kind of ['sparse', 'categorical'] as const) {
      const y = kind === 'sparse' ? tf.tensor1d(labels, 'float32') : tf.oneHot(tf.tensor1d(labels, 'int32'), k).toFloat();
      // tfjs-layers' sparseCategoricalCrossentropy, as it is written there: clip, one-hot, then the categorical one.
      const lossOf = (target: tf.Tensor, p: tf.Tensor): tf.Tensor => (kind === 'sparse'
        ? tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d(labels, 'int32'), k), tf.clipByValue(p, 1e-7, 1 - 1e-7))
        : tf.metrics.categoricalCrossentropy(target, p));
      const { dz, loss, accuracy } = softmaxCrossEntropy(tf.backend() as BackendWasm, logits, y, kind);
      const reference = tf.tidy(() => {
        const mean = (x: tf.Tensor): tf.Scalar => tf.mean(lossOf(y, tf.softmax(x)));
        return { grad: tf.grad(mean)(logits), loss: mean(logits).dataSync()[0] };
      });
      expect(maxAbsDifference(dz.dataSync() as Float32Array, reference.grad.dataSync() as Float32Array), kind).to.be.below(1e-6);
      expect(Array.from(dz.dataSync().slice(70, 80)), 'row 7: no gradient, as in tfjs').to.deep.equal(new Array(10).fill(0));
      expect(loss, kind).to.be.closeTo(reference.loss, 1e-5);
      const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0]);
      expect(accuracy * n, kind).to.equal(hits);
      tf.dispose([y, dz, reference.grad]);
    }
    logits.dispose();
  });

  // The course model's shapes, and odd ones for the edges: rows beyond a multiple of 4, columns beyond a multiple of 8.
  const PRODUCT_SHAPES: [number, number, number][] = [[32, 784, 128], [32, 128, 10], [7, 13, 10], [5, 3, 17], [1, 6, 4], [64, 1600, 128]];

  it('compute a Dense layer\'s output, x·W + bias and relu, as tfjs\' ops do', () => {
    for (const [m, k, n] of PRODUCT_SHAPES) {
      const x = tf.tensor2d(randomValues(m * k, m + k), [m, k]);
      const w = tf.tensor2d(randomValues(k * n, k + n), [k, n]);
      const bias = tf.tensor1d(randomValues(n, n));
      for (const relu of [false, true]) {
        const out = denseKernels()?.forward(x, w, bias, relu) as tf.Tensor2D;
        const expected = tf.tidy(() => {
          const linear = tf.add(tf.matMul(x, w), bias);
          return relu ? tf.relu(linear) : linear;
        });
        expect(out.shape).to.deep.equal([m, n]);
        // A fused multiply-add (the relaxed-SIMD build) rounds once where tfjs rounds twice.
        expect(maxAbsDifference(out.dataSync() as Float32Array, expected.dataSync() as Float32Array), `${m}×${k}·${k}×${n}`).to.be.below(1e-5 * Math.sqrt(k));
        if (relu) expect(Math.min(...out.dataSync())).to.equal(0);
        tf.dispose([out, expected]);
      }
      tf.dispose([x, w, bias]);
    }
  });

  it('compute a Dense layer\'s weight gradient xᵀ·dz as tfjs\' ops do', () => {
    for (const [m, k, n] of PRODUCT_SHAPES) {
      const x = tf.tensor2d(randomValues(m * k, 2 * m + k), [m, k]);
      const dz = tf.tensor2d(randomValues(m * n, m + 2 * n), [m, n]);
      const dw = denseKernels()?.weightGrad(x, dz) as tf.Tensor2D;
      const expected = tf.matMul(x, dz, true, false);
      expect(dw.shape).to.deep.equal([k, n]);
      expect(maxAbsDifference(dw.dataSync() as Float32Array, expected.dataSync() as Float32Array), `${k}×${m}·${m}×${n}`).to.be.below(1e-5 * Math.sqrt(m));
      tf.dispose([x, dz, dw, expected]);
    }
  });

  /** Mostly 0, like an MNIST batch: a few lit values, a row with nothing lit, a −0, and whole columns of 0. */
  function sparseBatch(m: number, k: number, seed: number): Float32Array {
    const values = randomValues(m * k, seed).map((v, i) => (Math.abs(v * 7919 + i) % 1 < 0.2 ? Math.abs(v) : 0));
    values.fill(0, 0, k); // an image with nothing lit
    values[k + 1] = -0;
    for (let r = 0; r < m; r++) values.fill(0, r * k + 4, r * k + 12); // columns 4–11 are 0 in every image
    return values;
  }

  it('skip the 0 inputs of a mostly-black batch and still compute what tfjs computes', () => {
    for (const [m, k, n] of [[32, 784, 128], [32, 128, 10], [9, 30, 11]] as [number, number, number][]) {
      const xValues = sparseBatch(m, k, m + k);
      expect(xValues.filter((v) => v !== 0).length / xValues.length).to.be.within(0.1, 0.3);
      const x = tf.tensor2d(xValues, [m, k]);
      const w = tf.tensor2d(randomValues(k * n, k + n), [k, n]);
      const bias = tf.tensor1d(randomValues(n, n));
      const dz = tf.tensor2d(randomValues(m * n, m + 2 * n), [m, n]);
      const out = denseKernels()?.forward(x, w, bias, true) as tf.Tensor2D;
      const dw = denseKernels()?.weightGrad(x, dz) as tf.Tensor2D;
      const expected = tf.tidy(() => ({ out: tf.relu(tf.add(tf.matMul(x, w), bias)), dw: tf.matMul(x, dz, true, false) }));
      expect(maxAbsDifference(out.dataSync() as Float32Array, expected.out.dataSync() as Float32Array)).to.be.below(1e-5 * Math.sqrt(k));
      expect(maxAbsDifference(dw.dataSync() as Float32Array, expected.dw.dataSync() as Float32Array)).to.be.below(1e-5 * Math.sqrt(m));
      // The image with nothing lit gets the bias alone; the columns that are 0 in every image get a zero gradient.
      expect(Array.from(out.dataSync().slice(0, n))).to.deep.equal(Array.from(tf.tidy(() => tf.relu(bias).dataSync())));
      expect(Array.from(dw.dataSync().slice(4 * n, 12 * n)).every((v) => v === 0)).to.equal(true);
      tf.dispose([x, w, bias, dz, out, dw, expected.out, expected.dw]);
    }
  });

  it('give the bias for an all-black batch, a zero gradient, and keep a NaN input a NaN', () => {
    const [m, k, n] = [8, 16, 8];
    const w = tf.tensor2d(randomValues(k * n, 3), [k, n]);
    const bias = tf.tensor1d(randomValues(n, 4));
    const black = tf.zeros([m, k]) as tf.Tensor2D;
    const dz = tf.tensor2d(randomValues(m * n, 5), [m, n]);
    const out = denseKernels()?.forward(black, w, bias, false) as tf.Tensor2D;
    const dw = denseKernels()?.weightGrad(black, dz) as tf.Tensor2D;
    const biasValues = Array.from(bias.dataSync());
    expect(Array.from(out.dataSync())).to.deep.equal(Array.from({ length: m }, () => biasValues).flat());
    expect(Array.from(dw.dataSync()).every((v) => v === 0)).to.equal(true);
    const broken = black.bufferSync();
    broken.set(NaN, 2, 5);
    const withNaN = broken.toTensor() as tf.Tensor2D;
    const outNaN = denseKernels()?.forward(withNaN, w, bias, false) as tf.Tensor2D;
    const dwNaN = denseKernels()?.weightGrad(withNaN, dz) as tf.Tensor2D;
    expect(Array.from(outNaN.dataSync().slice(2 * n, 3 * n)).every(Number.isNaN)).to.equal(true);
    expect(Array.from(dwNaN.dataSync().slice(5 * n, 6 * n)).every(Number.isNaN)).to.equal(true);
    expect(Number.isNaN(outNaN.dataSync()[0])).to.equal(false);
    tf.dispose([w, bias, black, dz, out, dw, withNaN, outNaN, dwNaN]);
  });

  it('refuse operands whose shapes do not fit, naming the shapes', () => {
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    const w = tf.zeros([5, 2]) as tf.Tensor2D;
    const bias = tf.zeros([2]);
    const before = tf.memory().numTensors;
    expect(() => denseKernels()?.forward(x, w, bias, false)).to.throw(/float32 \[4, 3\], float32 \[5, 2\]/);
    expect(() => denseKernels()?.weightGrad(x, w)).to.throw(/float32 \[4, 3\] and float32 \[5, 2\]/);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, w, bias]);
  });

  it('pass the gradient through relu where the layer\'s output is positive (SIMD part and tail)', () => {
    const a = tf.tensor2d(randomValues(3 * 7, 22), [3, 7]).relu() as tf.Tensor2D;
    const da = tf.tensor2d(randomValues(3 * 7, 23), [3, 7]);
    const dz = denseKernels()?.reluGrad(da, a) as tf.Tensor2D;
    const expected = tf.mul(da, tf.step(a));
    expect(maxAbsDifference(dz.dataSync() as Float32Array, expected.dataSync() as Float32Array)).to.equal(0);
    tf.dispose([a, da, dz, expected]);
  });
});
