/**
 * The project's own WebAssembly kernels (`assembly/kernels.ts`, compiled by
 * AssemblyScript during `npm ci` / `npm run build`; no native compiler,
 * nothing downloaded). The module imports the wasm backend's memory, so it
 * works on tensors where they lie, by their heap offsets, without copies.
 * Two builds of the same source: `lib/kernels-relaxed.wasm` uses relaxed
 * SIMD (a fused multiply-add in the matrix products; Node.js 22 and later),
 * `lib/kernels.wasm` plain SIMD for engines without it (Node.js 20). Loaded
 * once per backend instance, the first build this engine validates;
 * undefined where neither file is there or this WebAssembly has no SIMD,
 * and callers then keep tfjs' own kernels.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { projectPath } from '../data/project-root';
import type { instantiate as instantiateBindings } from '../../lib/kernels';

/**
 * The module's exports, as `asc --bindings` declares them from
 * assembly/kernels.ts while building (lib/kernels.d.ts): the signatures are
 * never written by hand. Only the declarations are used; the module is
 * instantiated below, on the wasm backend's own memory.
 */
export type Kernels = Omit<Awaited<ReturnType<typeof instantiateBindings>>, 'memory'>;

/** From src/ (ts-node) and from lib/ alike: the repository's lib/ folder. */
export const KERNELS_FILE = projectPath('lib', 'kernels.wasm');
/** The same kernels built with relaxed SIMD, tried first. */
export const RELAXED_KERNELS_FILE = projectPath('lib', 'kernels-relaxed.wasm');

/** Which build of the kernels runs, once loaded (for the bench's report). */
export type KernelsBuild = 'relaxed-simd' | 'simd';
let loadedBuild: KernelsBuild | undefined;

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
}

const loaded = new WeakMap<object, Kernels | null>();

/** The bytes of the first build this engine can compile, or null. */
function readBuild(): { bytes: Buffer; build: KernelsBuild } | null {
  const builds: [string, KernelsBuild][] = [[RELAXED_KERNELS_FILE, 'relaxed-simd'], [KERNELS_FILE, 'simd']];
  for (const [file, build] of builds) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    // Without relaxed SIMD (Node.js 20), or without SIMD at all (very old engines), a build does not validate.
    if (WebAssembly.validate(bytes)) return { bytes, build };
  }
  return null;
}

function instantiate(memory: WebAssembly.Memory): Kernels | null {
  const found = readBuild();
  if (found === null) return null;
  const { bytes, build } = found;
  loadedBuild = build;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory, abort: () => { throw new Error('kernels.wasm aborted'); } },
  });
  return instance.exports as unknown as Kernels;
}

/**
 * The kernels bound to the active wasm backend's memory, or undefined
 * (another backend, no kernels.wasm, or MNIST_WASM_KERNELS=0, which keeps
 * tfjs' own kernels for comparison).
 */
export function wasmKernels(): Kernels | undefined {
  if (tf.getBackend() !== 'wasm' || process.env.MNIST_WASM_KERNELS === '0') return undefined;
  const backend = tf.backend() as BackendWasm;
  const module = backend.wasm as unknown as EmscriptenModule;
  let kernels = loaded.get(backend);
  if (kernels === undefined) {
    const memory = module.asm?.memory;
    kernels = memory instanceof WebAssembly.Memory ? instantiate(memory) : null;
    loaded.set(backend, kernels);
  }
  return kernels ?? undefined;
}

/** The build of the kernels in use, after wasmKernels() found one. */
export function kernelsBuild(): KernelsBuild | undefined {
  return wasmKernels() === undefined ? undefined : loadedBuild;
}

/** Where a tensor's values start on the wasm heap, in bytes. */
export function heapOffset(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}
