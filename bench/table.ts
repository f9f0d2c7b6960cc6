/**
 * The benchmark's figures: per-configuration summaries of the raw runs, the
 * issue's targets (met or missed), and bench/results.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FailedRun, RunResult, median } from './common';

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
  /** Step 5 only: secondsPerEpoch ÷ that of the fastest tfjs configuration of the same model and batch size. */
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
  targets: Target[];
}

/**
 * Issue 14's targets. Batch 128 and 512: no worse than the ratios before it
 * (bench/results.md of 2026-11-25: 2.94× and 3.63×).
 */
export const TARGETS = {
  ratio: 1.5, ratio128: 2.94, ratio512: 3.63, step5: 1.2,
  accuracyGap: 0.002, peakRssMiB: 600,
  cnnSeconds: 40, cnnAccuracy: 0.99, cnnPeakRssMiB: 900,
} as const;

/** A run during which other processes kept this many cores busy on average is flagged as disturbed. */
export const DISTURBED_CORES = 0.25;

function disturbed(run: RunResult): boolean {
  return (run.otherCores ?? 0) > DISTURBED_CORES;
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
        return counts.every((c) => c === counts[0]) && r.tensorsAfterInference === counts[counts.length - 1];
      });
      summary.tensorsFlat = !flat ? false : runs.some((r) => (r.tensorsAfterEpoch ?? []).length > 1) ? true : null;
    }
    return summary;
  });
  for (const s of summaries) {
    const peer = summaries.find((p) => p.backend === 'pytorch' && p.model === s.model && p.batchSize === s.batchSize && p.runsDone > 0);
    if (peer !== undefined && s.runsDone > 0) s.ratioToPeer = s.secondsPerEpoch / peer.secondsPerEpoch;
    if (s.validationSplit !== undefined && s.runsDone > 0) {
      const paths = summaries.filter((p) => p.backend !== 'pytorch' && p.validationSplit === undefined && p.model === s.model &&
        p.batchSize === s.batchSize && p.runsDone > 0);
      if (paths.length > 0) s.ratioToFastest = s.secondsPerEpoch / Math.min(...paths.map((p) => p.secondsPerEpoch));
    }
  }
  return summaries;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : '—');
const fixed = (x: number | undefined, digits: number): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The row's name in the tables. */
export function configName(c: { backend: string; model: ModelName; validationSplit?: number; note?: string }): string {
  const base = c.backend === 'pytorch' ? 'PyTorch (peer)' : `tfjs ${c.backend}${c.note ? ' ¹' : ''}`;
  if (c.validationSplit !== undefined) return `${base} · Step 5 (fit, validationSplit ${c.validationSplit})`;
  return c.model === 'cnn' ? `${base} · CNN` : base;
}

