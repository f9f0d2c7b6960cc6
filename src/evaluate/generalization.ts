/**
 * Seen versus unseen images, digit by digit: the share of each digit's
 * images a model gets right on the training set and on the test set, and a
 * grouped bar chart of the two (the course's question 6).
 */
import type { TopLevelSpec } from 'vega-lite';

/** For each class 0…classes−1, the share of its images whose prediction is right. */
export function accuracyByClass(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[] {
  if (truth.length !== predicted.length) {
    throw new Error(`Expected as many predictions as true labels, got ${predicted.length} predictions for ${truth.length} labels.`);
  }
  const right = new Array<number>(classes).fill(0);
  const all = new Array<number>(classes).fill(0);
  for (let i = 0; i < truth.length; i++) {
    all[truth[i]]++;
    if (truth[i] === predicted[i]) right[truth[i]]++;
  }
  return all.map((n, c) => (n === 0 ? 0 : right[c] / n));
}

/** Grouped bars: per class, one bar for each named set (e.g. training and test images). */
export function accuracyByClassSpec(sets: Record<string, number[]>, opts: { title?: string; labels?: string[] } = {}): TopLevelSpec {
  const names = Object.keys(sets);
  if (names.length === 0) throw new Error('accuracyByClassSpec: expected at least one named set of accuracies, got none');
  const values = names.flatMap((set) => sets[set].map((accuracy, c) => ({ set, label: opts.labels?.[c] ?? String(c), accuracy })));
  const low = Math.min(...values.map((v) => v.accuracy));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(opts.title === undefined ? {} : { title: opts.title }),
    data: { values },
    width: { step: 14 },
    height: 220,
    mark: { type: 'bar', clip: true },
    encoding: {
      x: { field: 'label', type: 'ordinal', title: 'digit', axis: { labelAngle: 0 } },
      xOffset: { field: 'set', type: 'nominal', scale: { domain: names } },
      // The bars all sit near 1; starting the axis just below the lowest keeps the differences visible.
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [Math.floor(low * 50) / 50, 1] } },
      color: { field: 'set', type: 'nominal', title: null, scale: { domain: names }, legend: { orient: 'bottom' } },
      tooltip: [{ field: 'set', type: 'nominal' }, { field: 'label', type: 'ordinal', title: 'digit' }, { field: 'accuracy', type: 'quantitative', format: '.4f' }],
    },
  };
}
