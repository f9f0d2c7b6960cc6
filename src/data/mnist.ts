/**
 * Finds, downloads when needed, and checks the MNIST files, and hands them out
 * as typed arrays. `loadMnist` stops at the first problem; `verifyMnist` looks
 * at every file and reports each one's state, for the `npm run data` command.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import { DatasetFileEntry, DatasetSpec, MNIST, SplitName, SPLITS, datasetFiles, datasetSpec, payloadBytes } from './dataset';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxArray, IdxExpectation, decompressIdx, parseIdx } from './idx';
import { DownloadError, DownloadOptions, downloadFile } from './download';
import { projectPath } from './project-root';
import { messageOf } from './error-message';

export interface ImageSet {
  /** count × rows × cols pixels, image after image, row-major; 0 = background, 255 = ink. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface Mnist {
  train: ImageSet;
  test: ImageSet;
  /** The directory the files were read from. */
  dir: string;
  /** The dataset's short name, e.g. `mnist`. */
  dataset: string;
}

/** Retry, speed and progress settings passed on to the downloader (see DownloadOptions). */
export type DownloadTuning = Pick<DownloadOptions,
  'attempts' | 'backoffMs' | 'timeoutMs' | 'minBytesPerSecond' | 'slowWindowMs' | 'progress' | 'progressEveryMs'>;

export interface LoadMnistOptions {
  /** Directory holding the four files; nothing is downloaded into it. */
  dir?: string;
  /** Download cache, used when neither `dir` nor the environment variable is set (default data/<dataset> at the project root). */
  cacheDir?: string;
  /** Base URLs to download from instead of the dataset's mirrors. */
  mirrors?: string[];
  /** Which dataset: a name (`mnist`, `fashion-mnist`) or a description; MNIST by default. */
  dataset?: DatasetSpec | string;
  /** Check each file's payload SHA-256 (default true). */
  verify?: boolean;
  /** Receives progress lines, such as which file is being downloaded (default: stderr). */
  log?: (line: string) => void;
  download?: DownloadTuning;
}

export type DataSourceKind = 'option' | 'env' | 'system' | 'cache';

/** Where the files are looked for, and why there. */
export interface DataSource {
  dir: string;
  kind: DataSourceKind;
  /** How to refer to this place in a message. */
  label: string;
}

export type FileStatus = 'verified' | 'downloaded' | 'unchecked' | 'missing' | 'error';

export interface FileReport {
  file: string;
  split: SplitName;
  kind: 'images' | 'labels';
  /** The directory the file was looked for in. */
  dir: string;
  status: FileStatus;
  /** Images or labels in the file, when it could be read. */
  count?: number;
  /** What is wrong, for `missing` and `error`. */
  error?: string;
}

export interface VerifyReport {
  dataset: string;
  source: DataSource;
  files: FileReport[];
  /** Problems that involve more than one file, such as an image/label count mismatch. */
  problems: string[];
  ok: boolean;
}

/** The cache directory for a dataset: data/<name> at the project root, from both src/ and lib/. */
export function defaultCacheDir(dataset: DatasetSpec = MNIST): string {
  return projectPath('data', dataset.name);
}

/**
 * A folder as the user meant it where no shell read it first: a leading `~`
 * (a path set in a notebook, an .env file or Windows' `set`) is the home
 * folder, and quotes around the whole path (`set MNIST_DATA_DIR="D:\mnist"`)
 * are not part of it.
 */
