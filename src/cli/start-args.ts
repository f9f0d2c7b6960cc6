/**
 * The flags of `npm start`, parsed and checked. Kept apart from the job
 * itself so that every bad flag's message is tested without training.
 */
import { UsageError, parseCommandLine } from './args';
import { BACKENDS, isBackendName, BackendName } from '../backend/choose-backend';
import { DEFAULT_SEED } from '../model/model';
import { TRAINING_DEFAULTS } from '../train/training-defaults';

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

/** What each numeric flag accepts; the usage text and the parser both read these. */
export const TRAIN_LIMITS = {
  epochs: { min: 1, max: 1000 },
  batchSize: { min: 1, max: 60000 },
  seed: { min: 0, max: 2 ** 32 - 1 },
  trainLimit: { min: 1, max: 60000 },
} as const;

export const TRAIN_USAGE = `Usage: npm start -- [options]

Trains the course's model (784 → Dense 128 relu → Dense 10 softmax) on MNIST,
prints the test accuracy, the confusion matrix and the prediction for test
image 0, and writes the model, metrics.json and figures to --out.

  --epochs N         training epochs, ${TRAIN_LIMITS.epochs.min} to ${TRAIN_LIMITS.epochs.max} (default ${TRAINING_DEFAULTS.epochs})
  --batch-size N     samples per training step, ${TRAIN_LIMITS.batchSize.min} to ${TRAIN_LIMITS.batchSize.max} (default ${TRAINING_DEFAULTS.batchSize})
  --backend NAME     ${BACKENDS.join(' | ')} (default: the fastest that loads; or MNIST_BACKEND)
  --seed N           seed for the initial weights, ${TRAIN_LIMITS.seed.min} to ${TRAIN_LIMITS.seed.max} (default ${DEFAULT_SEED})
  --data-dir DIR     read the four MNIST files from DIR (default: MNIST_DATA_DIR, then data/mnist/)
  --train-limit N    train on the first N training images only, ${TRAIN_LIMITS.trainLimit.min} to ${TRAIN_LIMITS.trainLimit.max}, for quick runs
  --out DIR          where to write the model, metrics and figures (default out/); checked
                     to be writable before training starts
  --show             also open the training curves and confusion matrix in a browser window
  --json             end the output with one line of JSON holding the results
  --help             this text

N is a whole number written in digits (no signs, exponents or decimal points).`;

export { UsageError };

export function parseTrainArgs(argv: string[]): TrainArgs {
  const { values } = parseCommandLine(argv, {
    epochs: { type: 'integer', ...TRAIN_LIMITS.epochs },
    'batch-size': { type: 'integer', ...TRAIN_LIMITS.batchSize },
    backend: { type: 'choice', choices: BACKENDS },
    seed: { type: 'integer', ...TRAIN_LIMITS.seed },
    'data-dir': { type: 'string', what: 'a directory holding the four MNIST files' },
    'train-limit': { type: 'integer', ...TRAIN_LIMITS.trainLimit },
    out: { type: 'string', what: 'a directory to write the results to' },
    show: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const backend = values.backend;
  return {
    epochs: values.epochs ?? TRAINING_DEFAULTS.epochs,
    batchSize: values['batch-size'] ?? TRAINING_DEFAULTS.batchSize,
    backend: backend !== undefined && isBackendName(backend) ? backend : undefined,
    seed: values.seed ?? DEFAULT_SEED,
    dataDir: values['data-dir'],
    trainLimit: values['train-limit'],
    out: values.out ?? 'out',
    show: values.show,
    json: values.json,
    help: values.help,
  };
}
