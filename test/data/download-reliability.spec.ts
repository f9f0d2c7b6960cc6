/**
 * Downloads against mirrors that misbehave, played by loopback servers:
 * concurrent downloads into one cache, a process killed or interrupted
 * mid-download, a mirror that sends too much, one that trickles, redirects
 * (also from https to http), and progress where stderr is not a terminal.
 * Every case is bounded in time and in what the server sends.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import * as zlib from 'zlib';
import { AddressInfo } from 'net';
import { downloadFile, maxDownloadBytes } from '../../src/data/download';
import { loadMnist, verifyMnist } from '../../src/data/mnist';
import { MNIST, payloadBytes, datasetFiles } from '../../src/data/dataset';
import {
  FILES,
  Handler,
  TestServer,
  gzip,
  listFiles,
  makeTempDir,
  noLog,
  removeTempDirs,
  serveCutShort,
  setEnv,
  sha256Hex,
  startServer,
  tinyDataset,
} from '../support/fixtures';
import { rejection } from '../support/errors';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** Serves `body` with its Content-Length in `pieces` parts, `gapMs` apart, so that transfers overlap. */
function serveSlowly(body: Buffer, pieces: number, gapMs: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Length': body.length });
    const size = Math.ceil(body.length / pieces);
    let offset = 0;
    const next = (): void => {
      if (res.destroyed) return;
      const end = Math.min(offset + size, body.length);
      res.write(body.subarray(offset, end));
      offset = end;
      if (offset >= body.length) res.end();
      else setTimeout(next, gapMs);
    };
    next();
  };
}

/** One byte every `gapMs` of a Content-Length that is never reached: a mirror that never finishes. */
function trickle(gapMs: number, totalBytes = 1_000_000): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Length': totalBytes });
    const timer = setInterval(() => {
      if (res.destroyed) clearInterval(timer);
      else res.write(Buffer.from([0x1f]));
    }, gapMs);
    res.on('close', () => clearInterval(timer));
  };
}

