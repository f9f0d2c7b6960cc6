/**
 * Downloads one dataset file from a list of mirrors. The file is written to
 * `<dest>.part`, its decompressed payload is checked against the expected
 * SHA-256, and only then is it renamed to `<dest>`: a cache directory never
 * holds a half-written or wrong file, whatever goes wrong.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as http from 'http';
import * as https from 'https';
import { createHash } from 'crypto';
import { Transform, TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { SingleBar } from 'cli-progress';
import { decompressIdx } from './idx';

export interface DownloadOptions {
  /** SHA-256 (hex) the decompressed payload must have. */
  payloadSha256: string;
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
  /** Show a progress bar on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
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
const LOCAL_WRITE_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT']);

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function codeOf(err: unknown): string | undefined {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : undefined;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function removeQuietly(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true });
}

interface Transfer {
  bytes: number;
  url: string;
}

interface AttemptSettings {
  file: string;
  timeoutMs: number;
  progress: boolean;
}

function request(url: URL, timeoutMs: number): Promise<{ res: http.IncomingMessage; timedOut: () => boolean }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new AttemptError(`unsupported protocol ${url.protocol} in ${url.href}; use an http:// or https:// base URL`, false));
      return;
    }
    let timedOut = false;
    // identity: a transparently compressed reply would break the Content-Length check.
    const req = client.get(url, { headers: { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'identity' } }, (res) =>
      resolve({ res, timedOut: () => timedOut }),
    );
    req.setTimeout(timeoutMs, () => {
      timedOut = true;
      req.destroy(new Error(`no data for ${timeoutMs / 1000} s (timed out)`));
    });
    // An unknown host stays unknown; EAI_AGAIN is the transient DNS failure.
    req.on('error', (err) => reject(new AttemptError(messageOf(err), codeOf(err) !== 'ENOTFOUND')));
  });
}

async function fetchToFile(url: URL, part: string, s: AttemptSettings, redirectsLeft = MAX_REDIRECTS): Promise<Transfer> {
  const { res, timedOut } = await request(url, s.timeoutMs);
  const status = res.statusCode ?? 0;
  const location = res.headers.location;
  if (status >= 300 && status < 400 && location) {
    res.resume();
    if (redirectsLeft === 0) throw new AttemptError(`more than ${MAX_REDIRECTS} redirects, last to ${location}`, false);
    return fetchToFile(new URL(location, url), part, s, redirectsLeft - 1);
  }
  if (status !== 200) {
    res.resume();
    const transient = status >= 500 || status === 408 || status === 429;
    throw new AttemptError(`HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd() + ` for ${url.href}`, transient);
  }

  // Created only now, so that a failed download does not leave an empty cache directory behind.
  await fs.promises.mkdir(path.dirname(part), { recursive: true });
  const lengthHeader = res.headers['content-length'];
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  let received = 0;
  const bar =
    s.progress && expected
      ? new SingleBar({ format: `${s.file} [{bar}] {percentage}% | {value}/{total} KiB | ETA {eta}s`, stream: process.stderr, hideCursor: true })
      : undefined;
  bar?.start(Math.ceil((expected ?? 0) / 1024), 0);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
      received += chunk.length;
      bar?.update(Math.floor(received / 1024));
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, fs.createWriteStream(part));
    bar?.update(Math.ceil(received / 1024));
  } catch (err) {
    const code = codeOf(err);
    if (code && LOCAL_WRITE_ERRORS.has(code)) throw err;
    if (timedOut()) throw new AttemptError(`the connection went silent after ${received} bytes (timed out)`, true);
    if (expected !== undefined && received < expected) {
      throw new AttemptError(
        `size mismatch: the server cut the file short, closing the connection after ${received} of ${expected} bytes (Content-Length)`,
        true,
      );
    }
    throw new AttemptError(`transfer failed after ${received} bytes: ${messageOf(err)}`, true);
  } finally {
    bar?.stop();
  }
  if (expected !== undefined && received !== expected) {
    throw new AttemptError(`size mismatch: Content-Length says ${expected} bytes, received ${received}`, true);
  }
  return { bytes: received, url: url.href };
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
    `Nothing was saved: neither ${path.basename(dest)} nor ${path.basename(dest)}.part was left in ${dir}.`,
    `To fix: put ${manual.length > 1 ? 'these files' : 'the file'} into ${dir} by hand (copied from any mirror): ${manual.join(', ')};`,
    `or set ${dataDirEnv} to a directory that already holds ${manual.length > 1 ? 'them' : 'it'};`,
    `or set ${mirrorEnv} to the base URL of a mirror that works.`,
  ];
  return lines.join('\n');
}

/**
 * Downloads `file` from the mirrors into `dest` (a full path; its directory is
 * created). Resolves once `dest` holds a verified copy.
 */
export async function downloadFile(file: string, dest: string, options: DownloadOptions): Promise<DownloadResult> {
  const mirrors = resolveMirrors(options.mirrors, options.defaultMirrors ?? [], options.mirrorEnv ?? 'MNIST_MIRROR');
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 1000;
  const log = options.log ?? ((): void => undefined);
  const settings: AttemptSettings = {
    file,
    timeoutMs: options.timeoutMs ?? 30000,
    progress: options.progress ?? Boolean(process.stderr.isTTY),
  };
  const expectedSum = options.payloadSha256.toLowerCase();
  const part = dest + '.part';

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
      try {
        const transfer = await fetchToFile(url, part, settings);
        const bytes = await fs.promises.readFile(part);
        let payload: Uint8Array;
        try {
          payload = decompressIdx(bytes, `${file} (from ${transfer.url})`);
        } catch (err) {
          throw new AttemptError(messageOf(err), true);
        }
        const actual = createHash('sha256').update(payload).digest('hex');
        if (actual !== expectedSum) {
          throw new AttemptError(
            `checksum mismatch: expected payload SHA-256 ${expectedSum}, got ${actual}; this mirror serves different data`,
            false,
          );
        }
        await fs.promises.rename(part, dest);
        return { path: dest, mirror, url: transfer.url, bytes: transfer.bytes, payload };
      } catch (err) {
        await removeQuietly(part);
        const code = codeOf(err);
        if (code && LOCAL_WRITE_ERRORS.has(code)) {
          throw new Error(`Cannot write ${part}: ${messageOf(err)}. Check that ${path.dirname(dest)} is writable and the disk has room.`);
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
      }
    }
  }
  if (mirrors.length === 0) failures.push({ mirror: '(none)', reason: 'no mirror configured', attempts: 0 });
  throw new DownloadError(failureMessage(file, dest, failures, options), failures);
}
