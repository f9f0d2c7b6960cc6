/**
 * Vega-Lite specs for the workbook's charts.
 *
 * Vega-Lite JSON is what JupyterLab renders inline without network access and
 * without the notebook being trusted, and the same spec renders to SVG for the
 * command-line job (see render.ts). Data is always inlined (`data.values`) so a
 * spec is self-contained wherever it ends up. Inputs are plain structural types
 * so this module does not depend on the training code.
 */
import type { TopLevelSpec } from 'vega-lite';

/** MIME type under which JupyterLab's built-in renderer picks up a Vega-Lite 5 spec. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Per-epoch metrics, shaped like the `history` of a tf.js/Keras `fit()` call. */
export interface TrainingHistory {
  loss: number[];
  accuracy: number[];
  val_loss?: number[];
  val_accuracy?: number[];
}

export interface FigureOptions {
  title?: string;
}

export interface ConfusionMatrixOptions extends FigureOptions {
  /** Class names in row/column order; defaults to '0', '1', ... */
  labels?: string[];
}

export interface ProbabilitiesOptions extends FigureOptions {
  /** Class index drawn in the accent colour; defaults to the argmax. */
  highlight?: number;
  /** Class names in index order; defaults to '0', '1', ... */
  labels?: string[];
}

export interface LossComparisonOptions extends FigureOptions {
  /** Y-axis title; defaults to 'loss'. */
  metric?: string;
  /**
   * A log y-axis keeps a diverging run (e.g. raw 0–255 pixels) from flattening
   * the others. Only positive values can be drawn on it.
   */
  logScale?: boolean;
}

type Row = Record<string, string | number | boolean | null>;

/** One view of an hconcat, derived from the public type because vega-lite only exports TopLevelSpec. */
type ConcatView = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];

const ACCENT = '#d62728';
const MUTED = '#9ecae1';
/** The training curves' splits, in legend order (not the dataset's train/test SPLITS). */
const CURVE_SPLITS = ['train', 'validation'];

/**
 * JSON has no NaN/Infinity (JSON.stringify turns them into null), so convert
 * up front: the spec then means the same in-process and once serialized, and
 * Vega-Lite skips null points instead of drawing garbage. Diverging runs do
 * produce NaN losses, so this is expected input, not an error.
 */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function defaultLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

function checkClassNames(labels: string[], n: number, fn: string): void {
  if (labels.length !== n) {
    throw new Error(`${fn}: expected ${n} labels (one per class), got ${labels.length}`);
  }
  if (new Set(labels).size !== labels.length) {
    throw new Error(`${fn}: labels must be unique, got [${labels.join(', ')}]`);
  }
}

function titled(opts: FigureOptions | undefined): { title?: string } {
  return opts?.title === undefined ? {} : { title: opts.title };
}

function epochRows(values: number[] | undefined, extra: Row): Row[] {
  return (values ?? []).map((v, i) => ({ ...extra, epoch: i + 1, value: finiteOrNull(v) }));
}

/** Up to this many epochs every epoch gets its tick; longer runs get Vega's integer ticks. */
const EVERY_EPOCH_UP_TO = 20;

/**
 * An x axis of whole epochs. tickMinStep alone does not do it: for a span
 * of 2 epochs Vega still asks d3 for 3 ticks, d3 answers 1, 1.5, 2, 2.5, 3,
 * and format 'd' then prints "1 2 2 3 3". Listing the epochs avoids that.
 */
function epochAxis(epochs: number): { tickMinStep: number; format: string; values?: number[] } {
  const values = Array.from({ length: epochs }, (_, i) => i + 1);
  return { tickMinStep: 1, format: 'd', ...(epochs > 0 && epochs <= EVERY_EPOCH_UP_TO ? { values } : {}) };
}

/**
 * Legends of named lines go under the chart, their labels never shortened:
 * on the right, Vega cuts labels at 160 px ("val_loss, no dropo…"), and a
 * wide legend there pushes past the output area's edge.
 */
