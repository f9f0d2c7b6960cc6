/**
 * The one web server of the project's local pages (`npm run draw`, the
 * `--show` window of `npm start`): it listens on 127.0.0.1 only, answers only
 * requests addressed to the loopback name, sends every answer with the same
 * security headers, takes GET and HEAD (and POST only where a page asks for
 * it), answers the favicon with nothing, and closes its open connections when
 * stopped. Each page brings its routes; this module brings the rest.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';

export const LOOPBACK = '127.0.0.1';

/**
 * The page may load and talk to this server only ('self'): no CDN, no
 * analytics, nothing leaves the machine. 'unsafe-eval' because tf.min.js
 * finds the global object with `Function("return this")()` and vega compiles
 * its expressions with `new Function`; neither page shows third-party content
 * that could abuse it. Inline styles only where asked (vega's SVG renderer
 * sets style attributes).
 */
export function contentSecurityPolicy(options: { inlineStyles?: boolean } = {}): string {
  return "default-src 'none'; script-src 'self' 'unsafe-eval'; " +
    `style-src 'self'${options.inlineStyles === true ? " 'unsafe-inline'" : ''}; img-src 'self' data:; ` +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

/** One request, with the ways to answer it (HEAD gets the headers of the answer, without its body). */
export interface PageRequest {
  method: string;
  pathname: string;
  req: http.IncomingMessage;
  send(code: number, type: string, body: string | Buffer): void;
  /** Sends a file's bytes, or 404 naming the file and why it could not be read. */
  sendFile(file: string, type: string): void;
  notFound(why: string): void;
}

export interface LocalPageOptions {
  /** Port on 127.0.0.1; 0 (or leaving it out) picks a free one. */
  port?: number;
  /** From contentSecurityPolicy(). */
  contentSecurityPolicy: string;
  /** Paths that also take a POST; everything else answers 405 to any method but GET and HEAD. */
  postPaths?: readonly string[];
  /** Answers a request for the page and returns true, or returns false for a 404. */
  route(request: PageRequest): boolean;
  /** Said after "Port N on 127.0.0.1 is already in use" when the port is taken, e.g. how to pick another. */
  portInUseHint?: string;
}

export interface LocalPageServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** Stops listening and ends open connections (keep-alive ones would hold close() open until they time out). */
  close(): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';

/** Starts a page's server on 127.0.0.1; resolves once it listens. */
export function serveLocalPage(options: LocalPageOptions): Promise<LocalPageServer> {
  const wanted = options.port ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    return Promise.reject(new Error(`Expected a port from 0 to 65535 for the local page, got ${wanted}.`));
  }
  const headers: Record<string, string> = {
    'Content-Security-Policy': options.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // A model retrained or figures redrawn while the page is open must not come from a cache.
    'Cache-Control': 'no-store',
  };
  const postPaths = new Set(options.postPaths ?? []);
  let port = wanted;

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const send = (code: number, type: string, body: string | Buffer): void => {
      res.writeHead(code, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(method === 'HEAD' ? undefined : body);
    };
    // Only requests addressed to the loopback name: a page elsewhere cannot rebind its domain to this server.
    const host = req.headers.host;
    if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) {
      send(403, TEXT, `Open this page as http://${LOOPBACK}:${port}/\n`);
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (method !== 'GET' && method !== 'HEAD' && !(method === 'POST' && postPaths.has(pathname))) {
      req.resume();
      res.writeHead(405, { ...headers, Allow: postPaths.has(pathname) ? 'GET, HEAD, POST' : 'GET, HEAD' });
      res.end();
      return;
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const notFound = (why: string): void => send(404, TEXT, `Not found: ${why}\n`);
    const request: PageRequest = {
      method,
      pathname,
      req,
      send,
      notFound,
      sendFile: (file, type) => fs.readFile(file, (error, body) => {
        if (error !== null) notFound(`${path.basename(file)} (${error.code ?? error.message})`);
        else send(200, type, body);
      }),
    };
    if (!options.route(request)) notFound(pathname);
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new Error(`Port ${wanted} on ${LOOPBACK} is already in use${options.portInUseHint ?? '. Pick another port, or 0 for a free one.'}`)
        : error);
    });
    server.listen(wanted, LOOPBACK, () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${LOOPBACK}:${port}/`,
        port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
