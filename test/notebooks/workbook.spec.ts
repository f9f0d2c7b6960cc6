import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { realMnistDir } from '../support/real-data';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const WORKBOOK = path.join(ROOT, 'notebooks', 'mnist-workbook.ipynb');
const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  metadata: { tags?: string[] };
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name: string }; reruns?: { index: number; outputs: Output[] }[] };
}

const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : s ?? '');
const textOf = (outputs: Output[] = []): string =>
  outputs.map((o) => (o.output_type === 'stream' ? joined(o.text) : joined(o.data?.['text/plain'] as string | undefined))).join('');
const codeCells = (nb: Notebook): Cell[] => nb.cells.filter((c) => c.cell_type === 'code');
const cellWith = (nb: Notebook, snippet: string): Cell => {
  const cell = codeCells(nb).find((c) => joined(c.source).includes(snippet));
  if (cell === undefined) throw new Error(`No code cell contains ${snippet}`);
  return cell;
};

/** Why Jupyter cannot run here, or undefined when it can. */
function jupyterMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `${PYTHON} cannot import nbclient/nbformat/jupyter_client ` +
    '(install Debian\'s jupyter-nbconvert python3-nbclient python3-ipykernel, or set JUPYTER_PYTHON)';
}

describe('the committed workbook', () => {
  const nb = JSON.parse(fs.readFileSync(WORKBOOK, 'utf8')) as Notebook;

  it('is committed clean: no outputs, no execution counts', () => {
    const dirty = codeCells(nb).filter((c) => (c.outputs ?? []).length > 0 || c.execution_count !== null);
    expect(dirty.map((c) => joined(c.source).split('\n')[0])).to.deep.equal([]);
  });

  it('runs on the tslab TypeScript kernel and answers all nine course questions: answer, then its demonstration apart', () => {
    expect(nb.metadata.kernelspec?.name).to.equal('tslab');
    const questions = nb.cells.map((c, i) => [c, i] as const)
      .filter(([c]) => c.cell_type === 'markdown' && /^### Question \d/.test(joined(c.source)));
    expect(questions).to.have.length(9);
    for (const [question, i] of questions) {
      const title = joined(question.source).split('\n')[0];
      expect(joined(question.source), `${title} asks for the answer first`).to.match(/Answer in the cell below, then run the demonstration|Compute it in the cell below the answer, then run the demonstration/);
      const [answer, explanation, demo] = nb.cells.slice(i + 1, i + 4);
      expect(answer.metadata.tags, `the cell after ${title}`).to.include('answer');
      expect(joined(answer.source)).to.include('**Answer.**').and.not.include('**Demonstration.**');
      expect(explanation.metadata.tags ?? [], 'the demonstration is explained in a cell of its own, kept in every edition').not.to.include('answer');
      expect(joined(explanation.source)).to.match(/^\*\*Demonstration\.\*\*/);
      expect(demo.cell_type, 'a demonstration cell follows').to.equal('code');
    }
  });

  it("shows the course's TensorFlow.js in the course's order: tensors and /255, tf.sequential + compile + summary, fit, evaluate, predict + argMax, reshape to [1, 784]", () => {
    const code = codeCells(nb).map((c) => joined(c.source)).join('\n');
    const steps = [
      // The division's spelling is free (.div(255), .div<tf.Tensor2D>(255), tf.div(…, 255)); the order of the steps is not.
      /tf\.tensor2d\(trainSet\.images, \[trainSet\.count, 28 \* 28\], 'float32'\)[^;]*div\b[^;]*255/,
      /tf\.tensor2d\(testSet\.images, \[testSet\.count, 28 \* 28\], 'float32'\)[^;]*div\b[^;]*255/,
      "tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu'",
      "tf.layers.dense({ units: 10, activation: 'softmax'",
      'tf.sequential({ layers: [hidden, output] })',
      "model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] })",
      'model.summary()',
      'const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, callbacks: mw.notebookProgress() });',
      'model.evaluate(xTest, yTest',
      'model.predict(xTest',
      '.argMax(1)',
      'mw.confusionMatrix(testSet.labels, predicted)',
      'xTest.slice(0, 1).reshape([28, 28])',
      'mw.imshow(pic)',
      'pic.reshape([1, 28 * 28])',
      'console.log(picInput1.size)',
      'model.predict(picInput1)',
      'pred1.argMax(1)',
    ];
    let at = 0;
    for (const step of steps) {
      const found = typeof step === 'string' ? code.indexOf(step, at) : code.slice(at).search(step) + (code.slice(at).search(step) < 0 ? 0 : at);
      expect(found, `${String(step)} (after the previous step)`).to.be.greaterThan(-1);
      at = found;
    }
    const step4 = codeCells(nb).find((c) => joined(c.source).includes('tf.sequential('))!;
    expect(joined(step4.source), 'the model is built in the notebook, not by the helper').not.to.include('createModel');
  });

  it('has a Python ↔ TypeScript table near the top naming each of the course\'s calls', () => {
    const top = nb.cells.slice(0, 3).map((c) => joined(c.source)).join('\n');
    for (const python of ['load_data', '/ 255.0', 'reshape', 'Sequential', 'Dense', 'compile', 'fit', 'evaluate', 'predict', 'np.argmax', 'confusion_matrix', 'imshow']) {
      // A row of the table: the Python call in the first column, a TensorFlow.js call in the second.
      expect(top, python).to.match(new RegExp(`\\| \`[^|\`]*${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^|\`]*\`[^|]*\\| \`[^|]+\``));
    }
  });

  it('is stored as Jupyter writes it: sorted keys, one-space indent, sources as lists of lines', () => {
    const text = fs.readFileSync(WORKBOOK, 'utf8');
    const sortKeys = (v: unknown): unknown => (Array.isArray(v) ? v.map(sortKeys)
      : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v);
    expect(text).to.equal(`${JSON.stringify(sortKeys(JSON.parse(text)), null, 1)}\n`);
    expect(nb.cells.filter((c) => !Array.isArray(c.source)).length).to.equal(0);
    // nbformat 4.5: every cell has an id, unique in the notebook.
    const ids = nb.cells.map((c) => (c as { id?: unknown }).id);
    expect(ids.every((id) => typeof id === 'string' && /^[a-zA-Z0-9-_]{1,64}$/.test(id))).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
  });
});

describe('the workbook executed by Jupyter (nbclient + tslab kernel, full MNIST)', function () {
  this.timeout(1200000);
  let executed: Notebook;
  let tmp: string;

  before(function () {
    const missing = jupyterMissing();
    if (missing !== undefined) {
      if (process.env.CI) throw new Error(`Jupyter is required under CI: ${missing}`);
      this.test!.title += ` (skipped: ${missing})`;
      this.skip();
    }
    const REAL_DATA_DIR = realMnistDir(this);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-'));
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
    const out = path.join(tmp, 'executed.ipynb');
    // Re-run as a student would: the data, the model and its training, the one-image prediction, demonstrations; then count the tensors.
    const rerun = ['const yTrain = mw.replacePrevious(', 'mw.checkNormalized(', 'tf.sequential(', 'mw.checkModel(model)', 'model.summary()', 'await model.fit(xTrain, yTrain', 'mw.checkTraining(',
      'pic.reshape([1, 28 * 28])', 'mw.checkReshaped(', 'model.predict(picInput1)', 'mw.checkFirstPrediction(', 'picPred1.arraySync()',
      'const memorized = await memorizer.fit', 'mw.predictProbabilities(model, test)', 'mw.createPerceptron()', 'tf.memory().numTensors'].map(nbCellIndex);
    execFileSync(PYTHON, [path.join(projectRoot(), 'test', 'support', 'run-notebook.py'), WORKBOOK, out, '--rerun', rerun.join(',')], {
      env: { ...process.env, JUPYTER_PATH: path.join(ROOT, '.jupyter', 'share', 'jupyter'), MNIST_DATA_DIR: REAL_DATA_DIR },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    executed = JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook;
  });
  after(() => {
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function nbCellIndex(snippet: string): number {
    const nb = JSON.parse(fs.readFileSync(WORKBOOK, 'utf8')) as Notebook;
    const index = nb.cells.findIndex((c) => c.cell_type === 'code' && joined(c.source).includes(snippet));
    if (index < 0) throw new Error(`No code cell contains ${snippet}`);
    return index;
  }

  it('runs every cell without an error', () => {
    const errors = codeCells(executed).flatMap((c) => (c.outputs ?? [])
      .filter((o) => o.output_type === 'error' || o.name === 'stderr')
      .map((o) => `${joined(c.source).split('\n')[0]} → ${o.ename ?? ''} ${o.evalue ?? joined(o.text)}`));
    expect(errors).to.deep.equal([]);
    // Every cell of the lesson shows something; a cell with no output did not run. A student's cell may be
    // silent: its check, in the cell after it, shows the result (and fails when the cell did not run).
    const cells = codeCells(executed);
    const silent = cells.filter((c, i) => (c.outputs ?? []).length === 0 &&
      !(joined(c.source).includes('BEGIN SOLUTION') && /mw\.check[A-Z]/.test(joined(cells[i + 1]?.source ?? '')) && (cells[i + 1].outputs ?? []).length > 0));
    expect(silent.map((c) => joined(c.source).split('\n')[0])).to.deep.equal([]);
  });

  it('loads the full data set and normalizes both sets to [0, 1]', () => {
    expect(textOf(cellWith(executed, 'await mw.loadMnist()').outputs)).to.include('x_train: (60000, 28, 28)').and.include('x_test:  (10000, 28, 28)');
    const text = textOf(cellWith(executed, 'mw.checkNormalized(').outputs);
    expect(text).to.include('✓ xTrain [60000, 784] and xTest [10000, 784]: every pixel divided by 255');
    expect(textOf(cellWith(executed, 'mw.pixelStats(xTrain)').outputs)).to.include('before: min 0, max 255').and.include('after:  min 0, max 1, mean 0.1307');
  });

  it('passes every check of the solution', () => {
    const checks = codeCells(executed).filter((c) => /mw\.check[A-Z]/.test(joined(c.source)));
    expect(checks.length).to.equal(8);
    for (const cell of checks) {
      // A check sits in a cell of its own, after the student's: a failed check loses none of the student's names.
      expect(joined(cell.source), 'a check cell holds no solution').not.to.include('BEGIN SOLUTION');
      const calls = joined(cell.source).match(/mw\.check[A-Z]\w*\(/g) ?? [];
      const passed = textOf(cell.outputs).match(/✓ /g) ?? [];
      expect(passed.length, calls.join(', ')).to.equal(calls.length);
    }
  });

  it('explains the 101,770 parameters', () => {
    const text = textOf(cellWith(executed, 'model.summary()').outputs);
    expect(text).to.include('Total params: 101770');
    expect(text).to.include('784·128 + 128 = 100480').and.include('128·10 + 10 = 1290').and.include('total: 101770');
  });

  it('trains 5 epochs in batches of 32 with the last 6,000 images held back', () => {
    expect(textOf(cellWith(executed, 'mw.checkTraining(').outputs)).to.match(
      /✓ 5 epochs in batches of 32 (on the first 54000 rows of xTrain, the last 6000 held back for validation|on 54000 images, validated on the last 6000)/);
  });

  it('reaches a test accuracy of at least 0.97', () => {
    const match = /test accuracy:\s+([\d.]+)/.exec(textOf(cellWith(executed, 'model.evaluate(xTest, yTest').outputs));
    expect(match, 'test accuracy line').to.not.equal(null);
    expect(Number(match![1])).to.be.at.least(0.97);
  });

  it('reshapes test image 0 to (1, 784), prints its size 784, and predicts [7]', () => {
    expect(textOf(cellWith(executed, 'console.log(picInput1.size)').outputs)).to.match(/^784$/m);
    expect(textOf(cellWith(executed, 'picPred1.arraySync()').outputs)).to.match(/^\[7\]$/m);
  });

  it('shows its figures as PNG and Vega-Lite, which JupyterLab renders without trust or network', () => {
    const mimes = (snippet: string): string[] => (cellWith(executed, snippet).outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}));
    expect(mimes('first20')).to.include('image/png');
    expect(mimes('notebookProgress()')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('confusionMatrixSpec')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('probabilitiesSpec')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('mw.imshow(pic)')).to.include('image/png');
    expect(mimes('misclassifiedIndices')).to.include('image/png');
    const spec = (cellWith(executed, 'confusionMatrixSpec').outputs ?? []).find((o) => o.data?.['application/vnd.vegalite.v5+json'])!
      .data!['application/vnd.vegalite.v5+json'];
    expect(spec, 'a JSON object, not a string').to.be.an('object');
  });

  it('reads a digit from a noisy photo of ruled paper (PNG) and predicts 7, shown beside its 28×28 input', () => {
    const cell = cellWith(executed, 'mw.predictDigitImage(model, photoFile)');
    expect(textOf(cell.outputs)).to.match(/120×150 png, dark-on-light, digit found at \{.*\} → predicted 7/);
    const shown = (cell.outputs ?? []).map((o) => joined(o.data?.['text/markdown'] as string | string[] | undefined)).join('');
    expect(shown).to.include('what the model is fed (28×28)').and.include('data:image/png;base64,');
  });

  it('answers question 1 by training on raw and normalized pixels', () => {
    const text = textOf(cellWith(executed, 'mw.compareRuns').outputs);
    const loss = (name: string): number => Number(new RegExp(`${name}: loss per epoch ([\\d.]+)`).exec(text)![1]);
    expect(loss('raw 0–255')).to.be.greaterThan(loss('normalized \\(/255\\)'));
  });

  it('answers question 2 by memorizing 500 images: near 1.0 on them, far behind on unseen ones', () => {
    const match = /seen images accuracy ([\d.]+), unseen images accuracy ([\d.]+)/.exec(textOf(cellWith(executed, 'const memorized = await memorizer.fit').outputs));
    expect(match).to.not.equal(null);
    expect(Number(match![1])).to.be.at.least(0.99);
    expect(Number(match![1]) - Number(match![2])).to.be.greaterThan(0.1);
  });

  it('answers question 4 with one uncertain image and its 10 probabilities to 3 decimals', () => {
    const cell = cellWith(executed, 'mw.predictProbabilities(model, test)');
    const lines = textOf(cell.outputs).split('\n').filter((l) => /^ {2}digit \d: \d\.\d{3}$/.test(l));
    expect(lines).to.have.length(10);
    const largest = Math.max(...lines.map((l) => Number(l.split(': ')[1])));
    expect(largest, 'an uncertain image').to.be.below(0.6);
    expect((cell.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}))).to.include('image/png');
  });

  it('answers question 6 with a figure of its own: accuracy per digit, seen vs unseen', () => {
    const cell = cellWith(executed, 'mw.accuracyByClassSpec(');
    const spec = (cell.outputs ?? []).find((o) => o.data?.['application/vnd.vegalite.v5+json'])?.data?.['application/vnd.vegalite.v5+json'] as { title?: string };
    expect(spec?.title).to.equal('Accuracy per digit: seen vs unseen images');
    expect(textOf(cell.outputs)).to.match(/\d+ of 10 digits score higher on the images the model has seen/);
  });

  it('answers question 9 with the clear error for a 28×28×3 image', () => {
    const text = textOf(cellWith(executed, 'mw.grayToRgb(').outputs);
    expect(text).to.include('got shape 28×28×3 (2352 values)').and.include('convert it to grayscale');
    expect(text).to.include('model.predict: Error when checking');
    expect(text).to.include('converted to grayscale first → predicted 7');
  });

  it('keeps the tensor count flat when cells are run again', () => {
    const first = textOf(cellWith(executed, 'tf.memory().numTensors').outputs);
    const reruns = executed.metadata.reruns ?? [];
    const again = textOf(reruns[reruns.length - 1]?.outputs);
    expect(first).to.match(/tensors in memory: \d+/);
    expect(again).to.equal(first);
    const rerunErrors = reruns.flatMap((r) => r.outputs.filter((o) => o.output_type === 'error' || o.name === 'stderr').map((o) => joined(o.text)));
    expect(rerunErrors, 'the re-run cells run cleanly').to.deep.equal([]);
    // The re-runs really ran (the first run's outputs are kept apart): the model cell made a new model.
    const modelIndex = executed.cells.findIndex((c) => c.cell_type === 'code' && joined(c.source).includes('model.summary()'));
    const summary = (outputs: Output[] | undefined): string => /dense_Dense\d+/.exec(textOf(outputs))?.[0] ?? '';
    expect(summary(reruns.find((r) => r.index === modelIndex)?.outputs)).to.not.equal(summary(executed.cells[modelIndex].outputs));
    expect(textOf(reruns.find((r) => r.index === nbCellIndex('picPred1.arraySync()'))?.outputs)).to.match(/^\[7\]$/m);
  });
});
