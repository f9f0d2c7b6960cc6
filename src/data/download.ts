/**
 * Downloads one dataset file from a list of mirrors. Each attempt writes its
 * own part file (`<dest>.<pid>-<random>.part`), decompresses and hashes the
 * payload while it arrives, and only a payload with the expected SHA-256 is
 * renamed to `<dest>`, in one atomic step. So any number of concurrent
 * downloads into one cache end with a verified file or an error, never a
 * corrupt one, and a process killed mid-download leaves only a part file,
 * which nothing trusts and the next download removes.
 *
 * A mirror cannot make us use unbounded disk or memory (the download and its
 * decompressed payload are capped by what the dataset description says the
 * file holds), nor hang us (a transfer slower than a minimum speed is
 * abandoned), nor send us from https to plain http.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as http from 'http';
import * as https from 'https';
import * as zlib from 'zlib';
import { createHash, randomBytes } from 'crypto';
import { Transform, TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { SingleBar } from 'cli-progress';
import { diskProblem } from './atomic-file';
import { messageOf } from './error-message';

export interface DownloadOptions {
  /** SHA-256 (hex) the decompressed payload must have. */
  payloadSha256: string;
  /**
   * Size of the decompressed payload, from the dataset description. A payload
   * that grows past it, or a download past what a gzip of it can take, is
   * stopped at once and reported as a mirror sending too much.
   */
  payloadBytes?: number;
  /** Base URLs to try in order; wins over the mirror environment variable. */
  mirrors?: readonly string[];
  /** Base URLs used when neither `mirrors` nor the environment variable is set. */
  defaultMirrors?: readonly string[];
  /** Environment variable holding one base URL that replaces the defaults (default MNIST_MIRROR). */
  mirrorEnv?: string;
  /** Environment variable named in the advice when every mirror fails (default MNIST_DATA_DIR). */
  dataDirEnv?: string;
  /** Files to name in that advice (default: just this one). */
  manualFiles?: readonly string[];
  /** Attempts per mirror (default 3). */
  attempts?: number;
  /** Wait before the first retry, doubled for each further one (default 1000 ms). */
  backoffMs?: number;
  /** Give up on a connection that stays silent this long (default 30000 ms). */
  timeoutMs?: number;
  /** Give up on a mirror that sends less than this on average over `slowWindowMs` (default 8192 bytes/s). */
  minBytesPerSecond?: number;
  /** The window for that minimum speed (default 30000 ms). */
  slowWindowMs?: number;
  /** Show a progress bar on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
  /** Without the bar, log a progress line this often (default 5000 ms; 0: never). */
  progressEveryMs?: number;
  log?: (line: string) => void;
}

export interface DownloadResult {
  /** Where the verified file now lies. */
  path: string;
  /** The base URL that served it, and the URL finally fetched after redirects. */
  mirror: string;
  url: string;
  /** Bytes received, and the decompressed payload (already verified). */
  bytes: number;
  payload: Uint8Array;
}

export interface MirrorFailure {
  mirror: string;
  reason: string;
  attempts: number;
}

/** Every mirror failed; `failures` holds each one's last reason. */
export class DownloadError extends Error {
  readonly failures: MirrorFailure[];

  constructor(message: string, failures: MirrorFailure[]) {
    super(message);
    this.name = 'DownloadError';
    this.failures = failures;
  }
}

/** One attempt failed; `retry` says whether the same mirror may do better next time. */
class AttemptError extends Error {
  readonly retry: boolean;

  constructor(message: string, retry: boolean) {
    super(message);
    this.retry = retry;
  }
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'mnist-workbook (node)';
const LOCAL_WRITE_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'ENOTDIR']);
const PART_SUFFIX = '.part';


