// Never a stale lib/ (scripts/fresh-lib.js): `npm start`, `npm run draw` and
// the other commands that run lib/, and every spec run (the mocha root hook),
// rebuild lib/ first when src/, assembly/ or the build's settings changed
// after the last build began, and say so. Checked on small projects made
// here, with a stand-in build, through the very npm scripts of package.json.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beginBuild, ensureFreshLib, finishBuild, libFreshness } from '../../scripts/fresh-lib';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const FRESH_LIB = path.join(ROOT, 'scripts', 'fresh-lib.js');
const COMMANDS: Record<string, string> = { start: 'start', data: 'data', draw: 'draw', student: 'student', 'format-notebooks': 'format-notebooks' };

/** Sets a file's (or folder's) modification time `seconds` from now. */
function touch(file: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  fs.utimesSync(file, when, when);
}

/** A project with src/, assembly/ and a build made `secondsAgo` ago. */
function project(builtSecondsAgo?: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-fresh-lib-'));
  fs.mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'assembly'));
  fs.writeFileSync(path.join(dir, 'src', 'cli', 'draw.ts'), 'export {};\n');
  fs.writeFileSync(path.join(dir, 'assembly', 'kernels.ts'), '\n');
  for (const file of ['src/cli/draw.ts', 'src/cli', 'src', 'assembly/kernels.ts', 'assembly']) touch(path.join(dir, file), -100);
  if (builtSecondsAgo !== undefined) {
    beginBuild(dir);
    finishBuild(dir);
    touch(path.join(dir, 'lib', '.built'), -builtSecondsAgo);
  }
  return dir;
}

describe('knowing whether lib/ is older than its sources', () => {
  const made: string[] = [];
  const make = (builtSecondsAgo?: number): string => {
    const dir = project(builtSecondsAgo);
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('calls a lib/ never built stale, and one built after the last change fresh', () => {
    expect(libFreshness(make())).to.deep.equal({ fresh: false, reason: 'lib/ has not been built here (no lib/.built)' });
    expect(libFreshness(make(10))).to.deep.equal({ fresh: true });
  });

  it('names the newest change: an edited module, a kernel, a deleted file', () => {
    const dir = make(10);
    touch(path.join(dir, 'src', 'cli', 'draw.ts'), -1);
    expect(libFreshness(dir).reason).to.match(/^lib\/ is older than src\/cli\/draw\.ts \(changed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/);
    const other = make(10);
    touch(path.join(other, 'assembly', 'kernels.ts'), -1);
    expect(libFreshness(other).reason).to.include('lib/ is older than assembly/kernels.ts');
    const removed = make(10);
    fs.rmSync(path.join(removed, 'src', 'cli', 'draw.ts'));
    expect(libFreshness(removed).reason).to.include('lib/ is older than src/cli (changed');
  });

  it('dates a build from its start: a file saved while it ran leaves lib/ stale', () => {
    const dir = make();
    beginBuild(dir);
    touch(path.join(dir, 'lib', '.build-started'), -5);
    touch(path.join(dir, 'src', 'cli', 'draw.ts'), -2);
    finishBuild(dir);
    expect(libFreshness(dir).fresh).to.equal(false);
    beginBuild(dir);
    expect(libFreshness(dir).fresh, 'and a build that has begun but not finished is not a build').to.equal(false);
  });

  it('rebuilds a stale lib/ and says why; leaves a fresh one alone; stops when the build fails', () => {
    const build = [process.execPath, '-e', `const f = require(${JSON.stringify(FRESH_LIB)}); f.beginBuild(process.cwd()); f.finishBuild(process.cwd());`];
    const dir = make(10);
    touch(path.join(dir, 'src', 'cli', 'draw.ts'), -1);
    const said: string[] = [];
    expect(ensureFreshLib({ root: dir, build, log: (line) => said.push(line) })).to.equal(true);
    expect(said).to.have.length(1);
    expect(said[0]).to.match(/^lib\/ is older than src\/cli\/draw\.ts \(changed .*\): rebuilding it with `npm run build` first\.$/);
    expect(libFreshness(dir).fresh).to.equal(true);
    const failing = [process.execPath, '-e', 'process.exit(3)'];
    expect(ensureFreshLib({ root: dir, build: failing, log: (line) => said.push(line) }), 'fresh: no build').to.equal(false);
    touch(path.join(dir, 'src', 'cli', 'draw.ts'), 5);
    expect(() => ensureFreshLib({ root: dir, build: failing, log: () => undefined }))
      .to.throw('`npm run build` failed (exit code 3), so lib/ is still older than src/: fix the errors above and run the command again.');
  });
});

describe('the commands that run lib/ rebuild it first', function () {
  this.timeout(120000);
  let dir: string;

  // A project with this package.json's scripts for the commands, a build that writes lib/cli/*.js
  // reporting the source they were built from, and scripts/fresh-lib.js itself.
  before(() => {
    dir = project();
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    const fake: Record<string, string> = {
      build: 'node scripts/fresh-lib.js --begin && node fake-build.js && node scripts/fresh-lib.js --done',
    };
    for (const name of Object.keys(COMMANDS)) fake[name] = scripts[name];
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fresh-lib-check', private: true, scripts: fake }));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(FRESH_LIB, path.join(dir, 'scripts', 'fresh-lib.js'));
    fs.writeFileSync(path.join(dir, 'fake-build.js'), `const fs = require('fs');
fs.mkdirSync('lib/cli', { recursive: true });
const source = fs.readFileSync('src/cli/draw.ts', 'utf8').trim();
for (const name of ${JSON.stringify(Object.values(COMMANDS))}) {
  fs.writeFileSync('lib/cli/' + name + '.js', 'console.log(' + JSON.stringify(name + ' built from ' + source) + ', process.argv.slice(2).join(" "));');
}
`);
    touch(path.join(dir, 'package.json'), -100);
    beginBuild(dir);
    finishBuild(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function npmRun(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('npm', ['run', '--silent', script, '--', ...args], { cwd: dir, shell: process.platform === 'win32' },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
    });
  }

  for (const [script, file] of Object.entries(COMMANDS)) {
    it(`npm run ${script}: runs lib/ built from the source as it is now`, async () => {
      const version = `export const version = '${script}';`;
      fs.writeFileSync(path.join(dir, 'src', 'cli', 'draw.ts'), version + '\n');
      // Edited after the last build began.
      touch(path.join(dir, 'src', 'cli', 'draw.ts'), -20);
      touch(path.join(dir, 'lib', '.built'), -30);
      const first = await npmRun(script, ['--help']);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stderr).to.include('lib/ is older than src/cli/draw.ts').and.include('rebuilding it with `npm run build` first.');
      expect(first.stdout.trim(), 'the command ran the new build, with its arguments; the build spoke on stderr')
        .to.equal(`${file} built from ${version} --help`);
      const again = await npmRun(script, []);
      expect(again.stderr, 'fresh: no rebuild').to.equal('');
      expect(again.stdout.trim()).to.equal(`${file} built from ${version}`);
    });
  }

  it('npm test, npm ci and the specs: the build marks lib/, and the mocha root hook checks it', () => {
    const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.build).to.match(/^node scripts\/fresh-lib\.js --begin && .* && node scripts\/fresh-lib\.js --done$/);
    const mocharc = JSON.parse(fs.readFileSync(path.join(ROOT, '.mocharc.json'), 'utf8'));
    expect(mocharc.require).to.include('test/support/setup.ts');
    expect(libFreshness(ROOT), 'this very run rebuilt lib/ if it was stale').to.deep.equal({ fresh: true });
  });
});
