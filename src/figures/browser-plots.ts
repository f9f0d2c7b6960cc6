/**
 * The `--show` window of `npm start`: the training curves and the confusion
 * matrix in the browser, drawn from the same Vega-Lite specs as the SVG files
 * in out/, by vega and vega-lite served from node_modules. The server listens
 * on 127.0.0.1 only and the page loads nothing from anywhere else, so the
 * window works offline (a classroom without internet, a blocked CDN).
 *
 * The server itself (loopback only, headers, methods) is local-page.ts, shared with `npm run draw`.
 *
 * This replaces nodeplotlib, whose page loads plotly.js and its fonts from
 * public CDNs and whose server listens on every network interface; neither
 * can be changed without patching its compiled bundle (see the README).
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { projectPath } from '../data/project-root';
import { contentSecurityPolicy, serveLocalPage } from './local-page';

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

/** Serves the figures' page on 127.0.0.1 (port 0: a free one), through local-page.ts; resolves once it listens. */
export async function serveFigures(figures: readonly WindowFigure[], options: { port?: number } = {}): Promise<FigureServer> {
  const body = JSON.stringify(figures);
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let closing: NodeJS.Timeout | undefined;

  const server = await serveLocalPage({
    port: options.port,
    // vega's SVG renderer sets style attributes.
    contentSecurityPolicy: contentSecurityPolicy({ inlineStyles: true }),
    postPaths: ['/closed'],
    route: ({ method, pathname, req, send, sendFile }) => {
      if (method === 'POST') {
        // The page's beacon on pagehide: closed, unless it comes back (a reload) within the grace time.
        req.resume();
        clearTimeout(closing);
        closing = setTimeout(markClosed, CLOSE_GRACE_MS);
        send(204, 'text/plain; charset=utf-8', '');
        return true;
      }
      if (pathname === '/figures.json') {
        send(200, 'application/json; charset=utf-8', body);
        return true;
      }
      const entry = FILES[pathname];
      if (entry === undefined) return false;
      if (pathname === '/') clearTimeout(closing);
      sendFile(entry.file(), entry.type);
      return true;
    },
  });
  return {
    url: server.url,
    port: server.port,
    closed,
    close: () => {
      clearTimeout(closing);
      return server.close();
    },
  };
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
