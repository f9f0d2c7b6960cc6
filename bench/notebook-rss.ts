/**
 * The executed workbook's peak memory: runs notebooks/mnist-workbook.ipynb
 * headless as test/notebooks does (Jupyter's nbclient from /usr/bin/python3,
 * or JUPYTER_PYTHON, with the tslab kernel that `npm run kernel` registers in
 * .jupyter/; test/support/run-notebook.py, stopping at the first failing
 * cell) and reports the tslab kernel's peak resident set: VmHWM of the node
 * process that the Python process starts, read from /proc while it runs.
 * Linux only (it needs /proc). Used by bench/run.ts; on its own:
 *
 *   node -r ts-node/register bench/notebook-rss.ts [--notebook PATH] [--data-dir DIR]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';

const ROOT = path.resolve(__dirname, '..');
const RUNNER = path.join(ROOT, 'test', 'support', 'run-notebook.py');
export const WORKBOOK = path.join(ROOT, 'notebooks', 'mnist-workbook.ipynb');
const POLL_MS = 250;
const INSTALL_JUPYTER = 'sudo apt install jupyter-nbconvert python3-nbclient python3-ipykernel';

export interface NotebookRss {
  ok: boolean;
  /** The notebook, relative to the repository. */
  notebook: string;
  /** Why it could not be measured (ok false), or the cell it stopped at. */
  error?: string;
  python?: string;
  /** The tslab kernel's peak resident set (VmHWM), MiB: the largest over the node processes the runner started. */
  kernelPeakRssMiB?: number;
  kernelPid?: number;
  /** Every node process under the runner with its VmHWM, MiB. */
  nodeProcesses?: { pid: number; peakRssMiB: number }[];
  /** Code cells run, and the index of the cell that failed, if one did. */
  codeCells?: number;
  firstError?: number;
  wallSeconds?: number;
  /** MNIST_WASM_KERNELS as the kernel saw it (unset: the project's kernels on). */
  wasmKernels?: boolean;
}

/** Parent pid of each process, from /proc/<pid>/stat (field 4, after the parenthesised command name). */
function parents(): Map<number, { ppid: number; comm: string }> {
  const out = new Map<number, { ppid: number; comm: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.set(Number(entry), { ppid, comm });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function descendants(root: number): { pid: number; comm: string }[] {
  const all = parents();
  const found: { pid: number; comm: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, p] of all) {
      if (p.ppid === parent) {
        found.push({ pid, comm: p.comm });
        queue.push(pid);
      }
    }
  }
  return found;
}

/** VmHWM (peak resident set) of a process, MiB; undefined once it has ended. */
function vmHwmMiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function jupyterPython(): string {
  return process.env.JUPYTER_PYTHON?.trim() || '/usr/bin/python3';
}

export interface NotebookRssOptions {
  /** Default: notebooks/mnist-workbook.ipynb. */
  notebook?: string;
  /** The MNIST files, as MNIST_DATA_DIR for the notebook. */
  dataDir: string;
  /** The environment of the runner and its kernel (default: this process's). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export async function measureNotebookRss(options: NotebookRssOptions): Promise<NotebookRss> {
  const notebook = path.resolve(options.notebook ?? WORKBOOK);
  const log = options.log ?? ((): void => undefined);
  const env = options.env ?? process.env;
  const base: NotebookRss = { ok: false, notebook: path.relative(ROOT, notebook), wasmKernels: env.MNIST_WASM_KERNELS !== '0' };
  if (process.platform !== 'linux') return { ...base, error: `needs Linux's /proc to read the kernel's peak memory (here: ${process.platform})` };
  if (!fs.existsSync(notebook)) return { ...base, error: `${notebook} does not exist` };
  if (!fs.existsSync(path.join(ROOT, 'lib', 'index.js'))) return { ...base, error: 'lib/ is not built (the notebook imports ../lib): run `npm run build`' };
  const python = jupyterPython();
  base.python = python;
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat, jupyter_client'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { ...base, error: `${python} cannot import nbclient/nbformat/jupyter_client: install \`${INSTALL_JUPYTER}\` or set JUPYTER_PYTHON` };
  }
  const kernel = spawnSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'kernel'], { encoding: 'utf8', env: { ...process.env, JUPYTER_PYTHON: python } });
  if (kernel.status !== 0) return { ...base, error: `\`npm run kernel\` failed: ${(kernel.stderr || kernel.stdout).trim().split('\n').slice(-2).join(' ')}` };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-notebook-'));
  const executed = path.join(tmp, 'executed.ipynb');
  const peaks = new Map<number, number>();
  const started = Date.now();
  try {
    log(`  running ${base.notebook} headless (${python}, tslab kernel)…`);
    const child = spawn(python, [RUNNER, notebook, executed, '--stop-on-error'], {
      cwd: ROOT,
      env: { ...env, JUPYTER_PATH: path.join(ROOT, '.jupyter', 'share', 'jupyter'), MNIST_DATA_DIR: options.dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => { stderrTail = (stderrTail + chunk.toString()).slice(-2000); });
    // VmHWM only grows, so polling misses at most what the kernel adds in its last POLL_MS before it exits.
    const poll = (): void => {
      if (child.pid === undefined) return;
      for (const p of descendants(child.pid)) {
        if (!/node/i.test(p.comm)) continue;
        const hwm = vmHwmMiB(p.pid);
        if (hwm !== undefined) peaks.set(p.pid, Math.max(peaks.get(p.pid) ?? 0, hwm));
      }
    };
    const timer = setInterval(poll, POLL_MS);
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', () => resolve(null));
      child.on('close', (c) => resolve(c));
    });
    clearInterval(timer);
    const wallSeconds = (Date.now() - started) / 1000;
    const nodeProcesses = [...peaks].map(([pid, peakRssMiB]) => ({ pid, peakRssMiB }));
    const top = nodeProcesses.reduce<{ pid: number; peakRssMiB: number } | undefined>((a, b) => (a === undefined || b.peakRssMiB > a.peakRssMiB ? b : a), undefined);
    if (code !== 0 || !fs.existsSync(executed)) {
      return { ...base, wallSeconds, nodeProcesses, error: `the notebook runner exited with ${code}: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` };
    }
    const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as { cells: { cell_type: string }[]; metadata: { first_error?: number } };
    const firstError = nb.metadata.first_error;
    if (top === undefined) return { ...base, wallSeconds, error: 'no node process (the tslab kernel) was seen under the runner' };
    return {
      ...base,
      ok: firstError === undefined,
      error: firstError !== undefined ? `stopped at cell ${firstError}, which failed: the peak is of the cells before it` : undefined,
      kernelPeakRssMiB: top.peakRssMiB,
      kernelPid: top.pid,
      nodeProcesses,
      codeCells: nb.cells.filter((c) => c.cell_type === 'code').length,
      firstError,
      wallSeconds,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dataDir = value('--data-dir') ?? process.env.MNIST_DATA_DIR ?? path.resolve(ROOT, '..', 'shared', 'data', 'mnist');
  measureNotebookRss({ notebook: value('--notebook'), dataDir, log: (l) => void process.stderr.write(l + '\n') })
    .then((r) => {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      if (!r.ok) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
