// Runs the student edition of a notebook through Jupyter (test/support/run-notebook.py, the tslab
// kernel), stopping at the first error as Run All does, and returns the executed notebook. The
// workbook's and the extensions' student-edition specs share it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeStudentEdition } from '../../src/cli/student';
import { projectRoot } from '../../src/data/project-root';

export const JUPYTER_PYTHON = process.env.JUPYTER_PYTHON ?? '/usr/bin/python3';

export interface ExecutedNotebook {
  cells: { source: string | string[]; outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[];
  metadata: { first_error?: number };
}

/** Writes `notebook`'s student edition, executes it on the real MNIST in `dataDir` and removes what it wrote. */
export function runStudentEdition(notebook: string, dataDir: string): ExecutedNotebook {
  const root = projectRoot();
  const target = writeStudentEdition(notebook);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'student-run-'));
  try {
    execFileSync(JUPYTER_PYTHON, [path.join(root, 'test', 'support', 'run-notebook.py'), target, path.join(tmp, 'out.ipynb'), '--stop-on-error'], {
      env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter', 'share', 'jupyter'), MNIST_DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return JSON.parse(fs.readFileSync(path.join(tmp, 'out.ipynb'), 'utf8')) as ExecutedNotebook;
  } finally {
    fs.rmSync(target, { force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
