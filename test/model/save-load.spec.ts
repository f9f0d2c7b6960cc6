import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createModel } from '../../src/model/model';
import { loadModel, saveModel } from '../../src/model/save-load';
import { predictProbabilities } from '../../src/evaluate/predict';
import { prepareSamples } from '../../src/data/prepare';
import { fitSamples } from '../support/fit-samples';
import { realMnist } from '../support/real-data';
import { withFsFailure } from '../support/fs-failure';
import { smallDisk } from '../support/tmpfs';
import { rejection } from '../support/errors';
import { projectRoot } from '../../src/data/project-root';

describe('saving and loading a trained model (tfjs layers format)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-model-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes model.json and weights.bin that reload to identical predictions', async function () {
    const mnist = await realMnist(this);
    const model = createModel({ seed: 6 });
    await fitSamples(model, prepareSamples(mnist.train, { limit: 500 }), { epochs: 1 });
    const modelPath = await saveModel(model, dir);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
    expect(json.format).to.equal('layers-model');
    expect(json.weightsManifest[0].paths).to.deep.equal(['./weights.bin']);
    expect(fs.statSync(path.join(dir, 'weights.bin')).size).to.equal(101770 * 4);

    const reloaded = await loadModel(dir);
    const test = prepareSamples(mnist.test, { limit: 200 });
    expect(predictProbabilities(reloaded, test)).to.deep.equal(predictProbabilities(model, test));
    model.dispose();
    reloaded.dispose();
  });

  it('says which command creates a model when there is none', async () => {
    let message = '';
    try {
      await loadModel(dir);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include(`No saved model at ${path.join(dir, 'model.json')}`).and.include('npm start');
  });

  it('names the missing weights file', async () => {
    const model = createModel();
    await saveModel(model, dir);
    model.dispose();
    fs.rmSync(path.join(dir, 'weights.bin'));
    let message = '';
    try {
      await loadModel(path.join(dir, 'model.json'));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include('weights.bin is missing');
  });
});

describe('saving a model when the disk is full, or twice at once', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-save-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says the disk is full, keeps the previous model and leaves no .part file (ENOSPC injected into fs.writeFileSync)', async () => {
    const model = createModel({ seed: 3 });
    await saveModel(model, dir);
    const before = fs.readFileSync(path.join(dir, 'weights.bin'));
    const other = createModel({ seed: 4 });
    const err = await withFsFailure('writeFileSync', 'ENOSPC', (target) => typeof target === 'number', () => rejection(saveModel(other, dir)));
    expect(err.message).to.equal(`Could not save the model in ${dir} (the previous model there, if any, is unchanged): ` +
      `the disk holding ${dir} is full; free some space (\`df -h\` shows how much is left) and try again (ENOSPC).`);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['model.json', 'weights.bin']);
    expect(fs.readFileSync(path.join(dir, 'weights.bin')).equals(before)).to.equal(true);
    const reloaded = await loadModel(dir);
    reloaded.dispose();
    model.dispose();
    other.dispose();
  });

  it('says a file is in the way when the model folder (or one above it) is a file', async () => {
    fs.writeFileSync(path.join(dir, 'model'), 'an old export');
    const model = createModel({ seed: 3 });
    const err = await rejection(saveModel(model, path.join(dir, 'model', 'v2')));
    model.dispose();
    expect(err.message).to.equal(`Could not save the model in ${path.join(dir, 'model', 'v2')}: a file is in the way ` +
      `(${path.join(dir, 'model', 'v2')} or a folder above it is a file, not a folder). Move that file away, or save the model somewhere else.`);
    expect(fs.readFileSync(path.join(dir, 'model'), 'utf8')).to.equal('an old export');
  });

  it('on a real full disk (a 256 KiB tmpfs): the same message, and nothing left behind', async function () {
    const disk = smallDisk(256);
    if ('missing' in disk) {
      this.test!.title += ` (skipped: ${disk.missing})`;
      this.skip();
    }
    const { dir: full, release } = disk as { dir: string; release: () => void };
    try {
      const model = createModel({ seed: 3 });
      const err = await rejection(saveModel(model, path.join(full, 'model')));
      model.dispose();
      expect(err.message).to.contain(`Could not save the model in ${path.join(full, 'model')}`).and.contain('is full; free some space');
      expect(fs.readdirSync(path.join(full, 'model'))).to.deep.equal([]);
    } finally {
      release();
    }
  });

  it('two processes saving into one folder at once never fail, and leave one whole model', async () => {
    const script = [
      "const { createModel } = require('./src/model/model');",
      "const { saveModel } = require('./src/model/save-load');",
      '(async () => {',
      `  for (let i = 0; i < 12; i++) { const m = createModel({ seed: i }); await saveModel(m, ${JSON.stringify(dir)}); m.dispose(); }`,
      '})().catch((e) => { console.error(e.message); process.exit(1); });',
    ].join('\n');
    const run = (): Promise<{ code: number; stderr: string }> => new Promise((resolve) => {
      execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: projectRoot() },
        (error, _stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }));
    });
    const results = await Promise.all([run(), run(), run()]);
    for (const r of results) expect(r.code, r.stderr).to.equal(0);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['model.json', 'weights.bin']);
    const model = await loadModel(dir);
    expect(model.countParams()).to.equal(101770);
    model.dispose();
  });
});
