/**
 * Notebooks stored the way Jupyter writes them, so that opening a committed
 * notebook in JupyterLab and saving it changes nothing: nbformat's
 * `json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True)` plus a final
 * newline, every multi-line text (cell sources, output text) a list of lines.
 * Committed notebooks also carry no outputs or execution counts, so an
 * executed solution never leaks into the repository.
 */
import { randomBytes } from 'crypto';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Python's str.splitlines(keepends=True), which nbformat uses: these are all line breaks to it. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** A text as nbformat stores it: a list of lines, each but the last ending in its line break. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BREAK)) {
    const end = (match.index ?? 0) + match[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

const joinLines = (source: unknown): string => (Array.isArray(source) ? source.join('') : String(source ?? ''));

/** Keys in code-point order at every level, as Python's sort_keys does (arrays keep their order). */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/** nbformat's multi-line fields of an output: text streams and text MIME bundles. */
function splitOutput(output: { [key: string]: Json }): { [key: string]: Json } {
  const out = { ...output };
  if (typeof out.text === 'string') out.text = splitLines(out.text);
  const data = out.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const split: { [key: string]: Json } = {};
    for (const [mime, value] of Object.entries(data)) {
      // JSON bundles stay objects; nbformat splits text bundles only (and not base64 images, which have no newlines to split).
      split[mime] = typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? splitLines(value) : value;
    }
    out.data = split;
  }
  return out;
}

export interface FormatOptions {
  /** Drop outputs and execution counts (the committed form); true by default. */
  clearOutputs?: boolean;
}

/** A notebook as a canonical object: sources as lines, outputs cleared, an id on every cell where nbformat 4.5 wants one. */
export function normalizeNotebook(notebook: unknown, options: FormatOptions = {}): { [key: string]: Json } {
  if (notebook === null || typeof notebook !== 'object' || !Array.isArray((notebook as { cells?: unknown }).cells)) {
    throw new Error('Expected a Jupyter notebook: a JSON object with a "cells" list (nbformat 4).');
  }
  const nb = { ...(notebook as { [key: string]: Json }) };
  const clear = options.clearOutputs ?? true;
  const wantsIds = Number(nb.nbformat) > 4 || (Number(nb.nbformat) === 4 && Number(nb.nbformat_minor) >= 5);
  const ids = new Set<string>();
  nb.cells = (nb.cells as { [key: string]: Json }[]).map((original, index) => {
    if (original === null || typeof original !== 'object' || typeof original.cell_type !== 'string') {
      throw new Error(`Cell ${index + 1} is not a notebook cell: expected an object with a cell_type.`);
    }
    const cell = { ...original };
    cell.source = splitLines(joinLines(cell.source));
    if (cell.metadata === undefined) cell.metadata = {};
    if (cell.cell_type === 'code') {
      if (clear) {
        cell.outputs = [];
        cell.execution_count = null;
      } else {
        cell.outputs = ((cell.outputs ?? []) as { [key: string]: Json }[]).map(splitOutput);
        if (cell.execution_count === undefined) cell.execution_count = null;
      }
    }
    if (wantsIds) {
      // Jupyter gives a cell without an id a random one on save; giving it here keeps that save from changing the file.
      let id = typeof cell.id === 'string' && cell.id !== '' && !ids.has(cell.id) ? cell.id : '';
      while (id === '' || ids.has(id)) id = randomBytes(4).toString('hex');
      cell.id = id;
      ids.add(id);
    }
    return cell;
  });
  return nb;
}

/** The text Jupyter writes for a (normalized) notebook: one-space indentation, sorted keys, raw Unicode, final newline. */
export function notebookText(notebook: unknown, options: FormatOptions = {}): string {
  return JSON.stringify(sortKeys(normalizeNotebook(notebook, options)), null, 1) + '\n';
}

/**
 * Why `text` (the contents of a committed notebook) is not in the form
 * Jupyter writes: a list of short reasons, empty when it is.
 */
export function notebookFormatProblems(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [`not valid JSON: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const cells = (parsed as { cells?: { cell_type?: string; source?: unknown; outputs?: unknown[]; execution_count?: unknown }[] }).cells;
  if (!Array.isArray(cells)) return ['no "cells" list: not a Jupyter notebook'];
  cells.forEach((cell, i) => {
    if (typeof cell.source === 'string') problems.push(`cell ${i + 1}: source is one string, Jupyter writes a list of lines`);
    if ((cell.outputs ?? []).length > 0) problems.push(`cell ${i + 1}: has outputs (clear them before committing)`);
    if (cell.execution_count !== undefined && cell.execution_count !== null) problems.push(`cell ${i + 1}: has an execution count`);
  });
  let expected: string;
  try {
    expected = notebookText(parsed);
  } catch (error) {
    return [...problems, (error as Error).message];
  }
  if (problems.length === 0 && expected !== text) {
    const a = text.split('\n');
    const b = expected.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    problems.push(`line ${line + 1} differs from what Jupyter writes (indentation, key order, escaping or final newline): ` +
      `${JSON.stringify(a[line] ?? '')} where Jupyter writes ${JSON.stringify(b[line] ?? '')}`);
  }
  return problems;
}
