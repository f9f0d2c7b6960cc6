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
import { withFsFailure } from '../support/fs-failure';

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

/** A notebook of [cell_type, source] pairs. */
function mixed(...cells: [string, string][]): Notebook {
  return {
    cells: cells.map(([cell_type, source]) => ({ cell_type, source: source.split(/(?<=\n)/), metadata: {} })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

describe('student edition: solution blocks in markdown and raw cells', () => {
  const ANSWER_TEXT = 'The hidden layer has 128 units because 784 inputs need a wide first layer.';

  it('takes out a markdown block between HTML comment markers, leaving its TODO', () => {
    const nb = mixed(['markdown', `### Why 128?\n<!-- BEGIN SOLUTION: explain the width -->\n${ANSWER_TEXT}\n<!-- END SOLUTION -->\nThen run the cell below.`]);
    const student = studentEdition(nb, 'lesson.ipynb');
    expect(student.cells[0].source).to.equal('### Why 128?\n_TODO: explain the width_\nThen run the cell below.');
    expect(leakedSolutionText(nb, student)).to.deep.equal([]);
  });

  it('takes out a code-style block inside a fenced block of markdown, and one in a raw cell', () => {
    const nb = mixed(
      ['markdown', `A model:\n\`\`\`ts\n// BEGIN SOLUTION\n${SOLUTION_LINE}\n// END SOLUTION\n\`\`\``],
      ['raw', `// BEGIN SOLUTION: the model\n// STUB: const model = mw.todo();\n${SOLUTION_LINE}\n// END SOLUTION`],
    );
    const student = studentEdition(nb, 'lesson.ipynb');
    expect(student.cells[0].source).to.equal('A model:\n```ts\n// TODO: your answer here\n```');
    expect(student.cells[1].source).to.equal('// TODO: the model\nconst model = mw.todo();');
    expect(JSON.stringify(student)).not.to.include(SOLUTION_LINE);
  });

  it('refuses a misspelt marker in markdown, naming the cell and line', () => {
    const nb = mixed(['markdown', `Intro\n<!-- BEGIN SOLUTIONS -->\n${ANSWER_TEXT}\n<!-- END SOLUTION -->`]);
    expect(() => studentEdition(nb, 'lesson.ipynb')).to.throw('lesson.ipynb, cell 1, line 2: "<!-- BEGIN SOLUTIONS -->" looks like a solution marker but is not one; in markdown and raw cells');
  });

  it('leaves prose that only mentions the words alone ("the end solution", a "# Stubs" heading)', () => {
    const nb = mixed(['markdown', '# Stubs\nThe end solution is a trained model.']);
    expect(studentEdition(nb).cells[0].source).to.equal('# Stubs\nThe end solution is a trained model.');
  });

  it('counts markdown and raw blocks in the leak check, so a block the stripper cannot read is never copied', () => {
    // Plain-text markers (not comments) are not stripped; their text is found by the lenient check.
    const nb = mixed(['markdown', `BEGIN SOLUTION\n${ANSWER_TEXT}\nEND SOLUTION`], ['raw', `begin solution\n${SOLUTION_LINE}\nend solution`]);
    expect(leakedSolutionText(nb, studentEdition(nb))).to.deep.equal([ANSWER_TEXT, SOLUTION_LINE]);
  });
});

describe('student edition: a notebook saved on Windows', () => {
  it('reads markers in CRLF sources and keeps the CRLF line endings', () => {
    const source = `const a = 1;\r\n// BEGIN SOLUTION: the model\r\n// STUB: const model = mw.todo();\r\n${SOLUTION_LINE}\r\n// END SOLUTION\r\nmw.checkModel(model);`;
    expect(stripSolutionCode(source, 'cell 1')).to.equal('const a = 1;\r\n// TODO: the model\r\nconst model = mw.todo();\r\nmw.checkModel(model);');
  });

  it('reads CRLF markers of a markdown cell', () => {
    const nb = mixed(['markdown', `Why?\r\n<!-- BEGIN SOLUTION -->\r\nBecause.\r\n<!-- END SOLUTION -->\r\n`]);
    expect(studentEdition(nb).cells[0].source).to.equal('Why?\r\n_TODO: your answer here_\r\n');
  });

  it('reads a notebook file that starts with a UTF-8 byte-order mark', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'student-bom-'));
    try {
      const file = path.join(dir, 'lesson.ipynb');
      fs.writeFileSync(file, '\uFEFF' + JSON.stringify(notebook(`// BEGIN SOLUTION\r\n${SOLUTION_LINE}\r\n// END SOLUTION`)));
      const student = JSON.parse(fs.readFileSync(writeStudentEdition(file), 'utf8')) as Notebook;
      expect(student.cells[0].source).to.equal('// TODO: your code here');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run student: where it writes', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'student-write-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces a link lesson.student.ipynb → lesson.ipynb by a file, leaving the solution notebook as it was', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    const original = JSON.stringify(notebook(`// BEGIN SOLUTION\n${SOLUTION_LINE}\n// END SOLUTION`));
    fs.writeFileSync(file, original);
    fs.symlinkSync('lesson.ipynb', path.join(dir, 'lesson.student.ipynb'));
    const { code, stderr } = await runCli([file]);
    expect(code, stderr).to.equal(0);
    expect(fs.readFileSync(file, 'utf8')).to.equal(original);
    expect(fs.lstatSync(path.join(dir, 'lesson.student.ipynb')).isSymbolicLink()).to.equal(false);
    expect(fs.readFileSync(path.join(dir, 'lesson.student.ipynb'), 'utf8')).not.to.include(SOLUTION_LINE);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['lesson.ipynb', 'lesson.student.ipynb']);
  });

  it('refuses a folder where the edition goes, and writes nothing', () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook('x();')));
    fs.mkdirSync(path.join(dir, 'lesson.student.ipynb'));
    expect(() => writeStudentEdition(file)).to.throw(`${path.join(dir, 'lesson.student.ipynb')} is a folder, where the student edition goes; nothing was written.`);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['lesson.ipynb', 'lesson.student.ipynb']);
  });

  it('does not print "solutions removed" when a markdown block would survive, and writes nothing', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, JSON.stringify(mixed(['markdown', 'BEGIN SOLUTION\nThe answer is the 784 input pixels of one image.\nEND SOLUTION'])));
    const { code, stdout, stderr } = await runCli([file]);
    expect(code).to.equal(1);
    expect(stdout).not.to.include('solutions removed');
    expect(stderr).to.include('the student edition would still contain solution code, so it was not written');
    expect(fs.readdirSync(dir)).to.deep.equal(['lesson.ipynb']);
  });

  it('says the disk is full, and leaves neither a half edition nor a temporary file (ENOSPC injected into fs.writeFileSync)', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook('x();')));
    fs.writeFileSync(path.join(dir, 'lesson.student.ipynb'), 'the previous edition');
    // The edition's bytes go to an open temporary file (a descriptor): that write fails.
    await withFsFailure('writeFileSync', 'ENOSPC', (target) => typeof target === 'number', () => {
      expect(() => writeStudentEdition(file)).to.throw(`Could not write ${path.join(dir, 'lesson.student.ipynb')}: the disk holding ${dir} is full`);
    });
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['lesson.ipynb', 'lesson.student.ipynb']);
    expect(fs.readFileSync(path.join(dir, 'lesson.student.ipynb'), 'utf8')).to.equal('the previous edition');
  });
});
