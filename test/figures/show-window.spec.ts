// `npm start -- --show` (src/figures/browser-plots.ts, web/figures.*): the window's
// server listens on 127.0.0.1 only, and in a real browser (Debian's
// chromium driven by playwright-core) both charts are drawn from the
// installed vega and vega-lite while no request leaves the machine.
// Closing the page lets `npm start` finish. Screenshot in out/test-artifacts/.
import { expect } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/browser';
import { FigureServer, WindowFigure, serveFigures, showInBrowser } from '../../src/figures/browser-plots';
import { confusionMatrixSpec, trainingCurvesSpec } from '../../src/figures/chart-specs';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const ARTIFACTS = path.join(ROOT, 'out', 'test-artifacts');

function get(url: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string; bytes: number; csp: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: body.toString(), bytes: body.length, csp: String(res.headers['content-security-policy'] ?? '') });
      });
    }).on('error', reject);
  });
}

const matrix = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 900 + i : (i + j) % 7)));
const FIGURES: WindowFigure[] = [
  { title: 'Training curves', spec: trainingCurvesSpec({ loss: [0.4, 0.2, 0.15], accuracy: [0.88, 0.94, 0.96], val_loss: [0.3, 0.22, 0.2], val_accuracy: [0.91, 0.93, 0.94] }) },
  { title: 'Confusion matrix (test set)', spec: confusionMatrixSpec(matrix) },
];

describe('npm start --show: the figures window', function () {
  this.timeout(120000);

  describe('its server', () => {
    let server: FigureServer;
    before(async () => {
      server = await serveFigures(FIGURES);
    });
    after(async () => server.close());

    it('listens on 127.0.0.1 only and answers only to the loopback name', async () => {
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await get(server.url)).status).to.equal(200);
      expect((await get(server.url, { Host: `evil.example:${server.port}` })).status).to.equal(403);
      // Not on another interface address: a connection to it would be refused.
      const other = (await import('os')).networkInterfaces();
      const external = Object.values(other).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) {
        const reached = await get(`http://${external.address}:${server.port}/`).then(() => true, () => false);
        expect(reached, `reachable on ${external.address}`).to.equal(false);
      }
    });

    it('serves a page that names no other host, vega and vega-lite from node_modules, and the specs', async () => {
      const page = await get(server.url);
      expect(page.body).to.include('src="/vendor/vega.min.js"').and.include('src="/vendor/vega-lite.min.js"');
      expect(page.body, 'nothing from a CDN').to.not.match(/(src|href)="https?:/);
      expect(page.csp).to.include("default-src 'none'").and.include("connect-src 'self'");
      const vega = await get(server.url + 'vendor/vega.min.js');
      expect(vega.bytes).to.equal(fs.statSync(path.join(ROOT, 'node_modules', 'vega', 'build', 'vega.min.js')).size);
      const specs = JSON.parse((await get(server.url + 'figures.json')).body);
      expect(specs.map((f: WindowFigure) => f.title)).to.deep.equal(['Training curves', 'Confusion matrix (test set)']);
      for (const probe of ['../package.json', 'vendor/tf.min.js', 'app.js', 'index.html']) {
        expect((await get(server.url + probe)).status, probe).to.equal(404);
      }
    });
  });

  describe('in a real browser, with no network', () => {
    let browser: Browser | undefined;

    before(async function () {
      requireChromium(this);
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    it('draws both charts, asks nothing of any other server, and lets npm start finish when closed', async () => {
      if (browser === undefined) throw new Error('no browser');
      const lines: string[] = [];
      let address = '';
      let ready: () => void = () => undefined;
      const listening = new Promise<void>((resolve) => (ready = resolve));
      const shown = showInBrowser(FIGURES, {
        open: false,
        log: (line) => {
          lines.push(line);
          const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(line);
          if (match) {
            address = match[0];
            ready();
          }
        },
      });
      await listening;
      const context = await browser.newContext({ viewport: { width: 1400, height: 700 } });
      const page = await context.newPage();
      const foreign: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(address) && !request.url().startsWith('data:')) foreign.push(request.url());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      // Any request to another host fails as it would offline, so nothing could be drawn from one.
      await context.route((url) => !url.href.startsWith(address), (route) => route.abort('internetdisconnected'));

      await page.goto(address);
      await page.waitForSelector('body[data-state="drawn"], body[data-state="error"]', { timeout: 60000 });
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'show-window.png'), fullPage: true });
      expect(await page.getAttribute('body', 'data-state'), await page.textContent('#status') ?? '').to.equal('drawn');

      const sections = await page.$$eval('section.figure', (nodes) => nodes.map((n) => ({
        title: n.querySelector('h2')?.textContent,
        state: (n as HTMLElement).dataset.state,
        lines: n.querySelectorAll('svg .mark-line.role-mark path').length,
        points: n.querySelectorAll('svg .mark-symbol.role-mark path').length,
        cells: n.querySelectorAll('svg .mark-rect.role-mark path').length,
        texts: Array.from(n.querySelectorAll('svg .mark-text.role-mark text')).map((t) => t.textContent),
      })));
      expect(sections.map((s) => [s.title, s.state])).to.deep.equal([['Training curves', 'drawn'], ['Confusion matrix (test set)', 'drawn']]);
      expect(sections[0].lines, 'one line per series (loss and accuracy, train and validation)').to.be.at.least(4);
      expect(sections[0].points, 'a point per epoch and series').to.be.at.least(12);
      expect(sections[1].cells, 'a cell per true × predicted digit').to.equal(100);
      expect(sections[1].texts).to.include('909');
      expect(foreign, 'requests that left the machine').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
      expect(lines[0]).to.include('served to this machine only');

      // The page says it is going with a beacon on pagehide; the browser delivers it after the page is gone,
      // so the browser stays open until --show has finished (or the wait is over).
      await page.close({ runBeforeUnload: true });
      const finished = await Promise.race([shown.then(() => 'finished'), new Promise((r) => setTimeout(() => r('still waiting'), 15000))]);
      await context.close();
      expect(finished, 'closing the page ends --show').to.equal('finished');
    });
  });
});
