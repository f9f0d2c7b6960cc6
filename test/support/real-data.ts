/**
 * The full MNIST the tests (and the bench) train and evaluate on, found the
 * way loadMnist finds it: MNIST_DATA_DIR, else a system copy, else the shared
 * copy beside the checkout (../shared/data/mnist), else the download cache
 * data/mnist when it is complete. A test that needs it and cannot find it is
 * skipped with the reason printed, and fails under CI (CI=true), where the
 * data must be there.
 */
import * as path from 'path';
import { loadMnist, missingDatasetFiles, Mnist, resolveDataSource } from '../../src/data/mnist';
import { projectRoot } from '../../src/data/project-root';

export type RealMnistLocation = { found: true; dir: string; how: string } | { found: false; reason: string };

/** Where the real MNIST is, or why it is not there. Reads the environment each time. */
export function findRealMnist(): RealMnistLocation {
  const source = resolveDataSource({});
  if (source.kind === 'env' || source.kind === 'system') {
    const missing = missingDatasetFiles(source.dir);
    if (missing.length === 0) return { found: true, dir: source.dir, how: source.label };
    return { found: false, reason: `${source.label} lacks ${missing.join(', ')}` };
  }
  const shared = path.resolve(projectRoot(), '..', 'shared', 'data', 'mnist');
  if (missingDatasetFiles(shared).length === 0) return { found: true, dir: shared, how: `the shared copy in ${shared}` };
  if (missingDatasetFiles(source.dir).length === 0) return { found: true, dir: source.dir, how: source.label };
  return {
    found: false,
    reason: `no complete MNIST in MNIST_DATA_DIR (not set), ${shared} or ${source.dir}; set MNIST_DATA_DIR or run \`npm run data\``,
  };
}

/** True under CI, where a test must not be skipped for want of the data. */
function underCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The real MNIST's folder; skips the calling test or hook (printing why) when it is missing, and fails it under CI. */
export function realMnistDir(ctx: Mocha.Context): string {
  const where = findRealMnist();
  if (where.found) return where.dir;
  if (underCi()) throw new Error(`The real MNIST is needed and missing under CI: ${where.reason}.`);
  console.log(`      (skipped: ${where.reason})`);
  ctx.skip();
}

let cached: { dir: string; data: Promise<Mnist> } | undefined;

/** The real MNIST, loaded once per test run; skips (or under CI fails) like realMnistDir when it is missing. */
export function realMnist(ctx: Mocha.Context): Promise<Mnist> {
  const dir = realMnistDir(ctx);
  if (cached === undefined || cached.dir !== dir) cached = { dir, data: loadMnist({ dir }) };
  return cached.data;
}
