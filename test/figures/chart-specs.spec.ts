/**
 * Tests for the chart specs (figures.ts), their SVG rendering and file output
 * (render.ts), and the notebook display helpers (display.ts) driven through
 * the real tslab module with a captured kernel channel.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'fs/promises';
import { tmpdir } from 'os';
import * as path from 'path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import {
  VEGA_LITE_MIME,
  confusionMatrixSpec,
  lossComparisonSpec,
  probabilitiesSpec,
  trainingCurvesSpec,
} from '../../src/figures/chart-specs';
import { specToSvg, specToSvgSync, writeFigure } from '../../src/figures/render';
import { inNotebook, liveDisplay, setNotebookDisplay, showMarkdown, showPng, showSpec } from '../../src/figures/display';
import type { TslabModule } from '../../src/figures/display';
import { notebookProgress } from '../../src/figures/notebook-progress';

type Datum = Record<string, unknown>;

/** vega's SVG gradient ids come from a process-wide counter (exported, but missing from its typings). */
const resetSvgIds = (): void => (vega as unknown as { resetSVGDefIds(): void }).resetSVGDefIds();

/** Compiles with a logger that records warnings, so "compiles cleanly" means no warnings either. */
function compileStrict(spec: TopLevelSpec): { vg: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  const vg = compile(spec, { logger }).spec;
  return { vg, warnings };
}

function values(spec: TopLevelSpec): Datum[] {
  const data = (spec as { data?: { values?: unknown } }).data;
  expect(data, 'spec.data').to.be.an('object');
  expect(data?.values, 'spec.data.values (inlined data)').to.be.an('array');
  return data?.values as Datum[];
}

function scaleDomain(vg: vega.Spec, name: string): unknown {
  const scale = (vg.scales ?? []).find((s) => s.name === name);
  expect(scale, `scale ${name}`).to.exist;
  return scale?.domain;
}

const HISTORY = {
  loss: [0.9, 0.4, 0.3],
  accuracy: [0.7, 0.88, 0.91],
  val_loss: [0.8, 0.45, 0.35],
  val_accuracy: [0.75, 0.86, 0.9],
};

function sampleMatrix(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 950 + i : (i * 3 + j) % 5)));
}