function codeOf(err: unknown): string | undefined {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `text` with the secrets of any URL in it hidden: the password of
 * `https://user:password@host/` and the values of query parameters that look
 * like keys or tokens. A mirror's credentials are used for the requests, but
 * never printed, logged or kept in an error (a notebook saves cell outputs).
 */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/gi, (_m, scheme: string, auth: string) => {
      const user = auth.split(':')[0];
      return auth.includes(':') ? `${scheme}${user}:***@` : `${scheme}***@`;
    })
    .replace(/([?&](?:[a-z_-]*(?:token|key|sig|signature|secret|password|passwd|auth)[a-z_-]*)=)[^&#\s]*/gi, '$1***');
}

/** Explicit mirrors, else the one in the environment variable, else the defaults. */
export function resolveMirrors(
  explicit: readonly string[] | undefined,
  defaults: readonly string[],
  envName = 'MNIST_MIRROR',
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (explicit && explicit.length > 0) return [...explicit];
  const fromEnv = env[envName]?.trim();
  if (fromEnv) return [fromEnv];
  return [...defaults];
}

/** The URL of `file` under a base URL, which may or may not end in a slash. */
export function fileUrl(base: string, file: string): URL {
  return new URL(file, base.endsWith('/') ? base : base + '/');
}

/**
 * The most bytes a download of a payload of `payloadBytes` may take: the
 * payload itself (a mirror may serve it unpacked) or its gzip, which for
 * incompressible data adds 5 bytes per 64 KiB block plus a header.
 */
export function maxDownloadBytes(payloadBytes: number): number {
  return payloadBytes + Math.ceil(payloadBytes / 1000) + 4096;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function rate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1024) return `${Math.round(bytesPerSecond)} bytes/s`;
  return bytesPerSecond >= 1024 * 1024 ? `${mib(bytesPerSecond)} MiB/s` : `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
}

// ---------------------------------------------------------------------------
// Part files: unique per attempt, removed on failure, on Ctrl+C, and (when
// their process is gone) by the next download of the same file.

/** `<dest>.<pid>-<random>.part`: no two attempts, in one process or many, share one. */
function partPath(dest: string): string {
  return `${dest}.${process.pid}-${randomBytes(6).toString('hex')}${PART_SUFFIX}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM';
  }
}

