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
import { parseCommandLine, runCommand } from './args';
import { notebookFormatProblems, notebookText } from '../teaching/notebook-format';
import { projectPath } from '../data/project-root';
import { writeFileAtomic } from '../data/atomic-file';

const NOTEBOOKS = projectPath('notebooks');

/** The solution notebooks of notebooks/, the ones committed. */
export function committedNotebooks(dir = NOTEBOOKS): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.endsWith('.student.ipynb')).sort().map((f) => path.join(dir, f));
}

export const FORMAT_NOTEBOOKS_USAGE = `Usage: npm run format-notebooks -- [--check] [NOTEBOOK...]

Rewrites notebooks the way Jupyter writes them, without outputs or execution
counts, so that a commit holds no executed results.

  NOTEBOOK...   .ipynb files (default: every notebook in notebooks/ but the
                student editions)
  --check       change nothing: list the notebooks not in that form, exit 1 if any
  --help        this text`;

export interface FormatNotebooksArgs {
  check: boolean;
  notebooks: string[];
  help: boolean;
}

export function parseFormatNotebooksArgs(argv: string[]): FormatNotebooksArgs {
  const { values, positionals } = parseCommandLine(argv, {
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, { positionals: 'notebook paths' });
  return { check: values.check, notebooks: positionals, help: values.help };
}

/**
 * Rewrites (or with `check`, lists) the notebooks not in Jupyter's form; returns
 * how many were not. Each rewrite is whole or not at all.
 */
export function formatNotebooks(notebooks: string[], check: boolean, say: (line: string) => void = console.log): number {
  let bad = 0;
  for (const file of notebooks) {
    if (!fs.existsSync(file)) throw new Error(`No notebook at ${file}: pass paths of .ipynb files, or nothing for all of notebooks/.`);
    // A byte-order mark (Notepad's "UTF-8 with BOM") is not part of Jupyter's form: it goes.
    const raw = fs.readFileSync(file, 'utf8');
    const text = raw.replace(/^\uFEFF/, '');
    const problems = raw === text ? notebookFormatProblems(text) : ['starts with a byte-order mark', ...notebookFormatProblems(text)];
    const name = path.relative(process.cwd(), file);
    if (problems.length === 0) continue;
    bad++;
    if (check) {
      say(`${name}: not as Jupyter writes it\n  ${problems.slice(0, 5).join('\n  ')}`);
    } else {
      let notebook: unknown;
      try {
        notebook = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file}: not valid JSON (${(error as Error).message}); nothing was rewritten. Restore it from git or save it again in JupyterLab.`);
      }
      // Whole or not at all, so a full disk cannot cut the notebook short; a link keeps pointing at the (rewritten) notebook.
      const target = fs.realpathSync(file);
      writeFileAtomic(target, notebookText(notebook), `rewrite ${file}`);
      say(`${name}: rewritten as Jupyter writes it, without outputs`);
    }
  }
  return bad;
}

function run(args: FormatNotebooksArgs): number {
  const files = args.notebooks.map((a) => path.resolve(a));
  const bad = formatNotebooks(files.length > 0 ? files : committedNotebooks(), args.check);
  if (args.check && bad > 0) {
    console.log('Run `npm run format-notebooks` to fix them.');
    return 1;
  }
  return 0;
}

if (require.main === module) void runCommand(FORMAT_NOTEBOOKS_USAGE, parseFormatNotebooksArgs, run);
