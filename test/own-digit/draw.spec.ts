// `npm run draw` (src/cli/draw.ts and web/): its flags and server first,
// then the page in a real browser (Debian's chromium driven by
// playwright-core), with a model trained here: a vertical stroke reads 1,
// an ellipse reads 0, the page agrees with Node's own preprocessing and
// prediction, asks nothing of any other server, and says to run
// `npm start` when there is no model; a CNN is fed in its own input shape.
// Screenshots go to out/test-artifacts/.
import { expect } from 'chai';
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser';
import { UsageError } from '../../src/cli/args';
import { DrawServer, modelStatus, parseDrawArgs, preprocessModuleSource, startDrawServer } from '../../src/cli/draw';
import { preprocessDigit } from '../../src/own-digit/preprocess';
import { predictDigit } from '../../src/evaluate/predict';
import { createModel } from '../../src/model/model';
import { createCnn } from '../../src/model/cnn';
import { fitSamples } from '../support/fit-samples';
import { prepareSamples } from '../../src/data/prepare';
import { saveModel } from '../../src/model/save-load';
import { realMnist } from '../support/real-data';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const ARTIFACTS = path.join(ROOT, 'out', 'test-artifacts');

function get(url: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET'): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('npm run draw: flags', () => {
  it('defaults to out/model and port 8028', () => {
    expect(parseDrawArgs([])).to.deep.equal({ modelDir: path.join('out', 'model'), port: 8028, help: false });
    expect(parseDrawArgs(['--model', '/m', '--port', '0'])).to.deep.equal({ modelDir: '/m', port: 0, help: false });
  });

  const bad: [string[], RegExp][] = [
    [['--port', '70000'], /--port expects a whole number from 0 to 65535, got "70000"/],
    [['--port', 'x'], /--port expects a whole number/],
    [['--model', ''], /--model needs a value \(a folder holding model.json \(or the model.json itself\)\), got an empty one/],
    [['--port', '1e3'], /--port expects a whole number from 0 to 65535, got "1e3"/],
    [['--modle', 'x'], /Unknown option '--modle'; did you mean --model\?/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')}`, () => expect(() => parseDrawArgs(argv)).to.throw(UsageError, message));
  }
});

