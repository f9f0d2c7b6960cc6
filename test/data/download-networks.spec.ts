/**
 * Downloads on the networks students are on, played by loopback servers: a
 * captive portal (school or hotel Wi-Fi) that answers with its login page, a
 * mirror URL with credentials in it, a cache path taken by a file, and
 * Ctrl+C during the very first download.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { downloadFile, redactUrls } from '../../src/data/download';
import { loadMnist, verifyMnist } from '../../src/data/mnist';
import { FILES, Handler, TestServer, gzip, listFiles, makeTempDir, noLog, removeTempDirs, serveDir, setEnv, startServer, tinyDataset } from '../support/fixtures';
import { rejection } from '../support/errors';
import { projectRoot } from '../../src/data/project-root';

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const PORTAL = '<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi – please sign in</title></head><body><form>…</form></body></html>\n';

describe('downloads on school, hotel and home networks', function () {
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

  describe('a captive portal that answers every request with its login page', () => {
    for (const [what, headers] of [['as text/html', { 'Content-Type': 'text/html; charset=utf-8' }], ['with no content type', {}]] as const) {
      it(`is reported as a web page, probably a network login, and not retried (${what})`, async () => {
        const { spec } = tinyDataset();
        const portal = await serve((_req, res) => {
          res.writeHead(200, headers);
          res.end(PORTAL);
        });
        const cacheDir = path.join(makeTempDir(), 'data', 'tiny');
        const err = await rejection(loadMnist({ cacheDir, mirrors: [portal.url], dataset: spec, log: noLog, download: { attempts: 3, backoffMs: 0 } }));
        expect(err.message).to.contain(`${portal.url}: the mirror sent a web page (titled "Guest Wi-Fi – please sign in") instead of ${FILES.trainImages}: ` +
          'this looks like a network login page');
        expect(err.message).to.contain('log in to the network, then try again');
        expect(err.message).not.to.contain('serves different data');
        expect(portal.requests).to.have.length(1);
        expect(fs.existsSync(path.dirname(cacheDir))).to.equal(false);
      });
    }

    it('still reports data of the wrong kind as a checksum mismatch', async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(gzip(Buffer.alloc(100, 3)));
      });
      const err = await rejection(downloadFile(FILES.trainLabels, path.join(makeTempDir(), FILES.trainLabels), {
        payloadSha256: spec.train.labels.payloadSha256, mirrors: [server.url], log: noLog, attempts: 1,
      }));
      expect(err.message).to.contain('checksum mismatch').and.not.to.contain('web page');
    });
  });

  describe('a mirror URL with a user name and password in it', () => {
    const SECRET = 'pa55w0rd-never-shown';

    it('uses them for the request but never prints them: not in the log, the error or the result', async () => {
      const { spec } = tinyDataset();
      const seen: string[] = [];
      const server = await serve((req, res) => {
        seen.push(req.headers.authorization ?? '');
        res.writeHead(404);
        res.end();
      });
      const mirror = server.url.replace('http://', `http://student:${SECRET}@`) + '?token=abc123secret';
      const lines: string[] = [];
      const restore = setEnv({ TINY_MIRROR: mirror });
      try {
        const err = await rejection(loadMnist({ cacheDir: makeTempDir(), dataset: { ...spec, env: { ...spec.env, mirror: 'TINY_MIRROR' } }, log: (l) => lines.push(l), download: { attempts: 1 } }));
        const printed = [err.message, ...lines].join('\n');
        expect(printed).not.to.contain(SECRET).and.not.to.contain('abc123secret');
        expect(printed).to.contain(`http://student:***@${server.url.slice('http://'.length)}`);
        expect(seen[0]).to.equal('Basic ' + Buffer.from(`student:${SECRET}`).toString('base64'));
      } finally {
        restore();
      }
    });

    it('hides them in the result of a successful download too', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveDir(dir));
      const mirror = server.url.replace('http://', `http://student:${SECRET}@`);
      const result = await downloadFile(FILES.trainLabels, path.join(makeTempDir(), FILES.trainLabels), {
        payloadSha256: spec.train.labels.payloadSha256, mirrors: [mirror], log: noLog,
      });
      expect(JSON.stringify({ mirror: result.mirror, url: result.url })).not.to.contain(SECRET);
    });

    it('redacts passwords and key-like query values, and leaves other URLs alone', () => {
      expect(redactUrls('from https://u:p%40ss@host.example/mnist/ and http://host/x?sig=1&a=2&api_key=zz'))
        .to.equal('from https://u:***@host.example/mnist/ and http://host/x?sig=***&a=2&api_key=***');
      expect(redactUrls('https://token@host/')).to.equal('https://***@host/');
      expect(redactUrls('https://storage.googleapis.com/cvdf-datasets/mnist/')).to.equal('https://storage.googleapis.com/cvdf-datasets/mnist/');
    });
  });

  describe('a network that lets only a proxy out (HTTPS_PROXY set)', () => {
    it('says that the download does not use the proxy and what to do, without the proxy\'s password', async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => {
        res.writeHead(403);
        res.end();
      });
      const restore = setEnv({ HTTPS_PROXY: 'http://pupil:proxy-secret@proxy.school.example:3128' });
      try {
        const err = await rejection(loadMnist({ cacheDir: makeTempDir(), mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 1 } }));
        expect(err.message).to.contain('Note: HTTPS_PROXY is set (http://pupil:***@proxy.school.example:3128), but this download connects directly');
        expect(err.message).to.contain(`or set ${spec.env.dataDir} to where they are`);
        expect(err.message).not.to.contain('proxy-secret');
      } finally {
        restore();
      }
    });

    it('adds nothing when no proxy is set', async () => {
      const { spec } = tinyDataset();
      const server = await serve((_req, res) => {
        res.writeHead(403);
        res.end();
      });
      const restore = setEnv({ HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined });
      try {
        const err = await rejection(loadMnist({ cacheDir: makeTempDir(), mirrors: [server.url], dataset: spec, log: noLog, download: { attempts: 1 } }));
        expect(err.message).to.contain('HTTP 403').and.not.to.contain('proxy variables');
      } finally {
        restore();
      }
    });
  });

  describe('a cache path that is a file, not a folder', () => {
    it('is one clear error, before any mirror is asked (loadMnist and npm run data)', async () => {
      const { dir, spec } = tinyDataset();
      const server = await serve(serveDir(dir));
      const root = makeTempDir();
      const cacheDir = path.join(root, 'tiny');
      fs.writeFileSync(cacheDir, 'not a folder');
      const err = await rejection(loadMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog }));
      expect(err.message).to.equal(`the download cache ${cacheDir} cannot be created: ${cacheDir} is a file, not a folder. Move or delete ${cacheDir} ` +
        `(it is not one of the ${spec.title} files), then run again; or set ${spec.env.dataDir} to a folder that holds the files.`);
      const report = await verifyMnist({ cacheDir, mirrors: [server.url], dataset: spec, log: noLog });
      expect(report.ok).to.equal(false);
      expect(report.problems[0]).to.contain(`${cacheDir} is a file, not a folder`);
      expect(server.requests).to.deep.equal([]);
      expect(fs.readFileSync(cacheDir, 'utf8')).to.equal('not a folder');
    });

    it('is found when a folder above it is a file', async () => {
      const { spec } = tinyDataset();
      const root = makeTempDir();
      fs.writeFileSync(path.join(root, 'data'), '');
      const err = await rejection(loadMnist({ cacheDir: path.join(root, 'data', 'tiny'), mirrors: ['http://127.0.0.1:9/'], dataset: spec, log: noLog }));
      expect(err.message).to.contain(`${path.join(root, 'data')} is a file, not a folder`);
    });
  });

  describe('Ctrl+C during the first download', () => {
    it('leaves no empty cache folder behind (the process ends as SIGINT would)', async () => {
      const { spec } = tinyDataset();
      const slow = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Length': 1_000_000 });
        const timer: NodeJS.Timeout = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.from([0x1f]))), 50);
        res.on('close', () => clearInterval(timer));
      });
      const root = makeTempDir();
      const dest = path.join(root, 'data', 'tiny', FILES.trainImages);
      const code = `require('./src/data/download').downloadFile(${JSON.stringify(FILES.trainImages)}, ${JSON.stringify(dest)}, ` +
        `{ payloadSha256: ${JSON.stringify(spec.train.images.payloadSha256)}, mirrors: [${JSON.stringify(slow.url)}], attempts: 1, progress: false })` +
        '.then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });';
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      const start = Date.now();
      while (!(fs.existsSync(path.dirname(dest)) && listFiles(path.dirname(dest)).some((f) => f.endsWith('.part')))) {
        if (Date.now() - start > 30000) throw new Error('timed out waiting for the part file');
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGINT');
      const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      expect(exit).to.equal('SIGINT');
      expect(listFiles(root)).to.deep.equal([]);
    });
  });
});
