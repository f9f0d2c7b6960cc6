// The full MNIST the tests train and evaluate on: ../shared/data/mnist
// beside the repository unless MNIST_DATA_DIR points elsewhere. Loaded once
// per test run, since several specs need it.
import * as path from 'path';
import { loadMnist, Mnist } from '../src/mnist';

export const REAL_DATA_DIR = process.env.MNIST_DATA_DIR ?? path.resolve(__dirname, '..', '..', 'shared', 'data', 'mnist');

let cached: Promise<Mnist> | undefined;

export function realMnist(): Promise<Mnist> {
  cached ??= loadMnist({ dir: REAL_DATA_DIR });
  return cached;
}
