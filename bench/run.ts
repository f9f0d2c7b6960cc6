/**
 * `npm run bench`: trains the course MLP on MNIST with tfjs' own `model.fit`
 * once per configuration (tfjs backend × batch size × run), each in a fresh
 * child process running a stock TensorFlow.js script (bench/tfjs-worker.ts),
 * next to the same model in PyTorch (bench/peer_torch.py) on the same batch
 * sizes; then what the workbook's Step 5 runs (model.fit with
 * validationSplit 0.1, batch 32), the same model.fit with
 * MNIST_WASM_KERNELS=0 (stock tfjs, none of the project's kernels), the
 * extension's CNN (batch 64) beside the same CNN in PyTorch, and the executed
 * workbook's peak memory (bench/notebook-rss.ts). Writes the table to
 * bench/results.md and the raw figures to bench/results.json.
 *
 * Not a test: nothing here asserts a timing; targets are reported as met or
 * missed. `npm run bench -- --help` lists the options.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync, spawn } from 'child_process';
import { BACKENDS } from '../src/backend/choose-backend';
import { NotebookRss, measureNotebookRss } from './notebook-rss';
import {
  FailedRun, PeerProbeResult, RunResult, WorkerResult, defaultDataDir, missingMnistFiles,
} from './common';
import { UsageError, parseCommandLine } from '../src/cli/args';
import {
  AccuracySummary, BenchReport, BackendStatus, ConfigPlan, DISTURBED_CORES, MachineInfo, PeerStatus, formatMarkdown, summarize, targets,
} from './table';

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'tfjs-worker.ts');
const PEER = path.join(__dirname, 'peer_torch.py');
const INSTALL_TORCH = 'sudo apt install python3-torch';

/** The accuracy target's configuration: wasm, batch 32, 5 epochs, 3 seeds. */
export const ACCURACY_CONFIG = { backend: 'wasm', batchSize: 32, epochs: 5, seeds: 3 } as const;

/** What the workbook's Step 5 holds back for validation (Keras' validationSplit). */
const STEP5_VALIDATION_SPLIT = 0.1;

const USAGE = `Usage: npm run bench -- [options]

Trains the course MLP (784→128 relu→10 softmax, Adam 0.001) on MNIST with
tfjs' own model.fit for each available tfjs backend and batch size, each run
in a fresh process, next to the same model in PyTorch; then the workbook's
Step 5, the same model.fit on stock tfjs (MNIST_WASM_KERNELS=0), the CNN, and
the executed workbook's peak memory. Writes bench/results.md and
bench/results.json.

  --quick               one run of one epoch per configuration, no cpu backend
                        (unless --backends names it), no notebook (unless
                        --notebook); writes bench/results.quick.*
  --runs N              runs per configuration, seeds 42, 43, … (default 3)
  --epochs N            epochs per run (default 5)
  --batch-sizes LIST    default 32,128,512
  --backends LIST       tfjs backends to try (default tensorflow,wasm,cpu;
                        unavailable ones are reported and skipped)
  --cpu-batch-sizes L   the cpu backend takes ~100 s per epoch: default 32 only
  --cpu-runs N          default 1
  --cpu-epochs N        default 1
  --seed N              first seed (default 42)
  --no-peer             leave out PyTorch
  --python PATH         Python with torch (default: $BENCH_PYTHON, else the first
                        of python3, /usr/bin/python3 that imports torch)
  --threads N           PyTorch intra-op threads (default 2)
  --max-wait S          before each run, wait for other processes to leave the CPU
                        (below ${DISTURBED_CORES} core), at most S seconds over the whole
                        benchmark (default 300; 0: never wait)
  --retries N           repeat runs that other processes disturbed (above ${DISTURBED_CORES}
                        core on average), at most N repeats over the whole benchmark
                        (default 3; none once the waiting time is used up)
  --cnn-runs N          runs of the extension's CNN (createCnn) per backend (default 1)
  --cnn-epochs N        its epochs per run (default 3, as in its notebook; --quick: 1)
  --cnn-batch-size N    default 64, as in its notebook
  --no-cnn              leave out the CNN (tfjs and PyTorch)
  --no-step5            leave out the row for what the workbook's Step 5 runs (model.fit
                        with validationSplit 0.1, batch 32; --runs × --epochs)
  --stock-epochs N      epochs of the stock-tfjs row (wasm, batch 32, MNIST_WASM_KERNELS=0,
                        1 run; about 4-10 s per epoch): default 2 (--quick: 1)
  --no-stock            leave out the stock-tfjs row
  --notebook            execute notebooks/mnist-workbook.ipynb headless and report the tslab
                        kernel's peak RSS (on by default in the full run; needs
                        /usr/bin/python3 or JUPYTER_PYTHON with nbclient, and lib/ built)
  --no-notebook         leave that out
  --no-accuracy         skip the extra accuracy runs (3 seeds × 5 epochs, wasm,
                        batch 32) needed when the timing runs do not cover them
  --data-dir DIR        MNIST files (default $MNIST_DATA_DIR, else ../shared/data/mnist)
  --train-limit N       train on the first N images only (development; the
                        results then go to bench/results.quick.*)
  --out PREFIX          write PREFIX.md and PREFIX.json instead
  --render              run nothing: rewrite the results' .md from their .json
                        (after an edit of bench/what-was-tried.md, which it includes,
                        or of how bench/table.ts judges the targets)
  --help

Numbers are plain digits: N and the counts 1 to 1000, batch sizes 1 to 60000,
--threads 1 to 256, --retries 0 to 100, --seed 0 to 4294967295, --train-limit
1 to 60000, --max-wait 0 to 86400 (a decimal point allowed).`;

