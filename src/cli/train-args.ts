/**
 * The flags of `npm start`, parsed and checked. Kept apart from the job
 * itself so that every bad flag's message is tested without training.
 */
import { parseArgs } from 'util';
import { BACKENDS, isBackendName, BackendName } from '../backend';
import { DEFAULT_SEED } from '../model';

export interface TrainArgs {
  epochs: number;
  batchSize: number;
  backend?: BackendName;
  seed: number;
  dataDir?: string;
  trainLimit?: number;
  out: string;
  show: boolean;
  json: boolean;
  help: boolean;
}

export const TRAIN_USAGE = `Usage: npm start -- [options]

Trains the course's model (784 → Dense 128 relu → Dense 10 softmax) on MNIST,
prints the test accuracy, the confusion matrix and the prediction for test
image 0, and writes the model, metrics.json and figures to --out.

  --epochs N         training epochs (default 5)
  --batch-size N     samples per training step (default 32)
  --backend NAME     ${BACKENDS.join(' | ')} (default: the fastest that loads; or MNIST_BACKEND)
  --seed N           seed for initial weights and shuffling (default ${DEFAULT_SEED})
  --data-dir DIR     read the four MNIST files from DIR (default: MNIST_DATA_DIR, then data/mnist/)
  --train-limit N    train on the first N training images only, for quick runs
  --out DIR          where to write the model, metrics and figures (default out/)
  --show             also open the training curves and confusion matrix in a browser window
  --json             end the output with one line of JSON holding the results
  --help             this text`;

/** A mistake in the command line: shown with the usage, exit code 2. */
export class UsageError extends Error {}

function positiveInteger(flag: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} expects a whole number of at least 1, got "${value}".`);
  }
  return n;
}

export function parseTrainArgs(argv: string[]): TrainArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        backend: { type: 'string' },
        seed: { type: 'string' },
        'data-dir': { type: 'string' },
        'train-limit': { type: 'string' },
        out: { type: 'string' },
        show: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const backend = values.backend;
  if (backend !== undefined && !isBackendName(backend)) {
    throw new UsageError(`--backend expects one of ${BACKENDS.join(', ')}, got "${backend}".`);
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(`--seed expects a whole number of 0 or more, got "${values.seed}".`);
  }
  return {
    epochs: positiveInteger('--epochs', values.epochs, 5) as number,
    batchSize: positiveInteger('--batch-size', values['batch-size'], 32) as number,
    backend,
    seed,
    dataDir: values['data-dir'],
    trainLimit: positiveInteger('--train-limit', values['train-limit']),
    out: values.out ?? 'out',
    show: values.show === true,
    json: values.json === true,
    help: values.help === true,
  };
}
