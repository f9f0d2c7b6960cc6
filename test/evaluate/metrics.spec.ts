import { expect } from 'chai';
import {
  accuracyOf, classReport, confusionMatrix, formatConfusionMatrix, misclassifiedIndices, mostConfused,
} from '../../src/evaluate/metrics';

// Worked by hand: three classes, six images.
//   truth:     0 0 1 1 2 2
//   predicted: 0 1 1 1 1 2
// Row 0: one right, one taken for 1. Row 1: both right. Row 2: one taken for 1, one right.
const truth = [0, 0, 1, 1, 2, 2];
const predicted = [0, 1, 1, 1, 1, 2];

describe('the confusion matrix', () => {
  it('counts true digit by row and predicted digit by column', () => {
    expect(confusionMatrix(truth, predicted, 3)).to.deep.equal([
      [1, 1, 0],
      [0, 2, 0],
      [0, 1, 1],
    ]);
  });

  it('has rows that sum to the number of images of each digit', () => {
    const m = confusionMatrix(Uint8Array.from([3, 3, 3, 9]), Uint8Array.from([3, 5, 3, 9]));
    expect(m.map((row) => row.reduce((a, b) => a + b, 0))).to.deep.equal([0, 0, 0, 3, 0, 0, 0, 0, 0, 1]);
  });

  it('refuses mismatched lengths and labels outside 0–9', () => {
    expect(() => confusionMatrix([1, 2], [1])).to.throw(/1 predictions for 2 labels\.$/);
    // argMax along axis 0 of [n, 10] probabilities: one per class.
    expect(() => confusionMatrix(new Array(100).fill(0), new Array(10).fill(3))).to.throw(/got 10 predictions for 100 labels\. .*along axis 0.*along axis 1/);
    expect(() => confusionMatrix([10], [1])).to.throw(/labels 0–9, found true label 10 and prediction 1 at index 0/);
  });

  it('prints as an aligned table', () => {
    const lines = formatConfusionMatrix(confusionMatrix(truth, predicted, 3)).split('\n');
    expect(lines).to.have.length(4);
    expect(lines[0]).to.match(/^true\\pred\s+0\s+1\s+2$/);
    expect(lines[3]).to.match(/^2\s+0\s+1\s+1$/);
  });
});

describe('scores read off the matrix', () => {
  const m = confusionMatrix(truth, predicted, 3);

  it('accuracy is the diagonal over the total', () => {
    expect(accuracyOf(m)).to.be.closeTo(4 / 6, 1e-12);
  });

  it('precision, recall and F1 per class', () => {
    const report = classReport(m);
    expect(report[1].precision).to.be.closeTo(2 / 4, 1e-12);
    expect(report[1].recall).to.equal(1);
    expect(report[1].f1).to.be.closeTo(2 / 3, 1e-12);
    expect(report[0]).to.deep.include({ precision: 1, recall: 0.5, support: 2 });
    expect(report[2].f1).to.be.closeTo(2 / 3, 1e-12);
  });

  it('gives 0 rather than NaN for a class never predicted or never present', () => {
    const report = classReport(confusionMatrix([0, 0], [0, 0], 2));
    expect(report[1]).to.deep.equal({ digit: 1, precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

describe('where the model goes wrong', () => {
  it('lists the most-confused pairs, largest first', () => {
    const m = confusionMatrix([4, 4, 4, 9, 7, 7], [9, 9, 4, 4, 2, 7]);
    expect(mostConfused(m, 2)).to.deep.equal([
      { truth: 4, predicted: 9, count: 2 },
      { truth: 7, predicted: 2, count: 1 },
    ]);
  });

  it('finds the indices of misclassified images', () => {
    expect(misclassifiedIndices(truth, predicted)).to.deep.equal([1, 4]);
  });
});
