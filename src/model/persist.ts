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
import { MODEL_FILE, WEIGHTS_FILE, inspectSavedModel } from './model-files';

/** Writes `model.json` and `weights.bin` into `dir` (created if missing); returns the model.json path. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
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
    // never leaves a model.json that points at missing weights.
    const tmpWeights = path.join(dir, `${WEIGHTS_FILE}.part`);
    const tmpModel = path.join(dir, `${MODEL_FILE}.part`);
    fs.writeFileSync(tmpWeights, Buffer.from(weights));
    fs.writeFileSync(tmpModel, JSON.stringify(modelJSON));
    fs.renameSync(tmpWeights, path.join(dir, WEIGHTS_FILE));
    fs.renameSync(tmpModel, modelPath);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return modelPath;
}

/** Loads a model saved by saveModel (or by tfjs-node) from a directory or a model.json path; errors name the file. */
export async function loadModel(location: string): Promise<tf.LayersModel> {
  const saved = inspectSavedModel(location);
  const artifacts = await tf.io.getModelArtifactsForJSON(saved.modelJSON, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = saved.weightFiles.map((file) => {
      const bytes = fs.readFileSync(file);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    });
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new Error(`${saved.modelPath}: TensorFlow.js cannot build a model from it (${(error as Error).message}). ` +
      'Save the model again, e.g. with `npm start`.');
  }
}
