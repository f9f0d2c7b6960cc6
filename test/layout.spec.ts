// The layout of src/: a few folders that read as the course, each saying what
// it serves, and data flowing one way (files → typed arrays → tensors → model
// → metrics → figures): no module imports from a folder later in that order.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../src/data/project-root';

const SRC = path.join(projectRoot(), 'src');
/** Earlier folders never import later ones: the order of src/index.ts's exports, stated there once, then cli/. */
const ORDER = [
  ...[...fs.readFileSync(path.join(SRC, 'index.ts'), 'utf8').matchAll(/^export \* from '\.\/([a-z-]+)';$/gm)].map((m) => m[1]),
  'cli',
];
/** The speed layer: only the first cell (initBackend, through index.ts) and the npm scripts reach it. */
const SPEED_LAYER_USERS = ['backend', 'cli'];

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function folderOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

describe('the layout of src/', () => {
  it('has at most a dozen entries at its top level, the folders of ORDER and index.ts', () => {
    const entries = fs.readdirSync(SRC).sort();
    expect(entries.length).to.be.at.most(12);
    expect(entries).to.deep.equal([...ORDER, 'index.ts'].sort());
  });

  it('states each folder\'s purpose in the header of its index.ts', () => {
    for (const folder of ORDER) {
      const index = path.join(SRC, folder, 'index.ts');
      expect(fs.existsSync(index), `${folder}/index.ts`).to.equal(true);
      expect(fs.readFileSync(index, 'utf8'), `${folder}/index.ts begins with a header`).to.match(/^\/\*\*\n \* \S[^]*?\*\//);
    }
  });

  it('lists the project\'s folders in src/index.ts, data first and the speed layer right after it', () => {
    expect(ORDER.slice(0, 2)).to.deep.equal(['data', 'backend']);
    expect(ORDER).to.include.members(['model', 'train', 'evaluate', 'figures', 'own-digit', 'teaching']);
  });

  it('keeps the speed layer apart from the lesson: nothing but cli/ imports backend/ or the wasm backend', () => {
    const reaching: string[] = [];
    for (const file of modules(SRC)) {
      const from = folderOf(file);
      if (SPEED_LAYER_USERS.includes(from) || !ORDER.includes(from)) continue;
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import\(|require\()\s*'([^']*)'/g)) {
        const to = m[1].startsWith('.') ? folderOf(path.resolve(path.dirname(file), m[1])) : m[1];
        if (to === 'backend' || to.startsWith('@tensorflow/tfjs-backend-wasm')) reaching.push(`${path.relative(SRC, file)} imports ${m[1]}`);
      }
    }
    expect(reaching).to.deep.equal([]);
  });

  it('never imports from a later folder (files → typed arrays → tensors → model → metrics → figures)', () => {
    const backwards: string[] = [];
    for (const file of modules(SRC)) {
      const from = folderOf(file);
      if (!ORDER.includes(from)) continue;
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import\(|require\()\s*'(\.{1,2}\/[^']*)'/g)) {
        const to = folderOf(path.resolve(path.dirname(file), m[1]));
        if (ORDER.includes(to) && ORDER.indexOf(to) > ORDER.indexOf(from)) backwards.push(`${path.relative(SRC, file)} imports ${m[1]}`);
      }
    }
    expect(backwards).to.deep.equal([]);
  });
});
