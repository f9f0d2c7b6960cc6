// Never run a stale lib/: the commands (`npm start`, `npm run draw`, …) and
// the specs run the compiled lib/ (and its kernels.wasm and page bundle), so
// before they do, this compares the time the last `npm run build` started
// (lib/.built, written when that build finished) with the newest of its inputs
// (src/, assembly/, the tsconfigs, package.json and its lock, deleted files
// included through their folders' times) and, when an input is newer, says so
// and runs `npm run build` first. Plain JavaScript, so that it runs before
// anything is compiled; a few milliseconds when lib/ is fresh.
//
//   node scripts/fresh-lib.js           check, and rebuild if stale (the npm scripts)
//   node scripts/fresh-lib.js --begin   first step of `npm run build`: lib/ counts as stale until…
//   node scripts/fresh-lib.js --done    …its last step marks it built as of the start
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const INPUTS = ['src', 'assembly', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const STAMP = path.join('lib', '.built');
const STARTED = path.join('lib', '.build-started');

/** The newest modification among the build's inputs under `root`: { file, mtimeMs }, or undefined when there are none. */
function newestInput(root = ROOT) {
  let newest;
  const visit = (file) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (newest === undefined || stat.mtimeMs > newest.mtimeMs) newest = { file: path.relative(root, file), mtimeMs: stat.mtimeMs };
    if (stat.isDirectory()) for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return newest;
}

/** Whether lib/ under `root` was built from the inputs as they are now, and if not, why. */
function libFreshness(root = ROOT) {
  let builtMs;
  try {
    builtMs = fs.statSync(path.join(root, STAMP)).mtimeMs;
  } catch {
    return { fresh: false, reason: `lib/ has not been built here (no ${STAMP})` };
  }
  const newest = newestInput(root);
  if (newest !== undefined && newest.mtimeMs > builtMs) {
    const when = new Date(newest.mtimeMs).toISOString().replace('T', ' ').slice(0, 19);
    return { fresh: false, reason: `lib/ is older than ${newest.file} (changed ${when} UTC)` };
  }
  return { fresh: true };
}

/**
 * Makes sure lib/ is fresh: when it is not, says why on `log` and runs `build`
 * (default `npm run build`, its output on stderr so a command's stdout stays
 * its own). Throws when the build fails.
 */
function ensureFreshLib(options = {}) {
  const root = options.root ?? ROOT;
  const log = options.log ?? ((line) => process.stderr.write(line + '\n'));
  const state = libFreshness(root);
  if (state.fresh) return false;
  log(`${state.reason}: rebuilding it with \`npm run build\` first.`);
  const [command, ...args] = options.build ?? ['npm', 'run', 'build'];
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    throw new Error(`\`npm run build\` failed (${result.error?.message ?? `exit code ${result.status}`}), so lib/ is still ` +
      'older than src/: fix the errors above and run the command again.');
  }
  const after = libFreshness(root);
  if (!after.fresh) throw new Error(`After \`npm run build\`, ${after.reason}: was a file changed during the build? Run the command again.`);
  return true;
}

/** `npm run build`'s first step: the build about to start counts from now, and lib/ is stale until it finishes. */
function beginBuild(root = ROOT) {
  fs.mkdirSync(path.join(root, 'lib'), { recursive: true });
  fs.rmSync(path.join(root, STAMP), { force: true });
  fs.writeFileSync(path.join(root, STARTED), `${new Date().toISOString()}\n`);
}

/** `npm run build`'s last step: lib/ is built from the inputs as they were when it began. */
function finishBuild(root = ROOT) {
  const started = path.join(root, STARTED);
  const { mtime } = fs.statSync(started);
  fs.renameSync(started, path.join(root, STAMP));
  fs.utimesSync(path.join(root, STAMP), mtime, mtime);
}

module.exports = { newestInput, libFreshness, ensureFreshLib, beginBuild, finishBuild };

if (require.main === module) {
  const flag = process.argv[2];
  try {
    if (flag === '--begin') beginBuild();
    else if (flag === '--done') finishBuild();
    else if (flag === undefined) ensureFreshLib();
    else throw new Error(`Unknown option '${flag}': expected --begin, --done or nothing.`);
  } catch (error) {
    process.stderr.write(`Error: ${error.message}\n`);
    process.exitCode = 1;
  }
}
