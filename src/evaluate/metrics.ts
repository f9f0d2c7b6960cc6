/**
 * What the predictions tell about the model: the confusion matrix (true
 * digit by row, predicted digit by column), accuracy, per-class precision,
 * recall and F1, the pairs of digits most often confused, and which images
 * were misclassified. Plain arrays in and out, computed in JavaScript:
 * `tf.math.confusionMatrix` fails on the wasm backend, and these sums are
 * cheap.
 */

export type Labels = ArrayLike<number>;

function checkPair(truth: Labels, predicted: Labels): void {
  if (truth.length !== predicted.length) {
    // 10 predictions for many labels is the argmax taken along the wrong axis (one per class instead of one per image).
    const axis = predicted.length === 10 && truth.length !== 10
      ? ' Ten predictions are one per class: the largest probability was taken along axis 0 (over the images); take it along axis 1, the axis of each image\'s class probabilities, for one prediction per image.'
      : '';
    throw new Error(`Expected as many predictions as true labels, got ${predicted.length} predictions for ${truth.length} labels.${axis}`);
  }
}

/** `matrix[t][p]` counts the images of digit t predicted as p. */
export function confusionMatrix(truth: Labels, predicted: Labels, classes = 10): number[][] {
  checkPair(truth, predicted);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes && Number.isInteger(t) && Number.isInteger(p))) {
      throw new Error(`Expected labels 0–${classes - 1}, found true label ${t} and prediction ${p} at index ${i}.`);
    }
    matrix[t][p]++;
  }
  return matrix;
}

/** Share of correct predictions: the matrix's diagonal over its total. */
export function accuracyOf(matrix: number[][]): number {
  let correct = 0;
  let total = 0;
  matrix.forEach((row, t) => row.forEach((n, p) => {
    total += n;
    if (t === p) correct += n;
  }));
  return total === 0 ? 0 : correct / total;
}

export interface ClassReport {
  digit: number;
  /** Of the images predicted as this digit, the share that were. */
  precision: number;
  /** Of the images of this digit, the share found. */
  recall: number;
  f1: number;
  /** How many test images are this digit. */
  support: number;
}

/** Precision, recall and F1 per class (0 where a ratio has nothing to divide by). */
export function classReport(matrix: number[][]): ClassReport[] {
  return matrix.map((row, digit) => {
    const hits = row[digit];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = matrix.reduce((sum, r) => sum + r[digit], 0);
    const precision = predictedAs === 0 ? 0 : hits / predictedAs;
    const recall = support === 0 ? 0 : hits / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { digit, precision, recall, f1, support };
  });
}

export interface ConfusedPair {
  truth: number;
  predicted: number;
  count: number;
}

/** The off-diagonal cells, largest first: which digit is most often taken for which. */
export function mostConfused(matrix: number[][], top = 5): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  matrix.forEach((row, truth) => row.forEach((count, predicted) => {
    if (truth !== predicted && count > 0) pairs.push({ truth, predicted, count });
  }));
  pairs.sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted);
  return pairs.slice(0, top);
}

/** Indices of the images whose prediction differs from the truth, in order. */
export function misclassifiedIndices(truth: Labels, predicted: Labels): number[] {
  checkPair(truth, predicted);
  const out: number[] = [];
  for (let i = 0; i < truth.length; i++) if (truth[i] !== predicted[i]) out.push(i);
  return out;
}

/** The matrix as an aligned text table, for terminals and logs. */
export function formatConfusionMatrix(matrix: number[][]): string {
  const width = Math.max(4, ...matrix.flat().map((n) => String(n).length + 1));
  const pad = (s: string | number): string => String(s).padStart(width);
  const header = 'true\\pred'.padEnd(9) + matrix.map((_, p) => pad(p)).join('');
  const rows = matrix.map((row, t) => String(t).padEnd(9) + row.map(pad).join(''));
  return [header, ...rows].join('\n');
}
