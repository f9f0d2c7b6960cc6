/**
 * The student editions in a real tslab kernel, with every answer of
 * variant-table.ts written into its exercise cell: each wrong answer must be
 * refused with its hint (in the check cell after the student's, or where the
 * table says, in the student's own cell), each right one must pass, and after
 * a refused answer the kernel must still know the student's names (the check
 * sits in a cell of its own, so a failure loses nothing). One kernel per
 * notebook runs the cells from the top, tries the variants at each exercise,
 * restores the right answer and goes on (test/support/run-variants.py); the
 * extension notebooks stop after their exercise.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Notebook } from '../../src/teaching/student-edition';
import { writeStudentEdition } from '../../src/cli/student';
import { projectRoot } from '../../src/data/project-root';
import { realMnistDir } from '../support/real-data';
import { JUPYTER_PYTHON } from '../support/student-run';
import { Exercise, NotebookVariants, TABLE, Variant, Wrong } from './variant-table';

const ROOT = projectRoot();
const joined = (s: string | string[]): string => (Array.isArray(s) ? s.join('') : s);

interface Printed { stdout: string; stderr: string; failed: boolean }
interface VariantResult { cell: number; name: string; cellRun: Printed; check: Printed | null; probe: Printed | null }
interface Result {
  cells: ({ index: number; restored?: boolean } & Printed)[];
  variants: VariantResult[];
  epilogue: ({ name: string } & Printed)[];
  stopped?: number;
  /** tslab kernels that died (zeromq "Socket is busy writing" under load) and were replaced, replaying the notebook. */
  kernelRestarts: { during: [number, string] | null; error: string }[];
}

/** The solution cell's source with its solution block replaced by `code` (what the student writes in place of the TODO and stub). */
function withAnswer(source: string, code: string): string {
  const lines = source.split('\n');
  const begin = lines.findIndex((l) => /^\s*\/\/ BEGIN SOLUTION/.test(l));
  const end = lines.findIndex((l) => /^\s*\/\/ END SOLUTION\s*$/.test(l));
  return [...lines.slice(0, begin), code, ...lines.slice(end + 1)].join('\n');
}

function indexOf(nb: Notebook, text: string): number {
  const found = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === 'code' && joined(c.source).includes(text));
  if (found.length !== 1) throw new Error(`variant-table: ${found.length} code cells contain "${text}"; expected exactly one`);
  return found[0][1];
}

