// A saved model's files: loadModel names the file and what is wrong with it,
// manifest paths stay inside the model folder, and the draw server serves
// model.json and the weights it lists, and nothing else, checking the model
// at each status request.
import { expect } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { loadModel, saveModel } from '../../src/model/save-load';
import { inspectSavedModel } from '../../src/model/saved-model-files';
import { DrawServer, startDrawServer } from '../../src/cli/draw';
import { rejection } from '../support/errors';

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('a saved model on disk', function () {
  this.timeout(60000);
  let root: string;
  let dir: string;
  let modelJson: string;
  let weights: string;
  let outside: string;

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-model-files-'));
    dir = path.join(root, 'model');
    const model = createModel({ seed: 1 });
    modelJson = await saveModel(model, dir);
    model.dispose();
    weights = path.join(dir, 'weights.bin');
    outside = path.join(root, 'secret.bin');
    fs.writeFileSync(outside, fs.readFileSync(weights));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function editManifest(edit: (json: { weightsManifest: { paths: string[] }[] }) => void): void {
    const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
    edit(json);
    fs.writeFileSync(modelJson, JSON.stringify(json));
  }

  describe('loadModel', () => {
    it('loads a good one, after checking it', async () => {
      expect(inspectSavedModel(dir)).to.deep.include({ weightPaths: ['weights.bin'], weightBytes: 101770 * 4 });
      const model = await loadModel(dir);
      expect(model.countParams()).to.equal(101770);
      model.dispose();
    });

    it('names the file of a truncated model.json and says it is not valid JSON', async () => {
      fs.writeFileSync(modelJson, fs.readFileSync(modelJson, 'utf8').slice(0, 100));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.match(new RegExp(`^${modelJson.replace(/[.\\/]/g, '\\$&')} is not valid JSON \\(.+\\); the file is damaged or was cut short`));
    });

    it('says what is missing from {}', async () => {
      fs.writeFileSync(modelJson, '{}');
      const err = await rejection(loadModel(dir));
      expect(err.message).to.equal(`${modelJson}: expected a TensorFlow.js layers model with "modelTopology" and "weightsManifest", ` +
        'but "modelTopology" and "weightsManifest" are missing. Save the model again, e.g. with `npm start`.');
    });

    it('names a topology TensorFlow.js cannot build', async () => {
      const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      json.modelTopology = { class_name: 'NoSuchModel', config: {} };
      fs.writeFileSync(modelJson, JSON.stringify(json));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson}: TensorFlow.js cannot build a model from it (`);
    });

    for (const bad of ['../secret.bin', '/etc/hostname', 'sub/../../secret.bin']) {
      it(`refuses the manifest path ${bad}, which leads out of the folder`, async () => {
        editManifest((json) => (json.weightsManifest[0].paths = [bad]));
        const err = await rejection(loadModel(dir));
        expect(err.message).to.contain(`${modelJson} lists weights at "${bad}", outside the model folder ${dir}`);
      });
    }

    it('refuses weights that are a symlink out of the folder', async () => {
      fs.rmSync(weights);
      fs.symlinkSync(outside, weights);
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson} lists weights in ./weights.bin, but ${weights} is a link to ${fs.realpathSync(outside)}, outside the model folder`);
    });

    it('names missing weights', async () => {
      fs.rmSync(weights);
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson} lists weights in ./weights.bin, but ${weights} is missing`);
    });

    it('says when the weights are cut short', async () => {
      fs.truncateSync(weights, 1000);
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson}: the weights files (weights.bin) hold 1000 bytes, but the manifest describes 407080`);
    });
  });

  describe('loadModel on a corrupt, foreign or badly trained model', () => {
    const bytesOf = (): Buffer => fs.readFileSync(weights);

    for (const [what, value] of [['NaN', NaN], ['an infinity', Infinity]] as const) {
      it(`refuses weights that hold ${what} (a training that diverged), naming the weight and what to change`, async () => {
        const bytes = bytesOf();
        bytes.writeFloatLE(value, 4 * 1000); // inside hidden/kernel
        bytes.writeFloatLE(value, 4 * (784 * 128 + 5)); // inside hidden/bias
        fs.writeFileSync(weights, bytes);
        const before = tf.memory().numTensors;
        const err = await rejection(loadModel(dir));
        expect(err.message).to.equal(`${modelJson}: the weights hold NaN or infinite values (2 in all, the first in hidden/kernel); ` +
          'the training that made it diverged, and the model would predict nonsense. Train it again, e.g. with a lower learning rate ' +
          '(the course uses Adam at 0.001) and pixels scaled to [0, 1].');
        expect(tf.memory().numTensors).to.equal(before);
      });
    }

    it('says when the weights do not fit the layers (shapes swapped, same size)', async () => {
      editManifest((json) => {
        (json.weightsManifest[0] as unknown as { weights: { shape: number[] }[] }).weights[0].shape = [128, 784];
      });
      const before = tf.memory().numTensors;
      const err = await rejection(loadModel(dir));
      expect(err.message).to.equal(`${modelJson}: the weights do not fit its layers: hidden/kernel needs the shape [784, 128], the manifest gives [128, 784]; ` +
        'its layers and its weights come from different models, or the file was edited. Save the model again, e.g. with `npm start`.');
      expect(tf.memory().numTensors).to.equal(before);
    });

    it('says when the manifest names a weight no layer has', async () => {
      editManifest((json) => {
        (json.weightsManifest[0] as unknown as { weights: { name: string }[] }).weights[0].name = 'conv1/kernel';
      });
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson}: the manifest lists a weight conv1/kernel that no layer of "modelTopology" has; its layers and its weights come from different models`);
    });

    it('says when weights.bin is longer than the manifest describes (another model\'s weights)', async () => {
      fs.writeFileSync(weights, Buffer.concat([bytesOf(), Buffer.alloc(4 * 10)]));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson}: the weights files (weights.bin) hold 407120 bytes, but the manifest describes 407080; they do not belong together`);
    });

    it('recognizes a TensorFlow.js graph model', async () => {
      fs.writeFileSync(modelJson, JSON.stringify({ format: 'graph-model', modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] }, weightsManifest: [] }));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.equal(`${modelJson}: this is a TensorFlow.js graph model (converted from a TensorFlow SavedModel), not a layers model; ` +
        'it cannot be trained or inspected layer by layer here. Use a model saved by saveModel() or `npm start`. Save the model again, e.g. with `npm start`.');
    });

    it("recognizes Keras' model.to_json() and says how to convert it", async () => {
      fs.writeFileSync(modelJson, JSON.stringify({ class_name: 'Sequential', config: { name: 'sequential', layers: [] }, keras_version: '2.15.0', backend: 'tensorflow' }));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson}: this is a Keras model description (model.to_json(), class "Sequential") without weights, not a TensorFlow.js model. ` +
        'Convert the Keras model with `tensorflowjs_converter --input_format keras model.h5 DIR`');
    });

    it('recognizes weights saved inline (tf.io model artifacts as JSON)', async () => {
      fs.writeFileSync(modelJson, JSON.stringify({ modelTopology: {}, weightSpecs: [], weightData: 'AAAA' }));
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain('this holds a model\'s weights inline ("weightSpecs"/"weightData"), not the layers format of model.json + weights.bin.');
    });

    it('reads a model.json that a Windows editor saved with a byte-order mark', async () => {
      fs.writeFileSync(modelJson, '\uFEFF' + fs.readFileSync(modelJson, 'utf8'));
      const model = await loadModel(dir);
      expect(model.countParams()).to.equal(101770);
      model.dispose();
    });

    it('names an empty model.json (a save cut off by a full disk) as cut short', async () => {
      fs.writeFileSync(modelJson, '');
      const err = await rejection(loadModel(dir));
      expect(err.message).to.contain(`${modelJson} is not valid JSON (`).and.contain('the file is damaged or was cut short');
    });
  });

  describe('the draw server', () => {
    let server: DrawServer | undefined;
    afterEach(async () => server?.close());

    it('serves model.json and the weights it lists, and no other file of the folder', async () => {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'private');
      fs.symlinkSync('/etc/hostname', path.join(dir, 'hostname.bin'));
      server = await startDrawServer({ modelDir: dir, port: 0 });
      expect((await get(server.url + 'model/model.json')).status).to.equal(200);
      const served = await get(server.url + 'model/weights.bin');
      expect(served.status).to.equal(200);
      expect(served.body.equals(fs.readFileSync(weights))).to.equal(true);
      for (const probe of ['notes.txt', 'hostname.bin', 'model.json.part', '..%2fsecret.bin', '%E0%A4%A']) {
        expect((await get(server.url + 'model/' + probe)).status, probe).to.equal(404);
      }
    });

    it('serves no weights that a symlink leads out of the folder, and says why', async () => {
      fs.rmSync(weights);
      fs.symlinkSync(outside, weights);
      server = await startDrawServer({ modelDir: dir, port: 0 });
      const reply = await get(server.url + 'model/weights.bin');
      expect(reply.status).to.equal(404);
      expect(reply.body.toString()).to.contain('outside the model folder');
      expect(server.status().ready).to.equal(false);
    });

    it('checks the model at each status request, and reports changes in the terminal', async () => {
      const lines: string[] = [];
      server = await startDrawServer({ modelDir: dir, port: 0, report: (l) => lines.push(l) });
      const status = async (): Promise<{ ready: boolean; message: string }> => JSON.parse((await get(server!.url + 'api/model')).body.toString());
      expect((await status()).ready).to.equal(true);

      const good = fs.readFileSync(modelJson);
      fs.writeFileSync(modelJson, good.subarray(0, 50));
      const broken = await status();
      expect(broken.ready).to.equal(false);
      expect(broken.message).to.contain('cannot be used').and.contain('model.json is not valid JSON');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.equal(broken.message);
      expect((await get(server.url + 'model/model.json')).status).to.equal(404);

      fs.writeFileSync(modelJson, good);
      expect((await status()).ready).to.equal(true);
      expect(lines[1]).to.match(/^Using the model saved at /);
    });
  });
});
