import { expect } from 'chai';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { parseTrainArgs, TRAIN_USAGE, UsageError } from '../../src/cli/start-args';
import { realMnistDir } from '../support/real-data';
import { projectBackend } from '../support/setup';
import { projectRoot } from '../../src/data/project-root';
import { smallDisk } from '../support/tmpfs';

const CLI = path.join(projectRoot(), 'src', 'cli', 'start.ts');

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args],
      { env: { ...process.env, ...env }, cwd: projectRoot(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
  });
}

describe('npm start: parsing its flags', () => {
  it('defaults to the course settings: 5 epochs, batch 32, out/', () => {
    expect(parseTrainArgs([])).to.deep.include({ epochs: 5, batchSize: 32, out: 'out', show: false, json: false, seed: 42 });
  });

  it('reads every flag', () => {
    const args = parseTrainArgs(['--epochs', '2', '--batch-size', '128', '--backend', 'cpu', '--seed', '7', '--data-dir', '/d',
      '--train-limit', '1000', '--out', '/o', '--show', '--json']);
    expect(args).to.deep.equal({ epochs: 2, batchSize: 128, backend: 'cpu', seed: 7, dataDir: '/d', trainLimit: 1000, out: '/o', show: true, json: true, help: false });
  });

  const bad: [string[], RegExp][] = [
    [['--epochs', '0'], /--epochs expects a whole number from 1 to 1000, got "0"/],
    [['--epochs', '-1'], /--epochs expects a whole number from 1 to 1000, got "-1"/],
    [['--epochs', '99999999999'], /--epochs expects a whole number from 1 to 1000, got "99999999999"/],
    [['--epochs', '2.0'], /--epochs expects a whole number from 1 to 1000, got "2.0"/],
    [['--batch-size', 'x'], /--batch-size expects a whole number from 1 to 60000, got "x"/],
    [['--train-limit', '2.5'], /--train-limit expects a whole number from 1 to 60000, got "2.5"/],
    [['--backend', 'gpu'], /--backend expects one of tensorflow, wasm, cpu, got "gpu"/],
    [['--seed=-1'], /--seed expects a whole number from 0 to 4294967295, got "-1"/],
    [['--seed', '1e3'], /--seed expects a whole number from 0 to 4294967295, got "1e3"/],
    [['--seed', '0x10'], /--seed expects a whole number from 0 to 4294967295, got "0x10"/],
    [['--data-dir='], /--data-dir needs a value \(a directory holding the four MNIST files\), got an empty one/],
    [['--out', ''], /--out needs a value \(a directory to write the results to\), got an empty one/],
    [['--out', '--json'], /--out needs a value: a directory to write the results to/],
    [['--epochs'], /--epochs needs a value: a number from 1 to 1000/],
    [['--show=yes'], /--show takes no value, got "yes"/],
    [['--epoch', '3'], /Unknown option '--epoch'; did you mean --epochs\?/],
    [['-x'], /Unknown option '-x'/],
    [['extra'], /Unexpected argument 'extra'/],
  ];
  it('says in its help exactly what the numeric flags accept', () => {
    expect(TRAIN_USAGE).to.include('--epochs N         training epochs, 1 to 1000 (default 5)');
    expect(TRAIN_USAGE).to.include('seed for the initial weights, 0 to 4294967295');
    expect(TRAIN_USAGE).to.include('N is a whole number written in digits');
    expect(parseTrainArgs(['--epochs', '1000', '--seed', '4294967295', '--seed=0']).seed).to.equal(0);
  });

  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')} with a message that names the problem`, () => {
      expect(() => parseTrainArgs(argv)).to.throw(UsageError, message);
    });
  }
});