describe('figures', () => {
  it('exports the Vega-Lite 5 MIME type', () => {
    expect(VEGA_LITE_MIME).to.equal('application/vnd.vegalite.v5+json');
  });

  describe('trainingCurvesSpec', () => {
    it('compiles without warnings into two panels', () => {
      const spec = trainingCurvesSpec(HISTORY, { title: 'MLP' });
      const { warnings } = compileStrict(spec);
      expect(warnings).to.deep.equal([]);
      expect((spec as { hconcat?: unknown[] }).hconcat).to.have.length(2);
      expect((spec as { title?: string }).title).to.equal('MLP');
    });

    it('inlines every metric with 1-based epochs and train/validation splits', () => {
      const rows = values(trainingCurvesSpec(HISTORY));
      expect(rows).to.have.length(12);
      expect(rows).to.deep.include({ metric: 'loss', split: 'train', epoch: 1, value: 0.9 });
      expect(rows).to.deep.include({ metric: 'accuracy', split: 'validation', epoch: 3, value: 0.9 });
      expect(rows.map((r) => r.epoch)).not.to.include(0);
    });

    it('works without validation metrics and turns NaN into null', () => {
      const rows = values(trainingCurvesSpec({ loss: [1, NaN], accuracy: [0.5, 0.6] }));
      expect(rows.filter((r) => r.split === 'validation')).to.have.length(0);
      expect(rows).to.deep.include({ metric: 'loss', split: 'train', epoch: 2, value: null });
      expect(compileStrict(trainingCurvesSpec({ loss: [1, NaN], accuracy: [0.5, 0.6] })).warnings).to.deep.equal([]);
    });
  });

  describe('confusionMatrixSpec', () => {
    it('has 100 cells for 10 classes with the counts, compiles without warnings', () => {
      const m = sampleMatrix(10);
      const spec = confusionMatrixSpec(m, { title: 'Test set' });
      const rows = values(spec);
      expect(rows).to.have.length(100);
      expect(rows).to.deep.include({ actual: '3', predicted: '3', count: 953 });
      expect(rows).to.deep.include({ actual: '2', predicted: '7', count: m[2][7] });
      expect(compileStrict(spec).warnings).to.deep.equal([]);
    });

    it('orders labels numerically, also past 9', () => {
      const labels = Array.from({ length: 12 }, (_, i) => String(i));
      const { vg } = compileStrict(confusionMatrixSpec(sampleMatrix(12)));
      expect(scaleDomain(vg, 'x')).to.deep.equal(labels);
      expect(scaleDomain(vg, 'y')).to.deep.equal(labels);
    });

    it('uses custom labels and switches text colour on dark cells', () => {
      const spec = confusionMatrixSpec([[10, 0], [2, 8]], { labels: ['cat', 'dog'] });
      expect(values(spec)).to.deep.include({ actual: 'dog', predicted: 'cat', count: 2 });
      expect(JSON.stringify(spec)).to.contain('datum.count > 5');
    });

    it('rejects non-square matrices and wrong label counts', () => {
      expect(() => confusionMatrixSpec([[1, 2], [3]])).to.throw(/square 2×2.*row 1 has 1/);
      expect(() => confusionMatrixSpec([])).to.throw(/at least one row/);
      expect(() => confusionMatrixSpec([[1]], { labels: ['a', 'b'] })).to.throw(/expected 1 labels.*got 2/);
      expect(() => confusionMatrixSpec([[NaN]])).to.throw(/matrix\[0\]\[0\] is NaN/);
    });
  });

  describe('probabilitiesSpec', () => {
    const probs = new Float32Array([0.01, 0.02, 0.05, 0.7, 0.04, 0.08, 0.02, 0.03, 0.03, 0.02]);

    it('highlights the argmax by default', () => {
      const rows = values(probabilitiesSpec(probs));
      expect(rows).to.have.length(10);
      expect(rows.filter((r) => r.highlighted === true).map((r) => r.label)).to.deep.equal(['3']);
      expect(rows[3].probability).to.be.closeTo(0.7, 1e-6);
      expect(compileStrict(probabilitiesSpec(probs)).warnings).to.deep.equal([]);
    });

    it('highlights a chosen class and accepts plain arrays', () => {
      const rows = values(probabilitiesSpec(Array.from(probs), { highlight: 5 }));
      expect(rows.filter((r) => r.highlighted === true).map((r) => r.label)).to.deep.equal(['5']);
    });

    it('gives the highlighted bar its own colour in the SVG', async () => {
      const svg = await specToSvg(probabilitiesSpec(probs));
      const fills = svg.match(/aria-roledescription="bar"[^>]*fill="(#[0-9a-f]+)"/g) ?? [];
      const colours = fills.map((f) => /fill="(#[0-9a-f]+)"/.exec(f)?.[1]);
      expect(colours).to.have.length(10);
      expect(new Set(colours).size).to.equal(2);
      expect(colours.filter((c) => c === colours[3])).to.have.length(1);
    });

    it('rejects bad input with what was expected', () => {
      expect(() => probabilitiesSpec(probs, { highlight: 10 })).to.throw(/highlight must be an integer class index in \[0, 9\], got 10/);
      expect(() => probabilitiesSpec([0.5, NaN])).to.throw(/probabilities\[1\] is NaN/);
      expect(() => probabilitiesSpec([])).to.throw(/at least one probability/);
    });
  });

  describe('lossComparisonSpec', () => {
    it('has one line per named run, in the given order', () => {
      const spec = lossComparisonSpec({ 'raw 0–255': [14.2, 13.9, Infinity], normalized: [0.6, 0.3, 0.2] });
      const rows = values(spec);
      expect(rows).to.have.length(6);
      expect(rows).to.deep.include({ run: 'normalized', epoch: 2, value: 0.3 });
      expect(rows).to.deep.include({ run: 'raw 0–255', epoch: 3, value: null });
      const { vg, warnings } = compileStrict(spec);
      expect(warnings).to.deep.equal([]);
      expect(scaleDomain(vg, 'color')).to.deep.equal(['raw 0–255', 'normalized']);
    });

    it('supports a log axis and a custom metric title', async () => {
      const spec = lossComparisonSpec({ a: [10, 1, 0], b: [5, 0.5, 0.1] }, { logScale: true, metric: 'val_loss' });
      expect(values(spec)).to.deep.include({ run: 'a', epoch: 3, value: null });
      const svg = await specToSvg(spec);
      expect(svg).to.contain('val_loss');
    });

    it('rejects an empty comparison', () => {
      expect(() => lossComparisonSpec({})).to.throw(/at least one named series/);
    });
  });
});

