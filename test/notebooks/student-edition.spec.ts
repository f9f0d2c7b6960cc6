import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ANSWER_PROMPT, Notebook, solutionFragments, stripSolutionCode, studentEdition } from '../../src/teaching/student-edition';
import { writeStudentEdition } from '../../src/cli/student';
import { realMnistDir } from '../support/real-data';
import { ExecutedNotebook, runStudentEdition } from '../support/student-run';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const WORKBOOK = path.join(ROOT, 'notebooks', 'mnist-workbook.ipynb');
const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

describe('taking solutions out of code cells', () => {
  it('replaces a solution block by its TODO line and its stubs', () => {
    const source = [
      'const a = 1;',
      '// BEGIN SOLUTION: normalize the pixels',
      '// STUB: const train = mw.todo<mw.Samples>();',
      'const train = mw.prepareSamples(trainSet);',
      '// END SOLUTION',
      'mw.checkNormalized(train);',
    ].join('\n');
    expect(stripSolutionCode(source)).to.equal([
      'const a = 1;',
      '// TODO: normalize the pixels',
      'const train = mw.todo<mw.Samples>();',
      'mw.checkNormalized(train);',
    ].join('\n'));
  });

  it('keeps the indentation and says "your code here" without a description', () => {
    expect(stripSolutionCode('if (x) {\n  // BEGIN SOLUTION\n  y();\n  // END SOLUTION\n}')).to.equal('if (x) {\n  // TODO: your code here\n}');
  });

  it('refuses unbalanced markers, naming the line', () => {
    expect(() => stripSolutionCode('// BEGIN SOLUTION\nx();', 'cell 3')).to.throw('cell 3: the BEGIN SOLUTION on line 1 is never closed');
    expect(() => stripSolutionCode('x();\n// END SOLUTION', 'cell 4')).to.throw('cell 4, line 2: END SOLUTION without a BEGIN SOLUTION');
    expect(() => stripSolutionCode('// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION')).to.throw(/line 2: BEGIN SOLUTION inside the block opened on line 1/);
  });
});

describe('the student edition of the workbook', () => {
  const solution = JSON.parse(fs.readFileSync(WORKBOOK, 'utf8')) as Notebook;
  const student = studentEdition(solution);
  const written = JSON.stringify(student);

  it('contains nothing of the solutions: no answer text, no solution line', () => {
    const fragments = solutionFragments(solution);
    expect(fragments.length, 'the workbook marks its solutions').to.be.greaterThan(15);
    expect(fragments.filter((f) => written.includes(JSON.stringify(f).slice(1, -1)))).to.deep.equal([]);
    expect(written).not.to.include('BEGIN SOLUTION').and.not.to.include('**Answer.**');
  });

  it('replaces every answer with an empty prompt and keeps the questions and checks', () => {
    const prompts = student.cells.filter((c) => c.source === ANSWER_PROMPT);
    expect(prompts).to.have.length(10);
    const sourceOf = (nb: Notebook): string => nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    for (const check of ['checkNormalized', 'checkModel', 'checkTraining', 'checkConfusionMatrix', 'checkReshaped', 'checkFirstPrediction', 'checkInputsPerImage', 'checkWeakestDigit']) {
      expect(sourceOf(student), check).to.include(`mw.${check}(`);
    }
    expect(sourceOf(student)).to.include('### Question 9');
  });

  it('asks for the code, not for a name: no TODO or stub names a function that solves it', () => {
    const solutionSource = solution.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
    const asked = solutionSource.flatMap((src) => src.split('\n')).filter((l) => /\/\/ (BEGIN SOLUTION|STUB):/.test(l));
    expect(asked.length, 'the TODOs and stubs of the workbook').to.be.at.least(16);
    const solvers = /tf\.sequential|tf\.layers|\.compile\(|\bfit\(|\.div\(|tensor2d|\/ ?255|reshape|\.predict\(|argMax|argmax|confusionMatrix|classReport|createModel|prepareSamples|predictDigit|predictLabels|mw\.(?!todo\b|replacePrevious\b|notebookProgress\b)\w+/;
    expect(asked.filter((l) => solvers.test(l))).to.deep.equal([]);
    // The student writes these: each is a solution line of the workbook, gone from the student edition.
    const fragments = solutionFragments(solution);
    for (const code of ['.div<tf.Tensor2D>(255)', 'tf.sequential({ layers: [hidden, output] })', "tf.layers.dense({ units: 10, activation: 'softmax'", 'model.compile({ optimizer: tf.train.adam(0.001)',
      'await model.fit(xTrain, yTrain, { epochs: 5', 'pic.reshape([1, 28 * 28])', 'model.predict(picInput1)', 'pred1.argMax(1)',
      'mw.confusionMatrix(testSet.labels, predicted)', 'testSet.rows * testSet.cols * 1', 'recall.indexOf(Math.min(...recall))']) {
      expect(fragments.some((f) => f.includes(code)), code).to.equal(true);
      expect(written, code).not.to.include(JSON.stringify(code).slice(1, -1));
    }
  });

  it('is written by npm run student beside the workbook', () => {
    const target = writeStudentEdition(WORKBOOK);
    try {
      expect(target).to.equal(WORKBOOK.replace('.ipynb', '.student.ipynb'));
      expect(JSON.parse(fs.readFileSync(target, 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(student)));
    } finally {
      fs.rmSync(target);
    }
  });
});

describe('the student edition executed by Jupyter', function () {
  this.timeout(600000);
  let executed: ExecutedNotebook;

  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      if (process.env.CI) throw new Error(`Jupyter is required under CI: ${PYTHON} cannot import nbclient`);
      this.skip();
    }
    const REAL_DATA_DIR = realMnistDir(this);
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
    executed = runStudentEdition(WORKBOOK, REAL_DATA_DIR);
  });

  it('stops at the first check, with a hint that names the concept', () => {
    const index = executed.metadata.first_error;
    expect(index, 'an unanswered edition must stop').to.be.a('number');
    const cell = executed.cells[index as number];
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    expect(source).to.include('mw.checkNormalized(xTrain, xTest, mnist)');
    // tslab prints a cell's exception on stderr.
    const stderr = (cell.outputs ?? []).filter((o) => o.name === 'stderr').map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '')).join('');
    expect(stderr).to.include('CheckFailed: Step 2 needs xTrain as a tensor with one row of pixel values per image');
    expect(stderr, 'the hint does not give the answer away').not.to.match(/div\(|\/ ?255|tensor2d\(/);
  });
});
