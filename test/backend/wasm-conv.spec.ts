import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { maxAbsDifference, on, randomValues } from '../support/compare-backends';

type Padding = 'valid' | 'same';

/** Σ op(x) ⊙ dy: its gradient with respect to x (or the filter) is exactly the backprop kernel's result. */
function weighted(y: tf.Tensor, dy: Float32Array): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(dy, y.shape)));
}

async function expectSameOnBothBackends(f: () => tf.Tensor, shape: number[]): Promise<void> {
  const wasm = await on('wasm', f);
  const cpu = await on('cpu', f);
  expect(wasm.shape).to.deep.equal(shape);
  expect(maxAbsDifference(wasm.values, cpu.values)).to.be.below(1e-4);
}

const convCases: { pad: Padding; stride: number; input: [number, number]; output: [number, number] }[] = [
  { pad: 'valid', stride: 1, input: [9, 8], output: [7, 6] },
  { pad: 'same', stride: 1, input: [9, 8], output: [9, 8] },
  // 10 rows at stride 2 leave the last row unread: the gradient there is 0.
  { pad: 'valid', stride: 2, input: [10, 9], output: [4, 4] },
  { pad: 'same', stride: 2, input: [9, 8], output: [5, 4] },
];

describe('the wasm convolution gradients (rebuilt on the fast forward Conv2D)', () => {
  runOn('wasm');

  for (const { pad, stride, input, output } of convCases) {
    const xShape = [2, ...input, 3];
    const dyShape = [2, ...output, 4];
    const x = randomValues(xShape.reduce((a, b) => a * b), 1);
    const filter = randomValues(3 * 3 * 3 * 4, 2);
    const dy = randomValues(dyShape.reduce((a, b) => a * b), 3);

    it(`filter gradient equals the cpu backend's, padding "${pad}", stride ${stride}`, async () => {
      await expectSameOnBothBackends(() => tf.tidy(() => tf.grad((w: tf.Tensor) =>
        weighted(tf.conv2d(tf.tensor4d(x, xShape as [number, number, number, number]), w as tf.Tensor4D, stride, pad), dy))(
        tf.tensor4d(filter, [3, 3, 3, 4]))), [3, 3, 3, 4]);
    });

    it(`input gradient equals the cpu backend's, padding "${pad}", stride ${stride}`, async () => {
      await expectSameOnBothBackends(() => tf.tidy(() => tf.grad((input4d: tf.Tensor) =>
        weighted(tf.conv2d(input4d as tf.Tensor4D, tf.tensor4d(filter, [3, 3, 3, 4]), stride, pad), dy))(
        tf.tensor4d(x, xShape as [number, number, number, number]))), xShape);
    });
  }

  // The first layer's case (one input channel: the direct filter gradient, 16 and 4 output channels at a time),
  // and channels in multiples of four (the kernels' SIMD paths).
  const channelCases: [number, number, Padding, number][] = [[1, 8, 'valid', 1], [1, 20, 'same', 2], [8, 4, 'same', 1], [8, 8, 'same', 2]];
  for (const [ci, co, pad, stride] of channelCases) {
    const xShape: [number, number, number, number] = [3, 9, 8, ci];
    const x = randomValues(xShape.reduce((a, b) => a * b), 6);
    const filter = randomValues(9 * ci * co, 8);
    const outShape = tf.backend_util.computeConv2DInfo(xShape, [3, 3, ci, co], stride, 1, pad).outShape;
    const dy = randomValues(outShape.reduce((a, b) => a * b), 7);
    const name = `${ci} input and ${co} output channel(s), padding "${pad}", stride ${stride}`;
    it(`filter gradient equals the cpu backend's, ${name}`, async () => {
      await expectSameOnBothBackends(() => tf.tidy(() => tf.grad((w: tf.Tensor) =>
        weighted(tf.conv2d(tf.tensor4d(x, xShape), w as tf.Tensor4D, stride, pad), dy))(
        tf.tensor4d(filter, [3, 3, ci, co]))), [3, 3, ci, co]);
    });
    it(`input gradient equals the cpu backend's, ${name}`, async () => {
      await expectSameOnBothBackends(() => tf.tidy(() => tf.grad((t: tf.Tensor) =>
        weighted(tf.conv2d(t as tf.Tensor4D, tf.tensor4d(filter, [3, 3, ci, co]), stride, pad), dy))(
        tf.tensor4d(x, xShape))), xShape);
    });
  }

  it('refuses channels-first data with a message that says what is supported', async () => {
    await tf.setBackend('wasm');
    const run = (): unknown => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.zeros([1, 1, 5, 5]), dy: tf.zeros([1, 1, 3, 3]) },
      { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 1, 1] } as unknown as tf.NamedAttrMap);
    expect(run).to.throw(/supports NHWC \(channels last\) only/);
  });
});

describe('the wasm max-pooling gradient (one pass over the backend\'s memory)', () => {
  runOn('wasm');

  // 3 channels run the one-channel-at-a-time loop; 6 run four at a time (SIMD) and two after.
  const poolCases: { name: string; size: number; stride: number; pad: Padding; input: number; output: number; channels: number }[] = [
    { name: '2×2, stride 2, odd input (the last row and column unread)', size: 2, stride: 2, pad: 'valid', input: 13, output: 6, channels: 3 },
    { name: '3×3, stride 2, "same" (overlapping windows, padding)', size: 3, stride: 2, pad: 'same', input: 9, output: 5, channels: 3 },
    { name: '2×2, stride 2, 6 channels', size: 2, stride: 2, pad: 'valid', input: 13, output: 6, channels: 6 },
    { name: '3×3, stride 2, "same", 6 channels', size: 3, stride: 2, pad: 'same', input: 9, output: 5, channels: 6 },
  ];
  for (const { name, size, stride, pad, input, output, channels } of poolCases) {
    it(`equals the cpu backend's, ${name}`, async () => {
      // Whole numbers from a small range, so windows hold ties: both send the gradient to the first maximum.
      const x = randomValues(2 * input * input * channels, 4).map((v) => Math.round(v * 2));
      const dy = randomValues(2 * output * output * channels, 5);
      const shape = [2, input, input, channels] as [number, number, number, number];
      await expectSameOnBothBackends(() => tf.tidy(() => tf.grad((t: tf.Tensor) =>
        weighted(tf.maxPool(t as tf.Tensor4D, size, stride, pad), dy))(tf.tensor4d(x, shape))), shape);
    });
  }
});

describe('a small CNN on the wasm backend', () => {
  runOn('wasm');

  it('trains, leaving no tensors or buffers behind', async () => {
    const cnn = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 3, kernelSize: 2, padding: 'same', activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    cnn.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tensor4d(randomValues(4 * 64, 3), [4, 8, 8, 1]);
    const ys = tf.tensor1d([0, 1, 0, 1]);
    const first = await cnn.fit(xs, ys, { epochs: 1, verbose: 0 });
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const more = await cnn.fit(xs, ys, { epochs: 20, verbose: 0 });
    expect(tf.memory().numTensors).to.equal(tensors);
    expect(tf.engine().backend.numDataIds()).to.equal(buffers);
    expect(more.history.loss[19] as number).to.be.below(first.history.loss[0] as number);
    xs.dispose();
    ys.dispose();
    cnn.dispose();
  });
});
