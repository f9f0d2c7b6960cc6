/**
 * `npm run student [-- NOTEBOOK...]`: writes the student edition of each
 * workbook (solutions replaced by TODO stubs, answers by prompts) beside it,
 * as `<name>.student.ipynb`, so its import of the helper module ('../lib')
 * still resolves; and checks that no solution text survived.
 */
import * as fs from 'fs';
import * as path from 'path';
import { leakedSolutionText, parseNotebook, studentEdition } from '../teaching/student-edition';
import { parseCommandLine, runCommand } from './args';
import { projectPath } from '../data/project-root';
import { writeFileAtomic } from '../data/atomic-file';

const NOTEBOOKS = projectPath('notebooks');
const SUFFIX = '.student.ipynb';

export const STUDENT_USAGE = `Usage: npm run student [-- NOTEBOOK...]

Writes the student edition of each notebook beside it, as <name>${SUFFIX}:
code between \`// BEGIN SOLUTION\` and \`// END SOLUTION\` is replaced by a TODO line
and the block's \`// STUB: \` lines, markdown cells tagged "answer" by a prompt,
lines of markdown and raw cells between \`<!-- BEGIN SOLUTION -->\` and
\`<!-- END SOLUTION -->\` by a TODO line, and outputs are dropped. A file or link
already at <name>${SUFFIX} is replaced (a link's target is left alone). Fails,
writing nothing for that notebook, when a line looks like a marker but is not
exactly one, or when solution code would survive in any cell.
Without NOTEBOOK: every notebook in notebooks/.

  --help   this text`;

interface StudentArgs {
  notebooks: string[];
  help: boolean;
}

export function parseStudentArgs(argv: string[]): StudentArgs {
  const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean', short: 'h' } }, { positionals: 'notebook paths' });
  return { notebooks: positionals, help: values.help };
}

/** Writes the student edition of `file` beside it; returns its path. Errors name the file. */
export function writeStudentEdition(file: string): string {
  let json: string;
  try {
    json = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read the notebook (${(error as Error).message}).`);
  }
  // Notepad and some Windows editors save UTF-8 with a byte-order mark, which JSON.parse refuses.
  const solution = parseNotebook(json.replace(/^\uFEFF/, ''), file);
  const student = studentEdition(solution, file);
  const leaked = leakedSolutionText(solution, student);
  if (leaked.length > 0) {
    throw new Error(`${file}: the student edition would still contain solution code, so it was not written: ` +
      `${leaked.slice(0, 3).map((l) => JSON.stringify(l)).join(', ')}. Check the solution markers around these lines.`);
  }
  const target = file.replace(/\.ipynb$/, SUFFIX);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new Error(`${target} is a folder, where the student edition goes; nothing was written. Move or rename that folder, then run again.`);
  }
  // Through a temporary file and a rename: a link at the target (even to the solution
  // notebook itself) is replaced, never written through, and a full disk leaves no half file.
  writeFileAtomic(target, JSON.stringify(student, null, 1) + '\n', `write ${target}`);
  return target;
}

function run(args: StudentArgs): void {
  const notebooks = args.notebooks.length > 0 ? args.notebooks.map((a) => path.resolve(a))
    : fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb') && !f.endsWith(SUFFIX)).map((f) => path.join(NOTEBOOKS, f));
  for (const file of notebooks) {
    if (!fs.existsSync(file)) throw new Error(`No notebook at ${file}: pass paths of .ipynb files, or nothing for all of notebooks/.`);
    if (!file.endsWith('.ipynb') || file.endsWith(SUFFIX)) {
      throw new Error(`${file}: expected a solution notebook (.ipynb, not ${SUFFIX}).`);
    }
    const target = writeStudentEdition(file);
    console.log(`${path.relative(process.cwd(), target)}: solutions removed`);
  }
}

if (require.main === module) void runCommand(STUDENT_USAGE, parseStudentArgs, run);
