/**
 * Saves and loads a trained model in TensorFlow.js' layers format: a
 * `model.json` with the architecture and a weights manifest, beside one
 * `weights.bin`. That is what `tf.loadLayersModel()` reads in a browser,
 * and what tfjs-node's `file://` handler writes; this version needs only
 * Node's `fs`, so it works on the wasm and cpu backends too.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_FILE, WEIGHTS_FILE, inspectSavedModel } from './saved-model-files';
import { explainWriteError, temporaryPathFor, writeSynced } from '../data/atomic-file';

/**
 * Writes `model.json` and `weights.bin` into `dir` (created if missing); returns the model.json path.
 * A full disk (or a folder that cannot be written) is an error that says so, and leaves the
 * previous model as it was and no temporary file.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new Error(`Could not save the model in ${dir}: a file is in the way (${dir} or a folder above it is a file, not a folder). ` +
        'Move that file away, or save the model somewhere else.');
    }
    throw explainWriteError(error, `create the model folder ${dir}`, dir);
  }
  const modelPath = path.join(dir, MODEL_FILE);
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    if (artifacts.weightData === undefined || artifacts.weightSpecs === undefined) {
      throw new Error('The model produced no weights to save.');
    }
    const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
    };
    if (artifacts.trainingConfig !== undefined) modelJSON.trainingConfig = artifacts.trainingConfig;
    // Written under temporary names and renamed, so an interrupted save
    // never leaves a model.json that points at missing weights. The names are
    // unique, so two saves into one folder at once never take each other's.
    const tmpWeights = temporaryPathFor(path.join(dir, WEIGHTS_FILE));
    const tmpModel = temporaryPathFor(modelPath);
    try {
      writeSynced(tmpWeights, Buffer.from(weights));
      writeSynced(tmpModel, JSON.stringify(modelJSON));
      fs.renameSync(tmpWeights, path.join(dir, WEIGHTS_FILE));
      fs.renameSync(tmpModel, modelPath);
    } catch (error) {
      fs.rmSync(tmpWeights, { force: true });
      fs.rmSync(tmpModel, { force: true });
      throw explainWriteError(error, `save the model in ${dir} (the previous model there, if any, is unchanged)`, dir);
    }
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return modelPath;
}

/**
 * The first float32 weight that holds NaN or an infinity, with how many do, or
 * undefined when all are finite. Such a model comes from a training that
 * diverged; it would predict the same digit for everything without a word.
 */
function nonFiniteWeights(specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): { name: string; count: number; total: number } | undefined {
  let offset = 0;
  let found: { name: string; count: number; total: number } | undefined;
  for (const spec of specs) {
    const elements = spec.shape.reduce((a, b) => a * b, 1);
    const width = spec.quantization !== undefined ? ({ uint8: 1, uint16: 2, float16: 2 } as Record<string, number>)[spec.quantization.dtype] ?? 4
      : spec.dtype === 'bool' ? 1 : 4;
    if (spec.dtype === 'float32' && spec.quantization === undefined) {
      const values = new Float32Array(data.slice(offset, offset + elements * 4));
      let count = 0;
      for (const v of values) if (!Number.isFinite(v)) count++;
      if (count > 0) {
        found = found === undefined ? { name: spec.name, count, total: elements } : { ...found, count: found.count + count };
      }
    }
    offset += elements * width;
  }
  return found;
}

/**
 * How the manifest's weights fail to fit the layers of the topology, or
 * undefined when they fit (or the topology cannot be built: loadLayersModel
 * then says why). Checked on a model built without weights and disposed at
 * once, because a failed tf.loadLayersModel leaves its variables and the
 * decoded weights allocated, which a notebook would accumulate.
 */
async function weightsMismatch(artifacts: tf.io.ModelArtifacts): Promise<string | undefined> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'] });
  } catch {
    return undefined;
  }
  try {
    const wanted = new Map(model.weights.map((w) => [w.originalName, w.shape] as const));
    const given = (artifacts.weightSpecs ?? []).filter((spec) => spec.group !== 'optimizer');
    for (const spec of given) {
      const shape = wanted.get(spec.name);
      if (shape === undefined) return `the manifest lists a weight ${spec.name} that no layer of "modelTopology" has`;
      if (shape.join(',') !== spec.shape.join(',')) {
        return `the weights do not fit its layers: ${spec.name} needs the shape [${shape.join(', ')}], the manifest gives [${spec.shape.join(', ')}]`;
      }
    }
    const names = new Set(given.map((spec) => spec.name));
    const lacking = [...wanted.keys()].filter((name) => !names.has(name));
    if (lacking.length > 0) return `the manifest has no weights for ${lacking.join(', ')}`;
    return undefined;
  } finally {
    model.dispose();
  }
}

/**
 * Loads a model saved by saveModel (or by tfjs-node) from a directory or a model.json path; errors name the file.
 * Weights that hold NaN or infinities (a training that diverged) are refused, with what to change.
 */
export async function loadModel(location: string): Promise<tf.LayersModel> {
  const saved = inspectSavedModel(location);
  const artifacts = await tf.io.getModelArtifactsForJSON(saved.modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = saved.weightFiles.map((file) => {
      const bytes = fs.readFileSync(file);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    });
    const data = tf.io.CompositeArrayBuffer.join(buffers);
    const bad = nonFiniteWeights(specs, data);
    if (bad !== undefined) {
      throw new Error(`${saved.modelPath}: the weights hold NaN or infinite values (${bad.count} in all, the first in ${bad.name}); ` +
        'the training that made it diverged, and the model would predict nonsense. Train it again, e.g. with a lower learning rate ' +
        '(the course uses Adam at 0.001) and pixels scaled to [0, 1].');
    }
    return [specs, data];
  });
  const mismatch = await weightsMismatch(artifacts);
  if (mismatch !== undefined) {
    throw new Error(`${saved.modelPath}: ${mismatch}; its layers and its weights come from different models, or the file was edited. ` +
      'Save the model again, e.g. with `npm start`.');
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    const message = (error as Error).message;
    const shapes = /Shape mismatch: (\[[\d,\s]*\]) vs\. (\[[\d,\s]*\])/.exec(message);
    const orphan = /no target variable: (\S+)/.exec(message);
    const why = shapes !== null ? `the weights do not fit its layers: a layer needs a weight of shape ${shapes[1]}, the manifest gives ${shapes[2]}`
      : orphan !== null ? `the manifest lists a weight ${orphan[1]} that no layer of "modelTopology" has`
        : undefined;
    if (why !== undefined) {
      throw new Error(`${saved.modelPath}: ${why}; its layers and its weights come from different models, or the file was edited. ` +
        'Save the model again, e.g. with `npm start`.');
    }
    throw new Error(`${saved.modelPath}: TensorFlow.js cannot build a model from it (${message}). ` +
      'Save the model again, e.g. with `npm start`.');
  }
}