interface Options {
  quick: boolean;
  runs: number;
  epochs: number;
  batchSizes: number[];
  backends: string[];
  cpuBatchSizes: number[];
  cpuRuns: number;
  cpuEpochs: number;
  seed: number;
  peer: boolean;
  python?: string;
  threads: number;
  accuracy: boolean;
  maxWait: number;
  retries: number;
  dataDir: string;
  trainLimit?: number;
  out: string;
  cnn: boolean;
  cnnRuns: number;
  cnnEpochs: number;
  cnnBatchSize: number;
  step5: boolean;
  stock: boolean;
  stockEpochs: number;
  notebook: boolean;
  render: boolean;
}

// The shared parser (src/cli/args.ts): exact whole numbers in these ranges, no empty values.
const COUNT = { type: 'integer', min: 1, max: 1000 } as const;
const BATCHES = { type: 'integers', min: 1, max: 60000 } as const;

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values: flags } = parseCommandLine(argv, {
    quick: { type: 'boolean' }, runs: COUNT, epochs: COUNT, 'batch-sizes': BATCHES, backends: { type: 'list', what: 'backends' },
    'cpu-batch-sizes': BATCHES, 'cpu-runs': COUNT, 'cpu-epochs': COUNT, seed: { type: 'integer', min: 0, max: 2 ** 32 - 1 },
    'no-peer': { type: 'boolean' }, python: { type: 'string', what: 'the path of a Python with torch' },
    threads: { type: 'integer', min: 1, max: 256 }, 'no-accuracy': { type: 'boolean' },
    'max-wait': { type: 'decimal', min: 0, max: 86400 }, retries: { type: 'integer', min: 0, max: 100 },
    'data-dir': { type: 'string', what: 'a directory holding the MNIST files' }, 'train-limit': { type: 'integer', min: 1, max: 60000 },
    out: { type: 'string', what: 'a path prefix for the results' }, help: { type: 'boolean', short: 'h' },
    'cnn-runs': COUNT, 'cnn-epochs': COUNT, 'cnn-batch-size': { type: 'integer', min: 1, max: 60000 },
    'no-cnn': { type: 'boolean' }, 'no-step5': { type: 'boolean' }, render: { type: 'boolean' },
    'stock-epochs': COUNT, 'no-stock': { type: 'boolean' }, notebook: { type: 'boolean' }, 'no-notebook': { type: 'boolean' },
  });
  if (flags.notebook && flags['no-notebook']) throw new UsageError('--notebook and --no-notebook contradict each other: pass one.');
  if (flags.help) return undefined;
  const quick = flags.quick;
  const backends = flags.backends ?? (quick ? BACKENDS.filter((b) => b !== 'cpu') : [...BACKENDS]);
  for (const b of backends) {
    if (!(BACKENDS as readonly string[]).includes(b)) throw new UsageError(`Unknown backend "${b}": expected some of ${BACKENDS.join(', ')}.`);
  }
  const trainLimit = flags['train-limit'];
  const partial = quick || trainLimit !== undefined;
  const out = flags.out;
  return {
    quick,
    runs: flags.runs ?? (quick ? 1 : 3),
    epochs: flags.epochs ?? (quick ? 1 : 5),
    batchSizes: flags['batch-sizes'] ?? [32, 128, 512],
    backends,
    cpuBatchSizes: flags['cpu-batch-sizes'] ?? [32],
    cpuRuns: flags['cpu-runs'] ?? 1,
    cpuEpochs: flags['cpu-epochs'] ?? 1,
    seed: flags.seed ?? 42,
    peer: !flags['no-peer'],
    python: flags.python ?? (process.env.BENCH_PYTHON?.trim() || undefined),
    threads: flags.threads ?? 2,
    accuracy: !flags['no-accuracy'],
    maxWait: flags['max-wait'] ?? 300,
    retries: flags.retries ?? 3,
    dataDir: path.resolve(flags['data-dir'] ?? defaultDataDir()),
    trainLimit,
    out: out !== undefined ? path.resolve(out.replace(/\.(md|json)$/, '')) : path.join(__dirname, partial ? 'results.quick' : 'results'),
    cnn: !flags['no-cnn'],
    cnnRuns: flags['cnn-runs'] ?? 1,
    cnnEpochs: flags['cnn-epochs'] ?? (quick ? 1 : 3),
    cnnBatchSize: flags['cnn-batch-size'] ?? 64,
    step5: !flags['no-step5'],
    stock: !flags['no-stock'],
    stockEpochs: flags['stock-epochs'] ?? (quick ? 1 : 2),
    // Executing the workbook takes minutes: part of the full run, in a partial one only on request.
    notebook: flags.notebook || (!partial && !flags['no-notebook']),
    render: flags.render,
  };
}

