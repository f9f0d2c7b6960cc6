/**
 * Loading the dataset: where the files are looked for, every check made on
 * them (with the message each failure gives), the per-file report behind
 * `npm run data`, and the real MNIST numbers.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MNIST } from '../../src/data/dataset';
import { Mnist, defaultCacheDir, loadMnist, resolveDataSource, verifyMnist } from '../../src/data/mnist';
import {
  FILES,
  TestServer,
  gzip,
  imagesIdx,
  labelsIdx,
  listFiles,
  makeTempDir,
  noLog,
  removeTempDirs,
  serveDir,
  setEnv,
  sha256Hex,
  startServer,
  tinyDataset,
} from '../support/fixtures';
import { realMnistDir } from '../support/real-data';
import { rejection } from '../support/errors';
import { projectRoot } from '../../src/data/project-root';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the MNIST data layer', () => {
  // Tests below choose the directory themselves; a developer's MNIST_DATA_DIR must not leak in.
  let restoreEnv: () => void = () => undefined;
  before(() => {
    restoreEnv = setEnv({ MNIST_DATA_DIR: undefined, MNIST_MIRROR: undefined });
  });
  after(() => {
    restoreEnv();
    removeTempDirs();
  });

  describe('loading from a data directory', () => {
    it('gives both splits with their counts, shape, pixels and labels', async () => {
      const { dir, spec } = tinyDataset({ trainLabels: [5, 0, 4, 1, 9], testLabels: [7, 2, 1] });
      const data = await loadMnist({ dir, dataset: spec, log: noLog });
      expect(data.dir).to.equal(dir);
      expect(data.dataset).to.equal('tiny');
      expect(data.train).to.include({ count: 5, rows: 4, cols: 4 });
      expect(data.test).to.include({ count: 3, rows: 4, cols: 4 });
      expect(data.train.images.length).to.equal(5 * 16);
      expect(data.train.images[16]).to.equal(31); // first pixel of the second image
      expect(Array.from(data.train.labels)).to.deep.equal([5, 0, 4, 1, 9]);
      expect(Array.from(data.test.labels)).to.deep.equal([7, 2, 1]);
    });

    it('also accepts unpacked files named without .gz', async () => {
      const { dir, spec, payloads } = tinyDataset({ replace: { [FILES.testImages]: null } });
      fs.writeFileSync(path.join(dir, FILES.testImages.replace(/\.gz$/, '')), payloads[FILES.testImages]);
      const data = await loadMnist({ dir, dataset: spec, log: noLog });
      expect(data.test.count).to.equal(3);
    });
  });

  describe('where the files are looked for', () => {
    it('uses MNIST_DATA_DIR when no dir is given', async () => {
      const { dir, spec } = tinyDataset();
      const restore = setEnv({ MNIST_DATA_DIR: dir });
      try {
        expect(resolveDataSource({ dataset: spec })).to.include({ dir, kind: 'env' });
        expect((await loadMnist({ dataset: spec, log: noLog })).dir).to.equal(dir);
      } finally {
        restore();
      }
    });

    it('reads MNIST_DATA_DIR as typed where no shell expanded it: a leading ~ is the home folder, quotes around it go', async () => {
      const { dir, spec } = tinyDataset();
      const home = os.homedir();
      for (const typed of ['~/mnist-data', '"~/mnist-data"', "'/data/mnist'"]) {
        const restore = setEnv({ MNIST_DATA_DIR: typed });
        try {
          const expected = typed.includes('~') ? path.join(home, 'mnist-data') : '/data/mnist';
          expect(resolveDataSource({ dataset: spec }).dir, typed).to.equal(expected);
        } finally {
          restore();
        }
      }
      const restore = setEnv({ MNIST_DATA_DIR: `"${dir}"` });
      try {
        expect((await loadMnist({ dataset: spec, log: noLog })).dir).to.equal(dir);
      } finally {
        restore();
      }
    });

    it('prefers the dir option to MNIST_DATA_DIR', () => {
      const restore = setEnv({ MNIST_DATA_DIR: '/somewhere/else' });
      try {
        expect(resolveDataSource({ dir: '/explicit' })).to.include({ dir: path.resolve('/explicit'), kind: 'option' });
      } finally {
        restore();
      }
    });

    it('falls back to the cache data/mnist at the project root', () => {
      expect(resolveDataSource({})).to.include({ dir: path.join(projectRoot(), 'data', 'mnist'), kind: 'cache' });
      expect(defaultCacheDir(MNIST)).to.equal(path.join(projectRoot(), 'data', 'mnist'));
    });

    it('uses files already in the cache without downloading anything', async () => {
      const server = await startServer(serveDir(makeTempDir()));
      try {
        const cacheDir = makeTempDir();
        const { spec } = tinyDataset({ dir: cacheDir });
        const data = await loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog });
        expect(data.dir).to.equal(cacheDir);
        expect(server.requests).to.deep.equal([]);
      } finally {
        await server.close();
      }
    });
  });

  describe('a directory with a file missing', () => {
    let server: TestServer;
    before(async function () {
      server = await startServer(serveDir(realMnistDir(this)));
    });
    after(() => server.close());

    it('is an error naming the missing files and the directory, and nothing is downloaded', async () => {
      const { dir, spec } = tinyDataset({ replace: { [FILES.trainLabels]: null, [FILES.testImages]: null } });
      const err = await rejection(loadMnist({ dir, mirrors: [server.url], dataset: spec, log: noLog }));
      expect(err.message).to.match(
        new RegExp(`the data directory ${escapeRegExp(dir)} lacks 2 of the 4 tiny test dataset files: ${FILES.trainLabels}, ${FILES.testImages}\\.`),
      );
      expect(err.message).to.contain('Nothing is downloaded into a directory you chose');
      expect(server.requests).to.deep.equal([]);
      expect(listFiles(dir)).to.deep.equal([FILES.testLabels, FILES.trainImages].sort());
    });

    it('says how to fix it when the directory came from MNIST_DATA_DIR', async () => {
      const { dir, spec } = tinyDataset({ replace: { [FILES.testLabels]: null } });
      const restore = setEnv({ MNIST_DATA_DIR: dir });
      try {
        const err = await rejection(loadMnist({ mirrors: [server.url], dataset: spec, log: noLog }));
        expect(err.message).to.contain(`MNIST_DATA_DIR (${dir}) lacks 1 of the 4 tiny test dataset files: ${FILES.testLabels}.`);
        expect(err.message).to.contain('unset it to use the download cache');
        expect(server.requests).to.deep.equal([]);
      } finally {
        restore();
      }
    });

    it('is an error when the directory does not exist at all', async () => {
      const missing = path.join(makeTempDir(), 'not-there');
      const err = await rejection(loadMnist({ dir: missing, log: noLog }));
      expect(err.message).to.contain(`the data directory ${missing} does not exist or is not a directory`);
    });
  });

  describe('a checksum mismatch', () => {
    it('is an error naming the file, the expected and the actual sum, and the fix', async () => {
      const other = imagesIdx(5, 4, 4);
      other[20] ^= 0xff; // one pixel differs: still a well-formed file
      const { dir, spec } = tinyDataset({ replace: { [FILES.trainImages]: gzip(other) } });
      const file = path.join(dir, FILES.trainImages);
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(
        `${file}: checksum mismatch; expected payload SHA-256 ${spec.train.images.payloadSha256}, found ${sha256Hex(other)}.`,
      );
      expect(err.message).to.contain('replace it with a good copy');
    });

    it('tells a cache user to delete the file so it is downloaded again', async () => {
      const cacheDir = makeTempDir();
      const { spec } = tinyDataset({ dir: cacheDir, replace: { [FILES.testLabels]: gzip(labelsIdx([1, 1, 1])) } });
      const err = await rejection(loadMnist({ cacheDir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(cacheDir, FILES.testLabels)}: checksum mismatch`);
      expect(err.message).to.contain('delete');
      expect(err.message).to.contain('fresh copy is downloaded');
    });

    it('is not checked with verify: false', async () => {
      const other = imagesIdx(5, 4, 4);
      other[20] ^= 0xff;
      const { dir, spec } = tinyDataset({ replace: { [FILES.trainImages]: gzip(other) } });
      const data = await loadMnist({ dir, dataset: spec, verify: false, log: noLog });
      expect(data.train.images[4]).to.equal(other[20]);
    });
  });

  describe('an image/label count mismatch', () => {
    it('is an error naming both files and both counts', async () => {
      const { dir, spec } = tinyDataset({ trainLabels: [1, 2, 3, 4] });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(
        `train split: image/label count mismatch; expected as many labels as images, found 5 images in ${path.join(dir, FILES.trainImages)} ` +
          `but 4 labels in ${path.join(dir, FILES.trainLabels)}.`,
      );
    });
  });

  describe('a count that differs from the dataset description', () => {
    it('is an error giving the expected and the found count', async () => {
      const { dir, spec } = tinyDataset();
      const wrong = { ...spec, test: { ...spec.test, count: 4 } };
      const err = await rejection(loadMnist({ dir, dataset: wrong, log: noLog }));
      expect(err.message).to.contain('test split: expected 4 images and labels (as the tiny test dataset description says), found 3');
    });
  });

  describe('a label outside 0–9', () => {
    it('is an error naming the file, the index and the value', async () => {
      const { dir, spec } = tinyDataset({ testLabels: [7, 10, 2] });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(dir, FILES.testLabels)}: label at index 1 is 10; expected a class from 0 to 9.`);
    });
  });

  describe('images of the wrong size', () => {
    it('are an error naming the file and the expected and found sizes', async () => {
      const { dir, spec } = tinyDataset({ replace: { [FILES.testImages]: gzip(imagesIdx(3, 5, 5)) } });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(dir, FILES.testImages)}: wrong dimensions; expected rows = 4, found 5`);
    });
  });

  describe('a damaged file in the data directory', () => {
    it('reports a truncated gzip file as cut short', async () => {
      const cut = (gz: Buffer): Buffer => gz.subarray(0, gz.length - 10);
      const { dir, spec } = tinyDataset({ replace: { [FILES.trainImages]: cut(gzip(imagesIdx(5, 4, 4))) } });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.match(new RegExp(`^${escapeRegExp(path.join(dir, FILES.trainImages))}: the gzip data is truncated or corrupt`));
    });

    it('reports an empty file as empty', async () => {
      const { dir, spec } = tinyDataset({ replace: { [FILES.trainLabels]: new Uint8Array(0) } });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(dir, FILES.trainLabels)}: the file is empty (0 bytes)`);
    });

    it('reports images and labels swapped', async () => {
      const { dir, spec, gz } = tinyDataset();
      fs.writeFileSync(path.join(dir, FILES.testImages), gz[FILES.testLabels]);
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(dir, FILES.testImages)}: expected magic number 2051 (images), found 2049 (labels)`);
    });
  });

  describe('verifyMnist reports every file without stopping at the first problem', () => {
    it('gives each file its status, directory and count', async () => {
      const { dir, spec } = tinyDataset({
        replace: { [FILES.trainLabels]: gzip(labelsIdx([0, 0, 0, 0, 0])), [FILES.testImages]: null },
      });
      const report = await verifyMnist({ dir, dataset: spec, log: noLog });
      expect(report.ok).to.equal(false);
      expect(report.files.map((f) => [f.file, f.status, f.count])).to.deep.equal([
        [FILES.trainImages, 'verified', 5],
        [FILES.trainLabels, 'error', undefined],
        [FILES.testImages, 'missing', undefined],
        [FILES.testLabels, 'verified', 3],
      ]);
      expect(report.files.every((f) => f.dir === dir)).to.equal(true);
      expect(report.files[1].error).to.contain('checksum mismatch');
      expect(report.problems.join('\n')).to.contain(`lacks 1 of the 4 tiny test dataset files: ${FILES.testImages}`);
    });

    it('reports a count mismatch as a problem of the split', async () => {
      const { dir, spec } = tinyDataset({ testLabels: [1, 2] });
      const report = await verifyMnist({ dir, dataset: spec, log: noLog });
      expect(report.ok).to.equal(false);
      expect(report.files.map((f) => f.status)).to.deep.equal(['verified', 'verified', 'verified', 'verified']);
      expect(report.problems).to.have.length(1);
      expect(report.problems[0]).to.contain('test split: image/label count mismatch');
    });

    it('is ok for a good directory', async () => {
      const { dir, spec } = tinyDataset();
      const report = await verifyMnist({ dir, dataset: spec, log: noLog });
      expect(report.ok).to.equal(true);
      expect(report.problems).to.deep.equal([]);
    });
  });

  describe('the real MNIST data', function () {
    let mnist: Mnist;

    before(async function () {
      mnist = await loadMnist({ dir: realMnistDir(this), log: noLog });
    });

    it('has 60000 training and 10000 test images of 28×28', () => {
      expect(mnist.train).to.include({ count: 60000, rows: 28, cols: 28 });
      expect(mnist.test).to.include({ count: 10000, rows: 28, cols: 28 });
      expect(mnist.train.images.length).to.equal(60000 * 784);
      expect(mnist.test.images.length).to.equal(10000 * 784);
      expect(mnist.train.labels.length).to.equal(60000);
      expect(mnist.test.labels.length).to.equal(10000);
    });

    it('starts the test set with a 7', () => {
      expect(mnist.test.labels[0]).to.equal(7);
    });

    it('has the published number of training images per digit', () => {
      const counts = new Array<number>(10).fill(0);
      for (const label of mnist.train.labels) counts[label]++;
      expect(counts).to.deep.equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    });

    it('has a training pixel mean of 33.318 (0–255)', () => {
      const pixels = mnist.train.images;
      let sum = 0;
      for (let i = 0; i < pixels.length; i++) sum += pixels[i];
      expect((sum / mnist.train.images.length).toFixed(3)).to.equal('33.318');
    });
  });

  describe('the npm run data command', function () {
    const cli = path.join(projectRoot(), 'src', 'cli', 'data.ts');

    function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], { env, cwd: projectRoot() }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    }

    it('prints every file verified, with counts, for the real data', async function () {
      const REAL_DATA_DIR = realMnistDir(this);
      const { code, stdout } = await run([], { ...process.env, MNIST_DATA_DIR: REAL_DATA_DIR });
      expect(code).to.equal(0);
      expect(stdout).to.match(/train-images-idx3-ubyte\.gz\s+verified\s+60000 images/);
      expect(stdout).to.match(/train-labels-idx1-ubyte\.gz\s+verified\s+60000 labels/);
      expect(stdout).to.match(/t10k-images-idx3-ubyte\.gz\s+verified\s+10000 images/);
      expect(stdout).to.match(/t10k-labels-idx1-ubyte\.gz\s+verified\s+10000 labels/);
      expect(stdout).to.contain('OK: all 4 files verified');
    });

    it('exits non-zero with a clear message and no stack trace for a directory without the files', async () => {
      const dir = makeTempDir();
      const env = { ...process.env };
      delete env.MNIST_DATA_DIR;
      const { code, stdout, stderr } = await run(['--data-dir', dir], env);
      expect(code).to.equal(1);
      expect(stdout).to.match(/train-images-idx3-ubyte\.gz\s+MISSING/);
      expect(stderr).to.contain('FAILED: 4 of 4 files have a problem');
      expect(stdout + stderr).not.to.match(/\n\s+at /);
    });

    it('rejects an unknown argument with the usage', async () => {
      const { code, stderr } = await run(['--frobnicate'], process.env);
      expect(code).to.equal(2);
      expect(stderr).to.contain("Error: Unknown option '--frobnicate'.");
      expect(stderr).to.contain('Usage: npm run data');
    });
  });
});

describe('choosing the dataset by name', () => {
  const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

  it('refuses an unknown name and lists the known ones', async () => {
    let message = '';
    try {
      await loadMnist({ dataset: 'kmnist' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal('Unknown dataset "kmnist": expected one of mnist, fashion-mnist.');
  });

  it('loads Fashion-MNIST from Debian\'s dataset-fashion-mnist, verified', async function () {
    if (!fs.existsSync(FASHION_DIR)) {
      if (process.env.CI) throw new Error(`${FASHION_DIR} is missing: install Debian's dataset-fashion-mnist`);
      this.skip();
    }
    const saved = process.env.FASHION_MNIST_DATA_DIR;
    delete process.env.FASHION_MNIST_DATA_DIR;
    try {
      const fashion = await loadMnist({ dataset: 'fashion-mnist', log: () => undefined });
      expect(fashion.dataset).to.equal('fashion-mnist');
      expect(fashion.dir).to.equal(FASHION_DIR);
      expect([fashion.train.count, fashion.test.count]).to.deep.equal([60000, 10000]);
      // Fashion-MNIST's test set starts with an ankle boot (label 9).
      expect(fashion.test.labels[0]).to.equal(9);
    } finally {
      if (saved !== undefined) process.env.FASHION_MNIST_DATA_DIR = saved;
    }
  });
});
