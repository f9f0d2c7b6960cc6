/**
 * `npm start`: the course notebook as one command. Loads MNIST, trains the
 * course's model, evaluates it, prints the confusion matrix and the closing
 * demo (test image 0 reshaped to (1, 784) and predicted), and writes the
 * model, metrics.json and figures to --out.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../backend/choose-backend';
import { loadMnist } from '../data/mnist';
import { prepareSamples } from '../data/prepare';
import { createModel, modelSummary } from '../model/model';
import { inputTensor } from '../model/model-input';
import { terminalProgress } from '../train/progress';
import { evaluate } from '../evaluate/evaluate';
import { IMAGE_SIZE } from '../data/image-size';
import { predictDigit, predictLabels } from '../evaluate/predict';
import { classReport, confusionMatrix, formatConfusionMatrix, misclassifiedIndices, mostConfused } from '../evaluate/metrics';
import { saveModel } from '../model/save-load';
import { confusionMatrixSpec, trainingCurvesSpec } from '../figures/chart-specs';
import { digitGridPng } from '../figures/digits';
import { writeFigure } from '../figures/render';
import { showInBrowser } from '../figures/browser-plots';
import { parseTrainArgs, TRAIN_USAGE, TrainArgs } from './start-args';
import { runCommand } from './args';
import { diskProblem, writeFileAtomic } from '../data/atomic-file';

const GALLERY_SIZE = 40;

/**
 * Makes sure --out can take the results before anything is trained: creates
 * the folder and writes and removes a probe file in it, so that a typo or a
 * read-only place fails in a second instead of after the whole training.
 */
export function checkWritableDir(dir: string): void {
  const resolved = path.resolve(dir);
  if (path.parse(resolved).root === resolved) {
    throw new Error(`--out ${dir} is the root of the file system: model/, metrics.json and the figures would land among the system's folders. ` +
      'Nothing was trained; pass a folder of its own, e.g. --out out.');
  }
  const link = brokenLinkTarget(resolved);
  if (link !== undefined) {
    throw new Error(`--out ${dir} is a symbolic link to ${link}, which does not exist. ` +
      'Nothing was trained; create that folder, remove the link, or pass another folder.');
  }
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way (a path component is not a folder)'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'you may not write there'
        : diskProblem(error, dir) ?? (error as Error).message;
    throw new Error(`--out ${dir} cannot hold the results: ${why}. Nothing was trained; pass --out with a folder you can write to.`);
  }
  // What is in the way of a result would otherwise fail only after the whole training.
  for (const [name, folder] of RESULTS) {
    const at = path.join(dir, name);
    if (!fs.existsSync(at)) continue;
    const isDir = fs.statSync(at).isDirectory();
    if (isDir !== folder) {
      throw new Error(`--out ${dir} cannot hold the results: ${at} is a ${isDir ? 'folder' : 'file'}, where ${name} goes as a ${folder ? 'folder' : 'file'}. ` +
        'Nothing was trained; move it away, or pass another folder with --out.');
    }
  }
  const free = freeBytes(dir);
  if (free !== undefined && free < RESULTS_BYTES) {
    throw new Error(`--out ${dir} cannot hold the results: the disk holding it has ${Math.floor(free / 1024)} KiB free, and the model, ` +
      `metrics and figures take about ${RESULTS_BYTES / 1024 / 1024} MiB. Nothing was trained; free some space (\`df -h\` shows it) or pass another folder with --out.`);
  }
}

/** What npm start writes into --out: a folder (true) or a file (false). */
const RESULTS: [string, boolean][] = [['model', true], ['training-curves.svg', false], ['confusion-matrix.svg', false], ['misclassified.png', false], ['metrics.json', false]];
/** Room the results need, with a margin: the course's model is 0.4 MB, the figures and metrics under 0.3 MB. */
const RESULTS_BYTES = 2 * 1024 * 1024;

/** Bytes free for this user on the disk holding `dir`, or undefined where Node cannot tell. */
function freeBytes(dir: string): number | undefined {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/** Where `file` or the first of its parent folders that is a link leads, when that is nowhere; else undefined. */
function brokenLinkTarget(file: string): string | undefined {
  for (let at = file; path.dirname(at) !== at; at = path.dirname(at)) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(at);
    } catch {
      continue; // not there yet: mkdir will create it
    }
    if (!stat.isSymbolicLink()) return undefined;
    const target = path.resolve(path.dirname(at), fs.readlinkSync(at));
    return fs.existsSync(at) ? undefined : target;
  }
  return undefined;
}

/**
 * Writes the results one by one; when one cannot be written (a full disk), says
 * which were written before it. Each file is written whole or not at all, so the
 * others keep their previous version.
 */
async function writeResults(out: string, writers: [string, () => Promise<string> | string][]): Promise<string[]> {
  const written: string[] = [];
  for (const [name, write] of writers) {
    try {
      written.push(await write());
    } catch (error) {
      const problem = diskProblem(error, out);
      if (problem === undefined) throw error;
      const done = written.length > 0 ? ` Written before it: ${written.map(shortPath).join(', ')}.` : '';
      throw new Error(`Could not save ${name} in --out ${out}: ${problem} (${(error as NodeJS.ErrnoException).code}). ` +
        `The training finished, but ${name} and what comes after it keep their previous version (no partial file is left).${done}`);
    }
  }
  return written;
}