function asTyped(dir: string): string {
  let d = dir.trim();
  const quoted = /^(["'])(.*)\1$/.exec(d);
  if (quoted !== null) d = quoted[2].trim();
  if (d === '~' || d.startsWith('~/') || d.startsWith('~\\')) d = path.join(os.homedir(), d.slice(1));
  return d;
}

/**
 * Picks the directory: the `dir` option, else the environment variable, else
 * a directory an OS package filled (all files present), else the cache.
 */
export function resolveDataSource(options: LoadMnistOptions = {}): DataSource {
  const spec = datasetSpec(options.dataset);
  if (options.dir) {
    const dir = path.resolve(asTyped(options.dir));
    return { dir, kind: 'option', label: `the data directory ${dir}` };
  }
  const fromEnv = process.env[spec.env.dataDir]?.trim();
  if (fromEnv) {
    const dir = path.resolve(asTyped(fromEnv));
    return { dir, kind: 'env', label: `${spec.env.dataDir} (${dir})` };
  }
  const system = (spec.systemDirs ?? []).find((d) => datasetFiles(spec).every((e) => locate(d, e.file.name)));
  if (system !== undefined && options.cacheDir === undefined) {
    return { dir: system, kind: 'system', label: `the system copy in ${system}` };
  }
  const dir = path.resolve(options.cacheDir ?? defaultCacheDir(spec));
  return { dir, kind: 'cache', label: `the download cache ${dir}` };
}

interface Context {
  spec: DatasetSpec;
  source: DataSource;
  verify: boolean;
  options: LoadMnistOptions;
  log: (line: string) => void;
  /** Set once a download has failed on every mirror: the next files would fail the same way, only slowly. */
  downloadFailed?: string;
}

interface LoadedFile {
  entry: DatasetFileEntry;
  path: string;
  array: IdxArray;
  status: 'verified' | 'downloaded' | 'unchecked';
}

const LOCAL_SLACK_BYTES = 64 * 1024 * 1024;


function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The dataset's files that `dir` lacks (under either name), e.g. to tell a complete copy from a partial one. */
export function missingDatasetFiles(dir: string, dataset: DatasetSpec = MNIST): string[] {
  return datasetFiles(dataset).filter((e) => !locate(dir, e.file.name)).map((e) => e.file.name);
}

/** The file under its canonical name, or unpacked without `.gz` (a common way to keep MNIST). */
function locate(dir: string, name: string): string | undefined {
  const candidates = [name, name.replace(/\.gz$/, '')];
  for (const candidate of candidates) {
    const full = path.join(dir, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return full;
  }
  return undefined;
}

/** The remedy for damaged files, which depends on whether they are ours (the cache) or the user's. */
function howToFix(ctx: Context, ...files: string[]): string {
  const { source, spec } = ctx;
  const one = files.length === 1;
  if (source.kind === 'cache') {
    return `delete ${files.join(' and ')} and run again (or \`npm run data\`) so ${one ? 'a fresh copy is' : 'fresh copies are'} downloaded`;
  }
  const undo = source.kind === 'env' ? `unset ${spec.env.dataDir}` : 'leave out the dir option';
  const replace = one ? `replace it with a good copy of ${path.basename(files[0])}` : 'replace the damaged one with a good copy';
  return `${replace}, or ${undo} to use the download cache`;
}

function expectation(entry: DatasetFileEntry, spec: DatasetSpec): IdxExpectation {
  // The count is checked per split afterwards, so that an images/labels mismatch is reported as such.
  return entry.kind === 'images'
    ? { magic: IDX_IMAGES_MAGIC, dims: [null, spec.rows, spec.cols] }
    : { magic: IDX_LABELS_MAGIC, dims: [null] };
}

function checkLabels(ctx: Context, file: string, labels: Uint8Array): void {
  const classes = ctx.spec.classes;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes) {
      throw new Error(
        `${file}: label at index ${i} is ${labels[i]}; expected a class from 0 to ${classes - 1}. ` +
          `The labels file is damaged or belongs to another dataset: ${howToFix(ctx, file)}.`,
      );
    }
  }
}

function missingError(ctx: Context, missing: DatasetFileEntry[]): Error {
  const { source, spec } = ctx;
  const names = missing.map((m) => m.file.name).join(', ');
  const cache = path.resolve(ctx.options.cacheDir ?? defaultCacheDir(spec));
  const undo =
    source.kind === 'env'
      ? `point ${spec.env.dataDir} at a complete copy, or unset it to use the download cache ${cache} (\`npm run data\` fills it)`
      : `pass a directory that holds all of them, or leave out the dir option to use the download cache ${cache}`;
  return new Error(
    `${source.label} lacks ${missing.length} of the ${datasetFiles(spec).length} ${spec.title} files: ${names}. ` +
      `Nothing is downloaded into a directory you chose. Put the missing file(s) in ${source.dir} ` +
      `(gzip-compressed, or unpacked without .gz), or ${undo}.`,
  );
}

/** The first of `dir` and its parent folders that exists, when it is not a folder (so nothing can be created below it). */
function fileInTheWay(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') continue; // a parent is a file: found further up
      stat = undefined;
    }
    if (stat !== undefined) return stat.isDirectory() ? undefined : d;
    if (path.dirname(d) === d) return undefined;
  }
}

