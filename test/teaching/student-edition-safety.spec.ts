// The student edition cannot leak solutions: misspelt markers are errors
// naming notebook, cell and line; the final check looks for the solution
// code itself; malformed notebooks are reported by name; `--help` works.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Notebook, leakedSolutionText, parseNotebook, solutionFragments, stripSolutionCode, studentEdition } from '../../src/teaching/student-edition';
import { writeStudentEdition } from '../../src/cli/student';
import { projectRoot } from '../../src/data/project-root';

const ROOT = projectRoot();
const CLI = path.join(ROOT, 'src', 'cli', 'student.ts');

function notebook(...cells: string[]): Notebook {
  return {
    cells: cells.map((source) => ({ cell_type: 'code', source: source.split(/(?<=\n)/), metadata: {}, outputs: [], execution_count: 1 })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
  });
}

const SOLUTION_LINE = 'const model = mw.createModel({ seed: 42 });';

describe('student edition: a line that looks like a marker but is not one', () => {
  const nearMisses = [
    '//BEGIN SOLUTION',
    '// begin solution',
    '// Begin Solution: build the model',
    '//\tBEGIN SOLUTION',
    '// BEGIN\tSOLUTION',
    '// BEGIN  SOLUTION',
    '// BEGIN_SOLUTION',
    '/* BEGIN SOLUTION */',
    '// BEGIN SOLUTIONS',
    '// BEGIN SOLUTION - build the model',
  ];
  for (const marker of nearMisses) {
    it(`is an error naming notebook, cell and line: ${JSON.stringify(marker)}`, () => {
      const nb = notebook('const a = 1;', `mw.show(a);\n${marker}\n${SOLUTION_LINE}\n// END SOLUTION\nmw.checkModel(model);`);
      expect(() => studentEdition(nb, 'lesson.ipynb')).to.throw(
        `lesson.ipynb, cell 2, line 2: "${marker.trim()}" looks like a solution marker but is not one; write the markers exactly as`,
      );
    });
  }

  for (const marker of ['//END SOLUTION', '// end solution', '// END\tSOLUTION', '// STUB const x = 1;', '//STUB: const x = 1;', '// stub: const x = 1;']) {
    it(`is an error inside a block too: ${JSON.stringify(marker)}`, () => {
      const nb = notebook(`// BEGIN SOLUTION\n${SOLUTION_LINE}\n${marker}\n// END SOLUTION`);
      expect(() => studentEdition(nb, 'lesson.ipynb')).to.throw(`lesson.ipynb, cell 1, line 3: "${marker}" looks like a solution marker`);
    });
  }

  it('is a STUB line outside a block', () => {
    expect(() => stripSolutionCode('// STUB: const x = 1;', 'nb, cell 1')).to.throw('nb, cell 1, line 1: a // STUB: line outside a solution block');
  });

  it('is not an exact marker with indentation (spaces or tabs) or trailing blanks', () => {
    const source = `if (x) {\n\t// BEGIN SOLUTION: the model \n\t// STUB: const model = mw.todo();\n\t${SOLUTION_LINE}\n\t// END SOLUTION  \n}`;
    expect(stripSolutionCode(source)).to.equal('if (x) {\n\t// TODO: the model\n\tconst model = mw.todo();\n}');
  });

  it('is not ordinary code that happens to contain the words (appendSolution, bestSolution)', () => {
    const source = 'const bestSolution = appendSolution(x);';
    expect(stripSolutionCode(source)).to.equal(source);
  });
});

describe('student edition: the final leak check', () => {
  it('finds the solution code of a block whose markers the stripper would not read', () => {
    // As if the stripper had let a lower-case block through untouched.
    const solution = notebook(`// begin solution\n${SOLUTION_LINE}\n// end solution\nmw.checkModel(model);`);
    expect(solutionFragments(solution)).to.deep.equal([SOLUTION_LINE]);
    expect(leakedSolutionText(solution, solution)).to.deep.equal([SOLUTION_LINE]);
  });

  it('finds nothing in a proper student edition, and ignores stubs, comments and bare punctuation', () => {
    const solution = notebook(`// BEGIN SOLUTION: the model\n// STUB: const model = mw.todo();\n// the course's model\n${SOLUTION_LINE}\nif (x) {\n});\n// END SOLUTION\n});`);
    expect(solutionFragments(solution)).to.deep.equal([SOLUTION_LINE, 'if (x) {']);
    expect(leakedSolutionText(solution, studentEdition(solution))).to.deep.equal([]);
  });

  it('finds solution code that survives in an output', () => {
    const solution = notebook(`// BEGIN SOLUTION\n${SOLUTION_LINE}\n// END SOLUTION`);
    const student = studentEdition(solution);
    student.cells[0].outputs = [{ output_type: 'stream', name: 'stdout', text: [SOLUTION_LINE] }];
    expect(leakedSolutionText(solution, student)).to.deep.equal([SOLUTION_LINE]);
  });
});