const shortPath = (f: string): string => (f.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), f) : f);

async function run(args: TrainArgs): Promise<void> {
  // With --json, stdout ends with the JSON line; everything else goes to stderr.
  const say = (line = ''): void => {
    (args.json ? process.stderr : process.stdout).write(line + '\n');
  };
  const out = path.resolve(args.out);
  checkWritableDir(out);
  const backend = await initBackend(args.backend);
  say(describeBackend(backend));

  const mnist = await loadMnist({ dir: args.dataDir });
  say(`MNIST from ${mnist.dir}: ${mnist.train.count} training and ${mnist.test.count} test images of ` +
    `${mnist.train.rows}×${mnist.train.cols} pixels`);
  const train = prepareSamples(mnist.train, { limit: args.trainLimit });
  const test = prepareSamples(mnist.test);
  say(`Training on ${train.count} images, normalized to [0, 1]; testing on ${test.count}.`);

  const model = createModel({ seed: args.seed });
  say(modelSummary(model));
  // The course's training call: tfjs' own model.fit on the images and labels as tensors.
  const progress = terminalProgress();
  const xTrain = inputTensor(model, train.x, train.count);
  const yTrain = tf.tensor1d(train.y, 'float32');
  try {
    await model.fit(xTrain, yTrain, { epochs: args.epochs, batchSize: args.batchSize, callbacks: progress, verbose: 0 });
  } finally {
    tf.dispose([xTrain, yTrain]);
  }
  const history = { history: progress.curves, secondsPerEpoch: progress.secondsPerEpoch };

  const trainScore = evaluate(model, train);
  const testScore = evaluate(model, test);
  const predicted = predictLabels(model, test);
  const matrix = confusionMatrix(test.y, predicted);
  say(`\nTrain accuracy ${trainScore.accuracy.toFixed(4)} (loss ${trainScore.loss.toFixed(4)}), ` +
    `test accuracy ${testScore.accuracy.toFixed(4)} (loss ${testScore.loss.toFixed(4)})`);
  say('\nConfusion matrix (rows: true digit, columns: predicted digit)');
  say(formatConfusionMatrix(matrix));
  const confused = mostConfused(matrix, 3);
  say('Most confused: ' + confused.map((p) => `${p.truth} taken for ${p.predicted} (${p.count}×)`).join(', '));

  // The course's closing cell: pic.reshape(1, 28 * 28), its size, argmax of the prediction.
  const first = predictDigit(model, mnist.test.images.subarray(0, IMAGE_SIZE));
  say(`\nTest image 0 reshaped to (${first.inputShape.join(', ')}): size ${first.inputShape.reduce((a, b) => a * b, 1)}`);
  say(`Predicted digit: ${first.digit} (true label ${mnist.test.labels[0]}, probability ${first.probabilities[first.digit].toFixed(4)})`);

  const wrong = misclassifiedIndices(test.y, predicted);
  const gallery = wrong.slice(0, GALLERY_SIZE);
  const curves = trainingCurvesSpec(history.history, { title: 'Training curves' });
  const confusion = confusionMatrixSpec(matrix, { title: 'Confusion matrix (test set)' });
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const result = {
    backend: backend.name,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    trainSamples: train.count,
    testSamples: test.count,
    trainAccuracy: trainScore.accuracy,
    trainLoss: trainScore.loss,
    testAccuracy: testScore.accuracy,
    testLoss: testScore.loss,
    history: history.history,
    secondsPerEpoch: history.secondsPerEpoch,
    peakRssMiB: Math.round(peakRssMiB),
    firstTestImage: { size: first.inputShape.reduce((a, b) => a * b, 1), predicted: first.digit, label: mnist.test.labels[0] },
    confusionMatrix: matrix,
    classReport: classReport(matrix),
    mostConfused: confused,
    misclassified: { count: wrong.length, gallery: gallery.map((i) => ({ index: i, label: test.y[i], predicted: predicted[i] })) },
  };
  const metricsPath = path.join(out, 'metrics.json');
  const files = await writeResults(out, [
    ['the model', () => saveModel(model, path.join(out, 'model'))],
    ['training-curves.svg', () => writeFigure(path.join(out, 'training-curves.svg'), curves)],
    ['confusion-matrix.svg', () => writeFigure(path.join(out, 'confusion-matrix.svg'), confusion)],
    ['misclassified.png', () => writeFigure(path.join(out, 'misclassified.png'), digitGridPng(mnist.test.images, gallery, { perRow: 10 }))],
    ['metrics.json', () => {
      writeFileAtomic(metricsPath, JSON.stringify(result, null, 2) + '\n', `save ${metricsPath}`);
      return metricsPath;
    }],
  ]);
  say(`\nWrote ${files.map(shortPath).join(', ')}`);
  say(`Seconds per epoch: ${history.secondsPerEpoch.map((s) => s.toFixed(1)).join(', ')}; peak memory ${Math.round(peakRssMiB)} MiB`);
  model.dispose();

  if (args.show) {
    await showInBrowser([
      { title: 'Training curves', spec: trainingCurvesSpec(history.history) },
      { title: 'Confusion matrix (test set)', spec: confusionMatrixSpec(matrix) },
    ]);
  }
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) void runCommand(TRAIN_USAGE, parseTrainArgs, run);