/** Removes part files of `dest` left by processes that no longer run (killed mid-download). */
export function removeStaleParts(dest: string): string[] {
  const dir = path.dirname(dest);
  const prefix = path.basename(dest) + '.';
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+\.part$/.exec(name.slice(prefix.length)) : null;
    if (match === null || processAlive(Number(match[1]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Downloads in flight, so that Ctrl+C (or a kill) can stop them and remove their part files. */
const active = new Set<{ part: string; abort: (reason: string) => void; removeCreatedDirs: () => void }>();

function onSignal(signal: NodeJS.Signals): void {
  for (const download of active) {
    fs.rmSync(download.part, { force: true });
    // Now, not when the attempt unwinds: alone, this handler ends the process below.
    download.removeCreatedDirs();
    download.abort(`interrupted by ${signal}`);
  }
  active.clear();
  releaseSignals();
  // A progress bar hides the cursor until it stops; it will not stop now.
  if (process.stderr.isTTY) process.stderr.write('\u001b[?25h\n');
  // Alone, a listener keeps the process alive: die of the signal as we would have without it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

function watchSignals(): void {
  if (active.size === 1) for (const s of SIGNALS) process.on(s, onSignal);
}

function releaseSignals(): void {
  if (active.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

// ---------------------------------------------------------------------------
// One attempt.

interface AttemptSettings {
  file: string;
  mirror: string;
  mirrorEnv: string;
  payloadSha256: string;
  payloadBytes?: number;
  timeoutMs: number;
  minBytesPerSecond: number;
  slowWindowMs: number;
  progress: boolean;
  progressEveryMs: number;
  log: (line: string) => void;
}

interface Transfer {
  bytes: number;
  url: string;
  payload: Uint8Array;
}

interface Reply {
  res: http.IncomingMessage;
  req: http.ClientRequest;
  timedOut: () => boolean;
}

function request(url: URL, timeoutMs: number, track: (req: http.ClientRequest) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new AttemptError(`unsupported protocol ${url.protocol} in ${url.href}; use an http:// or https:// base URL`, false));
      return;
    }
    let timedOut = false;
    // identity: a transparently compressed reply would break the Content-Length check.
    const req: http.ClientRequest = client.get(url, { headers: { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'identity' } }, (res) =>
      resolve({ res, req, timedOut: () => timedOut }),
    );
    track(req);
    req.setTimeout(timeoutMs, () => {
      timedOut = true;
      req.destroy(new Error(`no data for ${timeoutMs / 1000} s (timed out)`));
    });
    // An unknown host stays unknown; EAI_AGAIN is the transient DNS failure.
    req.on('error', (err: Error) => reject(err instanceof AttemptError ? err : new AttemptError(messageOf(err), codeOf(err) !== 'ENOTFOUND')));
  });
}

/**
 * Hashes and measures the payload while the download arrives: gunzipped when
 * the bytes start with the gzip signature, as they are otherwise. Stops as
 * soon as the payload outgrows `limit`, so a gzip bomb costs no memory.
 */
class PayloadSink {
  private readonly hash = createHash('sha256');
  private readonly chunks: Buffer[] = [];
  private head = Buffer.alloc(0);
  private inflater?: zlib.Gunzip;
  private done?: Promise<void>;
  private failure?: Error;
  size = 0;

  constructor(private readonly limit: number | undefined, private readonly onTooMuch: (err: Error) => void, private readonly file: string) {}

  write(chunk: Buffer): void {
    if (this.failure) return;
    if (this.done === undefined) {
      // The signature needs two bytes, which may come in two chunks.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return;
      chunk = this.head;
      this.head = Buffer.alloc(0);
      this.start(chunk[0] === 0x1f && chunk[1] === 0x8b);
    }
    if (this.inflater) this.inflater.write(chunk);
    else this.take(chunk);
  }

  private start(gzipped: boolean): void {
    if (!gzipped) {
      this.done = Promise.resolve();
      return;
    }
    const inflater = zlib.createGunzip();
    this.inflater = inflater;
    inflater.on('data', (out: Buffer) => this.take(out));
    this.done = new Promise((resolve, reject) => {
      inflater.once('end', resolve);
      // Destroyed once the payload outgrew its limit: no 'end' follows, only 'close'.
      inflater.once('close', resolve);
      inflater.once('error', (err) => {
        if (this.failure) resolve();
        else reject(err);
      });
    });
    this.done.catch(() => undefined);
  }

  private take(out: Buffer): void {
    if (this.failure) return;
    this.size += out.length;
    if (this.limit !== undefined && this.size > this.limit) {
      this.failure = new AttemptError(
        `the mirror sent too much: ${this.file} ${this.inflater ? 'decompresses to' : 'holds'} more than ${this.limit} bytes, ` +
          `the size of its payload in the dataset description; stopped there`,
        false,
      );
      this.chunks.length = 0;
      this.inflater?.destroy();
      this.onTooMuch(this.failure);
      return;
    }
    this.hash.update(out);
    this.chunks.push(out);
  }

  /** Once the download is complete: the whole payload and its SHA-256. */
  async finish(): Promise<{ payload: Buffer; sha256: string }> {
    if (this.done === undefined) this.start(false);
    if (this.head.length > 0) this.take(this.head);
    if (this.inflater && !this.failure) this.inflater.end();
    try {
      await this.done;
    } catch (err) {
      throw new AttemptError(
        `the gzip data is truncated or corrupt (${messageOf(err)}); expected a complete gzip stream`,
        true,
      );
    }
    if (this.failure) throw this.failure;
    return { payload: Buffer.concat(this.chunks), sha256: this.hash.digest('hex') };
  }
}

/** Progress for one transfer: a bar on a terminal, else a line every few seconds through `log`. */
function progressReporter(s: AttemptSettings, url: URL, redirectedFrom: URL | undefined, total: number | undefined): {
  update(received: number): void;
  stop(): void;
} {
  const via = redirectedFrom ? ` (redirected from ${redirectedFrom.host} to ${url.host})` : '';
  if (s.progress && total) {
    const bar = new SingleBar({
      format: `${s.file}${via} [{bar}] {percentage}% | {value}/{total} KiB | ETA {eta}s`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(Math.ceil(total / 1024), 0);
    return { update: (received) => bar.update(Math.floor(received / 1024)), stop: () => bar.stop() };
  }
  if (s.progressEveryMs <= 0) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  let received = 0;
  const timer = setInterval(() => {
    const seconds = (Date.now() - started) / 1000;
    const of = total ? ` of ${mib(total)} MiB (${Math.floor((100 * received) / total)}%)` : '';
    s.log(`  ${s.file}: ${mib(received)} MiB${of} from ${url.host}${via}, ${rate(received / Math.max(seconds, 0.001))}`);
  }, s.progressEveryMs);
  timer.unref();
  return { update: (n) => void (received = n), stop: () => clearInterval(timer) };
}

async function fetchOnce(
  url: URL,
  part: string,
  s: AttemptSettings,
  track: (req: http.ClientRequest) => void,
  redirectedFrom?: URL,
  redirectsLeft = MAX_REDIRECTS,
): Promise<Transfer> {
  const { res, req, timedOut } = await request(url, s.timeoutMs, track);
  const status = res.statusCode ?? 0;
  const location = res.headers.location;
  if (status >= 300 && status < 400 && location) {
    res.resume();
    if (redirectsLeft === 0) throw new AttemptError(`more than ${MAX_REDIRECTS} redirects, last to ${location}`, false);
    const next = new URL(location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:') {
      throw new AttemptError(`refused a redirect from ${url.href} to ${next.href}: it would leave https for an unencrypted connection`, false);
    }
    s.log(`  ${s.file}: ${url.host} redirects to ${next.href}`);
    return fetchOnce(next, part, s, track, redirectedFrom ?? url, redirectsLeft - 1);
  }
  if (status !== 200) {
    res.resume();
    const transient = status >= 500 || status === 408 || status === 429;
    throw new AttemptError(`HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd() + ` for ${url.href}`, transient);
  }

  const maxBytes = s.payloadBytes !== undefined ? maxDownloadBytes(s.payloadBytes) : undefined;
  const lengthHeader = res.headers['content-length'];
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  if (expected !== undefined && maxBytes !== undefined && expected > maxBytes) {
    res.destroy();
    throw new AttemptError(
      `the mirror sent too much: it announces ${expected} bytes for ${s.file}, more than the ${maxBytes} bytes ` +
        `a file with its ${s.payloadBytes}-byte payload can take (dataset description)`,
      false,
    );
  }

  let stopped: Error | undefined;
  const stop = (err: Error): void => {
    stopped ??= err;
    req.destroy(err);
    res.destroy(err);
  };
  const sink = new PayloadSink(s.payloadBytes, stop, s.file);
  let received = 0;
  const progress = progressReporter(s, url, redirectedFrom, expected);
  let windowStart = received;
  const slowCheck = setInterval(() => {
    const got = received - windowStart;
    windowStart = received;
    if (got < (s.minBytesPerSecond * s.slowWindowMs) / 1000) {
      stop(new AttemptError(
        `too slow: ${url.host} sent ${got} bytes in ${s.slowWindowMs / 1000} s, below the minimum of ${rate(s.minBytesPerSecond)}; ` +
          `gave up on ${s.mirror}. Set ${s.mirrorEnv} to the base URL of a faster mirror`,
        false,
      ));
    }
  }, s.slowWindowMs);
  slowCheck.unref();
  // The first bytes, kept to tell a web page (a captive portal's login) from a wrong file.
  let head = Buffer.alloc(0);
  const pageError = (): AttemptError | undefined => {
    const page = webPage(head, res.headers['content-type']);
    return page === undefined ? undefined : new AttemptError(
      `the mirror sent a web page (${page}) instead of ${s.file}: this looks like a network login page (the Wi-Fi of a school, ` +
        `hotel or café, or a proxy asking to sign in) or an error page. Open any web site in a browser and log in to the ` +
        `network, then try again; or set ${s.mirrorEnv} to a mirror you can reach.`,
      false,
    );
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
      if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
      received += chunk.length;
      if (maxBytes !== undefined && received > maxBytes) {
        const err = new AttemptError(
          `the mirror sent too much: more than ${maxBytes} bytes for ${s.file}, whose payload is ${s.payloadBytes} bytes ` +
            `(dataset description); stopped there`,
          false,
        );
        stopped ??= err;
        done(err);
        return;
      }
      progress.update(received);
      sink.write(chunk);
      done(null, chunk);
    },
  });
  try {
    // Created only now, so that a failed download does not leave an empty cache directory behind.
    await fs.promises.mkdir(path.dirname(part), { recursive: true });
    await pipeline(res, counter, fs.createWriteStream(part, { flags: 'wx' }));
  } catch (err) {
    const code = codeOf(err);
    if (code && LOCAL_WRITE_ERRORS.has(code)) throw err;
    if (stopped) throw pageError() ?? stopped;
    if (timedOut()) throw new AttemptError(`the connection went silent after ${received} bytes (timed out)`, true);
    if (expected !== undefined && received < expected) {
      throw new AttemptError(
        `size mismatch: the server cut the file short, closing the connection after ${received} of ${expected} bytes (Content-Length)`,
        true,
      );
    }
    throw new AttemptError(`transfer failed after ${received} bytes: ${messageOf(err)}`, true);
  } finally {
    clearInterval(slowCheck);
    progress.stop();
  }
  if (stopped) throw pageError() ?? stopped;
  if (expected !== undefined && received !== expected) {
    throw new AttemptError(`size mismatch: Content-Length says ${expected} bytes, received ${received}`, true);
  }
  let sha256: string;
  let payload: Buffer;
  try {
    ({ payload, sha256 } = await sink.finish());
  } catch (err) {
    throw pageError() ?? err;
  }
  if (sha256 !== s.payloadSha256) {
    const page = pageError();
    if (page !== undefined) throw page;
    throw new AttemptError(
      `checksum mismatch: expected payload SHA-256 ${s.payloadSha256}, got ${sha256}; this mirror serves different data`,
      false,
    );
  }
  return { bytes: received, url: url.href, payload };
}

/**
 * What a payload that is an HTML page says about itself (its title, or its
 * content type), or undefined when it is not one: a captive portal or a
 * proxy answers any request with 200 and its own page.
 */
function webPage(start: Buffer, contentType: string | undefined): string | undefined {
  if (start.length < 2 || (start[0] === 0x1f && start[1] === 0x8b)) return undefined;
  const head = start.toString('utf8');
  const html = /^\s*(<!doctype\s+html|<html|<head|<body|<meta|<title|<script|<!--)/i.test(head) || /\btext\/html\b/i.test(contentType ?? '');
  if (!html) return undefined;
  const title = /<title[^>]*>([^<]{1,120})/i.exec(head)?.[1].replace(/\s+/g, ' ').trim();
  return title ? `titled "${title}"` : contentType?.split(';')[0].trim() || 'HTML';
}

/** The proxy variable a school or company network sets, if any (curl and pip use them; Node's http does not). */
function proxySetting(env: NodeJS.ProcessEnv = process.env): { name: string; value: string } | undefined {
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

function failureMessage(file: string, dest: string, failures: MirrorFailure[], o: DownloadOptions): string {
  const dir = path.dirname(dest);
  const manual = o.manualFiles && o.manualFiles.length > 0 ? o.manualFiles : [file];
  const dataDirEnv = o.dataDirEnv ?? 'MNIST_DATA_DIR';
  const mirrorEnv = o.mirrorEnv ?? 'MNIST_MIRROR';
  const lines = [
    `Could not download ${file}: every mirror failed.`,
    'Mirrors tried:',
    ...failures.map((f) => `  - ${f.mirror}: ${f.reason}` + (f.attempts > 1 ? ` (${f.attempts} attempts)` : '')),
    `Nothing was saved: neither ${path.basename(dest)} nor a partial ${path.basename(dest)}.*.part was left in ${dir}.`,
    `To fix: put ${manual.length > 1 ? 'these files' : 'the file'} into ${dir} by hand (copied from any mirror): ${manual.join(', ')};`,
    `or set ${dataDirEnv} to a directory that already holds ${manual.length > 1 ? 'them' : 'it'};`,
    `or set ${mirrorEnv} to the base URL of a mirror that works.`,
  ];
  const proxy = proxySetting();
  if (proxy !== undefined) {
    lines.push(`Note: ${proxy.name} is set (${redactUrls(proxy.value)}), but this download connects directly: Node.js does not use ` +
      'proxy variables. On a network that only lets a proxy out (a school, a company), download the files in a browser and ' +
      `put them into ${dir}, or set ${dataDirEnv} to where they are.`);
  }
  return lines.join('\n');
}

/** Removes the directories that `mkdir -p` created, innermost first, as long as they are empty. */
function removeEmptyDirs(dir: string, upTo: string | undefined): void {
  if (upTo === undefined) return;
  for (let d = dir; d.length >= upTo.length; d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (another download is using it), or already gone
    }
    if (d === upTo) return;
  }
}

/** The first directory on the way to `dir` that does not exist yet, if any. */
function firstMissingDir(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing = d;
    if (path.dirname(d) === d) break;
  }
  return missing;
}

/**
 * Downloads `file` from the mirrors into `dest` (a full path; its directory is
 * created). Resolves once `dest` holds a verified copy.
 */
export async function downloadFile(file: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  try {
    const result = await downloadFromMirrors(file, dest, options);
    return { ...result, mirror: redactUrls(result.mirror), url: redactUrls(result.url) };
  } catch (err) {
    if (err instanceof DownloadError) {
      const failures = err.failures.map((f) => ({ ...f, mirror: redactUrls(f.mirror), reason: redactUrls(f.reason) }));
      throw new DownloadError(redactUrls(err.message), failures);
    }
    if (err instanceof Error) err.message = redactUrls(err.message);
    throw err;
  }
}

async function downloadFromMirrors(file: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const mirrors = resolveMirrors(options.mirrors, options.defaultMirrors ?? [], options.mirrorEnv ?? 'MNIST_MIRROR');
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 1000;
  const userLog = options.log ?? ((): void => undefined);
  const log = (line: string): void => userLog(redactUrls(line));
  const base = {
    file,
    mirrorEnv: options.mirrorEnv ?? 'MNIST_MIRROR',
    payloadSha256: options.payloadSha256.toLowerCase(),
    payloadBytes: options.payloadBytes,
    timeoutMs: options.timeoutMs ?? 30000,
    minBytesPerSecond: options.minBytesPerSecond ?? 8192,
    slowWindowMs: options.slowWindowMs ?? 30000,
    progress: options.progress ?? Boolean(process.stderr.isTTY),
    progressEveryMs: options.progressEveryMs ?? 5000,
    log,
  };
  const createdDir = firstMissingDir(path.dirname(dest));
  removeStaleParts(dest);

  const failures: MirrorFailure[] = [];
  for (const mirror of mirrors) {
    let url: URL;
    try {
      url = fileUrl(mirror, file);
    } catch {
      failures.push({ mirror, reason: 'not a valid base URL', attempts: 0 });
      continue;
    }
    for (let attempt = 1; attempt <= attempts; attempt++) {
      log(`Downloading ${file} from ${url.href}` + (attempt > 1 ? ` (attempt ${attempt} of ${attempts})` : ''));
      const part = partPath(dest);
      let current: http.ClientRequest | undefined;
      let interrupted: string | undefined;
      const entry = {
        part,
        removeCreatedDirs: (): void => removeEmptyDirs(path.dirname(dest), createdDir),
        abort: (reason: string): void => {
          interrupted = reason;
          current?.destroy(new AttemptError(reason, false));
        },
      };
      active.add(entry);
      watchSignals();
      try {
        const transfer = await fetchOnce(url, part, { ...base, mirror }, (req) => {
          current = req;
          if (interrupted) req.destroy(new AttemptError(interrupted, false));
        });
        if (interrupted) throw new AttemptError(interrupted, false);
        // Atomic: readers see no file or the whole verified one, never a part of it.
        await fs.promises.rename(part, dest);
        return { path: dest, mirror, url: transfer.url, bytes: transfer.bytes, payload: transfer.payload };
      } catch (err) {
        await fs.promises.rm(part, { force: true });
        const code = codeOf(err);
        if (code && LOCAL_WRITE_ERRORS.has(code)) {
          removeEmptyDirs(path.dirname(dest), createdDir);
          const problem = diskProblem(err, path.dirname(dest));
          throw new Error(problem !== undefined ? `Cannot write ${part}: ${problem} (${code}). Nothing was saved.`
            : `Cannot write ${part}: ${messageOf(err)}. Check that ${path.dirname(dest)} is a folder you can write to and the disk has room.`);
        }
        if (interrupted) {
          removeEmptyDirs(path.dirname(dest), createdDir);
          throw new Error(`Download of ${file} ${interrupted}; the partial file was removed.`);
        }
        const reason = messageOf(err);
        const retry = err instanceof AttemptError ? err.retry : true;
        if (!retry || attempt === attempts) {
          failures.push({ mirror, reason, attempts: attempt });
          log(`  failed: ${reason}`);
          break;
        }
        const wait = backoffMs * 2 ** (attempt - 1);
        log(`  failed: ${reason}; retrying in ${wait} ms`);
        await sleep(wait);
      } finally {
        active.delete(entry);
        releaseSignals();
      }
    }
  }
  removeEmptyDirs(path.dirname(dest), createdDir);
  if (mirrors.length === 0) failures.push({ mirror: '(none)', reason: 'no mirror configured', attempts: 0 });
  throw new DownloadError(failureMessage(file, dest, failures, options), failures);
}