function checkDirectory(ctx: Context): void {
  const { source, spec } = ctx;
  if (source.kind === 'cache') {
    // Before any mirror is asked: every file would fail the same way.
    const file = fileInTheWay(source.dir);
    if (file !== undefined) {
      throw new Error(`${source.label} cannot be created: ${file} is a file, not a folder. Move or delete ${file} ` +
        `(it is not one of the ${spec.title} files), then run again; or set ${spec.env.dataDir} to a folder that holds the files.`);
    }
    return;
  }
  if (!fs.existsSync(source.dir) || !fs.statSync(source.dir).isDirectory()) {
    const fix =
      source.kind === 'env'
        ? `set ${spec.env.dataDir} to the directory holding the ${spec.title} files, or unset it to use the download cache`
        : `pass the directory holding the ${spec.title} files`;
    throw new Error(`${source.label} does not exist or is not a directory; expected a directory with the ${spec.title} files: ${fix}.`);
  }
}

async function loadFile(ctx: Context, entry: DatasetFileEntry): Promise<LoadedFile> {
  const { spec, source } = ctx;
  const found = locate(source.dir, entry.file.name);
  if (!found) {
    if (source.kind !== 'cache') throw missingError(ctx, [entry]);
    if (ctx.downloadFailed) {
      throw new Error(`${entry.file.name} is not in ${source.dir} and was not downloaded, since downloading ${ctx.downloadFailed} already failed`);
    }
    const tuning = ctx.options.download ?? {};
    const result = await downloadFile(entry.file.name, path.join(source.dir, entry.file.name), {
      ...tuning,
      payloadSha256: entry.file.payloadSha256,
      payloadBytes: payloadBytes(spec, entry),
      mirrors: ctx.options.mirrors,
      defaultMirrors: spec.mirrors,
      mirrorEnv: spec.env.mirror,
      dataDirEnv: spec.env.dataDir,
      manualFiles: datasetFiles(spec).map((e) => e.file.name),
      log: ctx.log,
    });
    const array = parseIdx(result.payload, result.path, expectation(entry, spec));
    if (entry.kind === 'labels') checkLabels(ctx, result.path, array.data);
    return { entry, path: result.path, array, status: 'downloaded' };
  }

  // Capped well above the expected size, so that a file of the wrong shape still gets the header's
  // clearer message, while a small gzip that inflates to gigabytes cannot fill the memory.
  const payload = decompressIdx(await fs.promises.readFile(found), found, payloadBytes(spec, entry) + LOCAL_SLACK_BYTES);
  const array = parseIdx(payload, found, expectation(entry, spec));
  if (ctx.verify) {
    const actual = sha256Hex(payload);
    if (actual !== entry.file.payloadSha256) {
      throw new Error(
        `${found}: checksum mismatch; expected payload SHA-256 ${entry.file.payloadSha256}, found ${actual}. ` +
          `The file is damaged or is not the ${spec.title} ${entry.split} ${entry.kind} file: ${howToFix(ctx, found)}.`,
      );
    }
  }
  if (entry.kind === 'labels') checkLabels(ctx, found, array.data);
  return { entry, path: found, array, status: ctx.verify ? 'verified' : 'unchecked' };
}

/** Checks that a split's images and labels agree with each other and with the dataset description. */
function checkSplit(ctx: Context, split: SplitName, images: LoadedFile, labels: LoadedFile): void {
  const imageCount = images.array.dims[0];
  const labelCount = labels.array.dims[0];
  if (imageCount !== labelCount) {
    throw new Error(
      `${split} split: image/label count mismatch; expected as many labels as images, found ${imageCount} images in ${images.path} ` +
        `but ${labelCount} labels in ${labels.path}. One of them is damaged or from another dataset: ${howToFix(ctx, images.path, labels.path)}.`,
    );
  }
  const expected = ctx.spec[split].count;
  if (imageCount !== expected) {
    throw new Error(
      `${split} split: expected ${expected} images and labels (as the ${ctx.spec.title} description says), found ${imageCount} ` +
        `in ${images.path} and ${labels.path}. They are not the ${ctx.spec.title} files: ${howToFix(ctx, images.path, labels.path)}.`,
    );
  }
}