function partFiles(dir: string): string[] {
  return listFiles(dir).filter((f) => f.endsWith('.part'));
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A child Node process downloading `file` into `dest` from `mirror` (TypeScript through ts-node). */
function childDownload(file: string, dest: string, mirror: string, sha256: string): ChildProcess {
  const code =
    `require('./src/data/download').downloadFile(${JSON.stringify(file)}, ${JSON.stringify(dest)}, ` +
    `{ payloadSha256: ${JSON.stringify(sha256)}, mirrors: [${JSON.stringify(mirror)}], attempts: 1, progress: false })` +
    `.then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
  return spawn(process.execPath, ['-r', 'ts-node/register', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('downloads that cannot corrupt the cache or hang', function () {
  this.timeout(60000);
  let restoreEnv: () => void = () => undefined;
  const children: ChildProcess[] = [];
  before(() => {
    restoreEnv = setEnv({ MNIST_DATA_DIR: undefined, MNIST_MIRROR: undefined });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const server of servers.splice(0)) await server.close();
  });
  after(() => {
    restoreEnv();
    removeTempDirs();
  });

  describe('the size of each file, from the dataset description', () => {
    it('is its IDX header plus one byte per pixel or label (MNIST training images: 47,040,016 bytes)', () => {
      expect(datasetFiles(MNIST).map((e) => payloadBytes(MNIST, e))).to.deep.equal([47_040_016, 60_008, 7_840_016, 10_008]);
      expect(maxDownloadBytes(47_040_016)).to.be.within(47_040_016, 47_200_000);
    });
  });

  describe('concurrent downloads into one cache', () => {
    it('all end with the verified file and leave no part file behind', async () => {
      const { spec, gz, payloads } = tinyDataset({ trainCount: 200, rows: 28, cols: 28 });
      const body = gz[FILES.trainImages];
      const server = await serve(serveSlowly(body, 8, 15));
      const cacheDir = makeTempDir();
      const dest = path.join(cacheDir, FILES.trainImages);
      const downloads = Array.from({ length: 6 }, () =>
        downloadFile(FILES.trainImages, dest, {
          payloadSha256: spec.train.images.payloadSha256,
          mirrors: [server.url],
          attempts: 1,
          log: noLog,
        }),
      );
      const results = await Promise.allSettled(downloads);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).to.deep.equal(Array(6).fill('ok'));
      expect(server.requests).to.have.length(6);
      expect(listFiles(cacheDir)).to.deep.equal([FILES.trainImages]);
      expect(sha256Hex(zlib.gunzipSync(fs.readFileSync(dest)))).to.equal(sha256Hex(payloads[FILES.trainImages]));
    });

    it('in two loadMnist calls both give the data, and the cache holds the four verified files', async () => {
      const { spec, gz } = tinyDataset({ trainCount: 100, rows: 28, cols: 28 });
      const server = await serve((req, res) => serveSlowly(gz[path.basename(req.url ?? '')], 5, 10)(req, res));
      const cacheDir = path.join(makeTempDir(), 'data', 'tiny');
      const load = (): ReturnType<typeof loadMnist> =>
        loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 1 } });
      const [a, b] = await Promise.all([load(), load()]);
      expect([a.train.count, b.train.count]).to.deep.equal([100, 100]);
      expect(listFiles(cacheDir)).to.deep.equal([FILES.testImages, FILES.testLabels, FILES.trainImages, FILES.trainLabels]);
      const report = await verifyMnist({ cacheDir, dataset: spec, log: noLog });
      expect(report.files.map((f) => f.status)).to.deep.equal(['verified', 'verified', 'verified', 'verified']);
    });
  });

  describe('concurrent downloads from separate processes', () => {
    it('all succeed into one cache, none removing another one\'s part file', async () => {
      const { spec, gz, payloads } = tinyDataset({ trainCount: 200, rows: 28, cols: 28 });
      const server = await serve(serveSlowly(gz[FILES.trainImages], 10, 100));
      const cacheDir = makeTempDir();
      const dest = path.join(cacheDir, FILES.trainImages);
      const started = [1, 2, 3].map(() => childDownload(FILES.trainImages, dest, server.url, spec.train.images.payloadSha256));
      children.push(...started);
      const exits = await Promise.all(started.map(exitOf));
      expect(exits.map((e) => e.code)).to.deep.equal([0, 0, 0]);
      expect(server.requests).to.have.length(3);
      expect(listFiles(cacheDir)).to.deep.equal([FILES.trainImages]);
      expect(sha256Hex(zlib.gunzipSync(fs.readFileSync(dest)))).to.equal(sha256Hex(payloads[FILES.trainImages]));
    });
  });

  describe('a process killed mid-download', () => {
    it('leaves only a part file, which no load trusts and the next download removes', async () => {
      const { spec, gz } = tinyDataset();
      const slow = await serve(trickle(50));
      const cacheDir = makeTempDir();
      const dest = path.join(cacheDir, FILES.trainImages);
      const child = childDownload(FILES.trainImages, dest, slow.url, spec.train.images.payloadSha256);
      children.push(child);
      await waitFor('the part file', () => partFiles(cacheDir).length === 1);
      child.kill('SIGKILL');
      expect((await exitOf(child)).signal).to.equal('SIGKILL');
      expect(listFiles(cacheDir)).to.have.length(1);
      expect(listFiles(cacheDir)[0]).to.match(/^train-images-idx3-ubyte\.gz\.\d+-[0-9a-f]+\.part$/);

      // The tiny dataset's own files are served from now on: the next run downloads afresh.
      const good = await serve((_req, res) => res.end(gz[FILES.trainImages]));
      const result = await downloadFile(FILES.trainImages, dest, { payloadSha256: spec.train.images.payloadSha256, mirrors: [good.url], log: noLog });
      expect(result.path).to.equal(dest);
      expect(listFiles(cacheDir)).to.deep.equal([FILES.trainImages]);
    });
  });

  describe('Ctrl+C during a download', () => {
    it('removes the partial file and stops the process as SIGINT would', async () => {
      const { spec } = tinyDataset();
      const slow = await serve(trickle(50));
      const cacheDir = makeTempDir();
      const child = childDownload(FILES.trainImages, path.join(cacheDir, FILES.trainImages), slow.url, spec.train.images.payloadSha256);
      children.push(child);
      await waitFor('the part file', () => partFiles(cacheDir).length === 1);
      child.kill('SIGINT');
      const exit = await exitOf(child);
      expect(exit.signal).to.equal('SIGINT');
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });

    it('in a process that handles SIGINT itself (a kernel), fails the download with a clear error and removes the part', async () => {
      const { spec } = tinyDataset();
      const slow = await serve(trickle(50));
      const cacheDir = makeTempDir();
      const keepAlive = (): void => undefined;
      process.on('SIGINT', keepAlive);
      try {
        const pending = rejection(
          downloadFile(FILES.trainImages, path.join(cacheDir, FILES.trainImages), {
            payloadSha256: spec.train.images.payloadSha256,
            mirrors: [slow.url],
            log: noLog,
          }),
        );
        await waitFor('the part file', () => partFiles(cacheDir).length === 1);
        process.kill(process.pid, 'SIGINT');
        const err = await pending;
        expect(err.message).to.equal(`Download of ${FILES.trainImages} interrupted by SIGINT; the partial file was removed.`);
        expect(listFiles(cacheDir)).to.deep.equal([]);
        expect(slow.requests).to.have.length(1);
      } finally {
        process.removeListener('SIGINT', keepAlive);
      }
    });
  });

  describe('a mirror that sends too much', () => {
    it('is stopped at the size the description allows when it sends an endless body, and not retried', async () => {
      const { spec } = tinyDataset();
      let sent = 0;
      const server = await serve((_req, res) => {
        const chunk = Buffer.alloc(64 * 1024, 7);
        const pump = (): void => {
          // Bounded: 8 MiB at most, far beyond the tiny file's limit.
          while (!res.destroyed && sent < 8 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.writeHead(200);
        pump();
      });
      const cacheDir = path.join(makeTempDir(), 'data', 'tiny');
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 3, backoffMs: 0 } }));
      const limit = maxDownloadBytes(payloadBytes(spec, datasetFiles(spec)[0]));
      expect(err.message).to.contain(`${server.url}: the mirror sent too much: more than ${limit} bytes for ${FILES.trainImages}`);
      expect(server.requests).to.have.length(1);
      expect(sent).to.be.below(4 * 1024 * 1024);
      expect(fs.existsSync(path.dirname(cacheDir))).to.equal(false);
    });

    it('is refused before any byte is written when its Content-Length is larger than the file can be', async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Length': 10_000_000 });
        res.write(Buffer.alloc(1000));
      });
      const cacheDir = makeTempDir();
      const err = await rejection(
        downloadFile(FILES.trainImages, path.join(cacheDir, FILES.trainImages), {
          payloadSha256: spec.train.images.payloadSha256,
          payloadBytes: payloadBytes(spec, datasetFiles(spec)[0]),
          mirrors: [server.url],
          log: noLog,
        }),
      );
      expect(err.message).to.contain('the mirror sent too much: it announces 10000000 bytes for train-images-idx3-ubyte.gz');
      expect(server.requests).to.have.length(1);
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });

    it('is stopped while decompressing when a small gzip inflates past the MNIST payload size, with little memory', async () => {
      // An endless gzip stream of zeros: about 1 KiB on the wire inflates to 1 MiB.
      let sent = 0;
      const server = await serve((_req, res) => {
        res.writeHead(200);
        const deflater = zlib.createGzip({ level: 9 });
        const zeros = Buffer.alloc(1024 * 1024);
        let produced = 0;
        const feed = (): void => {
          // Bounded: 512 MiB of payload at most (about 0.5 MiB sent), ten times the limit.
          while (!res.destroyed && produced < 512) {
            produced++;
            if (!deflater.write(zeros)) return void deflater.once('drain', feed);
          }
          deflater.end();
        };
        deflater.on('data', (c: Buffer) => {
          sent += c.length;
          if (!res.destroyed) res.write(c);
        });
        deflater.on('end', () => res.end());
        res.on('close', () => deflater.destroy());
        feed();
      });
      const cacheDir = makeTempDir();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const before = process.memoryUsage().rss;
      try {
        const err = await rejection(
          loadMnist({ cacheDir, mirrors: [server.url], log: noLog, download: { attempts: 2, backoffMs: 0 } }),
        );
        expect(err.message).to.contain(
          `the mirror sent too much: ${FILES.trainImages} decompresses to more than 47040016 bytes, the size of its payload in the dataset description`,
        );
      } finally {
        clearInterval(sampler);
      }
      expect(server.requests).to.have.length(1);
      expect(sent).to.be.below(2 * 1024 * 1024);
      expect((peak - before) / 2 ** 20).to.be.below(300);
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });
  });

  describe('a mirror that trickles', () => {
    it('is abandoned below the minimum speed, naming the mirror and MNIST_MIRROR, and not retried', async () => {
      const { spec } = tinyDataset();
      const server = await serve(trickle(100, 2000));
      const cacheDir = makeTempDir();
      const started = Date.now();
      const err = await rejection(
        loadMnist({
          cacheDir,
          mirrors: [server.url],
          dataset: spec,
          log: noLog,
          download: { attempts: 3, backoffMs: 0, minBytesPerSecond: 100, slowWindowMs: 400 },
        }),
      );
      expect(Date.now() - started).to.be.below(5000);
      expect(err.message).to.match(/too slow: 127\.0\.0\.1:\d+ sent \d+ bytes in 0\.4 s, below the minimum of 100 bytes\/s/);
      expect(err.message).to.contain(`gave up on ${server.url}. Set MNIST_MIRROR to the base URL of a faster mirror`);
      expect(server.requests).to.have.length(1);
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });
  });

  describe('progress', () => {
    it('is a line every few seconds when stderr is not a terminal, naming where a redirect led', async () => {
      const { spec, gz } = tinyDataset({ trainCount: 100, rows: 28, cols: 28 });
      const target = await serve(serveSlowly(gz[FILES.trainImages], 6, 60));
      const mirror = await serve((req, res) => {
        res.writeHead(302, { Location: `${target.url}elsewhere${req.url ?? ''}` });
        res.end();
      });
      const lines: string[] = [];
      await downloadFile(FILES.trainImages, path.join(makeTempDir(), FILES.trainImages), {
        payloadSha256: spec.train.images.payloadSha256,
        mirrors: [mirror.url],
        progress: false,
        progressEveryMs: 50,
        log: (l) => lines.push(l),
      });
      const host = (url: string): string => new URL(url).host;
      expect(lines).to.include(`  ${FILES.trainImages}: ${host(mirror.url)} redirects to ${target.url}elsewhere/${FILES.trainImages}`);
      const progress = lines.filter((l) => l.includes(' MiB of '));
      expect(progress.length).to.be.at.least(2);
      expect(progress[0]).to.match(
        new RegExp(`^  ${FILES.trainImages.replace(/\./g, '\\.')}: \\d+\\.\\d MiB of 0\\.0 MiB \\(\\d+%\\) from ${host(target.url)} ` +
          `\\(redirected from ${host(mirror.url)} to ${host(target.url)}\\), [\\d.]+ (bytes|KiB|MiB)/s$`),
      );
    });
  });

  describe('a redirect from https to http', () => {
    const tls = path.join(projectRoot(), 'test', 'support', 'tls');
    let restoreCa: () => void = () => undefined;
    before(() => {
      // The test's own self-signed certificate, trusted for these requests only.
      const options = https.globalAgent.options as https.AgentOptions;
      const saved = options.ca;
      options.ca = fs.readFileSync(path.join(tls, 'cert.pem'));
      restoreCa = () => void (options.ca = saved);
    });
    after(() => restoreCa());

    async function httpsServer(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
      const server = https.createServer({ key: fs.readFileSync(path.join(tls, 'key.pem')), cert: fs.readFileSync(path.join(tls, 'cert.pem')) }, handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      };
    }

    it('is refused and not retried, while https to https is followed', async () => {
      const { spec, gz } = tinyDataset();
      const plain = await serve((_req, res) => res.end(gz[FILES.trainLabels]));
      const secureTarget = await httpsServer((_req, res) => res.end(gz[FILES.trainLabels]));
      let hits = 0;
      const downgrade = await httpsServer((req, res) => {
        hits++;
        res.writeHead(301, { Location: `${plain.url}${req.url?.slice(1) ?? ''}` });
        res.end();
      });
      const upgrade = await httpsServer((req, res) => {
        res.writeHead(302, { Location: `${secureTarget.url}${req.url?.slice(1) ?? ''}` });
        res.end();
      });
      try {
        const cacheDir = makeTempDir();
        const dest = path.join(cacheDir, FILES.trainLabels);
        const options = { payloadSha256: spec.train.labels.payloadSha256, attempts: 3, backoffMs: 0, log: noLog };
        const err = await rejection(downloadFile(FILES.trainLabels, dest, { ...options, mirrors: [downgrade.url] }));
        expect(err.message).to.contain(
          `refused a redirect from ${downgrade.url}${FILES.trainLabels} to ${plain.url}${FILES.trainLabels}: it would leave https for an unencrypted connection`,
        );
        expect(hits).to.equal(1);
        expect(plain.requests).to.deep.equal([]);
        expect(listFiles(cacheDir)).to.deep.equal([]);

        const result = await downloadFile(FILES.trainLabels, dest, { ...options, mirrors: [upgrade.url] });
        expect(result.url).to.equal(`${secureTarget.url}${FILES.trainLabels}`);
      } finally {
        await downgrade.close();
        await upgrade.close();
        await secureTarget.close();
      }
    });
  });

  describe('a failed first download', () => {
    it('leaves no empty data/<dataset>/ folder behind', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveCutShort(dir, 20));
      const root = makeTempDir();
      const cacheDir = path.join(root, 'data', 'tiny');
      await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 1 } }));
      expect(listFiles(root)).to.deep.equal([]);
    });

    it('keeps a cache folder that already existed', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveCutShort(dir, 20));
      const cacheDir = makeTempDir();
      await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 1 } }));
      expect(fs.existsSync(cacheDir)).to.equal(true);
    });
  });

  describe('a gzip bomb in a data directory', () => {
    it('is refused with the limit instead of filling the memory', async () => {
      const { spec } = tinyDataset();
      const dir = makeTempDir();
      tinyDataset({ dir, replace: { [FILES.trainImages]: gzip(Buffer.alloc(80 * 1024 * 1024)) } });
      const err = await rejection(loadMnist({ dir, dataset: spec, log: noLog }));
      expect(err.message).to.match(/train-images-idx3-ubyte\.gz: decompresses to more than \d+ bytes, the size its dataset description gives/);
    });
  });
});
