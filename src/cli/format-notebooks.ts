/**
 * `npm run format-notebooks [-- --check] [NOTEBOOK...]`: rewrites notebooks
 * into the form Jupyter writes (sources as lists of lines, sorted keys,
 * one-space indentation) without outputs or execution counts, so a commit
 * holds no executed results and opening and saving in JupyterLab changes
 * nothing. With --check it only lists the notebooks not in that form and
 * exits 1 if there are any. Without paths: every notebook in notebooks/
 * (student editions, which `npm run student` writes, excepted).
 */
import * as fs from 'fs';
import * as path from 'path';
import { notebookFormatProblems, notebookText } from '../teaching/notebook-format';
import { projectPath } from '../data/project-root';

const NOTEBOOKS = projectPath('notebooks');

/** The solution notebooks of notebooks/, the ones committed. */
export function committedNotebooks(dir = NOTEBOOKS): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.endsWith('.student.ipynb')).sort().map((f) => path.join(dir, f));
}

function main(): void {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const files = args.filter((a) => a !== '--check').map((a) => path.resolve(a));
  const notebooks = files.length > 0 ? files : committedNotebooks();
  let bad = 0;
  for (const file of notebooks) {
    if (!fs.existsSync(file)) throw new Error(`No notebook at ${file}: pass paths of .ipynb files, or nothing for all of notebooks/.`);
    const text = fs.readFileSync(file, 'utf8');
    const problems = notebookFormatProblems(text);
    const name = path.relative(process.cwd(), file);
    if (problems.length === 0) continue;
    if (check) {
      bad++;
      console.log(`${name}: not as Jupyter writes it\n  ${problems.slice(0, 5).join('\n  ')}`);
    } else {
      fs.writeFileSync(file, notebookText(JSON.parse(text)));
      console.log(`${name}: rewritten as Jupyter writes it, without outputs`);
    }
  }
  if (check && bad > 0) {
    console.log('Run `npm run format-notebooks` to fix them.');
    process.exitCode = 1;
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