describe('npm start: the main job end to end', function () {
  this.timeout(300000);
  let out: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-start-'));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('trains, prints the confusion matrix and 7 for test image 0, and ends with one JSON line', async function () {
    const { code, stdout, stderr } = await runCli(['--train-limit', '2000', '--epochs', '1', '--out', out, '--json', '--data-dir', realMnistDir(this)]);
    expect(code, stderr).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines, 'with --json, stdout holds only the JSON line').to.have.length(1);
    const result = JSON.parse(lines[0]);
    // The backend the project picks here: tensorflow where tfjs-node installed, else wasm (or MNIST_BACKEND's).
    const backend = projectBackend().name;
    expect(result).to.include({ backend, epochs: 1, batchSize: 32, trainSamples: 2000 });
    expect(result.testAccuracy).to.be.greaterThan(0.8);
    expect(result.trainAccuracy).to.be.within(0, 1);
    expect(result.secondsPerEpoch).to.have.length(1);
    expect(result.firstTestImage).to.deep.equal({ size: 784, predicted: 7, label: 7 });
    expect(result.confusionMatrix).to.have.length(10);
    expect(result.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).to.equal(10000);
    expect(stderr).to.include(`TensorFlow.js backend: ${backend}`).and.include('true\\pred').and.include('Predicted digit: 7');
  });

  it('writes the model, metrics.json and figures that open in any viewer', () => {
    expect(fs.readdirSync(out).sort()).to.deep.equal(['confusion-matrix.svg', 'metrics.json', 'misclassified.png', 'model', 'training-curves.svg']);
    expect(fs.readdirSync(path.join(out, 'model')).sort()).to.deep.equal(['model.json', 'weights.bin']);
    expect(fs.readFileSync(path.join(out, 'confusion-matrix.svg'), 'utf8')).to.match(/^<svg/);
    expect(fs.readFileSync(path.join(out, 'training-curves.svg'), 'utf8')).to.match(/^<svg/);
    const png = PNG.sync.read(fs.readFileSync(path.join(out, 'misclassified.png')));
    expect(png.width).to.be.greaterThan(28);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.testAccuracy).to.be.greaterThan(0.8);
  });

  it('prints a human report without --json', async function () {
    const { code, stdout, stderr } = await runCli(['--train-limit', '500', '--epochs', '1', '--out', out, '--data-dir', realMnistDir(this)]);
    expect(code).to.equal(0);
    expect(stderr, 'progress goes to stderr, like Keras').to.include('Epoch 1/1');
    expect(stdout).to.include('test accuracy').and.include('Test image 0 reshaped to (1, 784): size 784');
  });

  it('exits 2 with the usage on a bad flag, and no stack trace', async () => {
    const { code, stderr } = await runCli(['--epochs', 'many']);
    expect(code).to.equal(2);
    expect(stderr).to.include('Error: --epochs expects a whole number from 1 to 1000, got "many"').and.include('Usage: npm start');
    expect(stderr).not.to.match(/\n\s+at /);
  });

  it('checks --out before loading data or training, and says why it cannot be used', async function () {
    const file = path.join(out, 'a-file');
    fs.writeFileSync(file, '');
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(['--out', path.join(file, 'results'), '--data-dir', realMnistDir(this)]);
    expect(code).to.equal(1);
    expect(stderr).to.include(`Error: --out ${path.join(file, 'results')} cannot hold the results: a file is in the way`);
    expect(stderr).to.include('Nothing was trained');
    expect(stdout + stderr).not.to.include('Epoch 1/');
    expect(stdout + stderr).not.to.include('MNIST from');
    expect(Date.now() - started).to.be.below(60000);
    fs.rmSync(file);
  });

  it('refuses --out at a symbolic link that leads nowhere, naming where it leads', async () => {
    const link = path.join(out, 'results-link');
    fs.symlinkSync(path.join(out, 'no-such-folder'), link);
    try {
      const { code, stderr } = await runCli(['--out', link, '--data-dir', '/nonexistent']);
      expect(code).to.equal(1);
      expect(stderr).to.include(`Error: --out ${link} is a symbolic link to ${path.join(out, 'no-such-folder')}, which does not exist. ` +
        'Nothing was trained; create that folder, remove the link, or pass another folder.');
      expect(stderr).not.to.include('ENOENT');
    } finally {
      fs.rmSync(link);
    }
  });

  for (const root of ['/', '/tmp/..']) {
    it(`refuses --out ${root}, the root of the file system, before anything is written`, async () => {
      const before = fs.readdirSync('/').sort();
      const { code, stderr } = await runCli(['--out', root, '--data-dir', '/nonexistent']);
      expect(code).to.equal(1);
      expect(stderr).to.include('Error: --out / is the root of the file system').and.include('pass a folder of its own, e.g. --out out');
      expect(fs.readdirSync('/').sort()).to.deep.equal(before);
    });
  }

  it('refuses, before training, an --out where model is a file (or metrics.json a folder)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-out-'));
    try {
      fs.writeFileSync(path.join(dir, 'model'), 'an old export');
      const { code, stderr } = await runCli(['--out', dir, '--data-dir', '/nonexistent']);
      expect(code).to.equal(1);
      expect(stderr).to.include(`Error: --out ${dir} cannot hold the results: ${path.join(dir, 'model')} is a file, where model goes as a folder. ` +
        'Nothing was trained');
      fs.rmSync(path.join(dir, 'model'));
      fs.mkdirSync(path.join(dir, 'metrics.json'));
      const again = await runCli(['--out', dir, '--data-dir', '/nonexistent']);
      expect(again.stderr).to.include(`${path.join(dir, 'metrics.json')} is a folder, where metrics.json goes as a file`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, before training, an --out on a disk with too little room (a 1 MiB tmpfs)', async function () {
    const disk = smallDisk(1024);
    if ('missing' in disk) {
      this.test!.title += ` (skipped: ${disk.missing})`;
      this.skip();
    }
    const { dir: small, release } = disk as { dir: string; release: () => void };
    try {
      const { code, stderr } = await runCli(['--out', small, '--data-dir', '/nonexistent']);
      expect(code).to.equal(1);
      expect(stderr).to.match(new RegExp(`Error: --out ${small} cannot hold the results: the disk holding it has \\d+ KiB free, and the model, metrics and figures take about 2 MiB\\. Nothing was trained`));
      expect(fs.readdirSync(small)).to.deep.equal([]);
    } finally {
      release();
    }
  });

  it('when the disk fills up during training (a 3 MiB tmpfs, filled once training starts): says so, leaves no .part file, keeps the previous metrics.json', async function () {
    const disk = smallDisk(3072);
    if ('missing' in disk) {
      this.test!.title += ` (skipped: ${disk.missing})`;
      this.skip();
    }
    const { dir: full, release } = disk as { dir: string; release: () => void };
    try {
      fs.writeFileSync(path.join(full, 'metrics.json'), '{"previous": true}\n');
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, '--train-limit', '300', '--epochs', '1', '--out', full, '--data-dir', realMnistDir(this)],
        { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let filled = false;
      child.stdout.resume();
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!filled && stderr.includes('Epoch 1/1')) {
          filled = true;
          const { bavail, bsize } = fs.statfsSync(full);
          fs.writeFileSync(path.join(full, 'someone-elses-file'), Buffer.alloc(Math.max(0, bavail * bsize - 200 * 1024)));
        }
      });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(filled, 'the disk was filled during training').to.equal(true);
      expect(code).to.equal(1);
      expect(stderr).to.include(`Error: Could not save the model in --out ${full}: the disk holding ${full} is full; free some space`);
      expect(stderr).to.include('no partial file is left').and.not.to.match(/\n\s+at /);
      const left = fs.readdirSync(full, { recursive: true }) as string[];
      expect(left.filter((f) => f.endsWith('.part'))).to.deep.equal([]);
      expect(fs.readFileSync(path.join(full, 'metrics.json'), 'utf8')).to.equal('{"previous": true}\n');
    } finally {
      release();
    }
  });

  it('exits 1 with a clear message when the data directory lacks the files, and no stack trace', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-empty-'));
    try {
      const { code, stderr } = await runCli(['--data-dir', empty, '--out', out]);
      expect(code).to.equal(1);
      expect(stderr).to.include('Error:').and.include(empty).and.include('train-images-idx3-ubyte.gz');
      expect(stderr).not.to.match(/\n\s+at /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