/** Runs a worker; its result is the last JSON line on stdout. stderr passes through (progress), its tail kept for errors. */
function runChild(kind: 'tfjs' | 'torch', command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<WorkerResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    const fail = (error: string): void => resolve({ kind, ok: false, error });
    child.on('error', (error) => fail(`could not start ${command}: ${error.message}`));
    child.on('close', (code, signal) => {
      const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
      for (let i = lines.length - 1; i >= 0; i--) {
        try {
          resolve(JSON.parse(lines[i]) as WorkerResult);
          return;
        } catch {
          // not the result line
        }
      }
      const lastLine = stderrTail.trim().split('\n').slice(-3).join(' | ');
      fail(`${path.basename(args.find((a) => /\.(ts|py)$/.test(a)) ?? command)} exited with ${signal ?? code} and no result` +
        (lastLine ? `: ${lastLine}` : ''));
    });
  });
}

/**
 * The environment of a tfjs worker: the project's kernels on (MNIST_WASM_KERNELS removed, whatever this
 * shell has), or for the stock row all of them off (MNIST_WASM_KERNELS=0: tfjs as published).
 */
function workerEnv(stock = false): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MNIST_WASM_KERNELS;
  return stock ? { ...env, MNIST_WASM_KERNELS: '0' } : env;
}

