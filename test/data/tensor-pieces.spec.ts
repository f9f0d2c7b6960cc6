import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ROWS_PER_PIECE, forEachPiece } from '../../src/data/tensor-pieces';
import { pixelStats } from '../../src/data/prepare';
import { watchReads } from '../support/backend-reads';

describe('reading a large tensor back in pieces', () => {
  it('visits every value once, in order, with where each piece starts (2-D and 4-D, more rows than a piece)', () => {
    for (const shape of [[ROWS_PER_PIECE + 5, 3], [ROWS_PER_PIECE * 2 + 1, 2, 2, 1], [7, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => i);
      const x = tf.tensor(values, shape);
      const seen = new Float32Array(n).fill(-1);
      let pieces = 0;
      forEachPiece(x, (part, offset) => {
        pieces++;
        seen.set(part, offset);
      });
      expect(Array.from(seen)).to.deep.equal(Array.from(values));
      expect(pieces).to.equal(Math.ceil(shape[0] / ROWS_PER_PIECE));
      x.dispose();
    }
  });

  it('gives the same statistics for the normalized tensor as for its values, reading at most a piece at a time', () => {
    const rows = ROWS_PER_PIECE + 100;
    const bytes = Uint8Array.from({ length: rows * 784 }, (_, i) => (i * 31) % 256);
    const x = tf.tidy(() => tf.tensor2d(bytes, [rows, 784], 'float32').div(255));
    const before = tf.memory().numTensors;
    const reads = watchReads();
    let fromTensor: ReturnType<typeof pixelStats>;
    try {
      fromTensor = pixelStats(x);
    } finally {
      reads.stop();
    }
    const fromValues = pixelStats(x.dataSync());
    expect(fromTensor.min).to.equal(fromValues.min);
    expect(fromTensor.max).to.equal(fromValues.max);
    expect(fromTensor.mean).to.be.closeTo(fromValues.mean, 1e-12);
    expect(fromTensor.mean).to.be.closeTo(pixelStats(bytes).mean / 255, 1e-6);
    expect(Math.max(...reads.sizes)).to.be.at.most(ROWS_PER_PIECE * 784);
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
