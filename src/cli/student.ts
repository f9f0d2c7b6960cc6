/**
 * `npm run student [-- NOTEBOOK...]`: writes the student edition of each
 * workbook (solutions replaced by TODO stubs, answers by prompts) beside it,
 * as `<name>.student.ipynb`, so its import of the helper module ('../lib')
 * still resolves; and checks that no solution text survived.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Notebook, solutionFragments, studentEdition } from '../student-edition';

const NOTEBOOKS = path.resolve(__dirname, '..', '..', 'notebooks');
const SUFFIX = '.student.ipynb';

/** Writes the student edition of `file` beside it; returns its path. */
export function writeStudentEdition(file: string): string {
  const solution = JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
  const written = JSON.stringify(studentEdition(solution), null, 1) + '\n';
  const leaked = solutionFragments(solution).filter((f) => written.includes(JSON.stringify(f).slice(1, -1)));
  if (leaked.length > 0) throw new Error(`${file}: the student edition still contains solution text: ${leaked.slice(0, 3).join(' | ')}`);
  const target = file.replace(/\.ipynb$/, SUFFIX);
  fs.writeFileSync(target, written);
  return target;
}

function main(): void {
  const args = process.argv.slice(2);
  const notebooks = args.length > 0 ? args.map((a) => path.resolve(a))
    : fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb') && !f.endsWith(SUFFIX)).map((f) => path.join(NOTEBOOKS, f));
  for (const file of notebooks) {
    if (!fs.existsSync(file)) throw new Error(`No notebook at ${file}: pass paths of .ipynb files, or nothing for all of notebooks/.`);
    const target = writeStudentEdition(file);
    console.log(`${path.relative(process.cwd(), target)}: solutions removed`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
