/**
 * The benchmark's figures: per-configuration summaries of the raw runs, the
 * issue's targets (met or missed), and bench/results.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FailedRun, RunResult, median } from './common';
import type { NotebookRss } from './notebook-rss';

/** The history of what was tried for speed (kept by hand), appended to results.md. */
export const TRIED_FILE = path.join(__dirname, 'what-was-tried.md');

export type ModelName = 'mlp' | 'cnn';

export interface ConfigPlan {
  /** tfjs backend, or `pytorch` for the peer. */
  backend: string;
  /** The course MLP (default) or the extension's CNN (createCnn). */
  model?: ModelName;
  /** What the workbook's Step 5 runs: fit holding back this fraction for validation each epoch. */
  validationSplit?: number;
  /** Stock tfjs on wasm: the worker runs with MNIST_WASM_KERNELS=0, so none of the project's kernels. */
  stockKernels?: boolean;
  batchSize: number;
  runs: number;
  epochs: number;
  note?: string;
}

export interface BackendStatus {
  name: string;
  available: boolean;
  reason?: string;
  /** e.g. wasm: "SIMD build, single-threaded". */
  detail?: string;
}

export interface PeerStatus {
  available: boolean;
  /** Left out on request (--no-peer). */
  skipped?: boolean;
  error?: string;
  install?: string;
  python?: string;
  pythonVersion?: string;
  torchVersion?: string;
  numpyVersion?: string;
  threads?: number;
  blas?: string[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  tfjs: string;
  tfjsBackendWasm: string;
  tfjsNode: string;
  commit?: string;
}

export interface ConfigSummary {
  backend: string;
  model: ModelName;
  validationSplit?: number;
  stockKernels?: boolean;
  batchSize: number;
  plannedRuns: number;
  epochs: number;
  note?: string;
  runsDone: number;
  failures: string[];
  /** Median over runs of each run's median epoch time. */
  secondsPerEpoch: number;
  fastestEpoch: number;
  slowestEpoch: number;
  trainSamples: number;
  samplesPerSecond: number;
  /** secondsPerEpoch ÷ PyTorch's for the same model and batch size. */
  ratioToPeer?: number;
  /** Step 5 only: secondsPerEpoch ÷ that of the fastest plain model.fit configuration (no validation) of the same model and batch size. */
  ratioToFastest?: number;
  evaluateMs: number;
  predictMs: number;
  testAccuracy: number;
  /** Largest maxRSS of the runs' processes. */
  peakRssMiB: number;
  /** tf.memory().numTensors after each epoch, per run (tfjs only). */
  tensorsAfterEpoch?: number[][];
  /** Constant over epochs and unchanged by evaluate/predict in every run; null with one epoch (nothing to compare). */
  tensorsFlat?: boolean | null;
  runs: RunResult[];
}

export interface AccuracySummary {
  backend: string;
  batchSize: number;
  epochs: number;
  seeds: number;
  source: 'timing runs' | 'extra runs' | 'timing runs (not the target configuration)' | 'none';
  seedsRun: number[];
  epochsRun: number[];
  accuracies: number[];
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: could not be judged in this run. */
  met: boolean | null;
  note?: string;
}

export interface BenchReport {
  title: string;
  /**
   * What the tfjs rows trained with: 'model.fit' (a stock TensorFlow.js script, issue 19). Absent in reports
   * made before, which timed the project's own loop (mw.fit): their speed and accuracy are not judged as model.fit's.
   */
  trainingPath?: 'model.fit';
  quick: boolean;
  partial: boolean;
  date: string;
  wallSeconds: number;
  loadAverage: { start: number[]; end: number[] };
  /** Runs repeated because other processes disturbed them (kept in the JSON under `discarded`). */
  repeatedRuns: number;
  /** Seconds spent waiting for other processes to leave the CPU before runs. */
  waitedSeconds: number;
  machine: MachineInfo;
  options: Record<string, unknown>;
  backends: BackendStatus[];
  peer: PeerStatus;
  configurations: ConfigSummary[];
  accuracy: AccuracySummary;
  /** The executed workbook's peak memory (bench/notebook-rss.ts); absent when not measured. */
  notebook?: NotebookRss;
  targets: Target[];
}

/**
 * Issue 19's targets, with stock `model.fit` on wasm as the measured path: the
 * course MLP's s/epoch ÷ PyTorch's at batch 32, 128 and 512, the CNN's at
 * batch 64, the MLP's accuracy against PyTorch's, and the executed workbook's
 * peak RSS (the tslab kernel's), 1 GiB.
 */
export const TARGETS = {
  ratio: 1.5, ratio128: 2, ratio512: 2, cnnRatio: 3,
  accuracyGap: 0.002, notebookPeakRssMiB: 1024,
} as const;

/** A run during which other processes kept this many cores busy on average is flagged as disturbed. */
export const DISTURBED_CORES = 0.25;

function disturbed(run: RunResult): boolean {
  return (run.otherCores ?? 0) > DISTURBED_CORES;
}

/**
 * A ratio from a single run per side (the CNN's default) is judged only when
 * both sides ran steadily: after the first epoch (warm-up), the slowest epoch
 * within this fraction of the median. Several runs are judged by their
 * median, which one slow epoch does not move. On a shared host the same
 * PyTorch CNN epoch took 10.3 s in one run and 32–53 s in another 40 minutes
 * later, with no other process busy: a ratio of such epochs says more about
 * the host than about either side.
 */
export const UNSTEADY_SPREAD = 0.2;

/** (slowest − fastest) ÷ median of a configuration's epochs after each run's first; null with none. */
export function epochSpread(c: Pick<ConfigSummary, 'runs'>): { spread: number; fastest: number; slowest: number } | null {
  const later = c.runs.flatMap((r) => r.secondsPerEpoch.slice(1));
  if (later.length < 2) return null;
  const fastest = Math.min(...later);
  const slowest = Math.max(...later);
  return { spread: (slowest - fastest) / median(later), fastest, slowest };
}

export function summarize(configs: { plan: ConfigPlan; runs: RunResult[]; failures: FailedRun[] }[]): ConfigSummary[] {
  const summaries = configs.map(({ plan, runs, failures }): ConfigSummary => {
    const epochTimes = runs.flatMap((r) => r.secondsPerEpoch);
    const seconds = median(runs.map((r) => median(r.secondsPerEpoch)));
    const trainSamples = runs[0]?.trainSamples ?? NaN;
    const tfjs = runs.length > 0 && runs.every((r) => r.kind === 'tfjs');
    const summary: ConfigSummary = {
      backend: plan.backend,
      model: plan.model ?? 'mlp',
      validationSplit: plan.validationSplit,
      stockKernels: plan.stockKernels,
      batchSize: plan.batchSize,
      plannedRuns: plan.runs,
      epochs: plan.epochs,
      note: plan.note,
      runsDone: runs.length,
      failures: failures.map((f) => f.error),
      secondsPerEpoch: seconds,
      fastestEpoch: epochTimes.length > 0 ? Math.min(...epochTimes) : NaN,
      slowestEpoch: epochTimes.length > 0 ? Math.max(...epochTimes) : NaN,
      trainSamples,
      samplesPerSecond: trainSamples / seconds,
      evaluateMs: median(runs.map((r) => r.evaluateMs)),
      predictMs: median(runs.map((r) => r.predictMs)),
      testAccuracy: median(runs.map((r) => r.testAccuracy)),
      peakRssMiB: runs.length > 0 ? Math.max(...runs.map((r) => r.peakRssMiB)) : NaN,
      runs,
    };
    if (tfjs) {
      summary.tensorsAfterEpoch = runs.map((r) => r.tensorsAfterEpoch ?? []);
      const flat = runs.every((r) => {
        const counts = r.tensorsAfterEpoch ?? [];
        // After fit returns, model.fit's own tensors (the validation split's slices) are gone: evaluate and
        // predict must leave the count where fit left it.
        const afterFit = r.tensorsAfterFit ?? counts[counts.length - 1];
        return counts.every((c) => c === counts[0]) && r.tensorsAfterInference === afterFit;
      });
      summary.tensorsFlat = !flat ? false : runs.some((r) => (r.tensorsAfterEpoch ?? []).length > 1) ? true : null;
    }
    return summary;
  });
  for (const s of summaries) {
    const peer = summaries.find((p) => p.backend === 'pytorch' && p.model === s.model && p.batchSize === s.batchSize && p.runsDone > 0);
    if (peer !== undefined && s.runsDone > 0) s.ratioToPeer = s.secondsPerEpoch / peer.secondsPerEpoch;
    if (s.validationSplit !== undefined && s.runsDone > 0) {
      const paths = summaries.filter((p) => p.backend !== 'pytorch' && p.validationSplit === undefined && !p.stockKernels &&
        p.model === s.model && p.batchSize === s.batchSize && p.runsDone > 0);
      if (paths.length > 0) s.ratioToFastest = s.secondsPerEpoch / Math.min(...paths.map((p) => p.secondsPerEpoch));
    }
  }
  return summaries;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '—');
const fixed = (x: number | undefined, digits: number): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The row's name in the tables. */
export function configName(c: { backend: string; model: ModelName; validationSplit?: number; stockKernels?: boolean; note?: string }): string {
  const base = c.backend === 'pytorch' ? 'PyTorch (peer)'
    : `tfjs ${c.backend}${c.stockKernels ? ' · **stock tfjs, MNIST_WASM_KERNELS=0** (none of the project\'s kernels)' : ''}${c.note ? ' ¹' : ''}`;
  if (c.validationSplit !== undefined) return `${base} · Step 5 (model.fit, validationSplit ${c.validationSplit})`;
  return c.model === 'cnn' ? `${base} · CNN` : base;
}

export function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const peerMissing = !report.peer.available;
  // The measured path: stock model.fit with the project's kernels installed (not the MNIST_WASM_KERNELS=0 row).
  const find = (backend: string, model: ModelName, batchSize: number): ConfigSummary | undefined =>
    report.configurations.find((c) => c.backend === backend && c.model === model && c.batchSize === batchSize &&
      c.validationSplit === undefined && !c.stockKernels && c.runsDone > 0);
  const legacy = report.trainingPath !== 'model.fit';
  const legacyNote = 'this report predates issue 19: its tfjs rows timed the project\'s own loop (mw.fit), not model.fit';
  const noPeer = peerMissing ? `PyTorch not available${report.peer.install ? `: install with \`${report.peer.install}\`` : ''}` : 'not measured';
  const ratioTarget = (model: ModelName, batchSize: number, goal: number, name: string): void => {
    const wasm = find('wasm', model, batchSize);
    const peer = find('pytorch', model, batchSize);
    const unsteady = ([['tfjs', wasm], ['PyTorch', peer]] as const).flatMap(([side, c]) => {
      const s = c === undefined || c.runs.length !== 1 ? null : epochSpread(c);
      return s !== null && s.spread > UNSTEADY_SPREAD
        ? [`${side}'s epochs after the first took ${fixed(s.fastest, 2)}–${fixed(s.slowest, 2)} s`] : [];
    });
    const unsteadyNote = unsteady.length > 0
      ? `not judged: ${unsteady.join(' and ')}, a spread above ${100 * UNSTEADY_SPREAD} % of the median; run it again on a quieter machine` : undefined;
    out.push({
      name,
      goal: `≤ ${goal}×`,
      measured: wasm?.ratioToPeer !== undefined
        ? `${fixed(wasm.ratioToPeer, 2)}× (${fixed(wasm.secondsPerEpoch, 2)} s ÷ ${fixed(wasm.secondsPerEpoch / wasm.ratioToPeer, 2)} s)`
        : wasm === undefined ? 'not measured' : noPeer,
      met: wasm?.ratioToPeer !== undefined && !legacy && unsteadyNote === undefined ? wasm.ratioToPeer <= goal : null,
      note: legacy ? legacyNote : unsteadyNote,
    });
  };
  const batches = (report.options.batchSizes as number[] | undefined) ?? [32, 128, 512];
  ratioTarget('mlp', 32, TARGETS.ratio, 'Course MLP, model.fit on wasm, batch 32: s/epoch ÷ PyTorch s/epoch');
  for (const [batchSize, goal] of [[128, TARGETS.ratio128], [512, TARGETS.ratio512]] as const) {
    if (batches.includes(batchSize) || find('wasm', 'mlp', batchSize) !== undefined) {
      ratioTarget('mlp', batchSize, goal, `Course MLP, model.fit on wasm, batch ${batchSize}: s/epoch ÷ PyTorch s/epoch`);
    }
  }
  const cnnBatch = Number(report.options.cnnBatchSize ?? 64);
  if (report.options.cnn !== false || find('wasm', 'cnn', cnnBatch) !== undefined) {
    ratioTarget('cnn', cnnBatch, TARGETS.cnnRatio, `CNN (as createCnn), model.fit on wasm, batch ${cnnBatch}: s/epoch ÷ PyTorch s/epoch`);
  }

  const acc = report.accuracy;
  const onTarget = (acc.source === 'timing runs' || acc.source === 'extra runs') && acc.accuracies.length >= acc.seeds &&
    acc.epochsRun.length === 1 && acc.epochsRun[0] === acc.epochs;
  const accMedian = median(acc.accuracies);
  const peer32 = find('pytorch', 'mlp', acc.batchSize);
  const peerRuns = (peer32?.runs ?? []).filter((r) => r.epochs === acc.epochs);
  const peerMedian = peerRuns.length >= acc.seeds ? median(peerRuns.map((r) => r.testAccuracy)) : NaN;
  out.push({
    name: `Course MLP test accuracy, model.fit on ${acc.backend}, batch ${acc.batchSize}, ${acc.epochs} epochs, median of ${acc.seeds} seeds`,
    goal: `within ${(100 * TARGETS.accuracyGap).toFixed(1)} points of PyTorch's median (or above it)`,
    measured: acc.accuracies.length > 0
      ? `${pct(accMedian)} (${acc.accuracies.map(pct).join(', ')})` + (onTarget ? '' : ` after ${acc.epochsRun.join('/')} epoch(s), ${acc.accuracies.length} seed(s)`) +
        (Number.isFinite(peerMedian) ? `; PyTorch ${pct(peerMedian)}` : '')
      : 'not measured',
    met: onTarget && Number.isFinite(peerMedian) && !legacy ? accMedian >= peerMedian - TARGETS.accuracyGap - 1e-9 : null,
    note: legacy ? legacyNote : !onTarget ? 'this run does not train the target configuration' : Number.isFinite(peerMedian) ? undefined : 'no PyTorch runs of that configuration',
  });

  const tfjsConfigs = report.configurations.filter((c) => c.backend !== 'pytorch' && !c.stockKernels && c.runsDone > 0);
  const judged = tfjsConfigs.filter((c) => c.tensorsFlat !== null && c.tensorsFlat !== undefined);
  const leaking = judged.filter((c) => c.tensorsFlat === false);
  out.push({
    name: 'tf.memory().numTensors after each epoch of model.fit, and after evaluate/predict',
    goal: 'flat',
    measured: judged.length === 0 ? 'one epoch per run: nothing to compare'
      : leaking.length > 0 ? `grows in ${leaking.map((c) => `${configName(c)}/${c.batchSize}`).join(', ')}`
        : `flat in all ${judged.length} configurations with more than one epoch`,
    met: judged.length === 0 || legacy ? null : leaking.length === 0,
    note: legacy ? legacyNote : undefined,
  });

  const nb = report.notebook;
  out.push({
    name: `Executed workbook (${nb?.notebook ?? 'notebooks/mnist-workbook.ipynb'}, headless): peak RSS of the tslab kernel`,
    goal: `≤ ${TARGETS.notebookPeakRssMiB} MiB (1 GiB)`,
    measured: nb === undefined ? 'not measured (--notebook; on by default in the full run)'
      : nb.kernelPeakRssMiB !== undefined
        ? `${fixed(nb.kernelPeakRssMiB, 0)} MiB (${nb.firstError !== undefined ? `up to code cell ${nb.firstError}` : `all ${nb.codeCells ?? '?'} cells`}, ` +
          `${fixed(nb.wallSeconds, 0)} s${nb.wasmKernels === false ? ', MNIST_WASM_KERNELS=0' : ''})`
        : `not measured: ${nb.error ?? 'no result'}`,
    met: nb?.kernelPeakRssMiB !== undefined && nb.ok ? nb.kernelPeakRssMiB <= TARGETS.notebookPeakRssMiB : null,
    note: nb !== undefined && !nb.ok && nb.kernelPeakRssMiB !== undefined ? nb.error : undefined,
  });
  return out;
}

