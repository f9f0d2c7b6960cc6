/**
 * Kernel → Interrupt during tfjs' model.fit: the project's callbacks stop it
 * at the next batch; nothing is leaked and the model predicts and trains
 * again. (The browser test interrupts a real kernel; this drives the same
 * hook directly.)
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { earlyStopping } from '../../src/train/callbacks';
import { terminalProgress } from '../../src/train/progress';
import { signalInterrupt, watchInterrupts } from '../../src/train/interrupt';

/** 640 generated images: each label lights its own band of pixels. */
function bands(count: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 10;
    for (let p = 0; p < 78; p++) x[i * 784 + y[i] * 78 + p] = 1;
  }
  return { x: tf.tensor2d(x, [count, 784]), y: tf.tensor1d(y) };
}

/** Presses Kernel → Interrupt after a given batch, and counts the batches trained. */
class InterruptAt extends tf.Callback {
  batches = 0;
  /** The first kernel's weights when the interrupt came: the last batch trained. */
  weights: number[] = [];
  private epoch = 0;

  constructor(private readonly at: { epoch: number; batch: number }) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    this.batches++;
    if (this.epoch === this.at.epoch && batch === this.at.batch) {
      this.weights = Array.from(this.model.getWeights()[0].dataSync());
      signalInterrupt();
    }
  }
}

function accuracyOn(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor1D): number {
  return tf.tidy(() => (model.evaluate(x, y) as tf.Scalar[])[1].dataSync()[0]);
}

describe('interrupting model.fit (Kernel → Interrupt)', function () {
  this.timeout(120000);
  let data: { x: tf.Tensor2D; y: tf.Tensor1D };
  before(() => { data = bands(640); });
  after(() => tf.dispose([data.x, data.y]));

  it('stops at the next batch, says where, frees every tensor and keeps a model that trains again', async () => {
    const model = createModel({ seed: 4 });
    // One epoch first: Adam creates its moment tensors at the first step, they belong to the model.
    await model.fit(data.x, data.y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const trigger = new InterruptAt({ epoch: 1, batch: 2 });
    const history = await model.fit(data.x, data.y, { epochs: 50, batchSize: 32, callbacks: [trigger, terminalProgress(stream)], verbose: 0 });
    // The interrupt came after batch 3 of epoch 2; the project's callback stopped model.fit right there.
    expect(trigger.batches).to.equal(20 + 3);
    expect(history.epoch).to.deep.equal([0, 1]);
    expect(written[written.length - 1]).to.equal(
      'Training was interrupted in epoch 2, after batch 3 of 20; the model keeps the weights learned so far.\n');
    expect(tf.memory().numTensors).to.equal(before);

    const afterInterrupt = accuracyOn(model, data.x, data.y);
    const again = await model.fit(data.x, data.y, { epochs: 2, callbacks: terminalProgress(stream), verbose: 0 });
    expect(again.epoch, 'the next run is not stopped by the old interrupt').to.deep.equal([0, 1]);
    expect(accuracyOn(model, data.x, data.y)).to.be.at.least(afterInterrupt);
    expect(tf.memory().numTensors).to.equal(before);
    model.dispose();
  });

  it('frees the early-stopping snapshot and leaves the weights as they are', async () => {
    const model = createModel({ seed: 5 });
    await model.fit(data.x, data.y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const stop = earlyStopping({ patience: 5 });
    const trigger = new InterruptAt({ epoch: 2, batch: 5 });
    const history = await model.fit(data.x, data.y, { epochs: 10, validationSplit: 0.2, verbose: 0, callbacks: [trigger, stop] });
    expect(history.epoch).to.deep.equal([0, 1, 2]);
    expect(stop.bestEpoch, 'a best epoch among the two finished ones').to.be.oneOf([0, 1]);
    expect(Array.from(model.getWeights()[0].dataSync()), 'not the best epoch\'s weights put back').to.deep.equal(trigger.weights);
    expect(tf.memory().numTensors).to.equal(before);
    model.dispose();
  });

  it('only sees interrupts that come after it started watching', () => {
    signalInterrupt();
    const interrupted = watchInterrupts();
    expect(interrupted()).to.equal(false);
    signalInterrupt();
    expect(interrupted()).to.equal(true);
  });

  it('leaves Ctrl-C alone where nothing else handles SIGINT (the command line)', async () => {
    expect((globalThis as { __tslab__?: unknown }).__tslab__, 'outside a tslab kernel').to.equal(undefined);
    // As in a command-line process: no SIGINT listener at all (other specs in this process may have left theirs).
    const others = process.listeners('SIGINT');
    process.removeAllListeners('SIGINT');
    try {
      watchInterrupts();
      await new Promise((resolve) => setImmediate(resolve)); // the kernel's listener would be added a turn later
      expect(process.listenerCount('SIGINT')).to.equal(0);
    } finally {
      for (const listener of others) process.on('SIGINT', listener);
    }
  });
});
