// One argument parser for every command (src/cli/args.ts): the same rules,
// the same error class and the same exit codes for train, data, draw,
// student and bench.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as path from 'path';
import { UsageError, parseCommandLine } from '../../src/cli/args';
import { parseTrainArgs } from '../../src/cli/start-args';
import { parseDataArgs } from '../../src/cli/data';
import { parseDrawArgs } from '../../src/cli/draw';
import { parseStudentArgs } from '../../src/cli/student';
import { parseFormatNotebooksArgs } from '../../src/cli/format-notebooks';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, script), ...args], { cwd: ROOT },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
  });
}

describe('the command-line parser', () => {
  const flags = {
    n: { type: 'integer', min: 1, max: 10 },
    rate: { type: 'decimal', min: 0, max: 1 },
    sizes: { type: 'integers', min: 1, max: 100 },
    names: { type: 'list', what: 'names' },
    dir: { type: 'string', what: 'a directory' },
    mode: { type: 'choice', choices: ['a', 'b'] },
    verbose: { type: 'boolean', short: 'v' },
  } as const;

  it('reads --name value, --name=value, bare booleans, short booleans and positionals after --', () => {
    const { values, positionals } = parseCommandLine(
      ['--n', '3', '--rate=0.25', '--sizes', '1,2, 3', '--names=x,y', '--dir', '-d', '--mode', 'b', '-v', '--', '--not-a-flag'],
      flags, { positionals: 'files' });
    expect(values).to.deep.equal({ n: 3, rate: 0.25, sizes: [1, 2, 3], names: ['x', 'y'], dir: '-d', mode: 'b', verbose: true });
    expect(positionals).to.deep.equal(['--not-a-flag']);
  });

  it('takes positionals between flags, grouped short booleans and the last of a repeated flag', () => {
    const { values, positionals } = parseCommandLine(['a', '--n', '2', 'b', '-vv', '--n=4', '-'], flags, { positionals: 'files' });
    expect(values).to.include({ n: 4, verbose: true });
    expect(positionals).to.deep.equal(['a', 'b', '-']);
  });

  it('leaves unset flags undefined and booleans false', () => {
    expect(parseCommandLine([], flags).values).to.deep.equal({
      n: undefined, rate: undefined, sizes: undefined, names: undefined, dir: undefined, mode: undefined, verbose: false,
    });
  });

  const bad: [string[], string][] = [
    [['--n', '1e1'], '--n expects a whole number from 1 to 10, got "1e1".'],
    [['--n', ' 3'], '--n expects a whole number from 1 to 10, got " 3".'],
    [['--n', '+3'], '--n expects a whole number from 1 to 10, got "+3".'],
    [['--n', '11'], '--n expects a whole number from 1 to 10, got "11".'],
    [['--rate', '.5'], '--rate expects a number from 0 to 1 (digits, optionally with a decimal point), got ".5".'],
    [['--rate', 'NaN'], '--rate expects a number from 0 to 1 (digits, optionally with a decimal point), got "NaN".'],
    [['--sizes', '1,,2'], '--sizes expects a comma-separated list without empty items, got "1,,2".'],
    [['--sizes', '1,0'], '--sizes expects a whole number from 1 to 100, got "0".'],
    [['--dir', '  '], '--dir needs a value (a directory), got an empty one.'],
    [['--dir'], '--dir needs a value: a directory.'],
    [['--mode', 'c'], '--mode expects one of a, b, got "c".'],
    [['--verbose=1'], '--verbose takes no value, got "1".'],
    [['file'], "Unexpected argument 'file': this command takes only the options listed below."],
    [['--__proto__', 'x'], "Unknown option '--__proto__'."],
    [['--dir', '--verbose'], '--dir needs a value: a directory.'],
    [['--n', '-1'], '--n expects a whole number from 1 to 10, got "-1".'],
    [['-n', '3'], "Unknown option '-n'."],
    [['-vx'], "Unknown option '-vx'."],
    [['--nn=3'], "Unknown option '--nn'."],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${JSON.stringify(argv)}`, () => expect(() => parseCommandLine(argv, flags)).to.throw(UsageError, message));
  }
});

describe('every command uses it', function () {
  this.timeout(60000);

  it('throws the same UsageError from train, data, draw, student and format-notebooks', () => {
    expect(() => parseTrainArgs(['--data-dir='])).to.throw(UsageError, '--data-dir needs a value');
    expect(() => parseDataArgs(['--data-dir='])).to.throw(UsageError, '--data-dir needs a value');
    expect(() => parseDrawArgs(['--port', '-1'])).to.throw(UsageError, '--port expects a whole number from 0 to 65535, got "-1".');
    expect(() => parseStudentArgs(['--out', 'x'])).to.throw(UsageError, "Unknown option '--out'.");
    expect(parseStudentArgs(['a.ipynb', '--help', 'b.ipynb'])).to.deep.equal({ notebooks: ['a.ipynb', 'b.ipynb'], help: true });
    expect(() => parseFormatNotebooksArgs(['--chek'])).to.throw(UsageError, "Unknown option '--chek'; did you mean --check?");
    expect(parseFormatNotebooksArgs(['a.ipynb', '--check', '--', '--help'])).to.deep.equal({ check: true, notebooks: ['a.ipynb', '--help'], help: false });
  });

  // Every command src/cli/index.ts names answers --help with its usage and exit 0.
  for (const script of ['src/cli/start.ts', 'src/cli/data.ts', 'src/cli/draw.ts', 'src/cli/student.ts', 'src/cli/format-notebooks.ts']) {
    it(`prints the usage for --help: ${script}`, async () => {
      const { code, stdout, stderr } = await run(script, ['--help']);
      expect(code, stderr).to.equal(0);
      expect(stdout).to.match(/^Usage: npm (start|run [a-z-]+)/);
      expect(stderr).to.equal('');
    });
  }

  it('format-notebooks says which path is not a notebook, and exits 1', async () => {
    const { code, stderr } = await run('src/cli/format-notebooks.ts', ['--check', 'no-such.ipynb']);
    expect(code).to.equal(1);
    expect(stderr).to.include(`No notebook at ${path.join(ROOT, 'no-such.ipynb')}: pass paths of .ipynb files`);
  });

  for (const [script, args, message] of [
    ['src/cli/data.ts', ['--data-dir='], 'Error: --data-dir needs a value'],
    ['src/cli/draw.ts', ['--port', '1e3'], 'Error: --port expects a whole number from 0 to 65535, got "1e3".'],
    ['src/cli/format-notebooks.ts', ['--chek'], "Error: Unknown option '--chek'; did you mean --check?"],
    ['bench/run.ts', ['--runs', '-1'], 'Error: --runs expects a whole number from 1 to 1000, got "-1".'],
    ['bench/run.ts', ['--max-wait', '1e3'], 'Error: --max-wait expects a number from 0 to 86400'],
  ] as const) {
    it(`exits 2 with the usage: ${script} ${args.join(' ')}`, async () => {
      const { code, stderr } = await run(script, [...args]);
      expect(code).to.equal(2);
      expect(stderr).to.include(message).and.include('Usage: npm run');
      expect(stderr).not.to.match(/\n\s+at /);
    });
  }
});