function makeContext(options: LoadMnistOptions): Context {
  return {
    spec: datasetSpec(options.dataset),
    source: resolveDataSource(options),
    verify: options.verify ?? true,
    options,
    log: options.log ?? ((line: string): void => void process.stderr.write(line + '\n')),
  };
}

/**
 * Loads the training and test sets. Looks in the `dir` option, then the
 * directory in MNIST_DATA_DIR, then the download cache, downloading into the
 * cache only. Throws an Error that says what is wrong and how to fix it.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<Mnist> {
  const ctx = makeContext(options);
  const { spec, source } = ctx;
  checkDirectory(ctx);
  const entries = datasetFiles(spec);
  if (source.kind !== 'cache') {
    const missing = entries.filter((e) => !locate(source.dir, e.file.name));
    if (missing.length > 0) throw missingError(ctx, missing);
  }
  const loaded: LoadedFile[] = [];
  for (const entry of entries) loaded.push(await loadFile(ctx, entry));

  const sets: Partial<Record<SplitName, ImageSet>> = {};
  for (const split of SPLITS) {
    const images = loaded.find((l) => l.entry.split === split && l.entry.kind === 'images');
    const labels = loaded.find((l) => l.entry.split === split && l.entry.kind === 'labels');
    if (!images || !labels) throw new Error(`internal: ${split} files were not loaded`);
    checkSplit(ctx, split, images, labels);
    sets[split] = {
      images: images.array.data,
      labels: labels.array.data,
      count: images.array.dims[0],
      rows: images.array.dims[1],
      cols: images.array.dims[2],
    };
  }
  if (!sets.train || !sets.test) throw new Error('internal: a split is missing');
  return { train: sets.train, test: sets.test, dir: source.dir, dataset: spec.name };
}

/**
 * Checks (and for the cache, downloads) every file, recording each one's state
 * instead of stopping at the first problem. Never throws for a data problem.
 */
export async function verifyMnist(options: LoadMnistOptions = {}): Promise<VerifyReport> {
  const ctx = makeContext(options);
  const { spec, source } = ctx;
  const files: FileReport[] = [];
  const problems: string[] = [];
  const loaded = new Map<string, LoadedFile>();

  let dirProblem: string | undefined;
  try {
    checkDirectory(ctx);
  } catch (err) {
    dirProblem = messageOf(err);
    problems.push(dirProblem);
  }
  for (const entry of datasetFiles(spec)) {
    const report: FileReport = { file: entry.file.name, split: entry.split, kind: entry.kind, dir: source.dir, status: 'error' };
    files.push(report);
    if (dirProblem) {
      report.status = 'missing';
      report.error = `not found: ${source.dir} is not a directory`;
      continue;
    }
    try {
      const file = await loadFile(ctx, entry);
      loaded.set(`${entry.split}/${entry.kind}`, file);
      report.status = file.status;
      report.count = file.array.dims[0];
    } catch (err) {
      if (err instanceof DownloadError) ctx.downloadFailed ??= entry.file.name;
      const missing = source.kind !== 'cache' && !locate(source.dir, entry.file.name);
      report.status = missing ? 'missing' : 'error';
      report.error = missing ? `not found in ${source.label}` : messageOf(err);
    }
  }
  if (!dirProblem && files.some((f) => f.status === 'missing')) {
    problems.push(missingError(ctx, datasetFiles(spec).filter((e) => !locate(source.dir, e.file.name))).message);
  }
  for (const split of SPLITS) {
    const images = loaded.get(`${split}/images`);
    const labels = loaded.get(`${split}/labels`);
    if (!images || !labels) continue;
    try {
      checkSplit(ctx, split, images, labels);
    } catch (err) {
      problems.push(messageOf(err));
    }
  }
  const ok = problems.length === 0 && files.every((f) => f.status === 'verified' || f.status === 'downloaded' || f.status === 'unchecked');
  return { dataset: spec.name, source, files, problems, ok };
}
