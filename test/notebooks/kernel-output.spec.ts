// The tslab kernel delivers every message: a cell that prints 3,000 lines,
// run three times in one kernel, and three Run Alls of the workbook in one
// kernel. tslab 1.0.22 sends without waiting for the previous send, which
// zeromq 6 refuses (EBUSY) after 512 immediate sends: the lines after that were
// lost and the kernel could die. patches/tslab+1.0.22.patch queues the sends
// (applied by `npm ci` through patch-package; docs/internals.md, "The kernel's
// output").
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { realMnistDir } from '../support/real-data';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';
const WORKBOOK = path.join(ROOT, 'notebooks', 'mnist-workbook.ipynb');

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[] }
interface Executed { cells: Cell[]; metadata: { first_error?: number; reruns: { index: number; outputs: Output[] }[] } }

const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : s ?? '');
const streamText = (outputs: Output[] = []): string => outputs.filter((o) => o.output_type === 'stream').map((o) => joined(o.text)).join('');

function jupyterMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import nbclient/nbformat/jupyter_client (install Debian's jupyter-nbconvert python3-nbclient python3-ipykernel, or set JUPYTER_PYTHON)`;
}

/** Runs `notebook` with test/support/run-notebook.py, then the cells at `rerun` again, all in one kernel. */
function execute(notebook: string, rerun: number[], env: NodeJS.ProcessEnv = {}): Executed {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-output-'));
  try {
    execFileSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { stdio: 'ignore' });
    const out = path.join(tmp, 'executed.ipynb');
    execFileSync(PYTHON, [path.join(ROOT, 'test', 'support', 'run-notebook.py'), notebook, out, '--rerun', rerun.join(',')], {
      env: { ...process.env, ...env, JUPYTER_PATH: path.join(ROOT, '.jupyter', 'share', 'jupyter') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return JSON.parse(fs.readFileSync(out, 'utf8')) as Executed;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('the kernel delivers every line of its output', function () {
  this.timeout(900000);
  before(function () {
    const missing = jupyterMissing();
    if (missing === undefined) return;
    if (process.env.CI) throw new Error(`Jupyter is required under CI: ${missing}`);
    this.test!.title += ` (skipped: ${missing})`;
    this.skip();
  });

  it('a cell that prints 3,000 lines, run three times in one kernel: every line, in order, each time', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-lines-'));
    try {
      const notebook = path.join(tmp, 'lines.ipynb');
      fs.writeFileSync(notebook, JSON.stringify({
        cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: "for (let i = 0; i < 3000; i++) console.log(`line ${i}`);" }],
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        nbformat: 4,
        nbformat_minor: 5,
      }));
      const executed = execute(notebook, [0, 0]);
      const expected = Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join('');
      const runs = [executed.cells[0].outputs, ...executed.metadata.reruns.map((r) => r.outputs)];
      expect(runs).to.have.length(3);
      runs.forEach((outputs, run) => {
        const text = streamText(outputs);
        expect(text.split('\n').length - 1, `run ${run + 1}: lines delivered`).to.equal(3000);
        expect(text === expected, `run ${run + 1}: lines 0 to 2999 in order`).to.equal(true);
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('three Run Alls of the workbook in one kernel: the kernel lives, and every cell shows the same outputs each time', function () {
    const dataDir = realMnistDir(this);
    const solution = JSON.parse(fs.readFileSync(WORKBOOK, 'utf8')) as { cells: Cell[] };
    const code = solution.cells.map((c, i) => (c.cell_type === 'code' ? i : -1)).filter((i) => i >= 0);
    const executed = execute(WORKBOOK, [...code, ...code], { MNIST_DATA_DIR: dataDir });
    expect(executed.metadata.first_error, 'a cell failed').to.equal(undefined);
    // What a cell showed, independent of how its printed lines were split into messages: its
    // outputs in order (consecutive stream outputs as one) and how many lines it printed.
    // A re-run of the model's cell adds one line on purpose, saying the trained model was replaced (teaching/rerun.ts).
    const REPLACED = /^Note: '\w+' now holds a new, untrained model.*\n/gm;
    // The kinds are compared as a set: printed text is gathered between event-loop turns (the kernel patch), so
    // a line printed just before a chart may arrive just after it; what is compared is that nothing is lost.
    const shape = (outputs: Output[] = []): string => {
      const shown = outputs.filter((o) => o.output_type !== 'stream' || joined(o.text).replace(REPLACED, '') !== '');
      const kinds = [...new Set(shown.map((o) => (o.output_type === 'stream' ? `stream:${o.name}` : `${o.output_type}:${Object.keys(o.data ?? {}).sort().join('+')}`)))].sort();
      const displays = shown.filter((o) => o.output_type !== 'stream').length;
      return `${kinds.join(', ')} | ${displays} displays | ${streamText(outputs).replace(REPLACED, '').split('\n').length - 1} lines`;
    };
    const first = code.map((i) => shape(executed.cells[i].outputs));
    const second = executed.metadata.reruns.slice(0, code.length).map((r) => shape(r.outputs));
    const third = executed.metadata.reruns.slice(code.length).map((r) => shape(r.outputs));
    // A student's cell may show nothing: its check, in the next cell, speaks for it.
    const checkedByNext = (i: number): boolean => {
      const next = code.find((j) => j > i);
      return next !== undefined && /mw\.check[A-Z]/.test(joined(solution.cells[next].source));
    };
    expect(code.filter((i) => (executed.cells[i].outputs ?? []).length === 0 && !checkedByNext(i)), 'cells of the first Run All that show nothing').to.deep.equal([]);
    expect(second, 'outputs per cell, second Run All').to.deep.equal(first);
    expect(third, 'outputs per cell, third Run All').to.deep.equal(first);
    const stderr = [...code.map((i) => executed.cells[i].outputs ?? []), ...executed.metadata.reruns.map((r) => r.outputs)]
      .flatMap((outputs) => outputs.filter((o) => o.name === 'stderr').map((o) => joined(o.text)));
    expect(stderr, 'nothing on stderr (an EBUSY or an unhandled rejection would show here)').to.deep.equal([]);
  });
});
