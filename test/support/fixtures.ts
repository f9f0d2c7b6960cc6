/**
 * Test fixtures: small IDX files built in memory, temporary directories holding
 * a tiny dataset with a matching dataset description and a loopback HTTP server
 * (the real MNIST is found by real-data.ts).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AddressInfo } from 'net';
import { createHash } from 'crypto';
import { DatasetSpec, MNIST } from '../../src/data/dataset';

export const FILES = {
  trainImages: MNIST.train.images.name,
  trainLabels: MNIST.train.labels.name,
  testImages: MNIST.test.images.name,
  testLabels: MNIST.test.labels.name,
} as const;

export const noLog = (): void => undefined;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function gzip(bytes: Uint8Array): Buffer {
  return zlib.gzipSync(bytes);
}

/** An IDX file: big-endian magic, one uint32 per dimension, then the bytes. */
export function encodeIdx(dims: readonly number[], data: Uint8Array, magic: number = dims.length === 1 ? 2049 : 2051): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** `count` images of rows×cols whose pixels are a recognisable pattern (pixel i of image n = (n * 31 + i) % 256). */
export function imagesIdx(count: number, rows: number, cols: number): Buffer {
  const data = new Uint8Array(count * rows * cols);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < rows * cols; i++) data[n * rows * cols + i] = (n * 31 + i) % 256;
  }
  return encodeIdx([count, rows, cols], data, 2051);
}

export function labelsIdx(labels: readonly number[]): Buffer {
  return encodeIdx([labels.length], Uint8Array.from(labels), 2049);
}

const tempDirs: string[] = [];

export function makeTempDir(prefix = 'mnist-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface TinyOptions {
  trainCount?: number;
  testCount?: number;
  rows?: number;
  cols?: number;
  /** Labels to store; default digits 0.. cycling, one per image. */
  trainLabels?: number[];
  testLabels?: number[];
  /** Bytes to write instead of the proper (gzipped) file, keyed by file name; null leaves the file out. */
  replace?: Partial<Record<string, Uint8Array | null>>;
  /** Directory to write into (default: a new temporary one). */
  dir?: string;
}

export interface TinyDataset {
  dir: string;
  /** A dataset description whose sums match the payloads below, not any replaced bytes. */
  spec: DatasetSpec;
  /** Decompressed payload of each file, by file name. */
  payloads: Record<string, Buffer>;
  /** The gzip files as written (before any replacement), by file name. */
  gz: Record<string, Buffer>;
}

function cycle(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i % 10);
}

/** A tiny dataset (default 5 train / 3 test images of 4×4) in MNIST's layout and file names. */
export function tinyDataset(options: TinyOptions = {}): TinyDataset {
  const trainCount = options.trainCount ?? 5;
  const testCount = options.testCount ?? 3;
  const rows = options.rows ?? 4;
  const cols = options.cols ?? 4;
  const payloads: Record<string, Buffer> = {
    [FILES.trainImages]: imagesIdx(trainCount, rows, cols),
    [FILES.trainLabels]: labelsIdx(options.trainLabels ?? cycle(trainCount)),
    [FILES.testImages]: imagesIdx(testCount, rows, cols),
    [FILES.testLabels]: labelsIdx(options.testLabels ?? cycle(testCount).map((d) => 9 - d)),
  };
  const gz: Record<string, Buffer> = {};
  const dir = options.dir ?? makeTempDir();
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, payload] of Object.entries(payloads)) {
    gz[name] = gzip(payload);
    const replacement = options.replace?.[name];
    if (replacement === null) continue;
    fs.writeFileSync(path.join(dir, name), replacement ?? gz[name]);
  }
  const file = (name: string): { name: string; payloadSha256: string } => ({ name, payloadSha256: sha256Hex(payloads[name]) });
  const spec: DatasetSpec = {
    ...MNIST,
    name: 'tiny',
    title: 'tiny test dataset',
    rows,
    cols,
    train: { count: trainCount, images: file(FILES.trainImages), labels: file(FILES.trainLabels) },
    test: { count: testCount, images: file(FILES.testImages), labels: file(FILES.testLabels) },
    mirrors: [],
  };
  return { dir, spec, payloads, gz };
}

/** Sets environment variables (undefined deletes one) and returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(vars)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** The names in a directory, sorted; [] when it does not exist. */
export function listFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

export interface TestServer {
  /** Base URL ending in a slash. */
  url: string;
  /** Request paths, in order. */
  requests: string[];
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP server on 127.0.0.1 at a free port. */
export function startServer(handler: Handler): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Serves the files of `dir` by name with a Content-Length; 404 for anything else. */
export function serveDir(dir: string): Handler {
  return (req, res) => {
    const name = path.basename(decodeURIComponent((req.url ?? '').split('?')[0]));
    const file = path.join(dir, name);
    if (!name || !fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'application/octet-stream' });
    res.end(body);
  };
}

/** Sends a Content-Length for the whole file but only the first `keep` bytes, then drops the connection. */
export function serveCutShort(dir: string, keep: number): Handler {
  return (req, res) => {
    const body = fs.readFileSync(path.join(dir, path.basename(req.url ?? '')));
    res.writeHead(200, { 'Content-Length': body.length });
    res.write(body.subarray(0, Math.min(keep, body.length - 1)), () => setTimeout(() => res.socket?.destroy(), 20));
  };
}