describe('render', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mnist-figures-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders training curves to SVG with axis titles and legend', async () => {
    const svg = await specToSvg(trainingCurvesSpec(HISTORY, { title: 'Training' }));
    expect(svg.startsWith('<svg')).to.equal(true);
    for (const text of ['>epoch<', '>loss<', '>accuracy<', '>train<', '>validation<', '>Training<']) {
      expect(svg).to.contain(text);
    }
  });

  it('renders the confusion matrix with counts and contrasting text', async () => {
    const svg = await specToSvg(confusionMatrixSpec(sampleMatrix(10)));
    expect(svg).to.contain('>true label<');
    expect(svg).to.contain('>predicted label<');
    expect(svg).to.match(/fill="white">950</);
    expect(svg).to.match(/fill="black">1</);
    expect(svg.match(/aria-roledescription="rect mark"/g)).to.have.length(100);
  });

  it('renders synchronously exactly what vega\'s own toSVG() renders, for every chart the project draws', async () => {
    const charts = [
      trainingCurvesSpec(HISTORY, { title: 'Training' }),
      confusionMatrixSpec(sampleMatrix(10)),
      probabilitiesSpec([0.05, 0.9, 0.05]),
      lossComparisonSpec({ 'normalized (/255)': [0.5, 0.3, 0.2], 'raw 0–255': [2.5, 1.9, 1.7] }),
    ];
    for (const spec of charts) {
      // Gradient ids come from a process-wide counter; start both renderings from the same one.
      resetSvgIds();
      const expected = await specToSvg(spec);
      resetSvgIds();
      expect(specToSvgSync(spec)).to.equal(expected);
    }
  });

  it('writes SVG for specs, PNG for buffers and JSON on request, creating directories', async () => {
    const svgPath = await writeFigure(path.join(dir, 'a', 'b', 'curves'), trainingCurvesSpec(HISTORY));
    expect(svgPath).to.equal(path.join(dir, 'a', 'b', 'curves.svg'));
    expect(await readFile(svgPath, 'utf8')).to.match(/^<svg/);

    const pngBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const pngPath = await writeFigure(path.join(dir, 'digits.png'), pngBytes);
    expect(await readFile(pngPath)).to.deep.equal(pngBytes);

    const spec = probabilitiesSpec([0.2, 0.8]);
    const jsonPath = await writeFigure(path.join(dir, 'p.vl.json'), spec);
    expect(JSON.parse(await readFile(jsonPath, 'utf8'))).to.deep.equal(spec);
  });

  it('refuses a file extension that does not match the figure', async () => {
    let error: unknown;
    try {
      await writeFigure(path.join(dir, 'x.png'), trainingCurvesSpec(HISTORY));
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/Vega-Lite spec must be written to \.svg or \.json/);
  });
});

