/**
 * Checks a saved model's files before anything reads them: model.json must be
 * a TensorFlow.js layers model, and the weights files its manifest lists must
 * exist, lie inside the model's folder (symlinks resolved) and together hold
 * the bytes the manifest describes. Used by loadModel and by the draw server,
 * which serves exactly these files. Needs only `fs`, not TensorFlow.js.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { io } from '@tensorflow/tfjs';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** A saved model's files, checked: model.json, and each weights file its manifest lists, inside its folder. */
export interface SavedModelFiles {
  /** model.json, as given. */
  modelPath: string;
  /** The folder model.json lies in: every file of the model must be inside it. */
  dir: string;
  modelJSON: io.ModelJSON;
  /** The manifest's paths in order, normalised to plain relative paths (`./weights.bin` → `weights.bin`). */
  weightPaths: string[];
  /** Those files' real locations, symlinks resolved (each inside the real model folder). */
  weightFiles: string[];
  /** Bytes the manifest's weight specs describe, which the files must hold together. */
  weightBytes: number;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `file` is inside `dir` (both real paths) and is not `dir` itself. */
function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The size in bytes a weight spec takes in the weights file, or an explanation of what is wrong with it. */
function specBytes(spec: unknown): number | string {
  if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || typeof spec.dtype !== 'string') {
    return `a weight entry needs a "name", a "shape" list and a "dtype", found ${JSON.stringify(spec).slice(0, 120)}`;
  }
  if (!spec.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) return `the weight ${spec.name} has an invalid shape ${JSON.stringify(spec.shape)}`;
  const elements = (spec.shape as number[]).reduce((a, b) => a * b, 1);
  const quantized = isObject(spec.quantization) && typeof spec.quantization.dtype === 'string' ? spec.quantization.dtype : undefined;
  const width = BYTES_PER_ELEMENT[quantized ?? spec.dtype];
  if (width === undefined) return `the weight ${spec.name} has an unknown dtype ${JSON.stringify(quantized ?? spec.dtype)}`;
  return elements * width;
}

/**
 * What a model.json written by another tool is, and what to do, or undefined
 * when it may be a TensorFlow.js layers model: a graph model (converted from a
 * TensorFlow SavedModel), Keras' `model.to_json()` (the architecture, without
 * weights), or a Keras/TensorFlow.js model saved into one JSON with its
 * weights inline.
 */
function otherToolsModel(json: Record<string, unknown>): string | undefined {
  const topology = json.modelTopology;
  if (json.format === 'graph-model' || (isObject(topology) && Array.isArray(topology.node))) {
    return 'this is a TensorFlow.js graph model (converted from a TensorFlow SavedModel), not a layers model; ' +
      'it cannot be trained or inspected layer by layer here. Use a model saved by saveModel() or `npm start`.';
  }
  if (json.modelTopology === undefined && typeof json.class_name === 'string' && isObject(json.config)) {
    return `this is a Keras model description (model.to_json(), class "${json.class_name}") without weights, not a TensorFlow.js model. ` +
      'Convert the Keras model with `tensorflowjs_converter --input_format keras model.h5 DIR`, or use a model saved by saveModel().';
  }
  if (json.weightsManifest === undefined && (Array.isArray(json.weightSpecs) || json.weightData !== undefined)) {
    return 'this holds a model\'s weights inline ("weightSpecs"/"weightData"), not the layers format of model.json + weights.bin. ';
  }
  return undefined;
}

/**
 * Reads model.json and checks, without building the model, everything that
 * would otherwise fail obscurely or read the wrong file: valid JSON, a layers
 * model's topology and manifest, every listed weights file present and inside
 * the model folder (symlinks resolved), and their total size. Each error names
 * the file and what is wrong.
 */
