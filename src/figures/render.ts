/**
 * Turns figures into files for the command-line job.
 *
 * Vega-Lite specs become SVG through vega's headless 'none' renderer, which
 * needs no canvas package and no browser; PNG buffers (digit grids) are
 * written as they are. SVG and PNG both open in any image viewer.
 */
import { mkdir } from 'fs/promises';
import * as path from 'path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../data/atomic-file';

/**
 * Renders a Vega-Lite spec to an SVG document string, synchronously.
 *
 * The notebook needs the picture while the cell still runs (an output sent
 * after the cell finished is dropped), so this cannot await vega's `toSVG()`.
 * With inline data nothing is pending: `run()` evaluates the dataflow at once
 * and vega's headless SVG string renderer draws the scenegraph in one call.
 * A test compares the result with
 * `toSVG()` for every chart the project draws.
 */
export function specToSvgSync(spec: TopLevelSpec): string {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Warn });
  try {
    view.run();
    // What vega's own headless rendering (toSVG) does after runAsync(), step by step. The view's
    // size after autosize lives in _viewWidth/_viewHeight (vega has no public getter for it; the
    // width() signal is the plot's), and vega's typings omit the scenegraph root and the
    // one-argument renderModule lookup.
    const sized = view as unknown as { _viewWidth: number; _viewHeight: number };
    const root = (view.scenegraph() as unknown as { root: unknown }).root;
    const padding = view.padding();
    const pad = typeof padding === 'number' ? { top: padding, bottom: padding, left: padding, right: padding } : padding;
    const [left, top, right, bottom] = [pad.left ?? 0, pad.top ?? 0, pad.right ?? 0, pad.bottom ?? 0];
    const [originX, originY] = view.origin();
    const lookup = vega.renderModule as unknown as (name: string) => { headless: new (loader: unknown) => SvgStringRenderer };
    const Renderer = lookup('svg').headless;
    const renderer = new Renderer(view.loader())
      .initialize(null, Math.max(0, sized._viewWidth + left + right), Math.max(0, sized._viewHeight + top + bottom),
        [left + originX, top + originY], 1)
      .background(view.background());
    renderer.render(root);
    return renderer.svg();
  } finally {
    view.finalize();
  }
}

/** The part of vega's headless SVG string renderer used above. */
interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: [number, number], scaleFactor: number): SvgStringRenderer;
  background(color: unknown): SvgStringRenderer;
  render(scene: unknown): SvgStringRenderer;
  svg(): string;
}

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
  // Whole or not at all (temporary file, then rename): a full disk never leaves half a figure.
  if (figure instanceof Uint8Array) {
    writeFileAtomic(target, figure, `write ${target}`);
  } else if (path.extname(target).toLowerCase() === '.json') {
    writeFileAtomic(target, JSON.stringify(figure, null, 2) + '\n', `write ${target}`);
  } else {
    writeFileAtomic(target, await specToSvg(figure), `write ${target}`);
  }
  return target;
}
