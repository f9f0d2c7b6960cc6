/**
 * `npm run draw`: a small web page, served on the loopback interface only,
 * where a student draws a digit and watches the model that `npm start`
 * saved read it live. Everything runs on this machine: the page loads
 * TensorFlow.js, the model files and the preprocessing from this server
 * and nowhere else (its Content-Security-Policy forbids anything else).
 *
 * The preprocessing is src/own-digit/preprocess.ts, the very module Node runs,
 * bundled for the browser by esbuild into lib/web/preprocess.js during
 * `npm run build`, so that the page and the notebook can never disagree.
 * The server (loopback only, security headers) is figures/local-page.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseCommandLine, runCommand } from './args';
import { LOOPBACK, PageRequest, contentSecurityPolicy, serveLocalPage } from '../figures/local-page';
import { MODEL_FILE, SavedModelFiles, inspectSavedModel } from '../model/saved-model-files';
import { projectPath } from '../data/project-root';

export const DEFAULT_DRAW_PORT = 8028;
/** Where `npm start` saves the model (its default --out is out/). */
export const DEFAULT_MODEL_DIR = path.join('out', 'model');

export const DRAW_USAGE = `Usage: npm run draw -- [options]

Serves a page at http://${LOOPBACK}:${DEFAULT_DRAW_PORT}/ (this machine only) where you draw a digit
with the mouse, a pen or a finger and see what the model trained by \`npm start\`
predicts, with all 10 probabilities and the 28×28 image the model is fed.

  --model DIR    the saved model: a folder with model.json and weights.bin, or the
                 model.json itself (default ${DEFAULT_MODEL_DIR}, where \`npm start\` saves it)
  --port N       port to listen on (default ${DEFAULT_DRAW_PORT}; 0 picks a free one)
  --help         this text`;

export interface DrawArgs {
  modelDir: string;
  port: number;
  help: boolean;
}

export function parseDrawArgs(argv: string[]): DrawArgs {
  const { values } = parseCommandLine(argv, {
    model: { type: 'string', what: 'a folder holding model.json (or the model.json itself)' },
    port: { type: 'integer', min: 0, max: 65535 },
    help: { type: 'boolean', short: 'h' },
  });
  return { modelDir: values.model ?? DEFAULT_MODEL_DIR, port: values.port ?? DEFAULT_DRAW_PORT, help: values.help };
}

export interface ModelStatus {
  /** True when model.json and the weights it lists check out, so the page can load the model. */
  ready: boolean;
  /** Where model.json is (or is expected), as the user would type it. */
  modelPath: string;
  /** One line for the page and the console: which command creates a model when there is none, what is wrong with a damaged one. */
  message: string;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Resolves --model: a folder with model.json, or the model.json file itself. */
function resolveModelPath(modelDir: string): string {
  const resolved = path.resolve(modelDir);
  return resolved.endsWith('.json') ? resolved : path.join(resolved, MODEL_FILE);
}

/**
 * Checked at start and at each status request, so a model saved while the
 * server runs is picked up on reload, and a damaged one is reported (in the
 * terminal and on the page) instead of failing obscurely in the browser.
 */
export function modelStatus(modelDir: string): ModelStatus {
  const modelFile = resolveModelPath(modelDir);
  const shown = displayPath(modelFile);
  const wrongKind = wrongModelPath(modelDir);
  if (wrongKind !== undefined) return { ready: false, modelPath: shown, message: wrongKind };
  if (fs.existsSync(modelFile)) {
    try {
      inspectSavedModel(modelFile);
    } catch (error) {
      return {
        ready: false,
        modelPath: shown,
        message: `The model at ${shown} cannot be used: ${(error as Error).message} Then reload this page.`,
      };
    }
    return { ready: true, modelPath: shown, message: `Using the model saved at ${shown}.` };
  }
  const isDefault = path.resolve(modelDir) === path.resolve(DEFAULT_MODEL_DIR);
  const fix = isDefault
    ? 'Create one with `npm start` (it trains the course model and saves it there), then reload this page.'
    : 'Create one with `npm start` (it saves out/model/, used when you leave out --model), or with ' +
      '`npm start -- --out DIR` and pass `--model DIR/model`; then reload this page.';
  return { ready: false, modelPath: shown, message: `No trained model at ${shown} yet. ${fix}` };
}

/**
 * --model names something that can never be a model: a file other than a
 * .json (weights.bin, a picture), or a folder whose model sits one level
 * down (out/ instead of out/model). Says what was given, what is expected
 * and the command that works, instead of "no trained model, run npm start".
 */
export function wrongModelPath(modelDir: string): string | undefined {
  const given = path.resolve(modelDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(given);
  } catch {
    return undefined;
  }
  const expected = 'expected a folder holding model.json (as `npm start` saves it, out/model by default) or the model.json itself';
  if (stat.isFile() && !given.endsWith('.json')) {
    const folder = path.dirname(given);
    const fix = fs.existsSync(path.join(folder, MODEL_FILE))
      ? `Pass its folder: \`npm run draw -- --model ${displayPath(folder)}\`.`
      : 'Pass the folder `npm start` saved the model in, or leave out --model for out/model.';
    return `--model ${displayPath(given)} is a file, not a saved model: ${expected}. ${fix}`;
  }
  if (stat.isDirectory() && !fs.existsSync(path.join(given, MODEL_FILE)) && fs.existsSync(path.join(given, 'model', MODEL_FILE))) {
    return `--model ${displayPath(given)} holds no ${MODEL_FILE}, but its model/ folder does: ${expected}. ` +
      `Pass \`npm run draw -- --model ${displayPath(path.join(given, 'model'))}\`.`;
  }
  return undefined;
}

const WEB_DIR = projectPath('web');
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** src/own-digit/preprocess.ts bundled as an ES module for the page by esbuild (`npm run build:page`, part of `npm run build`). */
export const PREPROCESS_BUNDLE = projectPath('lib', 'web', 'preprocess.js');

/**
 * The preprocessing module the page imports: the very source Node runs, bundled
 * with its imports by esbuild. The commands and the specs rebuild lib/ first
 * when src/ is newer (scripts/fresh-lib.js), so this is never an older version.
 */
export function preprocessModuleSource(): string {
  try {
    return fs.readFileSync(PREPROCESS_BUNDLE, 'utf8');
  } catch (error) {
    throw new Error(`The draw page's preprocessing is missing: expected ${displayPath(PREPROCESS_BUNDLE)} ` +
      `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Build it with \`npm run build\`.`);
  }
}

export interface DrawServerOptions {
  /** The saved model: a folder with model.json, or model.json itself (default out/model). */
  modelDir?: string;
  /** Port on 127.0.0.1; 0 (or leaving it out) picks a free one. */
  port?: number;
  /** Told when the model's status changes (saved, damaged, repaired) between two requests of the page. */
  report?: (line: string) => void;
}

export interface DrawServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** Where the page looks for the model, resolved. */
  modelPath: string;
  status(): ModelStatus;
  close(): Promise<void>;
}