function mark(met: boolean | null): string {
  return met === null ? '– n/a' : met ? '✅ met' : '❌ missed';
}

function tensorCell(c: ConfigSummary): string {
  if (c.tensorsAfterEpoch === undefined) return '—';
  const first = c.tensorsAfterEpoch[0] ?? [];
  const verdict = c.tensorsFlat === null ? '' : c.tensorsFlat ? ' (flat)' : ' (**grows**)';
  return first.join(', ') + verdict;
}

function isReferenceBlas(blas: string[] | undefined): boolean {
  return (blas ?? []).some((p) => /\/blas\/libblas\.so/.test(p) && !/openblas|blis|mkl|atlas/i.test(p));
}

export function formatMarkdown(r: BenchReport): string {
  const m = r.machine;
  const L: string[] = [];
  L.push('# Benchmark: the course MLP and the small CNN on MNIST, TensorFlow.js\' own `model.fit` next to PyTorch', '');
  if (r.trainingPath !== 'model.fit') {
    L.push('> **Made before issue 19**: the tfjs rows of this report timed the project\'s own training loop (`mw.fit`), not tfjs\' ' +
      '`model.fit`; the targets below are not judged on them. `npm run bench` measures `model.fit` now.', '');
  }
  if (r.partial) {
    L.push(`> **${r.title[0].toUpperCase() + r.title.slice(1)}** — a smoke check of the benchmark, not its figures. ` +
      '`npm run bench` (no options) gives the full run in `bench/results.md`.', '');
  }
  L.push(`${r.date.slice(0, 10)} (${r.date}); ${r.title}, ${(r.wallSeconds / 60).toFixed(1)} min wall time. ` +
    'Produced by `npm run bench`' + (r.partial ? ' with options (see results JSON)' : '') + '; raw figures in the JSON file beside this one.', '');

  L.push('## Machine', '', '| | |', '| --- | --- |');
  L.push(`| CPU | ${m.cpu} |`, `| Cores | ${m.cores} |`, `| Memory | ${m.memoryGiB.toFixed(1)} GiB |`, `| OS | ${m.os} |`);
  L.push(`| Node.js | ${m.node} |`);
  L.push(`| TensorFlow.js | ${m.tfjs} (tfjs-backend-wasm ${m.tfjsBackendWasm}; tfjs-node ${m.tfjsNode}) |`);
  const p = r.peer;
  L.push(`| PyTorch | ${p.available
    ? `${p.torchVersion ?? '?'} (Python ${p.pythonVersion ?? '?'}, numpy ${p.numpyVersion ?? '?'}, ${p.threads ?? '?'} threads, OPENBLAS_NUM_THREADS=1; BLAS ${(p.blas ?? []).join(', ') || 'unknown'})`
    : p.skipped ? 'left out (--no-peer)' : `not installed — \`${p.install ?? 'sudo apt install python3-torch'}\``} |`);
  L.push(`| Load average (1/5/15 min) | start ${r.loadAverage.start.map((x) => x.toFixed(2)).join(' / ')}, end ${r.loadAverage.end.map((x) => x.toFixed(2)).join(' / ')} |`);
  const allRuns = r.configurations.flatMap((c) => c.runs);
  const others = allRuns.map((x) => x.otherCores).filter((x): x is number => x !== undefined);
  if (others.length > 0) {
    L.push(`| Other processes' CPU during the runs | mean ${(others.reduce((a, b) => a + b, 0) / others.length).toFixed(2)} cores, ` +
      `largest ${Math.max(...others).toFixed(2)} cores (${allRuns.filter(disturbed).length} of ${allRuns.length} runs above ${DISTURBED_CORES}); ` +
      `${r.repeatedRuns} disturbed run(s) repeated, ${r.waitedSeconds.toFixed(0)} s spent waiting for a quiet machine |`);
  }
  if (m.commit !== undefined) L.push(`| Commit | ${m.commit} |`);
  L.push('');

  L.push('## Targets', '', '| Target | Goal | Measured | |', '| --- | --- | --- | --- |');
  for (const t of r.targets) L.push(`| ${t.name} | ${t.goal} | ${t.measured}${t.note ? ` (${t.note})` : ''} | ${mark(t.met)} |`);
  L.push('');

  L.push('## Training speed, inference and memory', '');
  L.push('| Backend | Batch | Runs × epochs | s/epoch (median) | fastest–slowest epoch | samples/s | × PyTorch | evaluate 10k (ms) | predict 10k (ms) | test accuracy | peak RSS (MiB) | tensors after each epoch |');
  L.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const ordered = [...r.configurations.filter((c) => c.backend !== 'pytorch'), ...r.configurations.filter((c) => c.backend === 'pytorch')];
  for (const c of ordered) {
    const name = configName(c);
    const runs = `${c.runsDone}${c.runsDone !== c.plannedRuns ? ` of ${c.plannedRuns}` : ''} × ${c.epochs}`;
    if (c.runsDone === 0) {
      L.push(`| ${name} | ${c.batchSize} | ${runs} | failed: ${c.failures[0] ?? 'no result'} | | | | | | | | |`);
      continue;
    }
    L.push(`| ${name} | ${c.batchSize} | ${runs} | ${fixed(c.secondsPerEpoch, 2)} | ${fixed(c.fastestEpoch, 2)}–${fixed(c.slowestEpoch, 2)} | ` +
      `${fixed(c.samplesPerSecond, 0)} | ${c.backend === 'pytorch' ? '1' : c.ratioToPeer !== undefined ? `${fixed(c.ratioToPeer, 2)}×` : '—'}` +
      `${c.ratioToFastest !== undefined ? ` (${fixed(c.ratioToFastest, 2)}× plain fit)` : ''} | ` +
      `${fixed(c.evaluateMs, 0)} | ${fixed(c.predictMs, 0)} | ${pct(c.testAccuracy)} | ${fixed(c.peakRssMiB, 0)} | ${tensorCell(c)} |`);
  }
  L.push('');
  const notes: string[] = [];
  const cpuNote = r.configurations.find((c) => c.note !== undefined)?.note;
  if (cpuNote !== undefined) notes.push(`¹ ${cpuNote}.`);
  const stock = r.configurations.find((c) => c.stockKernels && c.runsDone > 0);
  if (stock !== undefined) {
    const ours = r.configurations.find((c) => c.backend === stock.backend && c.model === stock.model && c.batchSize === stock.batchSize &&
      c.validationSplit === undefined && !c.stockKernels && c.runsDone > 0);
    notes.push('The **stock tfjs** row is the same `model.fit` script run with `MNIST_WASM_KERNELS=0`: TensorFlow.js 4.22 as published, ' +
      'none of the project\'s kernels, training step, fused Adam or logger installed; ' +
      `${stock.runsDone} run × ${stock.epochs} epoch(s), kept so that the gain stays visible` +
      (ours !== undefined ? ` (with the project's kernels the same model.fit is ${fixed(stock.secondsPerEpoch / ours.secondsPerEpoch, 1)}× faster per epoch here).` : '.'));
  }
  for (const b of r.backends.filter((x) => !x.available)) notes.push(`tfjs backend \`${b.name}\` not available here: ${b.reason ?? 'failed to load'}`);
  if (!p.available && !p.skipped) {
    notes.push(`PyTorch peer not available, so no × PyTorch column: ${p.error ?? 'import torch failed'}.`);
  }
  if (p.available && isReferenceBlas(p.blas)) {
    notes.push('PyTorch here is Debian\'s `python3-torch`, built against the generic BLAS interface (`BLAS_INFO=generic`), and the BLAS ' +
      `it loaded is the reference (netlib) one, \`${(p.blas ?? []).join(', ')}\`: unoptimized and single-threaded. Its matrix products are ` +
      'therefore far slower than a PyTorch wheel\'s (MKL) or one on OpenBLAS (`sudo apt install libopenblas0-pthread` switches ' +
      'libblas.so.3 through update-alternatives), so the × PyTorch ratios here flatter tfjs.');
  }
  for (const c of r.configurations) for (const f of c.failures) notes.push(`${c.backend} batch ${c.batchSize}: a run failed: ${f}`);
  const noisy = allRuns.filter(disturbed);
  if (noisy.length > 0) {
    notes.push(`⚠ ${noisy.length} of ${allRuns.length} runs shared the CPU with other processes (more than ${DISTURBED_CORES} core on average; ` +
      'marked ⚠ under *Each run*): their times are inflated, PyTorch\'s 2-thread runs most of all, since each parallel step waits ' +
      'for the slower thread. Rerun on an otherwise idle machine for figures to rely on.');
  }
  for (const b of r.backends.filter((x) => x.available && x.detail !== undefined)) notes.push(`tfjs \`${b.name}\`: ${b.detail}.`);
  if (p.available) notes.push(`PyTorch runs ${p.threads ?? 2} intra-op threads.`);
  if (notes.length > 0) L.push(...notes.map((n) => `- ${n}`), '');

  const trainImages = [...new Set(r.configurations.flatMap((c) => c.runs.map((x) => x.trainSamples.toLocaleString('en-US'))))].join('/') || 'the';
  L.push('How to read it:', '');
  L.push('- Every run is a fresh child process (tfjs: `bench/tfjs-worker.ts`; PyTorch: `bench/peer_torch.py`) that reads MNIST, ' +
    'trains the course MLP (784 → Dense(128, relu) → Dense(10, softmax), Adam 0.001, sparse categorical cross-entropy, ' +
    `shuffled each epoch) on ${trainImages} training images, then evaluates on the 10,000 test images. ` +
    'The tfjs worker is a stock TensorFlow.js script: it takes nothing from the project but `initBackend()`, builds the model with ' +
    '`tf.sequential` and `tf.layers.dense` as `createModel` does (same seeded Glorot-uniform initializers), and trains with ' +
    '`await model.fit(x, y, { epochs, batchSize, validationSplit?, callbacks })`; `Math.random`, which `fit` shuffles with, is seeded per run. ' +
    'Rows marked **CNN** train the extension\'s network instead (as `createCnn`: Conv 3×3 ×32 relu → MaxPool 2 → Conv 3×3 ×64 relu → ' +
    'MaxPool 2 → Dense 128 relu → Dense 10, valid padding, Adam 0.001, the last of several epochs at a tenth of the rate, set by a ' +
    'plain tfjs callback, as in its notebook; PyTorch: the same layers and schedule), evaluated in one pass. ' +
    'The **Step 5** row is what the workbook\'s Step 5 runs: `model.fit` with the last 10 % of the training set held back and ' +
    'evaluated after each epoch (`validationSplit: 0.1`), batch 32; its s/epoch includes that validation, and ' +
    '"× plain fit" compares it with the plain `model.fit` of the course model at batch 32. ' +
    `Run *k* (from 0) uses seed ${String(r.options.seed)} + *k* on both sides. ` +
    'tfjs and PyTorch runs alternate, batch size by batch size, so a slow spell of the machine hits both.');
  L.push('- **s/epoch**: wall time from a tfjs callback\'s `onEpochBegin` to its `onEpochEnd` (validation included); the median over runs of each run\'s ' +
    'median epoch. **samples/s** = training images ÷ s/epoch. **× PyTorch** = s/epoch ÷ PyTorch\'s s/epoch at the same batch size (below 1: faster than PyTorch).');
  L.push('- **evaluate / predict 10k**: `model.evaluate(xTest, yTest)` and `model.predict(xTest).argMax(-1)` (tfjs\' default batch of 32, results ' +
    'read and disposed) on the 10,000 test images after training (PyTorch: the same forward pass in batches of 2,500), median of 3 passes ' +
    '(CNN and stock tfjs: 1), then median over runs. **test accuracy**: median over runs.');
  L.push('- **peak RSS**: `process.resourceUsage().maxRSS` of the worker process at its end (PyTorch: `ru_maxrss`), the largest over runs; ' +
    'it includes Node, tfjs, the wasm heap and MNIST itself.');
  L.push('- **tensors after each epoch**: `tf.memory().numTensors` at each epoch\'s end in the first run: the training and test tensors, ' +
    'the model\'s weights, Adam\'s state and what `model.fit` holds while it runs (the validation split\'s slices). ' +
    '*Flat* when it stays the same over the epochs of every run and evaluate/predict leave the count where `model.fit` left it.');
  L.push('');

  const nb = r.notebook;
  if (nb !== undefined) {
    L.push('## The executed workbook', '');
    if (nb.kernelPeakRssMiB !== undefined) {
      L.push(`\`${nb.notebook}\` run headless with nbclient (\`${nb.python ?? '?'}\`) on the tslab kernel, stopping at the first failing cell, ` +
        `as test/notebooks runs it: ${nb.firstError !== undefined ? `stopped at code cell ${nb.firstError} (${nb.error ?? 'failed'})` : `all ${nb.codeCells ?? '?'} cells ran`} ` +
        `in ${fixed(nb.wallSeconds, 0)} s. Peak RSS (VmHWM) of the tslab kernel process: **${fixed(nb.kernelPeakRssMiB, 0)} MiB**` +
        `${(nb.nodeProcesses ?? []).length > 1 ? ` (node processes under the runner: ${(nb.nodeProcesses ?? []).map((p) => `${fixed(p.peakRssMiB, 0)} MiB`).join(', ')})` : ''}.`, '');
    } else {
      L.push(`Not measured: ${nb.error ?? 'no result'}.`, '');
    }
  }

  const acc = r.accuracy;
  L.push(`## Test accuracy (${acc.backend}, batch ${acc.batchSize}, ${acc.epochs} epochs, ${acc.seeds} seeds)`, '');
  if (acc.accuracies.length === 0) {
    L.push('Not measured in this run.', '');
  } else {
    L.push(`Source: ${acc.source}. Seeds ${acc.seedsRun.join(', ')}: ${acc.accuracies.map(pct).join(', ')}; median **${pct(median(acc.accuracies))}** ` +
      `(target: within ${(100 * TARGETS.accuracyGap).toFixed(1)} points of PyTorch's median for the same configuration).`, '');
  }

  L.push('## Each run', '');
  L.push('| Backend | Batch | Seed | s per epoch | train loss (last epoch) | test accuracy | evaluate (ms) | predict (ms) | peak RSS (MiB) | load data (s) | process wall (s) | CPU (s) | other processes (cores) |');
  L.push('| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of ordered) {
    for (const run of c.runs) {
      L.push(`| ${configName({ ...c, note: undefined }).replace(/^tfjs /, '')} | ${c.batchSize} | ${run.seed} | ${run.secondsPerEpoch.map((s) => s.toFixed(2)).join(', ')} | ` +
        `${fixed(run.trainLoss[run.trainLoss.length - 1], 4)} | ${pct(run.testAccuracy)} | ${fixed(run.evaluateMs, 0)} | ${fixed(run.predictMs, 0)} | ` +
        `${fixed(run.peakRssMiB, 0)} | ${fixed(run.loadSeconds, 1)} | ${fixed(run.wallSeconds, 1)} | ${fixed(run.cpuSeconds, 1)} | ` +
        `${fixed(run.otherCores, 2)}${disturbed(run) ? ' ⚠' : ''} |`);
    }
  }
  L.push('');
  L.push('Options: `' + JSON.stringify(r.options) + '`', '');
  if (!r.partial && fs.existsSync(TRIED_FILE)) L.push(fs.readFileSync(TRIED_FILE, 'utf8').trim(), '');
  return L.join('\n');
}
