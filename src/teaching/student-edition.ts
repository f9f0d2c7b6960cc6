/**
 * Makes the student edition of a workbook: the same notebook with the
 * solutions taken out. Instructors mark them in the solution notebook:
 *
 * - in code cells, lines between `// BEGIN SOLUTION` and `// END SOLUTION`.
 *   Lines inside the block that start with `// STUB: ` become the student's
 *   code (e.g. `// STUB: const train = mw.todo<mw.Samples>();`); text after
 *   `// BEGIN SOLUTION:` becomes a `// TODO:` line telling what to write;
 * - markdown cells tagged `answer` (cell metadata `tags`), which become an
 *   empty prompt for the student's own answer;
 * - in markdown and raw cells, lines between `<!-- BEGIN SOLUTION -->` and
 *   `<!-- END SOLUTION -->` (or the code cells' `//` markers, e.g. inside a
 *   fenced code block), which become one `TODO:` line.
 *
 * Outputs and execution counts are dropped too, so nothing of an executed
 * solution leaks through.
 *
 * A line that looks like a marker but is not exactly one (`//BEGIN SOLUTION`,
 * lower case, a tab inside, `END SOLUTIONS`, ...) is an error naming the
 * notebook, the cell and the line: silently keeping such a block would hand
 * the solution to the students. The final leak check (`leakedSolutionText`)
 * reads the blocks with a lenient pattern of its own and looks for their code
 * in the student edition, so that it does not depend on the parser above.
 *
 * Line endings are kept as they are: a notebook saved on Windows has `\r\n`
 * inside its sources, and its markers are read the same.
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

const BEGIN = /^(\s*)\/\/ BEGIN SOLUTION(?::\s*(.*?))?\s*$/;
const END = /^\s*\/\/ END SOLUTION\s*$/;
const STUB = /^(\s*)\/\/ STUB: ?(.*)$/;
/** Anything a marker could be mistaken for: either word order of "begin/end solution" in any case and spacing, or "stub" after a comment. */
const LOOKS_LIKE_MARKER = /\b(begin|end|start|stop)[\s_-]*solutions?\b|^\s*(\/\/|\/\*|#)\s*stubs?\b/i;
const MARKER_FORMAT = 'write the markers exactly as `// BEGIN SOLUTION` (or `// BEGIN SOLUTION: what to write`), `// STUB: code` and `// END SOLUTION`, on lines of their own';

/** The markers of markdown and raw cells: HTML comments, which rendered markdown does not show. */
const TEXT_BEGIN = /^(\s*)<!-- BEGIN SOLUTION(?::\s*(.*?))? -->\s*$/;
const TEXT_END = /^\s*<!-- END SOLUTION -->\s*$/;
/** In text, only a comment can be a marker: prose may say "the end solution", and `# Stubs` is a heading. */
const TEXT_LOOKS_LIKE_MARKER = /^\s*(<!--|\/\/|\/\*)\s*((begin|end|start|stop)[\s_-]*solutions?\b|stubs?\b)/i;
const TEXT_MARKER_FORMAT = 'in markdown and raw cells write them exactly as `<!-- BEGIN SOLUTION -->` (or `<!-- BEGIN SOLUTION: what to write -->`) and `<!-- END SOLUTION -->`, ' +
  'or as in code cells (`// BEGIN SOLUTION`, `// END SOLUTION`), on lines of their own';

const text = (source: string | string[]): string => (Array.isArray(source) ? source.join('') : source);

/** Replaces each solution block of one code cell by its stub. Throws on unbalanced and misspelt markers. */
export function stripSolutionCode(source: string, where = 'a code cell'): string {
  return stripBlocks(source, where, 'code');
}

/**
 * Replaces each solution block of a markdown or raw cell by a `TODO:` line (its
 * `// STUB: ` lines, if any, are kept as the student's text). Throws on
 * unbalanced and misspelt markers.
 */
export function stripSolutionText(source: string, where = 'a markdown cell'): string {
  return stripBlocks(source, where, 'text');
}

function stripBlocks(source: string, where: string, kind: 'code' | 'text'): string {
  // Read with '\n' line breaks, written back with the notebook's own ('\r\n' when saved on Windows).
  const crlf = source.includes('\r\n');
  const out: string[] = [];
  let block: { indent: string; todo: string | undefined; stub: string[]; line: number; html: boolean } | undefined;
  const format = kind === 'code' ? MARKER_FORMAT : TEXT_MARKER_FORMAT;
  (crlf ? source.replace(/\r\n/g, '\n') : source).split('\n').forEach((line, i) => {
    const htmlBegin = kind === 'text' ? TEXT_BEGIN.exec(line) : null;
    const htmlEnd = kind === 'text' && TEXT_END.test(line);
    const begin = htmlBegin ?? BEGIN.exec(line);
    const end = htmlEnd || END.test(line);
    if (begin === null && !end && !STUB.test(line) && (kind === 'code' ? LOOKS_LIKE_MARKER : TEXT_LOOKS_LIKE_MARKER).test(line)) {
      throw new Error(`${where}, line ${i + 1}: "${line.trim()}" looks like a solution marker but is not one; ${format}.`);
    }
    if (block === undefined && STUB.test(line)) {
      throw new Error(`${where}, line ${i + 1}: a // STUB: line outside a solution block; put it between // BEGIN SOLUTION and // END SOLUTION.`);
    }
    if (begin !== null) {
      if (block !== undefined) throw new Error(`${where}, line ${i + 1}: BEGIN SOLUTION inside the block opened on line ${block.line}; close it with END SOLUTION first.`);
      block = { indent: begin[1], todo: begin[2]?.trim() || undefined, stub: [], line: i + 1, html: htmlBegin !== null };
      return;
    }
    if (end) {
      if (block === undefined) throw new Error(`${where}, line ${i + 1}: END SOLUTION without a BEGIN SOLUTION before it.`);
      const todo = `TODO: ${block.todo ?? (kind === 'code' ? 'your code here' : 'your answer here')}`;
      // A TODO in markdown between HTML markers is shown as text; inside a fenced block (// markers) it stays a comment.
      out.push(`${block.indent}${block.html ? `_${todo}_` : `// ${todo}`}`);
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
  if (block !== undefined) throw new Error(`${where}: the BEGIN SOLUTION on line ${block.line} is never closed with END SOLUTION.`);
  return crlf ? out.join('\r\n') : out.join('\n');
}

/**
 * Reads a notebook's JSON and checks the parts the student edition relies on;
 * every problem is an Error naming `file` and, where it applies, the cell.
 */
export function parseNotebook(json: string, file: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}); expected a Jupyter notebook (.ipynb). ` +
      'Was it saved completely? Restore it from git or save it again in JupyterLab.');
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data) || !Array.isArray(data.cells)) {
    throw new Error(`${file}: not a Jupyter notebook; expected a JSON object with a "cells" list (nbformat 4).`);
  }
  if (typeof data.nbformat !== 'number' || data.nbformat < 4) {
    throw new Error(`${file}: expected nbformat 4, found ${JSON.stringify(data.nbformat)}; open and save it in JupyterLab to convert it.`);
  }
  data.cells.forEach((cell: unknown, i: number) => {
    const where = `${file}, cell ${i + 1}`;
    if (!isObject(cell)) throw new Error(`${where}: expected a cell object, found ${JSON.stringify(cell)}.`);
    if (typeof cell.cell_type !== 'string') throw new Error(`${where}: the cell has no "cell_type"; expected "code", "markdown" or "raw".`);
    const source = cell.source;
    if (typeof source !== 'string' && !(Array.isArray(source) && source.every((l) => typeof l === 'string'))) {
      throw new Error(`${where}: "source" must be a string or a list of strings, found ${JSON.stringify(source)}.`);
    }
    if (cell.metadata !== undefined && !isObject(cell.metadata)) throw new Error(`${where}: "metadata" must be an object.`);
    const tags = isObject(cell.metadata) ? cell.metadata.tags : undefined;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
      throw new Error(`${where}: "metadata.tags" must be a list of strings, found ${JSON.stringify(tags)}.`);
    }
  });
  const cells = (data.cells as NotebookCell[]).map((cell) => ({ ...cell, metadata: cell.metadata ?? {} }));
  return { ...(data as unknown as Notebook), cells, metadata: isObject(data.metadata) ? data.metadata : {} };
}

/** The student edition of a solution notebook (a new object; the input is untouched). `name` prefixes errors. */
export function studentEdition(notebook: Notebook, name?: string): Notebook {
  const cells = notebook.cells.map((cell, index): NotebookCell => {
    const where = name === undefined ? `cell ${index + 1}` : `${name}, cell ${index + 1}`;
    if (cell.cell_type === 'markdown' && (cell.metadata.tags ?? []).includes(ANSWER_TAG)) {
      return { ...cell, source: ANSWER_PROMPT };
    }
    if (cell.cell_type === 'markdown' || cell.cell_type === 'raw') return { ...cell, source: stripSolutionText(text(cell.source), where) };
    if (cell.cell_type !== 'code') return { ...cell };
    return { ...cell, source: stripSolutionCode(text(cell.source), where), outputs: [], execution_count: null };
  });
  return { ...notebook, cells, metadata: { ...notebook.metadata } };
}

/** A solution line worth looking for: not blank, not a comment, and more than punctuation (`});` is everywhere). */
function isSolutionCode(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('//') && /[A-Za-z0-9_$]{2,}/.test(t);
}

/**
 * The solution text a student edition must not contain: answer cells, and the
 * code lines inside solution blocks. The blocks are found with a lenient
 * pattern (any case, spacing or comment style), not the one that strips them,
 * so that a marker the stripper missed still has its code looked for.
 */
export function solutionFragments(notebook: Notebook): string[] {
  const fragments: string[] = [];
  const lenientBegin = /\b(begin|start)[\s_-]*solutions?\b/i;
  const lenientEnd = /\b(end|stop)[\s_-]*solutions?\b/i;
  const lenientStub = /^\s*(\/\/|\/\*|#)\s*stubs?\b/i;
  for (const cell of notebook.cells) {
    const source = text(cell.source);
    if (cell.cell_type === 'markdown' && (cell.metadata.tags ?? []).includes(ANSWER_TAG)) {
      fragments.push(...source.split('\n').map((l) => l.trim()).filter((l) => l.length > 20));
    }
    // Every kind of cell: a block in a markdown or raw cell must not survive either.
    let inside = false;
    for (const line of source.split('\n')) {
      if (lenientBegin.test(line)) inside = true;
      else if (lenientEnd.test(line)) inside = false;
      else if (inside && !lenientStub.test(line) && isSolutionCode(line)) fragments.push(line.trim());
    }
  }
  return [...new Set(fragments)];
}

/** The fragments of `solution` that appear anywhere in `student` (its cells' sources, outputs and metadata). */
export function leakedSolutionText(solution: Notebook, student: Notebook): string[] {
  const written = JSON.stringify(student);
  const sources = student.cells.map((c) => text(c.source)).join('\n');
  return solutionFragments(solution).filter((f) => sources.includes(f) || written.includes(JSON.stringify(f).slice(1, -1)));
}