export function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const peerMissing = !report.peer.available;
  const find = (backend: string, model: ModelName, batchSize: number): ConfigSummary | undefined =>
    report.configurations.find((c) => c.backend === backend && c.model === model && c.batchSize === batchSize && c.validationSplit === undefined && c.runsDone > 0);
  const ratioTarget = (batchSize: number, goal: number, label: string): void => {
    const wasm = find('wasm', 'mlp', batchSize);
    if (wasm === undefined && batchSize !== 32) return;
    out.push({
      name: `MLP: wasm batch-${batchSize} s/epoch ÷ PyTorch s/epoch${label}`,
      goal: `≤ ${goal}×`,
      measured: wasm?.ratioToPeer !== undefined
        ? `${fixed(wasm.ratioToPeer, 2)}× (${fixed(wasm.secondsPerEpoch, 2)} s ÷ ${fixed(wasm.secondsPerEpoch / wasm.ratioToPeer, 2)} s)`
        : peerMissing ? `PyTorch not available${report.peer.install ? `: install with \`${report.peer.install}\`` : ''}` : 'not measured',
      met: wasm?.ratioToPeer !== undefined ? wasm.ratioToPeer <= goal : null,
    });
  };
  ratioTarget(32, TARGETS.ratio, '');
  ratioTarget(128, TARGETS.ratio128, ' (no worse than before)');
  ratioTarget(512, TARGETS.ratio512, ' (no worse than before)');

  const step5 = report.configurations.find((c) => c.validationSplit !== undefined && c.runsDone > 0);
  if (step5 !== undefined || report.options.step5 !== false) {
    out.push({
      name: 'What Step 5 runs (fit, validationSplit 0.1, batch 32) ÷ the fastest path at batch 32',
      goal: `≤ ${TARGETS.step5}×`,
      measured: step5?.ratioToFastest !== undefined ? `${fixed(step5.ratioToFastest, 2)}× (${fixed(step5.secondsPerEpoch, 2)} s per epoch, validation included)` : 'not measured',
      met: step5?.ratioToFastest !== undefined ? step5.ratioToFastest <= TARGETS.step5 : null,
    });
  }

  const acc = report.accuracy;
  const onTarget = (acc.source === 'timing runs' || acc.source === 'extra runs') && acc.accuracies.length >= acc.seeds &&
    acc.epochsRun.length === 1 && acc.epochsRun[0] === acc.epochs;
  const accMedian = median(acc.accuracies);
  const peer32 = find('pytorch', 'mlp', acc.batchSize);
  const peerRuns = (peer32?.runs ?? []).filter((r) => r.epochs === acc.epochs);
  const peerMedian = peerRuns.length >= acc.seeds ? median(peerRuns.map((r) => r.testAccuracy)) : NaN;
  out.push({
    name: `MLP test accuracy, ${acc.backend} batch ${acc.batchSize}, ${acc.epochs} epochs, median of ${acc.seeds} seeds`,
    goal: `within ${(100 * TARGETS.accuracyGap).toFixed(1)} points of PyTorch's median`,
    measured: acc.accuracies.length > 0
      ? `${pct(accMedian)} (${acc.accuracies.map(pct).join(', ')})` + (onTarget ? '' : ` after ${acc.epochsRun.join('/')} epoch(s), ${acc.accuracies.length} seed(s)`) +
        (Number.isFinite(peerMedian) ? `; PyTorch ${pct(peerMedian)}` : '')
      : 'not measured',
    met: onTarget && Number.isFinite(peerMedian) ? accMedian >= peerMedian - TARGETS.accuracyGap - 1e-9 : null,
    note: !onTarget ? 'this run does not train the target configuration' : Number.isFinite(peerMedian) ? undefined : 'no PyTorch runs of that configuration',
  });

  const cnn = find('wasm', 'cnn', Number(report.options.cnnBatchSize ?? 64));
  if (cnn !== undefined || report.options.cnn !== false) {
    out.push({
      name: `CNN (createCnn): wasm s/epoch at batch ${cnn?.batchSize ?? 64}`,
      goal: `≤ ${TARGETS.cnnSeconds} s`,
      measured: cnn !== undefined ? `${fixed(cnn.secondsPerEpoch, 1)} s` + (cnn.ratioToPeer !== undefined ? ` (${fixed(cnn.ratioToPeer, 2)}× PyTorch)` : '') : 'not measured',
      met: cnn !== undefined ? cnn.secondsPerEpoch <= TARGETS.cnnSeconds : null,
    });
    out.push({
      name: `CNN test accuracy after ${cnn?.epochs ?? '?'} epoch(s), median of ${cnn?.runsDone ?? 0} run(s)`,
      goal: `≥ ${pct(TARGETS.cnnAccuracy)}`,
      measured: cnn !== undefined ? pct(cnn.testAccuracy) : 'not measured',
      met: cnn !== undefined && !report.partial ? cnn.testAccuracy >= TARGETS.cnnAccuracy : null,
      note: report.partial ? 'the target is for the full run' : undefined,
    });
  }

  // The course model's training configurations, what Step 5 runs (Step 2's tensors of the whole
  // training set held on the backend beside the model), and the CNN: each judged on its own.
  const memoryGroups = [
    { name: 'Peak RSS of a tfjs MLP training configuration (its own process)', limit: TARGETS.peakRssMiB, model: 'mlp', step5: false },
    { name: 'Peak RSS of what Step 5 runs, Step 2\'s tensors included (its own process)', limit: TARGETS.peakRssMiB, model: 'mlp', step5: true },
    { name: 'Peak RSS of a tfjs CNN configuration (its own process)', limit: TARGETS.cnnPeakRssMiB, model: 'cnn', step5: false },
  ] as const;
  for (const group of memoryGroups) {
    const tfjsConfigs = report.configurations.filter((c) => c.backend !== 'pytorch' && c.model === group.model && c.runsDone > 0 &&
      (c.validationSplit !== undefined) === group.step5);
    if (tfjsConfigs.length === 0 && (group.model === 'cnn' || group.step5)) continue;
    const peak = tfjsConfigs.length > 0 ? Math.max(...tfjsConfigs.map((c) => c.peakRssMiB)) : NaN;
    const worst = tfjsConfigs.find((c) => c.peakRssMiB === peak);
    out.push({
      name: group.name,
      goal: `≤ ${group.limit} MiB`,
      measured: worst !== undefined ? `${fixed(peak, 0)} MiB (${configName(worst)}, batch ${worst.batchSize})` : 'not measured',
      met: worst !== undefined ? peak <= group.limit : null,
      note: report.partial ? 'the target is for the full run' : undefined,
    });
  }

  const tfjsConfigs = report.configurations.filter((c) => c.backend !== 'pytorch' && c.runsDone > 0);
  const judged = tfjsConfigs.filter((c) => c.tensorsFlat !== null && c.tensorsFlat !== undefined);
  const leaking = judged.filter((c) => c.tensorsFlat === false);
  out.push({
    name: 'tf.memory().numTensors after each epoch',
    goal: 'flat',
    measured: judged.length === 0 ? 'one epoch per run: nothing to compare'
      : leaking.length > 0 ? `grows in ${leaking.map((c) => `${configName(c)}/${c.batchSize}`).join(', ')}`
        : `flat in all ${judged.length} configurations with more than one epoch`,
    met: judged.length === 0 ? null : leaking.length === 0,
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
  L.push('# Benchmark: the course MLP and the small CNN on MNIST, TensorFlow.js next to PyTorch', '');
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
      `${c.ratioToFastest !== undefined ? ` (${fixed(c.ratioToFastest, 2)}× the loop)` : ''} | ` +
      `${fixed(c.evaluateMs, 0)} | ${fixed(c.predictMs, 0)} | ${pct(c.testAccuracy)} | ${fixed(c.peakRssMiB, 0)} | ${tensorCell(c)} |`);
  }
  L.push('');
  const notes: string[] = [];
  const cpuNote = r.configurations.find((c) => c.note !== undefined)?.note;
  if (cpuNote !== undefined) notes.push(`¹ ${cpuNote}.`);
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
  L.push('- Every run is a fresh child process (tfjs: `bench/tfjs-worker.ts`; PyTorch: `bench/peer_torch.py`) that loads MNIST, ' +
    'trains the course MLP (784 → Dense(128, relu) → Dense(10, softmax), Adam 0.001, sparse categorical cross-entropy, ' +
    `shuffled each epoch) on ${trainImages} training images, then evaluates on the 10,000 test images. ` +
    'Rows marked **CNN** train the extension\'s network instead (`createCnn`: Conv 3×3 ×32 relu → MaxPool 2 → Conv 3×3 ×64 relu → ' +
    'MaxPool 2 → Dense 128 relu → Dense 10, valid padding, Adam 0.001, the last of several epochs at a tenth of the rate as in its ' +
    'notebook; PyTorch: the same layers and schedule), evaluated in one pass. ' +
    'The **Step 5** row is what the workbook\'s Step 5 runs: `fit` with the last 10 % of the training set held back and ' +
    'evaluated after each epoch (Keras\' `validationSplit: 0.1`), batch 32; its s/epoch includes that validation, and ' +
    '"× the loop" compares it with the fastest plain configuration of the course model at batch 32. ' +
    `Run *k* (from 0) uses seed ${String(r.options.seed)} + *k* on both sides. ` +
    'tfjs and PyTorch runs alternate, batch size by batch size, so a slow spell of the machine hits both.');
  L.push('- **s/epoch**: wall time of one epoch as `fit` reports it (`History.secondsPerEpoch`); the median over runs of each run\'s ' +
    'median epoch. **samples/s** = training images ÷ s/epoch. **× PyTorch** = s/epoch ÷ PyTorch\'s s/epoch at the same batch size (below 1: faster than PyTorch).');
  L.push('- **evaluate / predict 10k**: `evaluate()` and `predictLabels()` on the 10,000 test images after training (PyTorch: the same ' +
    'forward pass in batches of 2,500), median of 3 passes, then median over runs. **test accuracy**: median over runs.');
  L.push('- **peak RSS**: `process.resourceUsage().maxRSS` of the worker process at its end (PyTorch: `ru_maxrss`), the largest over runs; ' +
    'it includes Node, tfjs, the wasm heap and MNIST itself.');
  L.push('- **tensors after each epoch**: `tf.memory().numTensors` at each epoch\'s end in the first run (MLP 14: the model\'s 4 weights, ' +
    'Adam\'s 2 moments per weight and its 2 β-power accumulators; CNN 26: 8 weights, 16 moments, 2 accumulators). ' +
    '*Flat* when it stays the same over the epochs of every run and evaluate/predict add nothing.');
  L.push('');

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
