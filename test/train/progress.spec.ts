import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { terminalProgress } from '../../src/train/progress';

describe('training progress in a terminal', () => {
  const progress = { epoch: 1, epochs: 5, batch: 600, batches: 1875, loss: 0.12345, accuracy: 0.96, elapsed: 1.2 };

  it('writes one line per epoch to a stream that is not a terminal', async () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const callbacks = terminalProgress(stream);
    const history = { epoch: [0], history: { loss: [0.5], accuracy: [0.9] }, secondsPerEpoch: [2.5] };
    // The progress display reads only the run's size, never the model.
    await callbacks.onTrainBegin?.({ epochs: 5, batches: 10, samples: 320, model: {} as tf.LayersModel, history });
    await callbacks.onBatchProgress?.(progress);
    await callbacks.onEpochEnd?.(0, { loss: 0.5, accuracy: 0.9 }, history);
    expect(written).to.deep.equal(['Epoch 1/5 - 2.5s - loss 0.5000 - accuracy 0.9000\n']);
  });
});
