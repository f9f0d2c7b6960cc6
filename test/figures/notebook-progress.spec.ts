import { expect } from 'chai';
import { progressLine } from '../../src/figures/notebook-progress';

describe('training progress in the notebook', () => {
  const progress = { epoch: 1, epochs: 5, batch: 600, batches: 1875, loss: 0.12345, accuracy: 0.96, elapsed: 1.2 };

  it('draws a Keras-style line with bar, loss, accuracy and time left', () => {
    expect(progressLine(progress)).to.equal(
      'Epoch 2/5 [=========>....................] 600/1875 - loss 0.1235 - accuracy 0.9600 - ETA 3s');
    expect(progressLine({ ...progress, batch: 1875 })).to.match(/\[=+\] 1875\/1875 .* - 1\.2s$/);
  });
});
