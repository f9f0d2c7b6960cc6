/**
 * What the benchmark's processes share: the JSON line a worker prints, a
 * small flag parser, the data directory, and medians.
 */
import { missingDatasetFiles, resolveDataSource } from '../src/data/mnist';
import { findRealMnist } from '../test/support/real-data';

/** A worker that could not run: backend or peer missing, or a crash. */
export interface FailedRun {
  kind: 'tfjs' | 'torch';
  ok: false;
  backend?: string;
  error: string;
  /** How to install what is missing (the PyTorch peer). */
  install?: string;
}

/** `tfjs-worker --probe`: the backend loads here. */
export interface ProbeResult {
  kind: 'tfjs';
  ok: true;
  probe: true;
  backend: string;
  tfjsVersion: string;
  /** wasm only: which build tfjs picked (SIMD; threads, which tfjs 4.22 never uses in Node). */
  wasmSimd?: boolean;
  wasmThreads?: boolean;
}

/** One training run of one configuration: a tfjs backend or the PyTorch peer. */
export interface RunResult {
  kind: 'tfjs' | 'torch';
  ok: true;
  probe?: false;
  /** tfjs backend name, or `pytorch`. */
  backend: string;
  /** `mlp` (the course model; the default) or `cnn` (createCnn). */
  model?: string;
  /** The Step-5 configuration: this fraction of the training set held back for validation after each epoch. */
  validationSplit?: number;
  /** tfjs on wasm: false when MNIST_WASM_KERNELS=0 switched the project's kernels off (stock tfjs). */
  wasmKernels?: boolean;
  batchSize: number;
  epochs: number;
  seed: number;
  trainSamples: number;
  testSamples: number;
  /** Reading and preparing MNIST, before training. */
  loadSeconds: number;
  secondsPerEpoch: number[];
  trainLoss: number[];
  trainAccuracy: number[];
  testLoss: number;
  testAccuracy: number;
  /** Median of 3 passes over the test set. */
  evaluateMs: number;
  predictMs: number;
  /** maxRSS of the worker process, MiB. */
  peakRssMiB: number;
  /** CPU time (user + system, all threads) the worker process used. */
  cpuSeconds?: number;
  /** Set by run.ts: the worker's wall time, and the cores other processes kept busy meanwhile, on average. */
  wallSeconds?: number;
  otherCores?: number;
  tfjsVersion?: string;
  /** tf.memory().numTensors after creating the model, after each epoch, after fit returned, after evaluate/predict, after model.dispose(). */
  tensorsBefore?: number;
  tensorsAfterEpoch?: number[];
  tensorsAfterFit?: number;
  tensorsAfterInference?: number;
  tensorsAfterDispose?: number;
  torchVersion?: string;
  numpyVersion?: string;
  threads?: number;
}

/** `peer_torch.py --probe`: torch imports, and with which libraries. */
export interface PeerProbeResult {
  kind: 'torch';
  ok: true;
  probe: true;
  backend: 'pytorch';
  torchVersion: string;
  numpyVersion: string;
  python: string;
  pythonVersion: string;
  threads: number;
  /** The BLAS shared libraries the Python process loaded. */
  blas: string[];
}

export type WorkerResult = FailedRun | ProbeResult | PeerProbeResult | RunResult;

/** The MNIST files that `dir` lacks (under either name). */
export function missingMnistFiles(dir: string): string[] {
  return missingDatasetFiles(dir);
}

/** Where the real MNIST is, found as the tests find it (MNIST_DATA_DIR, the shared copy, the download cache). */
export function defaultDataDir(): string {
  const where = findRealMnist();
  // When it is nowhere, the download cache: the run then says which files it lacks and how to get them.
  return where.found ? where.dir : resolveDataSource({}).dir;
}

export { median } from '../src/data/stats';

export type { FlagKind, Flags } from './flags';
export { UsageError, parseFlags } from './flags';
