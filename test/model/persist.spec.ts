import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createModel } from '../../src/model/model';
import { loadModel, saveModel } from '../../src/model/persist';
import { predictProbabilities } from '../../src/evaluate/predict';
import { prepareSamples } from '../../src/data/prepare';
import { fitSamples } from '../support/fit-samples';
import { realMnist } from '../support/real-data';

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
