/**
 * Chooses the TensorFlow.js backend: the fastest one that loads, in the
 * order native TensorFlow (tfjs-node), WebAssembly, plain JavaScript. The
 * native one is an optional dependency that cannot install offline, so the
 * fallbacks are what many students (and our CI) actually run.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmMatMulFix } from './wasm-matmul';
import { installWasmConvGradients } from './wasm-conv';
import { installWasmMaxPoolGrad } from './wasm-pool';
import { installWasmSum } from './wasm-reduce';
import { installWasmTranspose } from './wasm-transpose';
import { installWasmReluGrad } from './wasm-relu';
import { installWasmIdentity } from './wasm-identity';
import { installWasmSlice } from './wasm-slice';
import { installWasmGather } from './wasm-gather';
import { installFusedAdam } from './fused-adam';
import { installDenseTraining } from './dense-training';
import { installNumberLogs } from './batch-logger';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Makes one backend available to tfjs; throws if it cannot load here. */
export type BackendLoader = (name: BackendName) => Promise<void>;

export interface BackendChoice {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** Backends tried before it, with the reason each one was passed over. */
  skipped: { name: BackendName; reason: string }[];
}

export function isBackendName(value: string): value is BackendName {
  return (BACKENDS as readonly string[]).includes(value);
}

/** Loads a backend from the installed packages, never from the network. */
export const loadInstalledBackend: BackendLoader = async (name) => {
  if (name === 'tensorflow') {
    // Registers the 'tensorflow' backend as a side effect. A plain require
    // keeps this optional package out of the type check where it is absent.
    require('@tensorflow/tfjs-node');
  } else if (name === 'wasm') {
    // The .wasm binaries ship inside the package; point at them explicitly
    // so tfjs never tries a URL.
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(dist + path.sep);
    installWasmMatMulFix();
    installWasmConvGradients();
    installWasmMaxPoolGrad();
    installWasmSum();
    installWasmTranspose();
    installWasmReluGrad();
    installWasmIdentity();
    installWasmSlice();
    installWasmGather();
    // tfjs has no kernel hook for these: each replaces one method on a tfjs class, and acts only on wasm.
    installFusedAdam();
    installDenseTraining();
    installNumberLogs();
  }
};

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/**
 * Activates the requested backend, or the first of tensorflow → wasm → cpu
 * that loads. `requested` (or the MNIST_BACKEND environment variable) forces
 * one; asking for one that does not load is an error, not a silent fallback.
 */
export async function initBackend(
  requested: string | undefined = process.env.MNIST_BACKEND,
  load: BackendLoader = loadInstalledBackend,
): Promise<BackendChoice> {
  const wanted = requested === undefined || requested === '' ? undefined : requested;
  if (wanted !== undefined && !isBackendName(wanted)) {
    throw new Error(`Unknown backend "${wanted}": expected one of ${BACKENDS.join(', ')}. ` +
      'Set --backend or MNIST_BACKEND to one of those, or leave it unset to pick the fastest.');
  }
  const candidates: readonly BackendName[] = wanted === undefined ? BACKENDS : [wanted];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of candidates) {
    try {
      await load(name);
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      return { name, skipped };
    } catch (error) {
      skipped.push({ name, reason: describe(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const hint = wanted === 'tensorflow'
    ? ' Install it with `npm install @tensorflow/tfjs-node` (needs network access to download libtensorflow).'
    : '';
  throw new Error(`No TensorFlow.js backend could be loaded (${reasons}).${hint}`);
}

/** One line for logs and notebooks: which backend runs and why. */
export function describeBackend(choice: BackendChoice): string {
  const passed = choice.skipped.map((s) => `${s.name} unavailable: ${s.reason}`);
  return `TensorFlow.js backend: ${choice.name}` + (passed.length > 0 ? ` (${passed.join('; ')})` : '');
}
