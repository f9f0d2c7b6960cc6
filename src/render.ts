/**
 * Turns figures into files for the command-line job.
 *
 * Vega-Lite specs become SVG through vega's headless 'none' renderer, which
 * needs no canvas package and no browser; PNG buffers (digit grids) are
 * written as they are. SVG and PNG both open in any image viewer.
 */
import { mkdir, writeFile } from 'fs/promises';
import * as path from 'path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to an SVG document string. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    // Releases the dataflow's timers and listeners so a long CLI run does not accumulate them.
    view.finalize();
  }
}

/** A chart spec or an already-encoded PNG. */
export type Figure = TopLevelSpec | Uint8Array;

/**
 * Writes a figure, creating missing directories, and returns the path written.
 *
 * Specs are written as `.svg` (rendered) or `.json` (the Vega-Lite spec itself,
 * e.g. for the online Vega editor); PNG buffers as `.png`. Without an
 * extension the natural one is appended; a mismatching extension throws rather
 * than writing a file whose name lies about its content.
 */
export async function writeFigure(file: string, figure: Figure): Promise<string> {
  const isPng = figure instanceof Uint8Array;
  const ext = path.extname(file).toLowerCase();
  const allowed = isPng ? ['.png'] : ['.svg', '.json'];
  let target = file;
  if (ext === '') {
    target = file + allowed[0];
  } else if (!allowed.includes(ext)) {
    const what = isPng ? 'a PNG buffer' : 'a Vega-Lite spec';
    throw new Error(`writeFigure: ${what} must be written to ${allowed.join(' or ')}, got "${file}"`);
  }
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  if (figure instanceof Uint8Array) {
    await writeFile(target, figure);
  } else if (path.extname(target).toLowerCase() === '.json') {
    await writeFile(target, JSON.stringify(figure, null, 2) + '\n', 'utf8');
  } else {
    await writeFile(target, await specToSvg(figure), 'utf8');
  }
  return target;
}
