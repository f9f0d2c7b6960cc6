/**
 * The relu gradient on the wasm backend in one pass. tfjs computes it as
 * dy · cast(step(x)): three kernels over the whole activation (for the
 * CNN's first layer 1.4 M values each, about 1.5 ms of a 38 ms step),
 * where one SIMD pass (`reluGrad` in assembly/kernels.ts) passes dy where
 * x > 0. The gradient is registered for the Relu op as tfjs registers
 * gradients; on other backends, without the project's kernels, or for
 * other dtypes it computes what tfjs' own does.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

/** The kernel the gradient runs on wasm: dx = dy where x > 0, else 0. */
export const RELU_GRAD_KERNEL = 'MnistWorkbookReluGrad';

let installed = false;

function reluGradKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, x } = args.inputs as unknown as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const kernels = wasmKernels();
  if (kernels === undefined) throw new Error(`${RELU_GRAD_KERNEL} needs the project's WebAssembly kernels (lib/kernels.wasm).`);
  const dx = backend.makeOutput(x.shape, 'float32');
  kernels.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, dx), tf.util.sizeFromShape(x.shape));
  return dx;
}

/** tfjs' own relu gradient. */
function reference(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

/** Whether the one-pass relu gradient is registered. */
export function wasmReluGradInstalled(): boolean {
  return installed;
}

/** Registers the kernel on wasm and the Relu gradient that uses it there. Idempotent. */
export function installWasmReluGrad(): void {
  if (installed) return;
  if (tf.getKernel(tf.Relu, 'wasm') === undefined) return;
  tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: reluGradKernel });
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [x] = saved;
      const g = dy as tf.Tensor;
      const fast = tf.getBackend() === 'wasm' && wasmKernels() !== undefined && g.dtype === 'float32' && x.dtype === 'float32' &&
        g.size === x.size;
      return { x: () => (fast ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }, {}) as tf.Tensor : reference(g, x)) };
    },
  });
  installed = true;
}
