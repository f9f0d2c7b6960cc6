// Watching what is read back from the backend: dataSync, data(), array(), …
// all end in the backend's readSync or read.
import * as tf from '@tensorflow/tfjs';

/** Records how many values each read from the active backend returned, until stop(). */
export function watchReads(): { sizes: number[]; stop: () => void } {
  const backend = tf.backend();
  const { readSync, read } = backend;
  const sizes: number[] = [];
  backend.readSync = (dataId, ...rest) => {
    const values = readSync.call(backend, dataId, ...rest);
    sizes.push(values.length);
    return values;
  };
  backend.read = async (dataId) => {
    const values = await read.call(backend, dataId);
    sizes.push(values.length);
    return values;
  };
  return {
    sizes,
    stop: () => {
      backend.readSync = readSync;
      backend.read = read;
    },
  };
}