/** Runs `entry`'s notebook with its variants; returns the result and where each exercise sits. */
function runVariants(entry: NotebookVariants, dataDir: string): { result: Result; cells: Map<Exercise, number> } {
  const solutionPath = path.join(ROOT, 'notebooks', entry.notebook);
  const solution = JSON.parse(fs.readFileSync(solutionPath, 'utf8')) as Notebook;
  const cells = new Map<Exercise, number>();
  const exercises = entry.exercises.map((exercise) => {
    const cell = indexOf(solution, exercise.solution);
    const check = indexOf(solution, exercise.check);
    expect(check, `${exercise.name}: the check cell follows the student's cell`).to.equal(cell + 1);
    expect(joined(solution.cells[check].source), `${exercise.name}: the check cell holds no solution`).not.to.include('BEGIN SOLUTION');
    cells.set(exercise, cell);
    const source = joined(solution.cells[cell].source);
    return {
      cell, check, probe: exercise.probe, before: exercise.before, restore: source,
      // VARIANTS_EXERCISE=<pattern> tries only the variants of the exercises whose name it matches (the others just run their solution).
      variants: selected(exercise) ? [...exercise.wrong, ...exercise.right].map((v) => ({ name: v.name, source: withAnswer(source, v.code), cleanup: v.cleanup })) : [],
    };
  });
  const last = Math.max(...exercises.map((e) => e.check));
  const student = writeStudentEdition(solutionPath);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'variants-'));
  try {
    // Only the cells up to the last exercise's check run (the epilogue then runs after them).
    const edition = JSON.parse(fs.readFileSync(student, 'utf8')) as Notebook;
    edition.cells = edition.cells.slice(0, last + 1);
    // Beside notebooks/, not in it (whose notebooks a format spec reads): the notebook imports '../lib'.
    const dir = fs.mkdtempSync(path.join(ROOT, '.variants-'));
    const trimmed = path.join(dir, entry.notebook);
    fs.writeFileSync(trimmed, JSON.stringify(edition));
    try {
      const plan = path.join(tmp, 'plan.json');
      fs.writeFileSync(plan, JSON.stringify({ exercises, epilogue: entry.epilogue ?? [] }));
      execFileSync(JUPYTER_PYTHON, [path.join(ROOT, 'test', 'support', 'run-variants.py'), trimmed, plan, path.join(tmp, 'result.json')], {
        env: { ...process.env, JUPYTER_PATH: path.join(ROOT, '.jupyter', 'share', 'jupyter'), MNIST_DATA_DIR: dataDir },
        stdio: ['ignore', 'ignore', process.env.VARIANTS_VERBOSE ? 'inherit' : 'pipe'],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return { result: JSON.parse(fs.readFileSync(path.join(tmp, 'result.json'), 'utf8')) as Result, cells };
  } finally {
    fs.rmSync(student, { force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const selected = (exercise: Exercise): boolean => process.env.VARIANTS_EXERCISE === undefined || new RegExp(process.env.VARIANTS_EXERCISE).test(exercise.name);

const matches = (text: string, hint: string | RegExp): boolean => (typeof hint === 'string' ? text.includes(hint) : hint.test(text));

/** What went wrong with one variant, or undefined when it behaved as the table says. */
function verdict(v: Variant & Partial<Wrong>, wrong: boolean, r: VariantResult | undefined): string | undefined {
  if (r === undefined) return 'did not run';
  const cellText = r.cellRun.stdout + r.cellRun.stderr;
  const checkText = r.check === null ? '' : r.check.stdout + r.check.stderr;
  if (!wrong) {
    const passed = !r.cellRun.failed && r.check !== null && !r.check.failed && /✓ /.test(r.check.stdout);
    if (v.pending !== undefined) return passed ? `passes now: remove its "pending" (${v.pending})` : undefined;
    return passed ? undefined : `refused: ${(r.cellRun.failed ? cellText : checkText).trim().split('\n').slice(0, 3).join(' / ')}`;
  }
  if (v.where === 'cell') {
    if (!r.cellRun.failed) return `its own cell ran; expected TensorFlow.js or the helper to refuse it with "${String(v.hint)}"`;
    return matches(r.cellRun.stderr, v.hint!) ? undefined : `its cell failed without "${String(v.hint)}": ${r.cellRun.stderr.trim().slice(0, 300)}`;
  }
  if (r.cellRun.failed) return `its own cell failed (expected the check to refuse it): ${r.cellRun.stderr.trim().slice(0, 300)}`;
  if (r.check === null || !r.check.failed) return `the check passed it: ${checkText.trim().slice(0, 200)}`;
  if (!r.check.stderr.includes('CheckFailed: ')) return `the check cell failed without a CheckFailed: ${r.check.stderr.trim().slice(0, 300)}`;
  if (!matches(r.check.stderr, v.hint!)) return `refused without "${String(v.hint)}": ${r.check.stderr.trim().slice(0, 300)}`;
  if (r.probe === null || r.probe.failed || /Cannot find name/.test(r.probe.stderr)) return `the student's names were lost: ${r.probe?.stderr.trim().slice(0, 200)}`;
  return undefined;
}

describe('the student editions, every exercise tried with the variants of variant-table.ts in a tslab kernel', function () {
  this.timeout(3600000);
  before(function () {
    if (spawnSync(JUPYTER_PYTHON, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' }).status !== 0) {
      if (process.env.CI) throw new Error(`Jupyter is required under CI: ${JUPYTER_PYTHON} cannot import nbclient`);
      this.skip();
    }
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
  });

  for (const entry of TABLE) {
    describe(entry.notebook, () => {
      let run: { result: Result; cells: Map<Exercise, number> } | undefined;
      before(function () {
        if (entry.needs === 'fashion-mnist' && !fs.existsSync('/usr/share/datasets/fashion-mnist') && !process.env.FASHION_MNIST_DATA_DIR) {
          if (process.env.CI) throw new Error('Fashion-MNIST is required under CI: install Debian\'s dataset-fashion-mnist');
          this.skip();
        }
        run = runVariants(entry, realMnistDir(this));
      });

      it('runs every cell up to the last exercise (restoring the right answer after the variants)', () => {
        const { result } = run!;
        for (const restart of result.kernelRestarts) console.log(`        (the tslab kernel died during ${restart.during?.[1] ?? 'a cell'} and was replaced: ${restart.error})`);
        const failed = result.cells.filter((c) => c.failed).map((c) => `cell ${c.index}: ${c.stderr.trim().slice(0, 300)}`);
        expect(failed).to.deep.equal([]);
        expect(result.stopped).to.equal(undefined);
      });

      for (const exercise of entry.exercises) {
        it(`${exercise.name}: refuses ${exercise.wrong.length} wrong answers with their hints, passes ${exercise.right.length} right ones, and keeps the student's names`, function () {
          if (!selected(exercise)) this.skip();
          const { result, cells } = run!;
          const of = (v: Variant): VariantResult | undefined => result.variants.find((r) => r.cell === cells.get(exercise) && r.name === v.name);
          const problems = [
            ...exercise.wrong.map((v) => [v.name, verdict(v, true, of(v))] as const),
            ...exercise.right.map((v) => [v.name, verdict(v, false, of(v))] as const),
          ].filter(([, problem]) => problem !== undefined).map(([name, problem]) => `${name}: ${problem}`);
          for (const v of exercise.right.filter((r) => r.pending !== undefined)) console.log(`        (pending: "${v.name}", ${v.pending})`);
          expect(problems).to.deep.equal([]);
        });
      }

      if (entry.epilogue !== undefined) {
        it('after training, a failing re-run of Step 4 says the trained model is gone, and the next check asks to train again', () => {
          const { result } = run!;
          expect(result.epilogue.map((e) => e.name)).to.deep.equal(entry.epilogue!.map((e) => e.name));
          entry.epilogue!.forEach((step, i) => expect(matches(result.epilogue[i].stdout + result.epilogue[i].stderr, step.expect), `${step.name}: ${result.epilogue[i].stdout}${result.epilogue[i].stderr}`).to.equal(true));
        });
      }
    });
  }
});