const LINE_LEGEND = { orient: 'bottom', direction: 'vertical', labelLimit: 0 } as const;

/** Labels longer than this are tilted on a categorical x axis so neighbours do not overlap. */
const UPRIGHT_LABEL_CHARS = 2;

function categoryAxis(labels: string[]): { labelAngle: number; labelAlign?: 'right'; labelBaseline?: 'middle' } {
  const long = labels.some((l) => l.length > UPRIGHT_LABEL_CHARS);
  return long ? { labelAngle: -45, labelAlign: 'right', labelBaseline: 'middle' } : { labelAngle: 0 };
}

/** Two side-by-side panels (loss, accuracy) per epoch, train vs validation. */
export function trainingCurvesSpec(history: TrainingHistory, opts?: FigureOptions): TopLevelSpec {
  const values: Row[] = [
    ...epochRows(history.loss, { metric: 'loss', split: 'train' }),
    ...epochRows(history.val_loss, { metric: 'loss', split: 'validation' }),
    ...epochRows(history.accuracy, { metric: 'accuracy', split: 'train' }),
    ...epochRows(history.val_accuracy, { metric: 'accuracy', split: 'validation' }),
  ];
  // Only splits that have data get a legend entry; the fixed order keeps their colours stable.
  const present = CURVE_SPLITS.filter((split) => values.some((r) => r.split === split));
  const epochs = Math.max(0, ...values.map((r) => Number(r.epoch)));
  const panel = (metric: string, zero: boolean): ConcatView => ({
    width: 260,
    height: 200,
    transform: [{ filter: { field: 'metric', equal: metric } }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: epochAxis(epochs), title: 'epoch' },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero } },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: present.length > 0 ? present : CURVE_SPLITS }, legend: LINE_LEGEND },
      tooltip: [
        { field: 'split', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'value', type: 'quantitative', title: metric, format: '.4f' },
      ],
    },
  });
  return {
    $schema: SCHEMA,
    ...titled(opts),
    data: { values },
    // Accuracy soon sits near 0.9–1; anchored at zero its changes would be a flat line.
    hconcat: [panel('loss', true), panel('accuracy', false)],
  };
}

