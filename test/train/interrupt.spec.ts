/**
 * Kernel → Interrupt during training: the loop stops at the next batch, frees
 * what it holds and leaves a model that predicts and trains again. (The
 * browser test interrupts a real kernel; this drives the same hook directly.)
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { Samples } from '../../src/data/prepare';
import { fit } from '../../src/train/train';
import { earlyStopping } from '../../src/train/callbacks';
import { evaluate } from '../../src/evaluate/evaluate';
import { TrainingInterrupted, signalInterrupt, watchInterrupts } from '../../src/train/interrupt';
import { rejection } from '../support/errors';

/** Small generated samples: each label lights its own band of pixels. */
function bandSamples(count: number): Samples {
  const x = new Float32Array(count * 784);
  const y = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 10;
    for (let p = 0; p < 78; p++) x[i * 784 + y[i] * 78 + p] = 1;
  }
  return { x, y, count, features: 784 };
}

describe('interrupting training (Kernel → Interrupt)', function () {
  this.timeout(120000);
  const samples = bandSamples(640);

  it('stops at the next batch, frees its tensors and keeps a usable model that trains again', async () => {
    const model = createModel({ seed: 4 });
    // One epoch first: Adam creates its moment tensors at the first step, they belong to the model.
    await fit(model, samples, { epochs: 1 });
    const before = tf.memory().numTensors;
    let batchesSeen = 0;
    const error = await rejection(fit(model, samples, {
      epochs: 50,
      progressInterval: 0,
      callbacks: {
        onBatchProgress: (p) => {
          batchesSeen = p.epoch * p.batches + p.batch;
          if (p.epoch === 1 && p.batch === 3) signalInterrupt();
        },
      },
    }));
    expect(error).to.be.instanceOf(TrainingInterrupted);
    expect(error.message).to.match(/interrupted in epoch 2, after batch 4 of 20/);
    // The interrupt came at batch 3 of epoch 2; the loop stopped right after the next one.
    expect(batchesSeen).to.equal(20 + 3);
    expect(tf.memory().numTensors).to.equal(before);

    const afterInterrupt = evaluate(model, samples).accuracy;
    const history = await fit(model, samples, { epochs: 2 });
    expect(history.epoch).to.deep.equal([0, 1]);
    expect(evaluate(model, samples).accuracy).to.be.at.least(afterInterrupt);
    expect(tf.memory().numTensors).to.equal(before);
    model.dispose();
  });

  it('frees the early-stopping snapshot too', async () => {
    const model = createModel({ seed: 5 });
    await fit(model, samples, { epochs: 1 });
    const before = tf.memory().numTensors;
    const error = await rejection(fit(model, samples, {
      epochs: 10,
      progressInterval: 0,
      validationData: bandSamples(100),
      callbacks: [earlyStopping({ patience: 5 }), { onEpochEnd: (epoch) => { if (epoch === 1) signalInterrupt(); } }],
    }));
    expect(error).to.be.instanceOf(TrainingInterrupted);
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