describe('npm run draw: the server', function () {
  this.timeout(60000);
  let emptyDir: string;
  let server: DrawServer;
  before(async () => {
    emptyDir = tempDir('mnist-draw-empty-');
    server = await startDrawServer({ modelDir: emptyDir, port: 0 });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(emptyDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, the local TensorFlow.js and the preprocessing module', async () => {
    const page = await get(server.url);
    expect(page.status).to.equal(200);
    expect(page.body.toString()).to.include('<canvas id="pad"').and.include('src="/vendor/tf.min.js"');
    expect(page.body.toString(), 'nothing from a CDN').to.not.match(/https?:\/\//);
    const tfjs = await get(server.url + 'vendor/tf.min.js');
    expect(tfjs.status).to.equal(200);
    expect(tfjs.body.length).to.equal(fs.statSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js')).size);
    const bundle = await get(server.url + 'preprocess.js');
    expect(bundle.type).to.include('javascript');
    expect(bundle.body.toString()).to.equal(preprocessModuleSource());
    expect(bundle.body.toString()).to.match(/^export \{[^}]*\bpreprocessDigit\b[^}]*\};/m);
    expect(bundle.body.toString(), 'one self-contained ES module').not.to.match(/\brequire\(|^import /m);
  });

  it('serves esbuild\'s bundle of src/own-digit/preprocess.ts as it is now (npm run build:page)', () => {
    // The build's own command, writing to stdout instead of lib/web/: the served file must be exactly that.
    const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['build:page'];
    const [command, ...args] = script.split(' ').filter((a) => !a.startsWith('--outfile=') && !a.startsWith('--log-level='));
    expect(command).to.equal('esbuild');
    const fresh = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), args, { cwd: ROOT, encoding: 'utf8' });
    expect(preprocessModuleSource()).to.equal(fresh);
  });

  it('hands the browser the very module Node runs (the bundle works as an ES module)', async () => {
    const file = path.join(emptyDir, 'preprocess.mjs');
    fs.writeFileSync(file, preprocessModuleSource());
    const image = { data: Array.from({ length: 40 * 30 }, (_, i) => (i % 40 > 18 && i % 40 < 23 && i > 200 && i < 1000 ? 255 : 0)), width: 40, height: 30 };
    const script = `import { preprocessDigit } from ${JSON.stringify('file://' + file)};\n` +
      `process.stdout.write(JSON.stringify(Array.from(preprocessDigit(${JSON.stringify(image)}).pixels)));`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(stderr))));
    });
    expect(JSON.parse(output)).to.deep.equal(Array.from(preprocessDigit(image).pixels));
  });

  it('reports no model, naming `npm start`, and serves no model files', async () => {
    const status = JSON.parse((await get(server.url + 'api/model')).body.toString());
    expect(status.ready).to.equal(false);
    expect(status.message).to.include(`No trained model at ${path.join(emptyDir, 'model.json')}`).and.include('`npm start');
    expect((await get(server.url + 'model/model.json')).status).to.equal(404);
  });

  it('says what --model was given, what it expects and the command that works, when it names a file', async () => {
    const saved = tempDir('mnist-draw-files-');
    try {
      fs.writeFileSync(path.join(saved, 'model.json'), '{}');
      fs.writeFileSync(path.join(saved, 'weights.bin'), 'x');
      const weights = path.join(saved, 'weights.bin');
      const status = modelStatus(weights);
      expect(status.ready).to.equal(false);
      expect(status.message).to.equal(`--model ${weights} is a file, not a saved model: expected a folder holding model.json ` +
        `(as \`npm start\` saves it, out/model by default) or the model.json itself. Pass its folder: \`npm run draw -- --model ${saved}\`.`);
      expect(status.message).not.to.include('No trained model');
      // A file with no model beside it: the fix names the folder npm start saves to.
      const picture = path.join(emptyDir, 'digit.png');
      fs.writeFileSync(picture, 'x');
      expect(modelStatus(picture).message).to.include(`--model ${picture} is a file, not a saved model`)
        .and.include('Pass the folder `npm start` saved the model in, or leave out --model for out/model.');
      fs.rmSync(picture);
      // The folder above the model (npm start's --out): points one level down.
      const parent = tempDir('mnist-draw-out-');
      fs.renameSync(saved, path.join(parent, 'model'));
      expect(modelStatus(parent).message).to.include(`--model ${parent} holds no model.json, but its model/ folder does`)
        .and.include(`\`npm run draw -- --model ${path.join(parent, 'model')}\``);
      // As a command: exit 1 at once, the message without a stack trace, no server started.
      const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'cli', 'draw.ts'),
          '--model', path.join(parent, 'model', 'weights.bin'), '--port', '0'], { cwd: ROOT },
        (error, out1, err1) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout: out1, stderr: err1 }));
      });
      fs.rmSync(parent, { recursive: true, force: true });
      expect(code).to.equal(1);
      expect(stdout).not.to.include('Draw a digit at');
      expect(stderr).to.include(`is a file, not a saved model: expected a folder holding model.json`)
        .and.include(`Pass its folder: \`npm run draw -- --model ${path.join(parent, 'model')}\`.`);
      expect(stderr).not.to.match(/\n\s+at /);
    } finally {
      fs.rmSync(saved, { recursive: true, force: true });
    }
  });

  it('refuses paths out of the model folder, other hosts and other methods', async () => {
    fs.writeFileSync(path.join(path.dirname(emptyDir), 'secret.bin'), 'x');
    for (const probe of ['model/..%2fsecret.bin', 'model/%2e%2e/secret.bin', 'model/.hidden', '../package.json', 'src/own-digit/preprocess.ts', 'web/app.js']) {
      expect((await get(server.url + probe)).status, probe).to.equal(404);
    }
    fs.rmSync(path.join(path.dirname(emptyDir), 'secret.bin'));
    expect((await get(server.url, { Host: 'evil.example:80' })).status).to.equal(403);
    expect((await get(server.url, {}, 'POST')).status).to.equal(405);
  });

  it('says so when the port is taken', async () => {
    let message = '';
    try {
      await startDrawServer({ modelDir: emptyDir, port: server.port });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include(`Port ${server.port} on 127.0.0.1 is already in use`).and.include('--port');
  });

  it('as a command, prints the address and which command creates a model', async () => {
    const child: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', 'cli', 'draw.ts'),
      '--model', emptyDir, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Ctrl+C')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`draw exited early with ${code}: ${stdout}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited, 'stops cleanly on SIGTERM').to.equal(0);
    expect(stdout).to.match(/Draw a digit at http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).to.include('No trained model at').and.include('`npm start');
  });
});