/** Heatmap of counts: true label on y, predicted label on x, counts written in the cells. */
export function confusionMatrixSpec(matrix: number[][], opts?: ConfusionMatrixOptions): TopLevelSpec {
  const fn = 'confusionMatrixSpec';
  const n = matrix.length;
  if (n === 0) throw new Error(`${fn}: expected a square matrix with at least one row, got 0 rows`);
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new Error(`${fn}: expected a square ${n}×${n} matrix, row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries`);
    }
  });
  const labels = opts?.labels ?? defaultLabels(n);
  checkClassNames(labels, n, fn);

  const values: Row[] = [];
  let max = 0;
  let integral = true;
  matrix.forEach((row, i) =>
    row.forEach((count, j) => {
      if (!Number.isFinite(count)) throw new Error(`${fn}: matrix[${i}][${j}] is ${count}, expected a finite number`);
      max = Math.max(max, count);
      integral = integral && Number.isInteger(count);
      values.push({ actual: labels[i], predicted: labels[j], count });
    }),
  );
  // The colour ramp starts at zero, so cells above max/2 are the darker half: white text reads better there.
  const darkThreshold = max / 2;

  return {
    $schema: SCHEMA,
    ...titled(opts),
    data: { values },
    width: Math.max(200, 30 * n),
    height: Math.max(200, 30 * n),
    encoding: {
      // An explicit domain fixes the order; default ordinal sorting is lexical ("10" before "2").
      // Digits stand upright; class names (Fashion-MNIST's "T-shirt/top") are tilted so they do not run into each other.
      x: { field: 'predicted', type: 'ordinal', title: 'predicted label', scale: { domain: labels }, axis: categoryAxis(labels) },
      y: { field: 'actual', type: 'ordinal', title: 'true label', scale: { domain: labels } },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', title: 'count', scale: { scheme: 'blues', zero: true } },
          tooltip: [
            { field: 'actual', type: 'ordinal', title: 'true' },
            { field: 'predicted', type: 'ordinal', title: 'predicted' },
            { field: 'count', type: 'quantitative' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: n > 12 ? 8 : 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: integral ? 'd' : '.2f' },
          color: { condition: { test: `datum.count > ${darkThreshold}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** Bar chart of one prediction's class probabilities, the predicted (or chosen) class highlighted. */
export function probabilitiesSpec(probabilities: ArrayLike<number>, opts?: ProbabilitiesOptions): TopLevelSpec {
  const fn = 'probabilitiesSpec';
  const n = probabilities.length;
  if (n === 0) throw new Error(`${fn}: expected at least one probability, got none`);
  const probs = Array.from(probabilities);
  probs.forEach((p, i) => {
    // A NaN here usually means training diverged; a silent empty bar would hide that.
    if (!Number.isFinite(p)) throw new Error(`${fn}: probabilities[${i}] is ${p}, expected a finite number`);
  });
  const highlight = opts?.highlight ?? probs.indexOf(Math.max(...probs));
  if (!Number.isInteger(highlight) || highlight < 0 || highlight >= n) {
    throw new Error(`${fn}: highlight must be an integer class index in [0, ${n - 1}], got ${highlight}`);
  }
  const labels = opts?.labels ?? defaultLabels(n);
  checkClassNames(labels, n, fn);
  const values: Row[] = probs.map((p, i) => ({ label: labels[i], probability: p, highlighted: i === highlight }));
  // Probabilities are in [0, 1]; a larger value (unnormalised scores) widens the axis instead of clipping.
  const top = Math.max(1, ...probs);

  return {
    $schema: SCHEMA,
    ...titled(opts),
    data: { values },
    width: Math.max(200, 24 * n),
    height: 160,
    mark: 'bar',
    encoding: {
      x: { field: 'label', type: 'ordinal', title: 'class', scale: { domain: labels }, axis: categoryAxis(labels) },
      y: { field: 'probability', type: 'quantitative', title: 'probability', scale: { domain: [0, top] } },
      color: { condition: { test: 'datum.highlighted', value: ACCENT }, value: MUTED },
      tooltip: [
        { field: 'label', type: 'ordinal', title: 'class' },
        { field: 'probability', type: 'quantitative', format: '.4f' },
      ],
    },
  };
}

/** One line per named run of a metric by epoch, e.g. raw vs normalized pixels. */
export function lossComparisonSpec(series: Record<string, number[]>, opts?: LossComparisonOptions): TopLevelSpec {
  const names = Object.keys(series);
  if (names.length === 0) throw new Error('lossComparisonSpec: expected at least one named series, got none');
  const metric = opts?.metric ?? 'loss';
  const logScale = opts?.logScale ?? false;
  const values: Row[] = names.flatMap((run) =>
    epochRows(series[run], { run }).map((r) => {
      // log(0) and negatives have no position on a log axis; dropping them beats a blank chart.
      const v = r.value;
      return logScale && typeof v === 'number' && v <= 0 ? { ...r, value: null } : r;
    }),
  );

  return {
    $schema: SCHEMA,
    ...titled(opts),
    data: { values },
    width: 400,
    height: 240,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: epochAxis(Math.max(0, ...names.map((n) => series[n].length))), title: 'epoch' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: metric,
        scale: logScale ? { type: 'log' } : { zero: true },
      },
      // Domain in insertion order so colours follow the order the caller listed runs.
      color: { field: 'run', type: 'nominal', title: null, scale: { domain: names }, legend: LINE_LEGEND },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'value', type: 'quantitative', title: metric, format: '.4g' },
      ],
    },
  };
}
