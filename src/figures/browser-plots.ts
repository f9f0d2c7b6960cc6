/**
 * The `--show` window of `npm start`: the training curves and the confusion
 * matrix in the browser, drawn from the same Vega-Lite specs as the SVG files
 * in out/, by vega and vega-lite served from node_modules. The server listens
 * on 127.0.0.1 only and the page loads nothing from anywhere else, so the
 * window works offline (a classroom without internet, a blocked CDN).
 *
 * This replaces nodeplotlib, whose page loads plotly.js and its fonts from
 * public CDNs and whose server listens on every network interface; neither
 * can be changed without patching its compiled bundle (see the README).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import type { TopLevelSpec } from 'vega-lite';
import { projectPath } from '../data/project-root';

export interface WindowFigure {
  title: string;
  spec: TopLevelSpec;
}

export interface FigureServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** Resolves once the page has gone away (closed, not reloaded). */
  closed: Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const WEB_DIR = projectPath('web');
/** A reload also fires 'pagehide': the page counts as closed only if it does not come back within this time. */
const CLOSE_GRACE_MS = 2000;

function vendorFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'build', file);
}

const FILES: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => path.join(WEB_DIR, 'figures.html'), type: 'text/html; charset=utf-8' },
  '/figures.js': { file: () => path.join(WEB_DIR, 'figures.js'), type: 'text/javascript; charset=utf-8' },
  '/figures.css': { file: () => path.join(WEB_DIR, 'figures.css'), type: 'text/css; charset=utf-8' },
  '/vendor/vega.min.js': { file: () => vendorFile('vega', 'vega.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-lite.min.js': { file: () => vendorFile('vega-lite', 'vega-lite.min.js'), type: 'text/javascript; charset=utf-8' },
};

/**
 * Only this server ('self'). 'unsafe-eval': vega compiles its expressions with
 * `new Function`; 'unsafe-inline' styles: vega's SVG renderer sets style attributes.
 */
const HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Serves the figures' page on 127.0.0.1 (port 0: a free one); resolves once it listens. */
export function serveFigures(figures: readonly WindowFigure[], options: { port?: number } = {}): Promise<FigureServer> {
  const body = JSON.stringify(figures);
  let port = options.port ?? 0;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let closing: NodeJS.Timeout | undefined;

  const server = http.createServer((req, res) => {
    const send = (code: number, type: string, content: string | Buffer): void => {
      res.writeHead(code, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(content) });
      res.end(req.method === 'HEAD' ? undefined : content);
    };
    // Only requests addressed to the loopback name: a page elsewhere cannot rebind its domain to this server.
    if (req.headers.host !== `${LOOPBACK}:${port}` && req.headers.host !== `localhost:${port}`) {
      send(403, 'text/plain; charset=utf-8', `Open this page as http://${LOOPBACK}:${port}/\n`);
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && pathname === '/closed') {
      req.resume();
      clearTimeout(closing);
      closing = setTimeout(markClosed, CLOSE_GRACE_MS);
      send(204, 'text/plain; charset=utf-8', '');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...HEADERS, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204, HEADERS);
      res.end();
      return;
    }
    if (pathname === '/figures.json') {
      send(200, 'application/json; charset=utf-8', body);
      return;
    }
    const entry = FILES[pathname];
    if (entry === undefined) {
      send(404, 'text/plain; charset=utf-8', `Not found: ${pathname}\n`);
      return;
    }
    if (pathname === '/') clearTimeout(closing);
    fs.readFile(entry.file(), (error, content) => {
      if (error !== null) send(404, 'text/plain; charset=utf-8', `Not found: ${pathname} (${error.code ?? error.message})\n`);
      else send(200, entry.type, content);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${LOOPBACK}:${port}/`,
        port,
        closed,
        close: () => new Promise<void>((done) => {
          clearTimeout(closing);
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

/** Asks the desktop to open `url` in the default browser; false where there is no way to (then the user opens it). */
function openBrowser(url: string): ChildProcess | undefined {
  const command = process.platform === 'darwin' ? ['open', url]
    : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url]
      : ['xdg-open', url];
  try {
    const child = spawn(command[0], command.slice(1), { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

export interface ShowOptions {
  /** Where to say the address (default stderr). */
  log?: (line: string) => void;
  /** Open the default browser (default: yes, unless BROWSER=none). */
  open?: boolean;
}

/**
 * Shows the figures in a browser window and waits until the page is closed
 * or Ctrl+C is pressed; then stops the server.
 */
export async function showInBrowser(figures: readonly WindowFigure[], options: ShowOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string): void => void process.stderr.write(line + '\n'));
  const server = await serveFigures(figures);
  const open = options.open ?? process.env.BROWSER !== 'none';
  log(`Figures at ${server.url} (served to this machine only)` + (open ? '; opening your browser, or open that address yourself.' : '.'));
  log('Close the page, or press Ctrl+C here, to finish.');
  if (open) openBrowser(server.url);
  let onSignal: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => {
    onSignal = resolve;
    process.once('SIGINT', onSignal);
  });
  try {
    await Promise.race([server.closed, interrupted]);
  } finally {
    process.removeListener('SIGINT', onSignal);
    await server.close();
  }
}
