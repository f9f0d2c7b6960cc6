// The one server of the local pages (src/figures/local-page.ts), which both
// `npm run draw` and `npm start -- --show` stand on: loopback only, the same
// security headers on every answer, GET and HEAD (POST only where a page asks
// for it), the favicon answered with nothing, and a close() that does not wait
// for open keep-alive connections.
import { expect } from 'chai';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { LocalPageServer, PageRequest, contentSecurityPolicy, serveLocalPage } from '../../src/figures/local-page';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: string, options: { method?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local pages\' server', () => {
  let dir: string;
  let server: LocalPageServer;
  const posted: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-local-page-'));
    fs.writeFileSync(path.join(dir, 'page.html'), '<p>hello</p>');
    server = await serveLocalPage({
      contentSecurityPolicy: contentSecurityPolicy(),
      postPaths: ['/beacon'],
      route: ({ method, pathname, send, sendFile }: PageRequest) => {
        if (method === 'POST') {
          posted.push(pathname);
          send(204, 'text/plain; charset=utf-8', '');
        } else if (pathname === '/') {
          sendFile(path.join(dir, 'page.html'), 'text/html; charset=utf-8');
        } else if (pathname === '/gone') {
          sendFile(path.join(dir, 'missing.html'), 'text/html; charset=utf-8');
        } else {
          return false;
        }
        return true;
      },
    });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves the page\'s routes with the security headers', async () => {
    expect(server.url).to.equal(`http://127.0.0.1:${server.port}/`);
    const page = await request(server.url);
    expect(page.status).to.equal(200);
    expect(page.body).to.equal('<p>hello</p>');
    expect(page.headers).to.include({
      'content-security-policy': contentSecurityPolicy(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'content-length': '12',
    });
    expect((await request(`http://localhost:${server.port}/`)).status, 'localhost is the loopback name too').to.equal(200);
  });

  it('refuses another Host (DNS rebinding), saying which address to open, with the same headers', async () => {
    const answer = await request(server.url, { headers: { Host: `evil.example:${server.port}` } });
    expect(answer.status).to.equal(403);
    expect(answer.body).to.equal(`Open this page as http://127.0.0.1:${server.port}/\n`);
    expect(answer.headers['content-security-policy']).to.equal(contentSecurityPolicy());
  });

  it('takes GET and HEAD, and POST only on the paths that ask for it', async () => {
    const head = await request(server.url, { method: 'HEAD' });
    expect([head.status, head.body, head.headers['content-length']]).to.deep.equal([200, '', '12']);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const refused = await request(server.url, { method });
      expect(refused.status, method).to.equal(405);
      expect(refused.headers.allow).to.equal('GET, HEAD');
      expect(refused.headers['x-content-type-options']).to.equal('nosniff');
    }
    expect((await request(server.url + 'beacon', { method: 'POST' })).status).to.equal(204);
    expect(posted).to.deep.equal(['/beacon']);
    expect((await request(server.url + 'beacon', { method: 'PUT' })).headers.allow).to.equal('GET, HEAD, POST');
  });

  it('answers the favicon with nothing, unknown paths and unreadable files with 404', async () => {
    const icon = await request(server.url + 'favicon.ico');
    expect([icon.status, icon.body]).to.deep.equal([204, '']);
    expect(icon.headers['content-security-policy']).to.equal(contentSecurityPolicy());
    const unknown = await request(server.url + 'nothing/here');
    expect([unknown.status, unknown.body]).to.deep.equal([404, 'Not found: /nothing/here\n']);
    const gone = await request(server.url + 'gone');
    expect([gone.status, gone.body]).to.deep.equal([404, 'Not found: missing.html (ENOENT)\n']);
  });

  it('allows inline styles only when asked (vega\'s SVG sets style attributes)', () => {
    expect(contentSecurityPolicy()).to.include("style-src 'self';").and.include("default-src 'none'").and.include("connect-src 'self'");
    expect(contentSecurityPolicy({ inlineStyles: true })).to.include("style-src 'self' 'unsafe-inline';");
  });

  it('says a port is taken, with the page\'s own hint', async () => {
    let message = '';
    await serveLocalPage({ port: server.port, contentSecurityPolicy: contentSecurityPolicy(), route: () => false, portInUseHint: '; try --port 0.' })
      .catch((error: Error) => (message = error.message));
    expect(message).to.equal(`Port ${server.port} on 127.0.0.1 is already in use; try --port 0.`);
    await serveLocalPage({ port: 70000, contentSecurityPolicy: contentSecurityPolicy(), route: () => false })
      .catch((error: Error) => (message = error.message));
    expect(message).to.equal('Expected a port from 0 to 65535 for the local page, got 70000.');
  });

  it('closes at once even while a browser holds a keep-alive connection', async () => {
    const other = await serveLocalPage({ contentSecurityPolicy: contentSecurityPolicy(), route: () => false });
    const agent = new http.Agent({ keepAlive: true });
    try {
      await request(other.url + 'x', { agent });
      const started = Date.now();
      await other.close();
      // Without closing the connections, close() would wait for the keep-alive timeout (5 s in Node).
      expect(Date.now() - started).to.be.below(4000);
      expect(await request(other.url).then(() => 'answered', () => 'refused')).to.equal('refused');
    } finally {
      agent.destroy();
    }
  });
});