function tfjsWorker(args: string[], stock = false): Promise<WorkerResult> {
  return runChild('tfjs', process.execPath, ['-r', require.resolve('ts-node/register'), WORKER, ...args], workerEnv(stock));
}

function peerEnv(): NodeJS.ProcessEnv {
  // One BLAS thread; torch's own pool (--threads) does the parallel work.
  return { ...process.env, OPENBLAS_NUM_THREADS: '1' };
}

function peerRun(python: string, args: string[]): Promise<WorkerResult> {
  return runChild('torch', python, [PEER, ...args], peerEnv());
}

/** Seconds all CPUs have spent busy since boot, from /proc/stat (undefined where there is none). */
function busyCpuSeconds(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Runs one worker and works out how much CPU other processes took meanwhile:
 * the machine's busy time, less the worker's own CPU time and this process's.
 * On a 2-core machine even half a core taken by something else slows a
 * 2-thread PyTorch run severely, so the report flags such runs.
 */
async function measured(start: () => Promise<WorkerResult>): Promise<WorkerResult> {
  const busyBefore = busyCpuSeconds();
  const selfBefore = process.cpuUsage();
  const t0 = Date.now();
  const result = await start();
  const wall = (Date.now() - t0) / 1000;
  const busyAfter = busyCpuSeconds();
  const self = process.cpuUsage(selfBefore);
  if (isRun(result)) {
    result.wallSeconds = wall;
    if (busyBefore !== undefined && busyAfter !== undefined && result.cpuSeconds !== undefined && wall > 0) {
      const other = busyAfter - busyBefore - result.cpuSeconds - (self.user + self.system) / 1e6;
      result.otherCores = Math.max(0, other / wall);
    }
  }
  return result;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Cores that processes other than this one keep busy, sampled over `seconds`. */
async function otherLoad(seconds: number): Promise<number | undefined> {
  const busyBefore = busyCpuSeconds();
  const selfBefore = process.cpuUsage();
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const busyAfter = busyCpuSeconds();
  const self = process.cpuUsage(selfBefore);
  if (busyBefore === undefined || busyAfter === undefined) return undefined;
  return Math.max(0, (busyAfter - busyBefore - (self.user + self.system) / 1e6) / ((Date.now() - t0) / 1000));
}

/** Waits (up to `maxWait` seconds) until other processes leave the CPU; returns the seconds waited. */
async function waitForQuiet(maxWait: number, log: (line: string) => void): Promise<number> {
  // maxWait: what is left of the whole benchmark's waiting budget.
  if (maxWait <= 0) return 0;
  const t0 = Date.now();
  let warned = false;
  for (;;) {
    const load = await otherLoad(2);
    const waited = (Date.now() - t0) / 1000;
    if (load === undefined || load <= DISTURBED_CORES) {
      if (warned) log(`  quiet again after ${waited.toFixed(0)} s`);
      return waited;
    }
    if (waited >= maxWait) {
      log(`  other processes still use ${load.toFixed(2)} cores after ${waited.toFixed(0)} s; running anyway ` +
        '(the waiting budget, --max-wait, is used up: no more waiting or repeats)');
      return waited;
    }
    if (!warned) log(`  other processes use ${load.toFixed(2)} cores; waiting up to ${maxWait.toFixed(0)} s for the machine to go quiet…`);
    warned = true;
    await sleep(5000);
  }
}

function isRun(result: WorkerResult): result is RunResult {
  return result.ok && result.probe !== true;
}

async function findPeer(options: Options): Promise<PeerStatus> {
  if (!options.peer) return { available: false, skipped: true, error: 'left out (--no-peer)' };
  const candidates = options.python !== undefined ? [options.python] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const python of [...new Set(candidates)]) {
    const probe = await peerRun(python, ['--probe', '--threads', String(options.threads)]);
    if (probe.ok && probe.kind === 'torch' && probe.probe === true) {
      const p = probe as PeerProbeResult;
      return { available: true, python: p.python, pythonVersion: p.pythonVersion, torchVersion: p.torchVersion, numpyVersion: p.numpyVersion, threads: p.threads, blas: p.blas };
    }
    tried.push(`${python}: ${probe.ok ? 'unexpected answer' : probe.error}`);
  }
  return {
    available: false,
    error: `PyTorch not found (${tried.join('; ')}); on Debian/Ubuntu install it with \`${INSTALL_TORCH}\` ` +
      '(elsewhere `pip install torch`), or point --python / BENCH_PYTHON at a Python that has it',
    install: INSTALL_TORCH,
  };
}

function firstLine(file: string, pattern: RegExp): string | undefined {
  try {
    const match = fs.readFileSync(file, 'utf8').split('\n').find((l) => pattern.test(l));
    return match?.split(':').slice(1).join(':').trim();
  } catch {
    return undefined;
  }
}

function gitDescribe(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return commit + (dirty ? ' (src/ modified)' : '');
  } catch {
    return undefined;
  }
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

function machineInfo(): MachineInfo {
  return {
    cpu: firstLine('/proc/cpuinfo', /^model name/) ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs'),
    tfjsBackendWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
    tfjsNode: packageVersion('@tensorflow/tfjs-node'),
    commit: gitDescribe(),
  };
}

function plan(options: Options, available: string[]): ConfigPlan[] {
  const plans: ConfigPlan[] = [];
  for (const backend of available) {
    const cpu = backend === 'cpu';
    const batchSizes = cpu ? options.cpuBatchSizes : options.batchSizes;
    for (const batchSize of batchSizes) {
      plans.push({
        backend, model: 'mlp', batchSize,
        runs: cpu ? options.cpuRuns : options.runs,
        epochs: cpu ? options.cpuEpochs : options.epochs,
        note: cpu ? `cpu: ${options.cpuRuns} run × ${options.cpuEpochs} epoch by default (~100 s/epoch); --cpu-runs/--cpu-epochs/--cpu-batch-sizes change it` : undefined,
      });
    }
  }
  // The backend a student's notebook gets: the first that loads, in initBackend's order (the cpu
  // backend only where nothing else does).
  const preferred = available.find((b) => b !== 'cpu') ?? available[0];
  if (options.step5 && preferred !== undefined) {
    plans.push({ backend: preferred, model: 'mlp', batchSize: 32, runs: options.runs, epochs: options.epochs, validationSplit: STEP5_VALIDATION_SPLIT });
  }
  // The same model.fit on tfjs as published (MNIST_WASM_KERNELS=0), so that the gain stays visible: one short run.
  if (options.stock && available.includes('wasm')) {
    plans.push({ backend: 'wasm', model: 'mlp', batchSize: 32, runs: 1, epochs: options.stockEpochs, stockKernels: true });
  }
  if (options.cnn) {
    for (const backend of available.filter((b) => b !== 'cpu')) {
      plans.push({ backend, model: 'cnn', batchSize: options.cnnBatchSize, runs: options.cnnRuns, epochs: options.cnnEpochs });
    }
  }
  return plans;
}

/** The configuration's key in the results: backend, model, Step-5 split, stock tfjs and batch size. */
function planKey(p: { backend: string; model?: string; validationSplit?: number; stockKernels?: boolean; batchSize: number }): string {
  return `${p.backend}${p.stockKernels ? '-stock' : ''}/${p.model ?? 'mlp'}/${p.validationSplit ?? ''}/${p.batchSize}`;
}

/** PyTorch runs each model and batch size as often and as long as the longest tfjs configuration with them. */
function peerPlan(plans: ConfigPlan[]): ConfigPlan[] {
  const byBatch = new Map<string, ConfigPlan>();
  for (const p of plans.filter((x) => x.validationSplit === undefined && !x.stockKernels)) {
    const k = `${p.model ?? 'mlp'}/${p.batchSize}`;
    const prev = byBatch.get(k);
    byBatch.set(k, {
      backend: 'pytorch', model: p.model, batchSize: p.batchSize,
      runs: Math.max(prev?.runs ?? 0, p.runs), epochs: Math.max(prev?.epochs ?? 0, p.epochs),
    });
  }
  return [...byBatch.values()];
}

function describeRun(r: WorkerResult): string {
  if (!r.ok) return `failed: ${r.error}`;
  if (!isRun(r)) return 'probe';
  const s = r.secondsPerEpoch;
  return `s/epoch ${s.map((x) => x.toFixed(2)).join(', ')}; test accuracy ${(100 * r.testAccuracy).toFixed(2)} %; ` +
    `evaluate ${r.evaluateMs.toFixed(0)} ms, predict ${r.predictMs.toFixed(0)} ms; peak RSS ${r.peakRssMiB.toFixed(0)} MiB` +
    (r.otherCores !== undefined ? `; other processes ${r.otherCores.toFixed(2)} cores` : '');
}

async function main(): Promise<void> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`Error: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === undefined) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (options.render) {
    // The report as the run stored it; the raw per-run results and discarded runs are not part of the page.
    // The targets are judged again from the stored figures, so a changed judgement shows in both files.
    const stored = JSON.parse(fs.readFileSync(`${options.out}.json`, 'utf8')) as BenchReport & { raw: unknown; discarded: unknown };
    const { raw, discarded, ...report } = stored;
    report.targets = targets(report);
    fs.writeFileSync(`${options.out}.md`, formatMarkdown(report));
    fs.writeFileSync(`${options.out}.json`, JSON.stringify({ ...report, raw, discarded }, null, 2) + '\n');
    process.stdout.write(`Rewrote ${path.relative(process.cwd(), options.out)}.md (and the targets in its .json) from its .json\n`);
    return;
  }
  const opts = options;
  const missing = missingMnistFiles(opts.dataDir);
  if (missing.length > 0) {
    process.stderr.write(`Error: ${opts.dataDir} lacks ${missing.join(', ')}. Point --data-dir or MNIST_DATA_DIR at the MNIST files, ` +
      'or run `npm run data` to download them into data/mnist.\n');
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const machine = machineInfo();
  log(`Benchmark${opts.quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, tfjs ${machine.tfjs}`);

  // Which backends load here, each probed in its own process.
  const backends: BackendStatus[] = [];
  for (const name of opts.backends) {
    const probe = await tfjsWorker(['--backend', name, '--probe']);
    const status: BackendStatus = probe.ok ? { name, available: true } : { name, available: false, reason: probe.error };
    if (probe.ok && probe.kind === 'tfjs' && probe.probe === true && probe.wasmSimd !== undefined) {
      status.detail = `${probe.wasmSimd ? 'SIMD' : 'plain (no SIMD)'} build, ` + (probe.wasmThreads
        ? 'multi-threaded'
        : 'single-threaded: tfjs-backend-wasm 4.22 never uses its threaded build in Node, so tfjs trains on one core');
    }
    backends.push(status);
    log(`backend ${name}: ${status.available ? 'available' : `not available (${status.reason ?? ''})`}`);
  }
  const peer = await findPeer(opts);
  log(peer.available
    ? `peer: PyTorch ${peer.torchVersion ?? ''} (${peer.python ?? ''}, ${peer.threads ?? opts.threads} threads, BLAS ${(peer.blas ?? []).join(', ') || 'unknown'})`
    : `peer: ${peer.error ?? 'not available'}`);

  const plans = plan(opts, backends.filter((b) => b.available).map((b) => b.name));
  const peerPlans = peer.available ? peerPlan(plans) : [];
  const common = ['--data-dir', opts.dataDir, ...(opts.trainLimit !== undefined ? ['--train-limit', String(opts.trainLimit)] : [])];
  const results = new Map<string, WorkerResult[]>();
  const discarded: RunResult[] = [];
  let waitedSeconds = 0;
  /**
   * One run: waits for a quiet machine and repeats the run if other
   * processes disturbed it, both within budgets for the whole benchmark, so
   * that a machine that stays busy costs minutes, not hours.
   */
  const runJob = async (start: () => Promise<WorkerResult>): Promise<WorkerResult> => {
    for (;;) {
      waitedSeconds += await waitForQuiet(opts.maxWait - waitedSeconds, log);
      const r = await measured(start);
      const budgetLeft = discarded.length < opts.retries && waitedSeconds < opts.maxWait;
      if (isRun(r) && (r.otherCores ?? 0) > DISTURBED_CORES && budgetLeft) {
        log(`  → ${describeRun(r)}`);
        log(`  disturbed: other processes used ${(r.otherCores ?? 0).toFixed(2)} cores on average; repeating it`);
        discarded.push(r);
        continue;
      }
      return r;
    }
  };
  const record = (p: ConfigPlan, r: WorkerResult): void => {
    const list = results.get(planKey(p)) ?? [];
    list.push(r);
    results.set(planKey(p), list);
  };

  // Interleaved, model and batch size by batch size and run by run, so that
  // a slow spell of the machine hits tfjs and PyTorch alike.
  type Job = { plan: ConfigPlan; run: number };
  const jobs: Job[] = [];
  const group = (p: ConfigPlan): string => `${p.model ?? 'mlp'}/${p.batchSize}`;
  const groups = [...new Set([...plans, ...peerPlans].map(group))];
  for (const g of groups) {
    const here = [...plans, ...peerPlans].filter((p) => group(p) === g);
    const maxRuns = Math.max(...here.map((p) => p.runs));
    for (let run = 0; run < maxRuns; run++) {
      for (const p of here) if (run < p.runs) jobs.push({ plan: p, run });
    }
  }
  for (const [i, job] of jobs.entries()) {
    const { plan: p, run } = job;
    const seed = opts.seed + run;
    const what = `${p.model === 'cnn' ? 'CNN ' : ''}${p.validationSplit !== undefined ? 'Step 5 (validationSplit) ' : ''}` +
      `${p.stockKernels ? 'stock tfjs (MNIST_WASM_KERNELS=0) ' : ''}`;
    log(`\n[${i + 1}/${jobs.length}] ${p.backend} ${what}batch ${p.batchSize}, run ${run + 1}/${p.runs} (seed ${seed}, ${p.epochs} epoch${p.epochs === 1 ? '' : 's'})`);
    const args = ['--batch-size', String(p.batchSize), '--epochs', String(p.epochs), '--seed', String(seed),
      ...(p.model === 'cnn' ? ['--model', 'cnn'] : []), ...common];
    const split = p.validationSplit !== undefined ? ['--validation-split', String(p.validationSplit)] : [];
    const r = await runJob(() => (p.backend === 'pytorch'
      ? peerRun(peer.python ?? 'python3', [...args, '--threads', String(opts.threads)])
      : tfjsWorker(['--backend', p.backend, ...args, ...split], p.stockKernels)));
    record(p, r);
    log(`  → ${describeRun(r)}`);
  }

  // The accuracy target: wasm, batch 32, 5 epochs, median of 3 seeds.
  const acc = ACCURACY_CONFIG;
  const wasmAvailable = backends.some((b) => b.name === acc.backend && b.available);
  let accuracyRuns: RunResult[] = [];
  let accuracySource: AccuracySummary['source'] = 'none';
  const timingRuns = (results.get(planKey({ backend: acc.backend, model: 'mlp', batchSize: acc.batchSize })) ?? []).filter(isRun);
  const partial = opts.quick || opts.trainLimit !== undefined;
  if (!partial && timingRuns.length >= acc.seeds && timingRuns.every((r) => r.epochs === acc.epochs)) {
    accuracyRuns = timingRuns;
    accuracySource = 'timing runs';
  } else if (wasmAvailable && opts.accuracy && !partial) {
    for (let s = 0; s < acc.seeds; s++) {
      const seed = opts.seed + s;
      log(`\n[accuracy ${s + 1}/${acc.seeds}] ${acc.backend} batch ${acc.batchSize}, ${acc.epochs} epochs, seed ${seed}`);
      const r = await runJob(() => tfjsWorker(['--backend', acc.backend, '--batch-size', String(acc.batchSize), '--epochs', String(acc.epochs), '--seed', String(seed), ...common]));
      log(`  → ${describeRun(r)}`);
      if (isRun(r)) accuracyRuns.push(r);
    }
    accuracySource = 'extra runs';
  } else if (timingRuns.length > 0) {
    accuracyRuns = timingRuns;
    accuracySource = 'timing runs (not the target configuration)';
  }

  let notebook: NotebookRss | undefined;
  if (opts.notebook) {
    log('\n[notebook] the executed workbook\'s peak memory');
    waitedSeconds += await waitForQuiet(opts.maxWait - waitedSeconds, log);
    notebook = await measureNotebookRss({ dataDir: opts.dataDir, env: workerEnv(), log });
    log(notebook.kernelPeakRssMiB !== undefined
      ? `  → tslab kernel peak RSS ${notebook.kernelPeakRssMiB.toFixed(0)} MiB in ${(notebook.wallSeconds ?? NaN).toFixed(0)} s${notebook.error ? ` (${notebook.error})` : ''}`
      : `  → not measured: ${notebook.error ?? 'no result'}`);
  }

  const allPlans = [...plans, ...peerPlans];
  const configurations = allPlans.map((p) => {
    const list = results.get(planKey(p)) ?? [];
    return { plan: p, runs: list.filter(isRun), failures: list.filter((r): r is FailedRun => !r.ok) };
  });
  const summaries = summarize(configurations);
  const report: BenchReport = {
    trainingPath: 'model.fit',
    title: opts.quick ? 'quick smoke run' : opts.trainLimit !== undefined ? `partial run (${opts.trainLimit} training images)` : 'full run',
    quick: opts.quick,
    partial,
    date: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    repeatedRuns: discarded.length,
    waitedSeconds,
    machine,
    options: {
      runs: opts.runs, epochs: opts.epochs, batchSizes: opts.batchSizes, backends: opts.backends,
      cpuBatchSizes: opts.cpuBatchSizes, cpuRuns: opts.cpuRuns, cpuEpochs: opts.cpuEpochs,
      seed: opts.seed, peerThreads: opts.threads, dataDir: opts.dataDir, trainLimit: opts.trainLimit,
      maxWait: opts.maxWait, retries: opts.retries,
      cnn: opts.cnn, cnnRuns: opts.cnnRuns, cnnEpochs: opts.cnnEpochs, cnnBatchSize: opts.cnnBatchSize, step5: opts.step5,
      stock: opts.stock, stockEpochs: opts.stockEpochs, notebook: opts.notebook,
    },
    backends,
    peer,
    configurations: summaries,
    accuracy: {
      ...acc,
      source: accuracySource,
      seedsRun: accuracyRuns.map((r) => r.seed),
      epochsRun: [...new Set(accuracyRuns.map((r) => r.epochs))],
      accuracies: accuracyRuns.map((r) => r.testAccuracy),
    },
    notebook,
    targets: [],
  };
  report.targets = targets(report);

  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  const md = formatMarkdown(report);
  fs.writeFileSync(`${opts.out}.md`, md);
  fs.writeFileSync(`${opts.out}.json`, JSON.stringify({ ...report, raw: Object.fromEntries(results), discarded }, null, 2) + '\n');
  process.stdout.write('\n' + md);
  log(`\nWrote ${path.relative(process.cwd(), opts.out)}.md and .json in ${(report.wallSeconds / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nError: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