describe('npm run draw: the page in a real browser', function () {
  this.timeout(180000);
  let browser: Browser | undefined;
  let page: Page;
  let server: DrawServer | undefined;
  let model: tf.Sequential | undefined;
  let modelDir: string;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  before(async function () {
    requireChromium(this);
    const mnist = await realMnist(this);
    model = createModel({ seed: 3 });
    await fitSamples(model, prepareSamples(mnist.train, { limit: 10000 }), { epochs: 3 });
    modelDir = tempDir('mnist-draw-model-');
    await saveModel(model, modelDir);
    server = await startDrawServer({ modelDir, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const origin = server.url;
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(server.url);
    await page.waitForSelector('#status[data-state="ready"]', { timeout: 60000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    model?.dispose();
    if (modelDir !== undefined) fs.rmSync(modelDir, { recursive: true, force: true });
  });

  /** Waits two frames: the page updates at most once per frame. */
  async function settle(): Promise<void> {
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  }

  async function clear(): Promise<void> {
    await page.click('#clear');
    await settle();
    expect(await page.getAttribute('#prediction', 'data-digit')).to.equal('');
  }

  /** Drags the mouse through canvas points (0–280 on each axis). */
  async function drawStroke(points: { x: number; y: number }[]): Promise<void> {
    const box = await page.locator('#pad').boundingBox();
    if (box === null) throw new Error('the canvas is not visible');
    await page.mouse.move(box.x + points[0].x, box.y + points[0].y);
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(box.x + p.x, box.y + p.y);
    await page.mouse.up();
    await settle();
  }

  /** The page's prediction, checked against Node reading the same canvas pixels with the same module and model. */
  async function shownDigit(): Promise<number> {
    const shown = Number(await page.getAttribute('#prediction', 'data-digit'));
    const probabilities = await page.$$eval('#probabilities li', (items) => items.map((li) => Number((li as HTMLElement).dataset.probability)));
    // The canvas as a PNG (lossless, and far quicker to hand over than 313,600 numbers).
    const dataUrl = await page.$eval('#pad', (pad) => (pad as HTMLCanvasElement).toDataURL('image/png'));
    const canvas = PNG.sync.read(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
    const digit = preprocessDigit({ data: new Uint8Array(canvas.data), width: canvas.width, height: canvas.height });
    const inNode = predictDigit(model as tf.Sequential, digit.pixels);
    expect(shown, 'the page and Node agree').to.equal(inNode.digit);
    probabilities.forEach((p, i) => expect(p).to.be.closeTo(inNode.probabilities[i], 1e-4));
    // The 28×28 preview shows exactly the model's input (the centre of each 5×5 square).
    const preview = await page.evaluate(() => {
      const seen = document.getElementById('seen') as HTMLCanvasElement;
      const data = (seen.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, seen.width, seen.height).data;
      const cell = seen.width / 28;
      return Array.from({ length: 784 }, (_, i) => data[(Math.floor((Math.floor(i / 28) + 0.5) * cell) * seen.width + Math.floor((i % 28 + 0.5) * cell)) * 4]);
    });
    preview.forEach((v, i) => expect(v, `preview pixel ${i}`).to.be.closeTo(Math.round(digit.pixels[i] * 255), 1));
    return shown;
  }

  it('reads a vertical stroke as 1', async () => {
    await clear();
    await drawStroke(Array.from({ length: 13 }, (_, i) => ({ x: 142 - i * 0.5, y: 45 + i * 16 })));
    expect(await shownDigit()).to.equal(1);
    expect(await page.textContent('#confidence')).to.match(/\(\d+\.\d% sure\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'draw-1.png') });
  });

  it('reads the outline of an ellipse as 0', async () => {
    await clear();
    await drawStroke(Array.from({ length: 41 }, (_, i) => {
      const angle = (i / 40) * 2 * Math.PI - Math.PI / 2;
      return { x: 140 + 55 * Math.cos(angle), y: 140 + 85 * Math.sin(angle) };
    }));
    expect(await shownDigit()).to.equal(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'draw-0.png') });
  });

  it('reads white ink on black the same way', async () => {
    await page.selectOption('#ink', 'light');
    await settle();
    expect(await page.getAttribute('#prediction', 'data-digit'), 'switching ink clears the canvas').to.equal('');
    await drawStroke(Array.from({ length: 13 }, (_, i) => ({ x: 130 + i, y: 40 + i * 17 })));
    expect(await shownDigit()).to.equal(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'draw-1-white-on-black.png') });
    await page.selectOption('#ink', 'dark');
  });

  it('clears back to a blank canvas and no prediction', async () => {
    await drawStroke([{ x: 100, y: 100 }, { x: 180, y: 180 }]);
    await page.keyboard.press('Escape');
    await settle();
    expect(await page.getAttribute('#prediction', 'data-digit')).to.equal('');
    expect(await page.textContent('#status')).to.include('Draw a digit');
  });

  it('asked nothing of any other server, and logged no errors', () => {
    expect(foreignRequests).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });

  /** A vertical stroke down the middle of another page's canvas, then two frames for the page to read it. */
  async function drawVerticalStroke(other: Page): Promise<void> {
    const box = await other.locator('#pad').boundingBox();
    if (box === null) throw new Error('the canvas is not visible');
    await other.mouse.move(box.x + 140, box.y + 50);
    await other.mouse.down();
    await other.mouse.move(box.x + 140, box.y + 230, { steps: 10 });
    await other.mouse.up();
    await other.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  }

  it('says which command creates a model when there is none, and still shows the 28×28 input', async () => {
    const emptyDir = tempDir('mnist-draw-nomodel-');
    const bare = await startDrawServer({ modelDir: emptyDir, port: 0 });
    try {
      const other = await (browser as Browser).newPage({ viewport: { width: 1000, height: 760 } });
      await other.goto(bare.url);
      await other.waitForSelector('#status[data-state="no-model"]');
      const text = await other.textContent('#status');
      expect(text).to.include('No trained model at').and.include('npm start').and.include('reload');
      expect(await other.$eval('#status code', (code) => code.textContent)).to.equal('npm start');
      await drawVerticalStroke(other);
      const lit = await other.evaluate(() => {
        const seen = document.getElementById('seen') as HTMLCanvasElement;
        const data = (seen.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, seen.width, seen.height).data;
        let count = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] > 128) count++;
        return count;
      });
      expect(lit, 'the preview shows the stroke').to.be.greaterThan(100);
      expect(await other.getAttribute('#prediction', 'data-digit')).to.equal('');
      await other.screenshot({ path: path.join(ARTIFACTS, 'draw-no-model.png') });
      await other.close();
    } finally {
      await bare.close();
      fs.rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it("reads the model's input shape from the model: a CNN gets (1, 28, 28, 1) and agrees with Node", async () => {
    const cnnDir = tempDir('mnist-draw-cnn-');
    const cnn = createCnn({ seed: 5 });
    await saveModel(cnn, cnnDir);
    const cnnServer = await startDrawServer({ modelDir: cnnDir, port: 0 });
    try {
      const other = await (browser as Browser).newPage({ viewport: { width: 1000, height: 760 } });
      const errors: string[] = [];
      other.on('pageerror', (error) => errors.push(error.message));
      await other.goto(cnnServer.url);
      await other.waitForSelector('#status[data-state="ready"]', { timeout: 60000 });
      await drawVerticalStroke(other);
      const shown = await other.getAttribute('#prediction', 'data-digit');
      const probabilities = await other.$$eval('#probabilities li', (items) => items.map((li) => Number((li as HTMLElement).dataset.probability)));
      const dataUrl = await other.$eval('#pad', (pad) => (pad as HTMLCanvasElement).toDataURL('image/png'));
      const canvas = PNG.sync.read(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
      const digit = preprocessDigit({ data: new Uint8Array(canvas.data), width: canvas.width, height: canvas.height });
      const inNode = predictDigit(cnn, digit.pixels);
      expect(inNode.inputShape).to.deep.equal([1, 28, 28, 1]);
      expect(errors).to.deep.equal([]);
      expect(shown, 'the page and Node agree on the CNN').to.equal(String(inNode.digit));
      probabilities.forEach((p, i) => expect(p).to.be.closeTo(inNode.probabilities[i], 1e-4));
      await other.close();
    } finally {
      await cnnServer.close();
      cnn.dispose();
      fs.rmSync(cnnDir, { recursive: true, force: true });
    }
  });
});
