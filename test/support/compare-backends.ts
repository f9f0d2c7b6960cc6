// Running the same computation on two backends, to compare the wasm kernel
// overrides with the cpu backend's reference results.
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../src/train/random';

export function randomValues(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

/** Runs `f` on one backend; returns the shape and values of its result. */
export async function on(backend: string, f: () => tf.Tensor): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const out = f();
  const result = { shape: out.shape, values: (await out.data()) as Float32Array };
  out.dispose();
  return result;
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