describe('display', () => {
  interface Message {
    update: boolean | undefined;
    content: { data: Record<string, unknown>; transient: { display_id?: string } };
  }
  type Channel = { lastWriteDisplayData: ((content: Message['content'], update: boolean | undefined) => void) | null };
  const globals = globalThis as { __tslab__?: unknown };
  let messages: Message[] = [];
  let channel: Channel;
  let warn: typeof console.warn;
  let warnings: string[] = [];

  before(() => {
    // The real tslab module, with the kernel's message channel replaced by a recorder.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    channel = require('tslab/dist/jupyter') as Channel;
    warn = console.warn;
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
    };
  });
  after(() => {
    console.warn = warn;
    channel.lastWriteDisplayData = null;
    delete globals.__tslab__;
    setNotebookDisplay(null);
  });
  beforeEach(() => {
    messages = [];
    channel.lastWriteDisplayData = (content, update) => {
      // Round-trip like the kernel does (JSON.stringify of the message content).
      messages.push({ update, content: JSON.parse(JSON.stringify(content)) as Message['content'] });
    };
  });
  afterEach(() => {
    delete globals.__tslab__;
  });

  function enterFakeKernel(): void {
    // What tslab's executor installs: a require that resolves 'tslab' to the kernel's instance.
    globals.__tslab__ = { exports: {}, require: (id: string): unknown => require(id) };
  }

  it('does nothing, returns false and warns once outside a kernel', () => {
    expect(inNotebook()).to.equal(false);
    showSpec(probabilitiesSpec([0.3, 0.7]));
    showPng(Buffer.from([1]));
    expect(liveDisplay().update('epoch 1')).to.equal(false);
    expect(messages).to.have.length(0);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/not running inside a tslab notebook kernel/);
  });

  it('sends a Vega-Lite spec as a JSON object, not a string', () => {
    enterFakeKernel();
    expect(inNotebook()).to.equal(true);
    const spec = probabilitiesSpec([0.3, 0.7]);
    showSpec(spec);
    expect(messages).to.have.length(1);
    // tslab leaves `update` undefined on a first display; the kernel sends display_data for any falsy value.
    expect(messages[0].update).to.not.equal(true);
    expect(messages[0].content.data).to.have.keys([VEGA_LITE_MIME, 'image/svg+xml']);
    expect(messages[0].content.data[VEGA_LITE_MIME]).to.deep.equal(JSON.parse(JSON.stringify(spec)));
  });

  it('sends each chart as one bundle whose SVG, for viewers without Vega-Lite, is the same chart', () => {
    enterFakeKernel();
    const spec = probabilitiesSpec([0.1, 0.2, 0.7], { title: 'Probabilities for image 0' });
    showSpec(spec);
    expect(messages).to.have.length(1);
    const svg = String(messages[0].content.data['image/svg+xml']);
    expect(svg).to.match(/^<svg[^>]* width="\d+" height="\d+"/);
    expect(svg).to.contain('>Probabilities for image 0<');
    expect(svg.match(/aria-roledescription="bar"/g)).to.have.length(3);
    resetSvgIds();
    const again = specToSvgSync(spec);
    expect(svg.replace(/gradient_\d+/g, 'g')).to.equal(again.replace(/gradient_\d+/g, 'g'));
  });

  it('sends PNG as base64 and markdown as text', () => {
    enterFakeKernel();
    showPng(Buffer.from([1, 2, 3]));
    showMarkdown('| 1 |\n| - |\n| 7 |');
    expect(messages.map((m) => m.content.data)).to.deep.equal([
      { 'image/png': Buffer.from([1, 2, 3]).toString('base64') },
      { 'text/markdown': '| 1 |\n| - |\n| 7 |' },
    ]);
  });

  it('updates a live display in place under one display_id', () => {
    enterFakeKernel();
    const live = liveDisplay();
    expect(live.update('epoch 1')).to.equal(true);
    expect(live.update(trainingCurvesSpec(HISTORY))).to.equal(true);
    expect(messages.map((m) => m.update === true)).to.deep.equal([false, true]);
    const ids = messages.map((m) => m.content.transient.display_id);
    expect(ids[0]).to.be.a('string').and.equal(ids[1]);
    expect(messages[0].content.data).to.deep.equal({ 'text/plain': 'epoch 1' });
    expect(messages[1].content.data).to.have.keys([VEGA_LITE_MIME, 'image/svg+xml']);
    expect(String(messages[1].content.data['image/svg+xml'])).to.contain('>epoch<');
    // A second live display is a separate output.
    liveDisplay().update('other');
    expect(messages[2].content.transient.display_id).not.to.equal(ids[0]);
  });

  it('shows training progress at most once a second, letting the event loop run after each update', async () => {
    enterFakeKernel();
    const progress = notebookProgress();
    // Driven as model.fit drives a tf.Callback: one epoch of 100 batches of one image.
    progress.setParams({ epochs: 1, samples: 100, batchSize: 1, doValidation: false });
    await progress.onTrainBegin();
    await progress.onEpochBegin(0);
    // Queued before the first update: it runs only if the update lets the event loop turn.
    let loopTurned = false;
    setImmediate(() => { loopTurned = true; });
    await progress.onBatchEnd(0, { size: 1, loss: 0.5, acc: 0.9 });
    expect(loopTurned).to.equal(true);
    for (let batch = 1; batch < 50; batch++) await progress.onBatchEnd(batch, { size: 1, loss: 0.5, acc: 0.9 });
    const countAfter50 = messages.length;
    for (let batch = 50; batch < 100; batch++) await progress.onBatchEnd(batch, { size: 1, loss: 0.5, acc: 0.9 });
    // The first report and the epoch's last; the ones in between came within the same second.
    expect(countAfter50).to.equal(1);
    expect(messages.map((m) => m.content.data['text/plain'])).to.have.length(2);
    expect(String(messages[1].content.data['text/plain'])).to.match(/100\/100 - loss 0\.5000 - accuracy 0\.9000/);
    // After the epoch: its line, then the chart of the curves.
    await progress.onEpochEnd(0, { loss: 0.5, acc: 0.9 });
    expect(String(messages[2].content.data['text/plain'])).to.match(/^Epoch 1 - \d+\.\ds - loss 0\.5000 - accuracy 0\.9000$/);
    expect(messages[3].content.data).to.have.property(VEGA_LITE_MIME);
  });

  it('accepts the tslab module explicitly, and reports display failures instead of throwing', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tslab: TslabModule = require('tslab') as typeof import('tslab');
    setNotebookDisplay(tslab);
    try {
      expect(inNotebook()).to.equal(true);
      channel.lastWriteDisplayData = null; // tslab throws "Not ready" before the first cell runs
      expect(() => showSpec(probabilitiesSpec([1]))).not.to.throw();
      expect(messages).to.have.length(0);
    } finally {
      setNotebookDisplay(null);
    }
  });
});

