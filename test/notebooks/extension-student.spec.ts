import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook, solutionFragments, studentEdition } from '../../src/teaching/student-edition';
import { realMnistDir } from '../support/real-data';
import { runStudentEdition } from '../support/student-run';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

/** Each extension notebook's exercise: the check its student edition stops at, and the start of that check's hint. */
const EXERCISES = [
  { notebook: 'extension-fashion-mnist.ipynb', check: 'mw.checkMostConfusedPair(mostFrequentMistake, fashionModel, fTest, names)', hint: 'mostFrequentMistake gives no answer yet', fashion: true },
  { notebook: 'extension-improving-the-mlp.ipynb', check: 'mw.checkDropoutModel(dropped)', hint: 'This exercise needs a model: build it with tf.sequential', fashion: false },
  { notebook: 'extension-small-cnn.ipynb', check: 'mw.checkCnn(cnn)', hint: 'This exercise needs a model: build it with tf.sequential', fashion: false },
];

const joined = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);
const read = (name: string): Notebook => JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', name), 'utf8')) as Notebook;

/** The TODO and stub lines a student edition shows in place of each solution block. */
function studentLines(solution: Notebook): string[] {
  return solution.cells.filter((c) => c.cell_type === 'code').flatMap((c) => {
    const lines: string[] = [];
    let inside = false;
    for (const line of joined(c.source).split('\n')) {
      if (/^\s*\/\/ BEGIN SOLUTION/.test(line)) {
        inside = true;
        lines.push(line);
      } else if (/^\s*\/\/ END SOLUTION/.test(line)) inside = false;
      else if (inside && /^\s*\/\/ STUB:/.test(line)) lines.push(line);
    }
    return lines;
  });
}

describe('the student editions of the extension notebooks', () => {
  for (const { notebook, check } of EXERCISES) {
    describe(notebook, () => {
      const solution = read(notebook);
      const student = studentEdition(solution);
      const written = JSON.stringify(student);

      it('has an exercise whose solution the student edition leaves out', () => {
        // As strict as `npm run student`, which refuses to write an edition with any solution line in it.
        const fragments = solutionFragments(solution);
        expect(fragments.length, 'the notebook marks a solution').to.be.greaterThan(0);
        expect(fragments.filter((f) => written.includes(JSON.stringify(f).slice(1, -1)))).to.deep.equal([]);
        expect(written).not.to.include('BEGIN SOLUTION');
        expect(student.cells.map((c) => joined(c.source)).join('\n')).to.include(check);
      });

      it('states the goal without naming a helper that solves it', () => {
        const lines = studentLines(solution);
        expect(lines.length).to.be.greaterThan(0);
        // mw.todo() is the empty answer; any other mw.* name in a TODO or a stub would be the answer.
        expect(lines.filter((l) => /mw\.(?!todo\b)\w+/.test(l))).to.deep.equal([]);
        expect(lines.filter((l) => /createModel|createCnn|mostConfused|classReport/.test(l))).to.deep.equal([]);
      });
    });
  }
});

describe('the student editions of the extension notebooks, executed by Jupyter', function () {
  this.timeout(900000);
  before(function () {
    if (spawnSync(PYTHON, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' }).status !== 0) {
      if (process.env.CI) throw new Error(`Jupyter is required under CI: ${PYTHON} cannot import nbclient`);
      this.skip();
    }
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
  });

  for (const { notebook, check, hint, fashion } of EXERCISES) {
    it(`${notebook} stops at its check with a hint`, function () {
      if (fashion && !fs.existsSync('/usr/share/datasets/fashion-mnist') && !process.env.FASHION_MNIST_DATA_DIR) {
        if (process.env.CI) throw new Error('Fashion-MNIST is required under CI: install Debian\'s dataset-fashion-mnist');
        this.skip();
      }
      const REAL_DATA_DIR = realMnistDir(this);
      const executed = runStudentEdition(path.join(ROOT, 'notebooks', notebook), REAL_DATA_DIR);
      const index = executed.metadata.first_error;
      expect(index, 'an unanswered edition must stop').to.be.a('number');
      const cell = executed.cells[index as number];
      expect(joined(cell.source)).to.include(check);
      // tslab prints a cell's exception on stderr.
      const stderr = (cell.outputs ?? []).filter((o) => o.name === 'stderr').map((o) => joined(o.text ?? '')).join('');
      expect(stderr).to.include(`CheckFailed: ${hint}`);
      // Every cell before the exercise ran cleanly.
      const earlier = executed.cells.slice(0, index).flatMap((c) => c.outputs ?? []).filter((o) => o.name === 'stderr');
      expect(earlier).to.deep.equal([]);
    });
  }
});
