/**
 * `Slice` on the wasm backend without copying: a slice that is one
 * contiguous run of its input's values (any slice of leading rows, which is
 * what batching makes) is a view of the input's memory.
 *
 * tfjs-backend-wasm 4.22's Slice starts with `readSync(x)`, a copy of all of
 * x into JavaScript memory, however small the slice: `model.predict` and
 * `model.evaluate` slice their input into batches of 32, so evaluating the
 * workbook's 60,000 training images copied all 188 MB of them once per
 * batch. And `model.fit(x, y, { validationSplit })` slices x into its
 * training and validation rows before training: as copies, 188 MB more on
 * the wasm heap, which never shrinks (the workbook's largest allocation).
 *
 * A view is registered with the backend at an offset inside the input's
 * memory (`makeOutput` takes one: the backend's C++ kernels allocate their
 * outputs so), and holds a reference to the input so it outlives it. The
 * backend would free a view's offset when it is disposed; `disposeData` is
 * therefore wrapped, once per backend, to drop the view's entry and its
 * reference to the input instead. Tensors never change in place (a Variable
 * is reassigned a new buffer), so a view never sees its input change; the
 * fused Adam writes moments in place only when nothing else references them.
 * Other slices keep tfjs' kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-override';

let installed = false;

/** Whether the contiguous Slice is registered on the wasm backend. */
export function wasmSliceInstalled(): boolean {
  return installed;
}

type DataId = object;

/** Per backend: each view's data id, with the data id of the tensor whose memory it shows. */
const viewsOf = new WeakMap<BackendWasm, WeakMap<DataId, DataId>>();

interface TensorData {
  id: number;
  memoryOffset: number;
  refCount: number;
}

/** The views of `backend`, wrapping its disposeData the first time. */
function views(backend: BackendWasm): WeakMap<DataId, DataId> {
  let map = viewsOf.get(backend);
  if (map !== undefined) return map;
  const known = new WeakMap<DataId, DataId>();
  map = known;
  viewsOf.set(backend, known);
  const original = backend.disposeData.bind(backend);
  const storage = backend.dataIdMap as unknown as { has(id: DataId): boolean; get(id: DataId): TensorData; delete(id: DataId): void };
  const tfjsModule = backend.wasm.tfjs as unknown as { disposeData(id: number): void };
  backend.disposeData = (dataId: DataId, force = false): boolean => {
    const input = known.get(dataId);
    if (input === undefined) return original(dataId, force);
    if (!storage.has(dataId)) return true;
    const data = storage.get(dataId);
    data.refCount--;
    if (!force && data.refCount > 0) return false;
    // The memory is the input's: forget the view, then release its reference to the input.
    tfjsModule.disposeData(data.id);
    storage.delete(dataId);
    known.delete(dataId);
    backend.disposeData(input);
    return true;
  };
  return map;
}

/** Whether `dataId` on `backend` is a view made by this Slice (for the specs). */
export function isSliceView(backend: BackendWasm, dataId: DataId): boolean {
  return viewsOf.get(backend)?.has(dataId) ?? false;
}

/** Replaces the wasm Slice kernel for contiguous slices of numeric tensors. Idempotent; a no-op without that backend. */
export function installWasmSlice(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.Slice, (original) => (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const count = tf.util.sizeFromShape(size_);
    if (count === 0) return backend.makeOutput(size_, x.dtype);
    const start = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
    const input = (backend.dataIdMap as unknown as { get(id: DataId): TensorData }).get(x.dataId);
    const known = views(backend);
    const out = backend.makeOutput(size_, x.dtype, input.memoryOffset + start * tf.util.bytesPerElement(x.dtype));
    backend.incRef(x.dataId);
    known.set(out.dataId, x.dataId);
    return out;
  });
}