describe('student edition: malformed notebooks', () => {
  const cases: [string, string, string][] = [
    ['cut short', '{"cells": [', 'not valid JSON'],
    ['an empty object', '{}', 'not a Jupyter notebook; expected a JSON object with a "cells" list'],
    ['an old format', '{"cells": [], "nbformat": 3}', 'expected nbformat 4, found 3'],
    ['a cell without a type', '{"cells": [{"source": ""}], "nbformat": 4}', ', cell 1: the cell has no "cell_type"'],
    ['a cell without a source', '{"cells": [{"cell_type": "code", "metadata": {}}], "nbformat": 4}', ', cell 1: "source" must be a string or a list of strings'],
    ['tags that are not a list', '{"cells": [{"cell_type": "markdown", "source": "", "metadata": {"tags": "answer"}}], "nbformat": 4}', ', cell 1: "metadata.tags" must be a list'],
  ];
  for (const [what, json, message] of cases) {
    it(`reports ${what} with the file's name, and writes nothing`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'student-bad-'));
      try {
        const file = path.join(dir, 'broken.ipynb');
        fs.writeFileSync(file, json);
        expect(() => writeStudentEdition(file)).to.throw(`${file}`).with.property('message').that.contains(message);
        expect(fs.readdirSync(dir)).to.deep.equal(['broken.ipynb']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('accepts a cell without metadata, as older tools write it', () => {
    const nb = parseNotebook('{"cells": [{"cell_type": "code", "source": ["x();"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', 'x.ipynb');
    expect(studentEdition(nb).cells[0].source).to.equal('x();');
  });
});

describe('npm run student: the command', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'student-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints its usage for --help and writes nothing', async () => {
    const before = fs.readdirSync(path.join(ROOT, 'notebooks')).sort();
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/^Usage: npm run student \[-- NOTEBOOK\.\.\.\]/);
    expect(fs.readdirSync(path.join(ROOT, 'notebooks')).sort()).to.deep.equal(before);
  });

  it('refuses an unknown option with the usage (exit 2)', async () => {
    const { code, stderr } = await runCli(['--frobnicate']);
    expect(code).to.equal(2);
    expect(stderr).to.include("Error: Unknown option '--frobnicate'.").and.include('Usage: npm run student');
  });

  it('fails on a misspelt marker naming notebook, cell and line, and writes no student edition', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook('x();', `//BEGIN SOLUTION\n${SOLUTION_LINE}\n//END SOLUTION`)));
    const { code, stdout, stderr } = await runCli([file]);
    expect(code).to.equal(1);
    expect(stderr).to.include(`Error: ${file}, cell 2, line 1: "//BEGIN SOLUTION" looks like a solution marker but is not one`);
    expect(stdout).not.to.include('solutions removed');
    expect(stderr).not.to.match(/\n\s+at /);
    expect(fs.readdirSync(dir)).to.deep.equal(['lesson.ipynb']);
  });

  it('writes the edition of a well-marked notebook', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook(`// BEGIN SOLUTION: the model\n// STUB: const model = mw.todo();\n${SOLUTION_LINE}\n// END SOLUTION`)));
    const { code, stdout } = await runCli([file]);
    expect(code).to.equal(0);
    expect(stdout).to.include('lesson.student.ipynb: solutions removed');
    const student = JSON.parse(fs.readFileSync(path.join(dir, 'lesson.student.ipynb'), 'utf8')) as Notebook;
    expect(student.cells[0].source).to.equal('// TODO: the model\nconst model = mw.todo();');
  });
});
