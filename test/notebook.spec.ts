import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REAL_DATA_DIR } from './real-data';

const ROOT = path.resolve(__dirname, '..');
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
  const cell = nb.cells.find((c) => joined(c.source).includes(snippet));
  if (cell === undefined) throw new Error(`No cell contains ${snippet}`);
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

  it('runs on the tslab TypeScript kernel and answers all nine course questions, each with a demonstration', () => {
    expect(nb.metadata.kernelspec?.name).to.equal('tslab');
    const questions = nb.cells.map((c, i) => [c, i] as const)
      .filter(([c]) => c.cell_type === 'markdown' && /^### Question \d/.test(joined(c.source)));
    expect(questions).to.have.length(9);
    for (const [, i] of questions) {
      const answer = nb.cells[i + 1];
      expect(answer.metadata.tags, `the cell after ${joined(nb.cells[i].source).split('\n')[0]}`).to.include('answer');
      expect(joined(answer.source)).to.include('**Answer.**').and.include('**Demonstration.**');
      expect(nb.cells[i + 2].cell_type, 'a demonstration cell follows the answer').to.equal('code');
    }
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
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-'));
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
    const out = path.join(tmp, 'executed.ipynb');
    const modelCell = nbCellIndex('mw.createModel({ seed: 42 })');
    const rerun = [nbCellIndex('mw.predictDigit(model, pic)'), modelCell, nbCellIndex('mw.createPerceptron()'), nbCellIndex('tf.memory().numTensors')];
    execFileSync(PYTHON, [path.join(__dirname, 'run-notebook.py'), WORKBOOK, out, '--rerun', rerun.join(',')], {
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
    return nb.cells.findIndex((c) => joined(c.source).includes(snippet));
  }

  it('runs every cell without an error', () => {
    const errors = codeCells(executed).flatMap((c) => (c.outputs ?? [])
      .filter((o) => o.output_type === 'error' || o.name === 'stderr')
      .map((o) => `${joined(c.source).split('\n')[0]} → ${o.ename ?? ''} ${o.evalue ?? joined(o.text)}`));
    expect(errors).to.deep.equal([]);
    // Every cell of the lesson shows something; a cell with no output did not run.
    expect(codeCells(executed).filter((c) => (c.outputs ?? []).length === 0).map((c) => joined(c.source).split('\n')[0])).to.deep.equal([]);
  });

  it('loads the full data set and normalizes it to [0, 1]', () => {
    expect(textOf(cellWith(executed, 'await mw.loadMnist()').outputs)).to.include('x_train: (60000, 28, 28)').and.include('x_test:  (10000, 28, 28)');
    expect(textOf(cellWith(executed, 'mw.pixelStats(train.x)').outputs)).to.include('before: min 0, max 255').and.include('after:  min 0, max 1');
  });

  it('explains the 101,770 parameters', () => {
    const text = textOf(cellWith(executed, 'mw.createModel({ seed: 42 })').outputs);
    expect(text).to.include('784·128 + 128 = 100480').and.include('128·10 + 10 = 1290').and.include('total: 101770');
  });

  it('reaches a test accuracy of at least 0.97', () => {
    const match = /test accuracy:\s+([\d.]+)/.exec(textOf(cellWith(executed, 'mw.evaluate(model, test)').outputs));
    expect(match, 'test accuracy line').to.not.equal(null);
    expect(Number(match![1])).to.be.at.least(0.97);
  });

  it('reshapes test image 0 to (1, 784), size 784, and predicts 7', () => {
    expect(textOf(cellWith(executed, 'reshape([1, 28 * 28])').outputs)).to.match(/\[ 1, 784 \] 784/);
    expect(textOf(cellWith(executed, 'mw.predictDigit(model, pic)').outputs)).to.include('argmax → [7]');
  });

  it('shows its figures as PNG and Vega-Lite, which JupyterLab renders without trust or network', () => {
    const mimes = (snippet: string): string[] => (cellWith(executed, snippet).outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}));
    expect(mimes('first20')).to.include('image/png');
    expect(mimes('notebookProgress()')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('confusionMatrixSpec')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('probabilitiesSpec')).to.include('application/vnd.vegalite.v5+json');
    expect(mimes('misclassifiedIndices')).to.include('image/png');
    const spec = (cellWith(executed, 'confusionMatrixSpec').outputs ?? []).find((o) => o.data?.['application/vnd.vegalite.v5+json'])!
      .data!['application/vnd.vegalite.v5+json'];
    expect(spec, 'a JSON object, not a string').to.be.an('object');
  });

  it('reads a digit from a picture of paper (PNG) and predicts 7', () => {
    expect(textOf(cellWith(executed, 'mw.predictDigitImage(model, photoFile)').outputs)).to.match(/100×120 png, dark-on-light → predicted 7/);
  });

  it('answers question 1 by training on raw and normalized pixels', () => {
    const text = textOf(cellWith(executed, 'mw.compareRuns').outputs);
    const loss = (name: string): number => Number(new RegExp(`${name}: loss per epoch ([\\d.]+)`).exec(text)![1]);
    expect(loss('raw 0–255')).to.be.greaterThan(loss('normalized \\(/255\\)'));
  });

  it('answers question 9 with the clear error for a 28×28×3 image', () => {
    const text = textOf(cellWith(executed, 'mw.grayToRgb(pic)').outputs);
    expect(text).to.include('got shape 28×28×3 (2352 values)').and.include('convert it to grayscale');
    expect(text).to.include('converted to grayscale first → predicted 7');
  });

  it('keeps the tensor count flat when cells are run again', () => {
    const first = textOf(cellWith(executed, 'tf.memory().numTensors').outputs);
    const reruns = executed.metadata.reruns ?? [];
    const again = textOf(reruns[reruns.length - 1]?.outputs);
    expect(first).to.match(/tensors in memory: \d+/);
    expect(again).to.equal(first);
  });
});
