/**
 * The workbook builds the course's model in a cell, with tf.sequential and
 * model.compile, and `npm start` builds it with createModel(): this test runs
 * the notebook's own cell and compares the two, so they cannot drift apart.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as tf from '@tensorflow/tfjs';
import * as mw from '../../src';
import { projectRoot } from '../../src/data/project-root';

const WORKBOOK = path.join(projectRoot(), 'notebooks', 'mnist-workbook.ipynb');

interface Cell { cell_type: string; source: string | string[] }
const joined = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);

/** The notebook cell that builds the model, compiled to JavaScript and run with `tf` and `mw` in scope; returns its `model`. */
function modelFromNotebook(): tf.LayersModel {
  const cells = (JSON.parse(fs.readFileSync(WORKBOOK, 'utf8')) as { cells: Cell[] }).cells;
  const cell = cells.find((c) => c.cell_type === 'code' && joined(c.source).includes('tf.sequential('));
  if (cell === undefined) throw new Error('No cell of the workbook builds the model with tf.sequential(');
  const js = ts.transpileModule(joined(cell.source), { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None } }).outputText;
  const log = console.log;
  console.log = () => undefined;
  try {
    return new Function('tf', 'mw', `${js}\nreturn model;`)(tf, mw) as tf.LayersModel;
  } finally {
    console.log = log;
  }
}

describe('the workbook\'s model and createModel()', () => {
  let notebook: tf.LayersModel;
  let cli: tf.LayersModel;
  before(() => {
    notebook = modelFromNotebook();
    cli = mw.createModel();
  });
  after(() => {
    // The notebook compiles with an optimizer object, which the model does not own.
    mw.replacePrevious('model', { dispose: () => undefined });
    cli.dispose();
  });

  it('have the same layers: kinds, units, activations, input shape, bias and seeded initializers', () => {
    expect(mw.modelSettings(notebook).layers).to.deep.equal(mw.modelSettings(cli).layers);
    expect(mw.modelSettings(cli).layers.map((l) => `${l.kind} ${l.units} ${l.activation}`)).to.deep.equal(['Dense 128 relu', 'Dense 10 softmax']);
  });

  it('are compiled the same: Adam with the same configuration, loss and metrics', () => {
    const settings = mw.modelSettings(notebook);
    expect(settings.optimizer).to.deep.equal(mw.modelSettings(cli).optimizer);
    expect(settings.optimizer).to.deep.include({ kind: 'Adam' });
    expect(settings.optimizer?.config.learningRate).to.equal(0.001);
    expect([settings.loss, settings.metrics]).to.deep.equal([mw.modelSettings(cli).loss, mw.modelSettings(cli).metrics]);
  });

  it('start from the same weights', () => {
    const a = notebook.getWeights().map((w) => Array.from(w.dataSync()));
    const b = cli.getWeights().map((w) => Array.from(w.dataSync()));
    expect(a).to.deep.equal(b);
  });

  it('tells a different model apart', () => {
    const other = mw.createModel({ hidden: 64 });
    expect(mw.modelSettings(other)).to.not.deep.equal(mw.modelSettings(notebook));
    other.dispose();
  });
});

describe('replacePrevious with a model compiled with an optimizer object', () => {
  it('frees the model and its optimizer when the cell runs again', () => {
    const before = tf.memory().numTensors;
    const build = () => {
      const model = mw.replacePrevious('spec-notebook-model', tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] }));
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    };
    build();
    const once = tf.memory().numTensors;
    build();
    build();
    expect(tf.memory().numTensors).to.equal(once);
    mw.replacePrevious('spec-notebook-model', { dispose: () => undefined });
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('freeOnRerun frees the tensors a cell made when it runs again, and ignores unanswered ones', () => {
    const before = tf.memory().numTensors;
    for (let run = 0; run < 3; run++) mw.freeOnRerun('spec-cell', tf.zeros([2]), tf.ones([3]), undefined as unknown as tf.Tensor);
    expect(tf.memory().numTensors).to.equal(before + 2);
    mw.freeOnRerun('spec-cell');
    expect(tf.memory().numTensors).to.equal(before);
  });
});
