/**
 * Makes the student edition of a workbook: the same notebook with the
 * solutions taken out. Instructors mark them in the solution notebook:
 *
 * - in code cells, lines between `// BEGIN SOLUTION` and `// END SOLUTION`.
 *   Lines inside the block that start with `// STUB: ` become the student's
 *   code (e.g. `// STUB: const train = mw.todo<mw.Samples>();`); text after
 *   `// BEGIN SOLUTION:` becomes a `// TODO:` line telling what to write;
 * - markdown cells tagged `answer` (cell metadata `tags`), which become an
 *   empty prompt for the student's own answer.
 *
 * Outputs and execution counts are dropped too, so nothing of an executed
 * solution leaks through.
 */

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export const ANSWER_TAG = 'answer';
export const ANSWER_PROMPT = '**Your answer:** _write your answer here, then run the demonstration below to test it._';

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION(?::\s*(.*))?$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const STUB = /^(\s*)\/\/ STUB: ?(.*)$/;

const text = (source: string | string[]): string => (Array.isArray(source) ? source.join('') : source);

/** Replaces each solution block of one code cell by its stub. Throws on unbalanced markers. */
export function stripSolutionCode(source: string, where = 'a code cell'): string {
  const out: string[] = [];
  let block: { indent: string; todo: string | undefined; stub: string[]; line: number } | undefined;
  source.split('\n').forEach((line, i) => {
    const begin = BEGIN.exec(line);
    if (begin !== null) {
      if (block !== undefined) throw new Error(`${where}, line ${i + 1}: BEGIN SOLUTION inside the block opened on line ${block.line}; close it with // END SOLUTION first.`);
      block = { indent: begin[1], todo: begin[2]?.trim() || undefined, stub: [], line: i + 1 };
      return;
    }
    if (END.test(line)) {
      if (block === undefined) throw new Error(`${where}, line ${i + 1}: END SOLUTION without a BEGIN SOLUTION before it.`);
      out.push(`${block.indent}// TODO: ${block.todo ?? 'your code here'}`);
      out.push(...block.stub);
      block = undefined;
      return;
    }
    if (block === undefined) {
      out.push(line);
      return;
    }
    const stub = STUB.exec(line);
    if (stub !== null) block.stub.push(stub[1] + stub[2]);
  });
  if (block !== undefined) throw new Error(`${where}: the BEGIN SOLUTION on line ${block.line} is never closed with // END SOLUTION.`);
  return out.join('\n');
}

/** The student edition of a solution notebook (a new object; the input is untouched). */
export function studentEdition(notebook: Notebook): Notebook {
  const cells = notebook.cells.map((cell, index): NotebookCell => {
    const where = `cell ${index + 1}`;
    if (cell.cell_type === 'markdown' && (cell.metadata.tags ?? []).includes(ANSWER_TAG)) {
      return { ...cell, source: ANSWER_PROMPT };
    }
    if (cell.cell_type !== 'code') return { ...cell };
    return { ...cell, source: stripSolutionCode(text(cell.source), where), outputs: [], execution_count: null };
  });
  return { ...notebook, cells, metadata: { ...notebook.metadata } };
}

/** The solution text a student edition must not contain: answer cells and solution lines (not stubs or comments). */
export function solutionFragments(notebook: Notebook): string[] {
  const fragments: string[] = [];
  for (const cell of notebook.cells) {
    const source = text(cell.source);
    if (cell.cell_type === 'markdown' && (cell.metadata.tags ?? []).includes(ANSWER_TAG)) {
      fragments.push(...source.split('\n').map((l) => l.trim()).filter((l) => l.length > 20));
    }
    if (cell.cell_type !== 'code') continue;
    let inside = false;
    for (const line of source.split('\n')) {
      if (BEGIN.test(line)) inside = true;
      else if (END.test(line)) inside = false;
      else if (inside && !STUB.test(line) && line.trim() !== '' && !line.trim().startsWith('//')) fragments.push(line.trim());
    }
  }
  return fragments;
}