/**
 * Serves model.json and the weights files its manifest lists, and nothing
 * else from the model folder: each is checked by inspectSavedModel to lie
 * inside the folder, symlinks resolved.
 */
function serveModelFile(request: PageRequest, modelFile: string, encoded: string): void {
  const { notFound, sendFile } = request;
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    notFound('a malformed path');
    return;
  }
  let saved: SavedModelFiles;
  try {
    saved = inspectSavedModel(modelFile);
  } catch (error) {
    notFound((error as Error).message);
    return;
  }
  if (name === MODEL_FILE) {
    sendFile(fs.realpathSync(saved.modelPath), 'application/json; charset=utf-8');
    return;
  }
  const index = saved.weightPaths.indexOf(name);
  if (index < 0) {
    notFound(`${name} is not a weights file listed in ${MODEL_FILE}`);
    return;
  }
  sendFile(saved.weightFiles[index], 'application/octet-stream');
}

/** The page's routes; the server around them (loopback only, headers, methods, favicon) is figures/local-page.ts. */
function router(modelDir: string, report?: (line: string) => void): (request: PageRequest) => boolean {
  const tfScript = require.resolve('@tensorflow/tfjs/dist/tf.min.js');
  const modelFile = resolveModelPath(modelDir);
  let lastReported = modelStatus(modelDir).message;
  return (request) => {
    const { pathname, send, sendFile } = request;
    const page = STATIC_FILES[pathname];
    if (page !== undefined) {
      sendFile(path.join(WEB_DIR, page.file), page.type);
    } else if (pathname === '/vendor/tf.min.js') {
      sendFile(tfScript, 'text/javascript; charset=utf-8');
    } else if (pathname === '/preprocess.js') {
      sendFile(PREPROCESS_BUNDLE, 'text/javascript; charset=utf-8');
    } else if (pathname === '/api/model') {
      const status = modelStatus(modelDir);
      if (status.message !== lastReported) report?.(status.message);
      lastReported = status.message;
      send(200, 'application/json; charset=utf-8', JSON.stringify(status));
    } else if (pathname.startsWith('/model/')) {
      serveModelFile(request, modelFile, pathname.slice('/model/'.length));
    } else {
      return false;
    }
    return true;
  };
}

/** Starts the page's server on 127.0.0.1; resolves once it listens. */
export async function startDrawServer(options: DrawServerOptions = {}): Promise<DrawServer> {
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  if (!fs.existsSync(WEB_DIR)) {
    throw new Error(`The page's files are missing: expected them in ${WEB_DIR}. Restore the web/ folder (git checkout web).`);
  }
  preprocessModuleSource(); // says how to build it when it is missing
  const server = await serveLocalPage({
    port: options.port,
    contentSecurityPolicy: contentSecurityPolicy(),
    route: router(modelDir, options.report),
    portInUseHint: ' (another `npm run draw`?). Stop that one, or pass --port N (0 picks a free port).',
  });
  return {
    url: server.url,
    port: server.port,
    modelPath: resolveModelPath(modelDir),
    status: () => modelStatus(modelDir),
    close: () => server.close(),
  };
}

async function serve(args: DrawArgs): Promise<void> {
  // A path that can never hold a model is a mistake in the command, not a model still to train.
  const wrong = wrongModelPath(args.modelDir);
  if (wrong !== undefined) throw new Error(wrong);
  const server = await startDrawServer({ modelDir: args.modelDir, port: args.port, report: (line) => void process.stdout.write(line + '\n') });
  // Handlers first: whoever reads the address below may stop us right away.
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const status = server.status();
  process.stdout.write(`Draw a digit at ${server.url} (served to this machine only)\n${status.message}\n` +
    (status.ready ? '' : 'The page shows this too and works for drawing meanwhile.\n') + 'Press Ctrl+C to stop.\n');
}

if (require.main === module) void runCommand(DRAW_USAGE, parseDrawArgs, serve);
