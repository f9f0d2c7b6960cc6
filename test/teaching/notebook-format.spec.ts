import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { committedNotebooks } from '../../src/cli/format-notebooks';
import { notebookFormatProblems, notebookText, splitLines } from '../../src/teaching/notebook-format';

const PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

const fixture = {
  cells: [
    { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Title\n\nSome text' },
    { cell_type: 'code', id: 'code-1', metadata: { tags: ['x'] }, source: 'const a = 1;\nconsole.log(a);\n', execution_count: 3, outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }] },
  ],
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  nbformat: 4,
  nbformat_minor: 5,
};

describe('notebooks stored as Jupyter writes them', () => {
  it('splits text into lines the way Python\'s splitlines(True) does', () => {
    expect(splitLines('')).to.deep.equal([]);
    expect(splitLines('one')).to.deep.equal(['one']);
    expect(splitLines('a\nb\n')).to.deep.equal(['a\n', 'b\n']);
    expect(splitLines('a\r\nb\rc\u2028d')).to.deep.equal(['a\r\n', 'b\r', 'c\u2028', 'd']);
  });

  it('writes sources as lists of lines, sorted keys, one-space indentation, no outputs, a final newline', () => {
    const text = notebookText(fixture);
    const nb = JSON.parse(text);
    expect(nb.cells[0].source).to.deep.equal(['# Title\n', '\n', 'Some text']);
    expect(nb.cells[1]).to.deep.equal({ cell_type: 'code', execution_count: null, id: 'code-1', metadata: { tags: ['x'] }, outputs: [], source: ['const a = 1;\n', 'console.log(a);\n'] });
    expect(Object.keys(nb.cells[1])).to.deep.equal(['cell_type', 'execution_count', 'id', 'metadata', 'outputs', 'source']);
    expect(Object.keys(nb.metadata.kernelspec)).to.deep.equal(['display_name', 'language', 'name']);
    expect(text.split('\n')[1]).to.equal(' "cells": [');
    expect(text.endsWith('}\n')).to.equal(true);
    expect(notebookText(JSON.parse(text)), 'formatting twice changes nothing').to.equal(text);
    expect(notebookFormatProblems(text)).to.deep.equal([]);
  });

  it('keeps non-ASCII characters as they are, as ensure_ascii=False does', () => {
    const text = notebookText({ ...fixture, cells: [{ cell_type: 'markdown', id: 'a', metadata: {}, source: '784 → 128 · “quotes” ✓' }] });
    expect(text).to.include('"784 → 128 · “quotes” ✓"');
  });

  it('gives cells of nbformat 4.5 an id, as Jupyter would on saving', () => {
    const nb = JSON.parse(notebookText({ ...fixture, cells: [{ cell_type: 'markdown', metadata: {}, source: 'a' }, { cell_type: 'markdown', metadata: {}, source: 'b' }] }));
    expect(nb.cells[0].id).to.match(/^[0-9a-f]{8}$/);
    expect(nb.cells[1].id).to.not.equal(nb.cells[0].id);
  });

  it('names what is wrong: a string source, outputs, other indentation, unsorted keys', () => {
    const good = notebookText(fixture);
    const stringSource = good.replace('"source": [\n    "# Title\\n",\n    "\\n",\n    "Some text"\n   ]', '"source": "# Title\\n\\nSome text"');
    expect(stringSource).to.not.equal(good);
    expect(notebookFormatProblems(stringSource)).to.deep.equal(['cell 1: source is one string, Jupyter writes a list of lines']);
    expect(notebookFormatProblems(JSON.stringify(JSON.parse(good), null, 2) + '\n')[0]).to.match(/^line 2 differs from what Jupyter writes/);
    expect(notebookFormatProblems(good.trimEnd())[0]).to.match(/differs from what Jupyter writes/);
    const unsorted = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }, null, 1) + '\n';
    expect(notebookFormatProblems(unsorted)[0]).to.match(/differs from what Jupyter writes/);
    const executed = JSON.parse(good);
    executed.cells[1].outputs = [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }];
    executed.cells[1].execution_count = 1;
    expect(notebookFormatProblems(JSON.stringify(executed, null, 1) + '\n')).to.deep.equal(['cell 2: has outputs (clear them before committing)', 'cell 2: has an execution count']);
    expect(notebookFormatProblems('{"cells": 1')[0]).to.match(/^not valid JSON/);
  });

  it('holds for every notebook in notebooks/ (npm run format-notebooks fixes those listed)', () => {
    const notebooks = committedNotebooks();
    expect(notebooks.length).to.be.at.least(4);
    const offending = notebooks
      .map((file) => ({ file: path.basename(file), problems: notebookFormatProblems(fs.readFileSync(file, 'utf8')) }))
      .filter((n) => n.problems.length > 0)
      .map((n) => `${n.file}: ${n.problems.slice(0, 3).join('; ')}`);
    expect(offending, `not stored as Jupyter writes them:\n${offending.join('\n')}\n`).to.deep.equal([]);
  });

  it('is what Jupyter\'s own nbformat writes back unchanged (as JupyterLab saves), for every notebook in notebooks/', function () {
    if (spawnSync(PYTHON, ['-c', 'import nbformat'], { encoding: 'utf8' }).status !== 0) {
      if (process.env.CI) throw new Error(`nbformat is required under CI: ${PYTHON} cannot import it`);
      this.skip();
    }
    // nbformat.write is what jupyter_server uses to save: writes() plus a final newline.
    const script = [
      'import sys, nbformat',
      'for path in sys.argv[1:]:',
      '    text = open(path, encoding="utf-8").read()',
      '    saved = nbformat.writes(nbformat.reads(text, as_version=nbformat.NO_CONVERT)) + "\\n"',
      '    if saved != text: print(path.rsplit("/", 1)[-1])',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, ...committedNotebooks()], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim().split('\n').filter((l) => l !== ''), 'notebooks a save in Jupyter would change').to.deep.equal([]);
  });
});