/** The tick labels of the first axis whose aria-label starts with `axis` ('X-axis', 'Y-axis'), as the SVG shows them. */
function axisLabels(svg: string, axis: string): string[] {
  const start = svg.indexOf(`aria-label="${axis}`);
  expect(start, `${axis} in the SVG`).to.be.greaterThan(-1);
  const group = /role-axis-label"[^>]*>(.*?)<\/g>/.exec(svg.slice(start));
  return [...(group?.[1] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

type Encoding = Record<string, { axis?: Record<string, unknown>; legend?: Record<string, unknown> }>;
const encodingOf = (spec: TopLevelSpec): Encoding => (spec as { encoding: Encoding }).encoding;
const panels = (spec: TopLevelSpec): Encoding[] => (spec as { hconcat: { encoding: Encoding }[] }).hconcat.map((p) => p.encoding);

describe('readable figures', () => {
  describe('epochs are whole numbers on every epoch axis', () => {
    it('Question 1\'s 3-epoch loss comparison ticks 1, 2, 3 (not 1, 1.5, 2 printed as "1 2 2")', async () => {
      const spec = lossComparisonSpec({ 'normalized (/255)': [0.4, 0.2, 0.15], 'raw 0–255': [3, 1.5, 0.9] }, { logScale: true });
      expect(encodingOf(spec).x.axis).to.deep.equal({ tickMinStep: 1, format: 'd', values: [1, 2, 3] });
      expect(axisLabels(await specToSvg(spec), 'X-axis')).to.deep.equal(['1', '2', '3']);
    });

    it('the training curves of 2 and 5 epochs tick each epoch once', async () => {
      for (const epochs of [2, 5]) {
        const history = { loss: HISTORY.loss.concat(0.2, 0.1).slice(0, epochs), accuracy: HISTORY.accuracy.concat(0.95, 0.97).slice(0, epochs) };
        const spec = trainingCurvesSpec(history);
        for (const panel of panels(spec)) expect(panel.x.axis?.values).to.deep.equal(Array.from({ length: epochs }, (_, i) => i + 1));
        expect(axisLabels(await specToSvg(spec), 'X-axis')).to.deep.equal(Array.from({ length: epochs }, (_, i) => String(i + 1)));
      }
    });

    it('long runs (30 epochs) get fewer ticks, still whole and distinct', async () => {
      const spec = lossComparisonSpec({ run: Array.from({ length: 30 }, (_, i) => 1 / (i + 1)) });
      expect(encodingOf(spec).x.axis).to.deep.equal({ tickMinStep: 1, format: 'd' });
      const labels = axisLabels(await specToSvg(spec), 'X-axis');
      expect(labels.length).to.be.within(3, 16);
      expect(new Set(labels).size).to.equal(labels.length);
      expect(labels.every((l) => /^\d+$/.test(l))).to.equal(true);
    });
  });

  describe('category labels do not run into each other', () => {
    const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

    it('tilts Fashion-MNIST\'s class names under the confusion matrix, ending at their tick', async () => {
      const spec = confusionMatrixSpec(sampleMatrix(10), { labels: FASHION });
      expect(encodingOf(spec).x.axis).to.deep.equal({ labelAngle: -45, labelAlign: 'right', labelBaseline: 'middle' });
      const svg = await specToSvg(spec);
      expect(svg).to.match(/text-anchor="end" transform="[^"]*rotate\(315\)[^>]*>T-shirt\/top</);
      expect(compileStrict(spec).warnings).to.deep.equal([]);
    });

    it('keeps digits upright, in the confusion matrix and the probabilities', () => {
      expect(encodingOf(confusionMatrixSpec(sampleMatrix(10))).x.axis).to.deep.equal({ labelAngle: 0 });
      expect(encodingOf(probabilitiesSpec([0.1, 0.9])).x.axis).to.deep.equal({ labelAngle: 0 });
      expect(encodingOf(probabilitiesSpec(Array(10).fill(0.1), { labels: FASHION })).x.axis?.labelAngle).to.equal(-45);
    });
  });

  describe('legends are shown whole', () => {
    const LONG = { 'val_loss, no dropout': [0.3, 0.35, 0.4], 'val_loss, dropout 0.3': [0.3, 0.29, 0.28], 'loss, no dropout': [0.3, 0.1, 0.05] };

    it('puts the legend of named lines under the chart, its labels never cut', async () => {
      for (const spec of [lossComparisonSpec(LONG), trainingCurvesSpec(HISTORY)]) {
        const encodings = 'hconcat' in spec ? panels(spec) : [encodingOf(spec)];
        for (const e of encodings) expect(e.color.legend).to.deep.equal({ orient: 'bottom', direction: 'vertical', labelLimit: 0 });
      }
      const svg = await specToSvg(lossComparisonSpec(LONG));
      for (const name of Object.keys(LONG)) expect(svg).to.include(`>${name}<`);
      expect(svg).not.to.include('…');
    });

    it('no figure of the workbook shortens any text', async () => {
      const specs = [
        trainingCurvesSpec(HISTORY, { title: 'Training vs validation' }),
        lossComparisonSpec(LONG, { title: 'Validation loss per epoch' }),
        confusionMatrixSpec(sampleMatrix(10), { labels: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] }),
        probabilitiesSpec([0.01, 0.02, 0.9, 0.07], { title: 'Predicted probabilities for test image 0' }),
      ];
      for (const spec of specs) expect(await specToSvg(spec)).not.to.include('…');
    });
  });
});
