// `npm run format-notebooks` rewrites the instructor's own notebooks in place:
// a full disk, a notebook saved by a Windows editor with a byte-order mark, a
// notebook that is a link, or a damaged one must never cost the notebook.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatNotebooks } from '../../src/cli/format-notebooks';
import { notebookFormatProblems } from '../../src/teaching/notebook-format';
import { withFsFailure } from '../support/fs-failure';

const UNFORMATTED = JSON.stringify({
  cells: [{ cell_type: 'code', execution_count: 3, id: 'a1', metadata: {}, outputs: [{ output_type: 'stream', name: 'stdout', text: 'secret output\n' }], source: 'const a = 1;\nconsole.log(a);' }],
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  nbformat: 4,
  nbformat_minor: 5,
});

describe('npm run format-notebooks on what an instructor may have', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'format-nb-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the notebook as it was when the disk is full (ENOSPC injected into fs.writeFileSync), and says so', async () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, UNFORMATTED);
    await withFsFailure('writeFileSync', 'ENOSPC', (target) => typeof target === 'number', () => {
      expect(() => formatNotebooks([file], false, () => undefined)).to.throw(`Could not rewrite ${file}: the disk holding ${dir} is full`);
    });
    expect(fs.readFileSync(file, 'utf8')).to.equal(UNFORMATTED);
    expect(fs.readdirSync(dir)).to.deep.equal(['lesson.ipynb']);
  });

  it('rewrites the notebook a link points at, and the link stays a link', () => {
    fs.mkdirSync(path.join(dir, 'course'));
    const real = path.join(dir, 'course', 'lesson.ipynb');
    fs.writeFileSync(real, UNFORMATTED);
    const link = path.join(dir, 'lesson.ipynb');
    fs.symlinkSync(real, link);
    expect(formatNotebooks([link], false, () => undefined)).to.equal(1);
    expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(notebookFormatProblems(fs.readFileSync(real, 'utf8'))).to.deep.equal([]);
    expect(fs.readFileSync(real, 'utf8')).not.to.include('secret output');
  });

  it('takes off a byte-order mark (a Windows editor) and lists it under --check', () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, '\uFEFF' + UNFORMATTED);
    const lines: string[] = [];
    expect(formatNotebooks([file], true, (l) => lines.push(l))).to.equal(1);
    expect(lines.join('\n')).to.include('starts with a byte-order mark');
    formatNotebooks([file], false, () => undefined);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).to.equal('{'.charCodeAt(0));
    expect(notebookFormatProblems(text)).to.deep.equal([]);
  });

  it('refuses a damaged notebook by name and leaves it alone', () => {
    const file = path.join(dir, 'lesson.ipynb');
    fs.writeFileSync(file, UNFORMATTED.slice(0, 80));
    expect(() => formatNotebooks([file], false, () => undefined)).to.throw(`${file}: not valid JSON (`);
    expect(fs.readFileSync(file, 'utf8')).to.equal(UNFORMATTED.slice(0, 80));
  });
});
