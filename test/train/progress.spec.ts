/**
 * Progress while model.fit runs: the running means the displays draw, how
 * often they draw within an epoch, and the terminal's epoch lines.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { BatchProgress, ProgressCallback } from '../../src/train/epoch-progress';
import { terminalProgress } from '../../src/train/progress';

/** 200 generated images: each label lights its own band of pixels, with some noise. */
function bands(count: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 10;
    for (let p = 0; p < 78; p++) x[i * 784 + y[i] * 78 + p] = ((i * 7 + p * 13) % 10) / 10;
  }
  return { x: tf.tensor2d(x, [count, 784]), y: tf.tensor1d(y) };
}

/** Records what a display would be asked to draw. */
class Recorder extends ProgressCallback {
  readonly shown: BatchProgress[] = [];
  readonly epochsShown: number[] = [];
  protected override showBatch(p: BatchProgress): void {
    this.shown.push(p);
  }
  protected override showEpoch(epoch: number): void {
    this.epochsShown.push(epoch);
  }
  protected override showInterrupted(): void {
    throw new Error('not interrupted here');
  }
}

describe('following model.fit for a progress display', function () {
  this.timeout(60000);
  let data: { x: tf.Tensor2D; y: tf.Tensor1D };
  before(() => { data = bands(200); });
  after(() => tf.dispose([data.x, data.y]));

  it('ends each epoch with the running means model.fit logs for it, and records the curves under Keras\' names', async () => {
    const model = createModel({ seed: 1, hidden: 16 });
    const every = new Recorder(0);
    const history = await model.fit(data.x, data.y, { epochs: 2, batchSize: 32, validationSplit: 0.2, callbacks: every, verbose: 0 });
    // 160 training images in batches of 32: 5 per epoch, each reported.
    expect(every.shown.map((p) => `${p.epoch}:${p.batch}/${p.batches}`)).to.deep.equal(
      ['0:1/5', '0:2/5', '0:3/5', '0:4/5', '0:5/5', '1:1/5', '1:2/5', '1:3/5', '1:4/5', '1:5/5']);
    const ends = every.shown.filter((p) => p.batch === p.batches);
    ends.forEach((p, epoch) => {
      expect(p.loss).to.be.closeTo((history.history.loss as number[])[epoch], 1e-5);
      expect(p.accuracy).to.be.closeTo((history.history.acc as number[])[epoch], 1e-5);
      expect(p.epochs).to.equal(2);
    });
    expect(every.epochsShown).to.deep.equal([0, 1]);
    expect(every.curves).to.deep.equal({
      loss: history.history.loss, accuracy: history.history.acc, val_loss: history.history.val_loss, val_accuracy: history.history.val_acc,
    });
    expect(every.secondsPerEpoch).to.have.length(2);
    model.dispose();
  });

  it('draws at most every `interval` ms within an epoch, and always its last batch', async () => {
    const model = createModel({ seed: 1, hidden: 16 });
    const rarely = new Recorder(60 * 60 * 1000);
    await model.fit(data.x, data.y, { epochs: 2, batchSize: 10, callbacks: rarely, verbose: 0 });
    // The run's first batch (nothing drawn yet), then only each epoch's last of 20.
    expect(rarely.shown.map((p) => `${p.epoch}:${p.batch}`)).to.deep.equal(['0:1', '0:20', '1:20']);
    model.dispose();
  });

  it('leaves out the accuracy for a model compiled without it', async () => {
    const model = createModel({ seed: 1, hidden: 16 });
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
    const recorder = new Recorder(0);
    await model.fit(data.x, data.y, { epochs: 1, batchSize: 100, callbacks: recorder, verbose: 0 });
    expect(recorder.shown.map((p) => p.accuracy)).to.deep.equal([undefined, undefined]);
    model.dispose();
  });
});

describe('training progress in a terminal', function () {
  this.timeout(60000);

  it('writes one line per epoch to a stream that is not a terminal', async () => {
    const data = bands(64);
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const model = createModel({ seed: 1, hidden: 16 });
    const progress = terminalProgress(stream);
    const history = await model.fit(data.x, data.y, { epochs: 2, batchSize: 32, validationSplit: 0.5, callbacks: progress, verbose: 0 });
    const f = (key: string, epoch: number): string => (history.history[key][epoch] as number).toFixed(4);
    expect(written).to.deep.equal([0, 1].map((e) => `Epoch ${e + 1}/2 - ${progress.secondsPerEpoch[e].toFixed(1)}s - ` +
      `loss ${f('loss', e)} - accuracy ${f('acc', e)} - val_loss ${f('val_loss', e)} - val_accuracy ${f('val_acc', e)}\n`));
    model.dispose();
    tf.dispose([data.x, data.y]);
  });
});
