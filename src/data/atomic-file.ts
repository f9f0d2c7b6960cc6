/**
 * Writing a file so that a reader sees either the old file or the whole new
 * one, never a part: the bytes go to a temporary file of a unique name in the
 * same folder, then one rename puts it in place. Two writers never share a
 * temporary name, and a rename replaces a symbolic link at the target instead
 * of writing through it into the file it points at. On any failure the
 * temporary file is removed, and a full disk or a read-only folder is said in
 * words (`diskProblem`).
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** `<target>.<pid>-<random>.part`: unique per attempt, in one process or many. */
export function temporaryPathFor(target: string): string {
  return `${target}.${process.pid}-${randomBytes(6).toString('hex')}.part`;
}

/**
 * What a failed write means for the user, or undefined when it is none of the
 * usual causes: a full disk (ENOSPC), a quota (EDQUOT), a read-only file
 * system (EROFS) or missing permission (EACCES, EPERM).
 */
export function diskProblem(error: unknown, where: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return `the disk holding ${where} is full; free some space (\`df -h\` shows how much is left) and try again`;
    case 'EDQUOT':
      return `your disk quota is used up at ${where}; delete some files and try again`;
    case 'EROFS':
      return `${where} is on a read-only file system; choose a folder you can write to`;
    case 'EACCES':
    case 'EPERM':
      return `you may not write to ${where}; choose a folder you can write to, or fix its permissions`;
    default:
      return undefined;
  }
}

/** `error` as an Error whose message says `what` failed and, for the usual causes, why in words; keeps `code`. */
export function explainWriteError(error: unknown, what: string, where: string): Error {
  const problem = diskProblem(error, where);
  const original = error as NodeJS.ErrnoException;
  if (problem === undefined) return original instanceof Error ? original : new Error(String(error));
  const explained = new Error(`Could not ${what}: ${problem} (${original.code}).`) as NodeJS.ErrnoException;
  explained.code = original.code;
  return explained;
}

/** Writes a new file and flushes it to the disk, so that the rename after it never publishes a file the disk has not taken. */
export function writeSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `target` atomically (temporary file, fsync, rename). `what`
 * names the file in errors ("save metrics.json"). A symbolic link at `target`
 * is replaced by the new file; the file it pointed at is left as it was.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, what = `write ${target}`): void {
  const part = temporaryPathFor(target);
  try {
    writeSynced(part, data);
    fs.renameSync(part, target);
  } catch (error) {
    fs.rmSync(part, { force: true });
    throw explainWriteError(error, what, path.dirname(path.resolve(target)));
  }
}
