// A real full disk for the tests that want one: a small tmpfs mounted in a
// temporary folder. Mounting needs root (and a container that allows it);
// where it is not possible, `smallDisk` says why and the test is skipped with
// that reason, while the same behaviour is tested through the fs seam
// (test/support/fs-failure.ts) everywhere.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type SmallDisk = { dir: string; release: () => void } | { missing: string };

/** Mounts a tmpfs of `kib` KiB in a new temporary folder, or says why it cannot. */
export function smallDisk(kib: number): SmallDisk {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { missing: 'mounting a small tmpfs needs root on Linux' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'full-disk-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { missing: `mount -t tmpfs failed: ${(mount.stderr || mount.error?.message || '').trim()}` };
  }
  return {
    dir,
    release: () => {
      spawnSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
