/**
 * The workbook in JupyterLab 4, in a real browser, the way a student uses it:
 * JupyterLab on 127.0.0.1 with a token, Debian's Chromium driven by
 * playwright-core, Run → Run All Cells from the menu, then Kernel → Restart
 * Kernel and Run All Cells with a Kernel → Interrupt during training and the
 * rest run again from the training cell. The workbook is a copy; the committed
 * notebook is never touched. Screenshots go to out/test-artifacts/.
 *
 * Assertions read what JupyterLab saved (outputs and their MIME types) and
 * what the page drew, not the cells' code, so rewording a cell keeps them true.
 */
import { expect } from 'chai';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser';
import { realMnistDir } from '../support/real-data';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const WORKBOOK = path.join(ROOT, 'notebooks', 'mnist-workbook.ipynb');
const ARTIFACTS = path.join(ROOT, 'out', 'test-artifacts');
const VEGA_LITE = 'application/vnd.vegalite.v5+json';
const PROGRESS_LINE = /Epoch \d+\/\d+ \[[=>.]+\] (\d+)\/\d+/;
/** What a training cell shows: the live line of the running epoch, or the summary line of a finished one. */
const TRAINING_OUTPUT = new RegExp(`${PROGRESS_LINE.source}|Epoch \\d+ - [\\d.]+s - loss`);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
}

const joined = (s: unknown): string => (Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : '');
const textOf = (outputs: Output[] = []): string =>
  outputs.map((o) => (o.output_type === 'stream' ? joined(o.text) : joined(o.data?.['text/plain']))).join('');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Python with JupyterLab that `npm run lab` would use, or why there is none. */
function labPython(): { python?: string; missing?: string } {
  const found = spawnSync('bash', [path.join(ROOT, 'scripts', 'jupyter.sh'), 'lab-python'], { encoding: 'utf8' });
  if (found.status === 0) return { python: found.stdout.trim().split('\n').pop() };
  return { missing: 'no Python with JupyterLab (run `bash scripts/jupyter.sh lab-python --install` or `npm run lab` once, or set JUPYTER_PYTHON)' };
}

/** CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** The process running the kernel with this id (its command line names the connection file). */
function kernelPid(kernelId: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(`kernel-${kernelId}.json`) && cmd.includes('tslab')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

describe('the workbook in JupyterLab, in a browser (Run All, Restart Kernel and Run All, Interrupt)', function () {
  this.timeout(1800000);
  let tmp: string;
  let lab: ChildProcess | undefined;
  let labLog = '';
  let browser: Browser | undefined;
  let page: Page;
  let base = '';
  const token = randomBytes(16).toString('hex');
  const pageErrors: string[] = [];
  let copy: string;
  const committedWorkbook = fs.readFileSync(WORKBOOK, 'utf8');

  async function api<T>(route: string, method = 'GET'): Promise<T> {
    const response = await fetch(`${base}${route}`, { method, headers: { Authorization: `token ${token}` } });
    if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  async function kernel(): Promise<{ id: string; execution_state: string }> {
    const sessions = await api<{ kernel: { id: string; execution_state: string } }[]>('/api/sessions');
    expect(sessions, 'one kernel session for the workbook').to.have.length(1);
    return sessions[0].kernel;
  }

  async function menu(top: string, item: RegExp): Promise<void> {
    await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: item }).first().click();
  }

  async function prompts(): Promise<string[]> {
    return page.locator('.jp-CodeCell .jp-InputArea-prompt').allInnerTexts();
  }

  /**
   * Waits until no cell is running or queued and the kernel is idle, recording
   * each distinct training-progress line the page showed meanwhile.
   */
  async function waitForRunEnd(progressSeen: string[] = [], timeoutMs = 1200000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let quiet = 0;
    // Every progress line the page shows, caught as the DOM changes: an epoch takes about a second and
    // the line changes at most once a second, faster than this loop polls a busy page.
    await page.evaluate((source) => {
      const pattern = new RegExp(source);
      const w = window as unknown as { progressSeen: string[]; progressObserver?: MutationObserver };
      w.progressObserver?.disconnect();
      w.progressSeen = [];
      w.progressObserver = new MutationObserver(() => {
        for (const pre of Array.from(document.querySelectorAll('.jp-OutputArea-output pre'))) {
          const line = (pre.textContent ?? '').split('\n').find((l) => pattern.test(l));
          if (line !== undefined && w.progressSeen[w.progressSeen.length - 1] !== line) w.progressSeen.push(line);
        }
      });
      w.progressObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
    }, PROGRESS_LINE.source);
    await sleep(1000);
    while (quiet < 3) {
      if (Date.now() > until) throw new Error(`the run did not finish in ${timeoutMs / 1000}s: prompts ${(await prompts()).join(' ')}`);
      const lines = await page.locator('.jp-OutputArea-output pre').allInnerTexts();
      for (const text of lines) {
        const line = text.split('\n').find((l) => PROGRESS_LINE.test(l));
        if (line !== undefined && progressSeen[progressSeen.length - 1] !== line) progressSeen.push(line);
      }
      const busy = (await prompts()).some((p) => p.includes('*'));
      quiet = !busy && (await kernel()).execution_state === 'idle' ? quiet + 1 : 0;
      await sleep(500);
    }
    const observed = await page.evaluate(() => {
      const w = window as unknown as { progressSeen: string[]; progressObserver?: MutationObserver };
      w.progressObserver?.disconnect();
      return w.progressSeen;
    });
    for (const line of observed) if (!progressSeen.includes(line)) progressSeen.push(line);
  }

  async function save(): Promise<Notebook> {
    const before = fs.statSync(copy).mtimeMs;
    await menu('File', /^Save Notebook$/);
    for (let i = 0; i < 300 && fs.statSync(copy).mtimeMs === before; i++) await sleep(100);
    if (fs.statSync(copy).mtimeMs === before) {
      await screenshot('save-failed');
      throw new Error('JupyterLab did not save the notebook within 30 s (see jupyterlab-save-failed.png)');
    }
    await sleep(500);
    return JSON.parse(fs.readFileSync(copy, 'utf8')) as Notebook;
  }

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `jupyterlab-${name}.png`) });
  }

  /** What every complete run must show, read from the saved notebook and the page. */
  async function expectCompleteRun(nb: Notebook, name: string): Promise<void> {
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    expect(code.filter((c) => c.execution_count === null).length, 'code cells that did not run').to.equal(0);
    const errors = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error' || o.name === 'stderr'))
      .map((o) => joined(o.text) || JSON.stringify(o).slice(0, 300));
    expect(errors, 'error output').to.deep.equal([]);

    const outputs = code.flatMap((c) => c.outputs ?? []);
    const charts = outputs.filter((o) => o.data?.[VEGA_LITE] !== undefined);
    expect(charts.length, 'Vega-Lite charts').to.be.at.least(5);
    for (const chart of charts) {
      // Viewers without Vega-Lite (GitHub, VS Code, nbviewer) show this picture instead.
      expect(joined(chart.data?.['image/svg+xml']), 'the SVG beside each Vega-Lite chart').to.match(/^<svg[\s\S]*<\/svg>$/);
    }
    // (JupyterLab also stores a PNG snapshot beside each Vega-Lite chart it drew; those are not digit images.)
    const images = outputs.filter((o) => typeof o.data?.['image/png'] === 'string' && o.data?.[VEGA_LITE] === undefined);
    expect(images.length, 'PNG digit images').to.be.at.least(4);

    // On the page: each chart drawn by JupyterLab's Vega renderer (an SVG or canvas inside it),
    // each digit image loaded.
    // (JupyterLab's Vega-Lite renderer, not the SVG fallback: it outranks image/svg+xml.)
    const drawn = page.locator('.jp-OutputArea-output.jp-RenderedVegaLite');
    expect(await drawn.count(), 'Vega-Lite outputs on the page').to.equal(charts.length);
    for (let i = 0; i < charts.length; i++) {
      await drawn.nth(i).locator('svg.marks, canvas.marks').first().waitFor({ state: 'attached', timeout: 30000 });
    }
    const pngs = page.locator('.jp-OutputArea-output[data-mime-type="image/png"] img');
    expect(await pngs.count(), 'digit images on the page').to.equal(images.length);
    const loaded = await pngs.evaluateAll((els) => els.map((el) => (el as HTMLImageElement).naturalWidth));
    expect(loaded.every((w) => w > 0), `image widths ${loaded.join(',')}`).to.equal(true);

    // Step 8 · Predict one digit: the image as one row of 784 values, predicted as a 7.
    const step8 = nb.cells.findIndex((c) => c.cell_type === 'markdown' && /^#+ Step 8\b/.test(joined(c.source)));
    expect(step8, 'the Step 8 heading').to.be.at.least(0);
    const next = nb.cells.findIndex((c, i) => i > step8 && c.cell_type === 'markdown' && /^#+ /.test(joined(c.source)));
    const step8Text = nb.cells.slice(step8, next).map((c) => textOf(c.outputs)).join('\n');
    expect(step8Text).to.include('784').and.include('[7]');

    for (let i = 0; i < charts.length; i++) {
      await drawn.nth(i).scrollIntoViewIfNeeded();
      await drawn.nth(i).screenshot({ path: path.join(ARTIFACTS, `jupyterlab-${name}-chart-${i + 1}.png`) });
    }
  }

  before(async function () {
    const { python, missing } = labPython();
    const chromiumIsMissing = chromiumMissing();
    const reason = missing ?? chromiumIsMissing;
    if (reason !== undefined || python === undefined) {
      if (process.env.CI) throw new Error(`CI must run the JupyterLab browser test: ${reason}`);
      this.test!.parent!.title += ` (pending: ${reason})`;
      this.skip();
    }
    const REAL_DATA_DIR = realMnistDir(this);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // A scratch project: a copy of the workbook in notebooks/, beside links to the built lib/ and
    // node_modules/ (its `../lib` import and tslab resolve through them), and Jupyter's own
    // settings, kernels and runtime files kept out of the user's.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-lab-'));
    fs.mkdirSync(path.join(tmp, 'notebooks'));
    copy = path.join(tmp, 'notebooks', 'mnist-workbook.ipynb');
    fs.copyFileSync(WORKBOOK, copy);
    fs.symlinkSync(path.join(ROOT, 'lib'), path.join(tmp, 'lib'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
    const jupyterPath = path.join(tmp, 'jupyter');
    const settings = path.join(tmp, 'settings');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tslab'),
      ['install', '--python', python, '--binary', path.join(ROOT, 'node_modules', '.bin', 'tslab'), '--prefix', jupyterPath], { stdio: 'ignore' });
    fs.mkdirSync(path.join(settings, '@jupyterlab', 'apputils-extension'), { recursive: true });
    // No "notified about official Jupyter news?" popup over the notebook.
    fs.writeFileSync(path.join(settings, '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'),
      JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    // Every cell in the DOM (no windowing), so every chart is drawn and can be checked.
    fs.mkdirSync(path.join(settings, '@jupyterlab', 'notebook-extension'), { recursive: true });
    fs.writeFileSync(path.join(settings, '@jupyterlab', 'notebook-extension', 'tracker.jupyterlab-settings'),
      JSON.stringify({ windowingMode: 'none' }));
    const args = ['-m', 'jupyterlab', '--no-browser', '--ServerApp.ip=127.0.0.1', '--ServerApp.port=0',
      `--ServerApp.root_dir=${tmp}`, '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
    if (process.getuid?.() === 0) args.push('--allow-root');
    lab = spawn(python, args, {
      cwd: tmp,
      env: {
        ...process.env,
        JUPYTER_TOKEN: token,
        JUPYTER_PATH: path.join(jupyterPath, 'share', 'jupyter'),
        JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
        JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
        JUPYTERLAB_SETTINGS_DIR: settings,
        JUPYTERLAB_WORKSPACES_DIR: path.join(tmp, 'workspaces'),
        MNIST_DATA_DIR: REAL_DATA_DIR,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => { labLog += chunk.toString(); };
    lab.stdout?.on('data', collect);
    lab.stderr?.on('data', collect);
    for (let i = 0; i < 600 && base === ''; i++) {
      const found = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(labLog);
      if (found) base = `http://127.0.0.1:${found[1]}`;
      else if (lab.exitCode !== null) break;
      else await sleep(100);
    }
    if (base === '') throw new Error(`JupyterLab did not start:\n${labLog.slice(-3000)}`);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => {
      // JupyterLab's debugger panel asks every kernel for a debug session; tslab has none.
      if (!/No active debugger session/.test(error.message)) pageErrors.push(error.message);
    });
    await page.goto(`${base}/lab/tree/notebooks/mnist-workbook.ipynb?token=${token}`);
    await page.locator('.jp-Notebook .jp-CodeCell').first().waitFor({ timeout: 120000 });
    for (let i = 0; i < 600; i++) {
      const sessions = await api<{ kernel: { execution_state: string } }[]>('/api/sessions');
      if (sessions.length === 1 && sessions[0].kernel.execution_state === 'idle') break;
      await sleep(200);
    }
  });

  after(async () => {
    await browser?.close();
    if (lab !== undefined && lab.exitCode === null) {
      lab.kill('SIGTERM');
      await new Promise((resolve) => { lab?.once('exit', resolve); setTimeout(resolve, 10000); });
      if (lab.exitCode === null) lab.kill('SIGKILL');
    }
    if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Run → Run All Cells: no errors, every chart drawn, digit images, Step 8 shows 784 and [7], live training progress', async () => {
    const started = Date.now();
    const progress: string[] = [];
    await menu('Run', /^Run All Cells$/);
    await waitForRunEnd(progress);
    console.log(`      Run All Cells: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await screenshot('run-all');
    const nb = await save();
    await expectCompleteRun(nb, 'run-all');
    // The progress line changed while the training cell ran (more than one batch count seen).
    const batchesShown = new Set(progress.map((l) => PROGRESS_LINE.exec(l)?.[1]));
    expect(batchesShown.size, `progress lines seen: ${progress.join(' | ')}`).to.be.at.least(2);
    expect(pageErrors, 'errors in the page').to.deep.equal([]);
  });

  it('Restart Kernel and Run All, with Kernel → Interrupt during training: training stops, re-running from the model\'s cell works, tensors flat', async () => {
    const tensorsLine = (nb: Notebook): string | undefined => nb.cells.map((c) => textOf(c.outputs))
      .flatMap((t) => t.split('\n')).find((l) => /tensors in memory/i.test(l));
    const tensorsAfterOneRun = tensorsLine(JSON.parse(fs.readFileSync(copy, 'utf8')) as Notebook);

    // A clean slate, as a student would start: no outputs, no execution counts.
    await menu('Edit', /^Clear Outputs of All Cells$/);
    await menu('Kernel', /^Restart Kernel and Run All Cells/);
    await page.locator('.jp-Dialog-button.jp-mod-accept').click();
    // Interrupt once the training cell has drawn its progress line a few times.
    let interruptedAt = 0;
    for (let i = 0; i < 1200 && interruptedAt === 0; i++) {
      const lines = await page.locator('.jp-OutputArea-output pre').allInnerTexts();
      const batch = lines.map((t) => PROGRESS_LINE.exec(t)).find((m) => m !== null);
      if (batch && Number(batch[1]) > 0 && lines.some((t) => /Epoch 1\/\d+ \[/.test(t))) {
        // Soon: an epoch takes about a second on wasm, the five about six.
        await sleep(300);
        await menu('Kernel', /^Interrupt Kernel$/);
        interruptedAt = Date.now();
      } else {
        await sleep(250);
      }
    }
    expect(interruptedAt, 'training started').to.be.greaterThan(0);
    const { id } = await kernel();
    const pid = kernelPid(id);
    expect(pid, 'the kernel process').to.not.equal(undefined);
    // Training stops within a few seconds: from 3 s after the interrupt the kernel is idle.
    await sleep(3000);
    const cpuBefore = cpuSeconds(pid!);
    await sleep(3000);
    const cpuUsed = cpuSeconds(pid!) - cpuBefore;
    console.log(`      kernel CPU 3–6 s after Interrupt: ${cpuUsed.toFixed(2)} s in 3 s`);
    expect(cpuUsed, 'CPU seconds the kernel used 3–6 s after the interrupt').to.be.below(0.5);
    await waitForRunEnd();
    await screenshot('interrupted');

    // The interrupted cell is the training cell: Run All stopped there. Re-run from the model's cell (Step 4) and
    // everything below, as Step 5's check asks after an interrupted training: a new model, trained once.
    const afterInterrupt = await save();
    // An epoch takes about a second, so the interrupt may come between an epoch's summary and the next progress line.
    const trainingIndex = afterInterrupt.cells.findIndex((c) => TRAINING_OUTPUT.test(textOf(c.outputs)));
    expect(trainingIndex, 'the interrupted cell shows its training progress').to.be.at.least(0);
    const nextCode = afterInterrupt.cells.slice(trainingIndex + 1).find((c) => c.cell_type === 'code');
    expect(nextCode?.execution_count, 'Run All stopped at the interrupted cell').to.equal(null);
    const modelIndex = afterInterrupt.cells.findIndex((c) => c.cell_type === 'code' &&
      (Array.isArray(c.source) ? c.source.join('') : c.source).includes('tf.sequential('));
    expect(modelIndex, 'the model cell comes before the training cell').to.be.within(0, trainingIndex - 1);
    await page.locator('.jp-Notebook .jp-Cell').nth(modelIndex).locator('.jp-InputArea-prompt').click();
    const progress: string[] = [];
    await menu('Run', /^Run Selected Cell and All Below$/);
    await waitForRunEnd(progress);
    await screenshot('restart-run-all');
    const nb = await save();
    await expectCompleteRun(nb, 'restart-run-all');
    expect(new Set(progress.map((l) => PROGRESS_LINE.exec(l)?.[1])).size, 'progress updated while re-training').to.be.at.least(2);
    // The same tensors in memory as after the uninterrupted run: the interrupted fit freed its own.
    expect(tensorsAfterOneRun, 'the tensor count after the first run').to.match(/\d/);
    expect(tensorsLine(nb)).to.equal(tensorsAfterOneRun);
    expect(pageErrors, 'errors in the page').to.deep.equal([]);
    expect(fs.readFileSync(WORKBOOK, 'utf8'), 'the committed workbook').to.equal(committedWorkbook);
  });
});
