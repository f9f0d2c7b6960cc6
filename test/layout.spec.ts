// The layout of src/: a few folders that read as the course, each saying what
// it serves, and data flowing one way (files → typed arrays → tensors → model
// → metrics → figures): no module imports from a folder later in that order.
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../src/data/project-root';

const SRC = path.join(projectRoot(), 'src');
/** Earlier folders never import later ones. */
const ORDER = ['data', 'backend', 'model', 'evaluate', 'train', 'figures', 'own-digit', 'teaching', 'cli'];

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