export function inspectSavedModel(location: string): SavedModelFiles {
  const modelPath = location.endsWith('.json') ? location : path.join(location, MODEL_FILE);
  const again = 'Save the model again, e.g. with `npm start`.';
  if (!fs.existsSync(modelPath)) {
    throw new Error(`No saved model at ${modelPath}: expected a model.json written by saveModel(). ` +
      'Train and save one first, e.g. with `npm start`.');
  }
  const dir = path.dirname(modelPath);
  const realDir = fs.realpathSync(dir);
  const realModel = fs.realpathSync(modelPath);
  if (!inside(realDir, realModel)) {
    throw new Error(`${modelPath} is a link to ${realModel}, outside the model folder ${dir}; the model's files must lie in its folder.`);
  }
  if (!fs.statSync(realModel).isFile()) throw new Error(`${modelPath} is not a file; expected the model.json written by saveModel().`);
  let parsed: unknown;
  try {
    // A byte-order mark (a Windows editor's "UTF-8 with BOM") is no damage.
    parsed = JSON.parse(fs.readFileSync(realModel, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${modelPath} is not valid JSON (${(error as Error).message}); the file is damaged or was cut short. ${again}`);
  }
  if (!isObject(parsed)) throw new Error(`${modelPath}: expected a JSON object describing a TensorFlow.js layers model. ${again}`);
  const json = parsed;
  const foreign = otherToolsModel(json);
  if (foreign !== undefined) throw new Error(`${modelPath}: ${foreign} ${again}`);
  const missing = ['modelTopology', 'weightsManifest'].filter((key) => json[key] === undefined);
  if (missing.length > 0) {
    throw new Error(`${modelPath}: expected a TensorFlow.js layers model with "modelTopology" and "weightsManifest", ` +
      `but ${missing.map((m) => `"${m}"`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. ${again}`);
  }
  if (!isObject(parsed.modelTopology)) throw new Error(`${modelPath}: "modelTopology" must be an object. ${again}`);
  const manifest = parsed.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new Error(`${modelPath}: "weightsManifest" must be a non-empty list of weight groups. ${again}`);
  }
  const weightPaths: string[] = [];
  const weightFiles: string[] = [];
  let weightBytes = 0;
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`${modelPath}: each "weightsManifest" entry needs a "paths" list and a "weights" list. ${again}`);
    }
    for (const spec of group.weights) {
      const bytes = specBytes(spec);
      if (typeof bytes === 'string') throw new Error(`${modelPath}: ${bytes}. ${again}`);
      weightBytes += bytes;
    }
    for (const p of group.paths) {
      if (typeof p !== 'string' || p.trim() === '') throw new Error(`${modelPath}: a weights path must be a file name, found ${JSON.stringify(p)}. ${again}`);
      const file = path.resolve(dir, p);
      if (path.isAbsolute(p) || p.includes('\\') || !inside(path.resolve(dir), file)) {
        throw new Error(`${modelPath} lists weights at "${p}", outside the model folder ${dir}; weights paths must name files inside it, ` +
          `like "./${WEIGHTS_FILE}". ${again}`);
      }
      if (!fs.existsSync(file)) {
        throw new Error(`${modelPath} lists weights in ${p}, but ${file} is missing. ${again}`);
      }
      const real = fs.realpathSync(file);
      if (!inside(realDir, real)) {
        throw new Error(`${modelPath} lists weights in ${p}, but ${file} is a link to ${real}, outside the model folder; ` +
          `the weights must lie in the folder itself. ${again}`);
      }
      if (!fs.statSync(real).isFile()) throw new Error(`${modelPath} lists weights in ${p}, but ${file} is not a file. ${again}`);
      weightPaths.push(path.relative(path.resolve(dir), file).split(path.sep).join('/'));
      weightFiles.push(real);
    }
  }
  const found = weightFiles.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  if (found !== weightBytes) {
    throw new Error(`${modelPath}: the weights files (${weightPaths.join(', ')}) hold ${found} bytes, but the manifest describes ` +
      `${weightBytes}; they do not belong together or one was cut short. ${again}`);
  }
  return { modelPath, dir, modelJSON: parsed as unknown as io.ModelJSON, weightPaths, weightFiles, weightBytes };
}

