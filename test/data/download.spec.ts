/**
 * Downloading: a loopback HTTP server plays the mirrors. A good download lands
 * verified in the cache; every kind of failure leaves the cache empty and says
 * what happened and what to do.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { DownloadError, downloadFile, resolveMirrors } from '../../src/data/download';
import { loadMnist, verifyMnist } from '../../src/data/mnist';
import {
  FILES,
  Handler,
  TestServer,
  gzip,
  imagesIdx,
  listFiles,
  makeTempDir,
  noLog,
  removeTempDirs,
  serveCutShort,
  serveDir,
  setEnv,
  startServer,
  tinyDataset,
} from '../support/fixtures';
import { realMnistDir } from '../support/real-data';
import { rejection } from '../support/errors';

/** Servers started by a test, closed after it. */
const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** A base URL where nothing listens: a server that was started and closed again. */
async function deadUrl(): Promise<string> {
  const server = await startServer(() => undefined);
  await server.close();
  return server.url;
}

const fast = { attempts: 2, backoffMs: 0, timeoutMs: 5000 };

describe('downloading', () => {
  // loadMnist must use the cache here, so a developer's MNIST_DATA_DIR / MNIST_MIRROR are set aside.
  let restoreEnv: () => void = () => undefined;
  before(() => {
    restoreEnv = setEnv({ MNIST_DATA_DIR: undefined, MNIST_MIRROR: undefined });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  after(() => {
    restoreEnv();
    removeTempDirs();
  });

  describe('the real MNIST into an empty cache', () => {
    it('downloads the four files, verifies them and then reads them from the cache', async function () {
      const REAL_DATA_DIR = realMnistDir(this);
      const server = await serve(serveDir(REAL_DATA_DIR));
      const cacheDir = path.join(makeTempDir(), 'data', 'mnist');
      const lines: string[] = [];
      const mnist = await loadMnist({ cacheDir, mirrors: [server.url], log: (l) => lines.push(l), download: fast });

      expect(mnist.dir).to.equal(cacheDir);
      expect(mnist.train.count).to.equal(60000);
      expect(mnist.test.count).to.equal(10000);
      expect(mnist.test.labels[0]).to.equal(7);
      expect(listFiles(cacheDir)).to.deep.equal([FILES.testImages, FILES.testLabels, FILES.trainImages, FILES.trainLabels]);
      expect(server.requests.map((r) => r.slice(1)).sort()).to.deep.equal(listFiles(cacheDir));
      expect(lines.join('\n')).to.contain(`Downloading ${FILES.trainImages} from ${server.url}${FILES.trainImages}`);

      const report = await verifyMnist({ cacheDir, mirrors: [server.url], log: noLog });
      expect(report.ok).to.equal(true);
      expect(report.files.map((f) => f.status)).to.deep.equal(['verified', 'verified', 'verified', 'verified']);
      expect(server.requests).to.have.length(4);
    });

    it('reports downloaded files as such in verifyMnist', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveDir(dir));
      const cacheDir = makeTempDir();
      const report = await verifyMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: fast });
      expect(report.ok).to.equal(true);
      expect(report.files.map((f) => [f.status, f.count])).to.deep.equal([
        ['downloaded', 5],
        ['downloaded', 5],
        ['downloaded', 3],
        ['downloaded', 3],
      ]);
    });
  });

  describe('a server that cuts a file short', () => {
    it('leaves nothing in the cache, and the error says the file was cut short and nothing was saved', async () => {
      const { dir, spec, gz } = tinyDataset();
      const server = await serve(serveCutShort(dir, 20));
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: fast }));

      const size = gz[FILES.trainImages].length;
      expect(err.message).to.contain(`Could not download ${FILES.trainImages}: every mirror failed.`);
      expect(err.message).to.contain(
        `${server.url}: size mismatch: the server cut the file short, closing the connection after 20 of ${size} bytes (Content-Length) (2 attempts)`,
      );
      expect(err.message).to.contain(`Nothing was saved: neither ${FILES.trainImages} nor a partial ${FILES.trainImages}.*.part was left in ${cacheDir}.`);
      expect(listFiles(cacheDir)).to.deep.equal([]);
      expect(server.requests).to.have.length(2); // retried once
    });

    it('does the same for a real MNIST file', async function () {
      const REAL_DATA_DIR = realMnistDir(this);
      const server = await serve(serveCutShort(REAL_DATA_DIR, 1_000_000));
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], log: noLog, download: { ...fast, attempts: 1 } }));
      expect(err.message).to.match(/cut the file short, closing the connection after \d+ of 9719438 bytes/);
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });
  });

  describe('a server that serves the wrong bytes', () => {
    it('fails the checksum, does not retry that mirror, and leaves nothing in the cache', async () => {
      const { spec } = tinyDataset();
      const wrong = gzip(imagesIdx(5, 4, 4).fill(7, 16));
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Length': wrong.length });
        res.end(wrong);
      });
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: fast }));
      expect(err.message).to.contain(`checksum mismatch: expected payload SHA-256 ${spec.train.images.payloadSha256}, got `);
      expect(err.message).to.contain('this mirror serves different data');
      expect(err.message).to.contain('Nothing was saved');
      expect(server.requests).to.have.length(1);
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });

    it('reports bytes that are not gzip data either', async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => res.end('not gzip: plain text'));
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: fast }));
      expect(err.message).to.contain('checksum mismatch').and.not.to.contain('web page');
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });

    it("reports a proxy's HTML page (\"Access denied\") as a web page, not as data", async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => res.end('<html>Access denied</html>'));
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog, download: fast }));
      expect(err.message).to.contain('the mirror sent a web page (HTML)').and.contain('network login page');
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });
  });

  describe('a mirror that fails', () => {
    it('is skipped for the next one, which succeeds', async () => {
      const { dir, spec } = tinyDataset();
      const broken = await serve((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      const good = await serve(serveDir(dir));
      const lines: string[] = [];
      const cacheDir = makeTempDir();
      const mnist = await loadMnist({
        cacheDir,
        mirrors: [await deadUrl(), broken.url, good.url],
        dataset: spec,
        log: (l) => lines.push(l),
        download: fast,
      });
      expect(mnist.train.count).to.equal(5);
      expect(listFiles(cacheDir)).to.have.length(4);
      expect(broken.requests).to.have.length(4); // a 404 is not retried
      expect(lines.join('\n')).to.contain('failed: HTTP 404 Not Found');
      expect(lines.join('\n')).to.contain('ECONNREFUSED');
    });
  });

  describe('retries', () => {
    it('try the same mirror again after a server error', async () => {
      const { dir, spec } = tinyDataset();
      const file = serveDir(dir);
      let calls = 0;
      const server = await serve((req, res) => {
        if (++calls <= 2) {
          res.writeHead(503);
          res.end();
        } else file(req, res);
      });
      const cacheDir = makeTempDir();
      const result = await downloadFile(FILES.trainLabels, path.join(cacheDir, FILES.trainLabels), {
        payloadSha256: spec.train.labels.payloadSha256,
        mirrors: [server.url],
        attempts: 3,
        backoffMs: 1,
        log: noLog,
      });
      expect(result.path).to.equal(path.join(cacheDir, FILES.trainLabels));
      expect(result.mirror).to.equal(server.url);
      expect(server.requests).to.have.length(3);
    });

    it('give up on a server that stays silent, after the timeout', async () => {
      const { spec } = tinyDataset();
      const server = await serve(() => undefined);
      const cacheDir = makeTempDir();
      const err = await rejection(
        downloadFile(FILES.trainLabels, path.join(cacheDir, FILES.trainLabels), {
          payloadSha256: spec.train.labels.payloadSha256,
          mirrors: [server.url],
          attempts: 1,
          timeoutMs: 200,
        }),
      );
      expect(err.message).to.contain('timed out');
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });
  });

  describe('redirects', () => {
    it('are followed, also to another server', async () => {
      const { dir, spec } = tinyDataset();
      const target = await serve(serveDir(dir));
      const server = await serve((req, res) => {
        res.writeHead(302, { Location: `${target.url}files${req.url ?? ''}` });
        res.end();
      });
      const dest = path.join(makeTempDir(), FILES.testImages);
      const result = await downloadFile(FILES.testImages, dest, { payloadSha256: spec.test.images.payloadSha256, mirrors: [server.url] });
      expect(result.url).to.equal(`${target.url}files/${FILES.testImages}`);
      expect(fs.readFileSync(dest).length).to.be.greaterThan(0);
    });
  });

  describe('choosing mirrors', () => {
    it('takes explicit mirrors first, then MNIST_MIRROR, then the defaults', () => {
      const defaults = ['https://a/', 'https://b/'];
      expect(resolveMirrors(['http://x/'], defaults, 'MNIST_MIRROR', { MNIST_MIRROR: 'http://env/' })).to.deep.equal(['http://x/']);
      expect(resolveMirrors(undefined, defaults, 'MNIST_MIRROR', { MNIST_MIRROR: 'http://env/' })).to.deep.equal(['http://env/']);
      expect(resolveMirrors([], defaults, 'MNIST_MIRROR', {})).to.deep.equal(defaults);
    });

    it('downloads from MNIST_MIRROR instead of the default mirrors', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveDir(dir));
      const restore = setEnv({ MNIST_MIRROR: server.url.replace(/\/$/, '') }); // also without a trailing slash
      try {
        const dest = path.join(makeTempDir(), FILES.testLabels);
        const result = await downloadFile(FILES.testLabels, dest, {
          payloadSha256: spec.test.labels.payloadSha256,
          defaultMirrors: [await deadUrl()],
        });
        expect(result.url).to.equal(server.url + FILES.testLabels);
      } finally {
        restore();
      }
    });
  });

  describe('when every mirror fails', () => {
    it('lists each mirror with its reason and says where to put the files by hand', async () => {
      const { spec } = tinyDataset();
      const missing = await serve((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      const failing = await serve((_req, res) => {
        res.writeHead(500);
        res.end();
      });
      const cacheDir = makeTempDir();
      const err = await rejection(loadMnist({ cacheDir, mirrors: [missing.url, failing.url], dataset: spec, log: noLog, download: fast }));
      expect(err).to.be.instanceOf(DownloadError);
      expect((err as DownloadError).failures.map((f) => f.mirror)).to.deep.equal([missing.url, failing.url]);
      expect(err.message).to.contain(`  - ${missing.url}: HTTP 404 Not Found for ${missing.url}${FILES.trainImages}\n`);
      expect(err.message).to.contain(`  - ${failing.url}: HTTP 500 Internal Server Error for ${failing.url}${FILES.trainImages} (2 attempts)`);
      expect(err.message).to.contain(
        `To fix: put these files into ${cacheDir} by hand (copied from any mirror): ${FILES.trainImages}, ${FILES.trainLabels}, ${FILES.testImages}, ${FILES.testLabels};`,
      );
      expect(err.message).to.contain('or set MNIST_DATA_DIR to a directory that already holds them');
      expect(err.message).to.contain('or set MNIST_MIRROR to the base URL of a mirror that works');
      expect(listFiles(cacheDir)).to.deep.equal([]);
    });

    it('stops verifyMnist from trying the other files, which would fail the same way', async () => {
      const { spec } = tinyDataset();
      const missing = await serve((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      const report = await verifyMnist({ cacheDir: makeTempDir(), mirrors: [missing.url], dataset: spec, log: noLog, download: fast });
      expect(report.ok).to.equal(false);
      expect(report.files.map((f) => f.status)).to.deep.equal(['error', 'error', 'error', 'error']);
      expect(report.files[0].error).to.contain(`Could not download ${FILES.trainImages}: every mirror failed.`);
      expect(report.files[3].error).to.contain(`${FILES.testLabels} is not in `);
      expect(report.files[3].error).to.contain(`was not downloaded, since downloading ${FILES.trainImages} already failed`);
      expect(missing.requests).to.have.length(1);
    });
  });
});
