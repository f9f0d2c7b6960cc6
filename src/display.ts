/**
 * Showing figures inline in the tslab notebook kernel.
 *
 * The display API has to be the one belonging to the running kernel: tslab's
 * `display` only works in the module instance whose `jupyter.lastWriteDisplayData`
 * the kernel set, and a plain `require('tslab')` from compiled code can load a
 * second, never-ready copy (e.g. when the kernel is a global install). The kernel
 * exposes the same hooked `require` that notebook cells use as
 * `globalThis.__tslab__.require` (tslab 1.0.22, executor.js), so this module
 * asks that. Outside a kernel there is no `__tslab__`: every helper then does
 * nothing, returns false and warns once, so shared code can call them from the
 * CLI too. `setNotebookDisplay(tslab)` from a cell is the escape hatch if the
 * lookup ever fails.
 *
 * Vega-Lite must reach JupyterLab as a JSON object: its renderer hands the MIME
 * data to vega-embed, which treats a string as a URL to fetch. tslab's
 * `display.raw` passes non-binary data through unchanged into the message that
 * it JSON-encodes, so an object arrives as an object (its .d.ts says
 * `string | Uint8Array`, hence the wider parameter type below).
 */
import type { TopLevelSpec } from 'vega-lite';
import { VEGA_LITE_MIME } from './figures';

/** The part of tslab's `Display` used here (tslab's own object satisfies it). */
export interface NotebookDisplay {
  png(b: Uint8Array): void;
  markdown(s: string): void;
  text(s: string): void;
  raw(contentType: string, data: string | Uint8Array | object): unknown;
}

/** The part of the `tslab` module used here; pass `import * as tslab from 'tslab'`. */
export interface TslabModule {
  display: NotebookDisplay;
  /** A display that later calls overwrite in place (update_display_data). */
  newDisplay(): NotebookDisplay;
}

/** What a display can show: a chart, a PNG, or plain text. */
export type Displayable = TopLevelSpec | Uint8Array | string;

export interface LiveDisplay {
  /** Replaces the previous content of this display; false when nothing could be shown. */
  update(content: Displayable): boolean;
}

let explicit: TslabModule | null = null;
let warned = false;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function hasMethods(x: unknown, names: string[]): boolean {
  return isRecord(x) && names.every((n) => typeof x[n] === 'function');
}

function isTslabModule(x: unknown): x is TslabModule {
  return isRecord(x) && typeof x.newDisplay === 'function' && hasMethods(x.display, ['png', 'markdown', 'text', 'raw']);
}

function kernelTslab(): TslabModule | null {
  if (explicit) return explicit;
  const hook: unknown = (globalThis as { __tslab__?: unknown }).__tslab__;
  if (!isRecord(hook) || typeof hook.require !== 'function') return null;
  try {
    const mod = (hook.require as (id: string) => unknown)('tslab');
    return isTslabModule(mod) ? mod : null;
  } catch {
    return null;
  }
}

function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}

/**
 * Use this tslab module for display instead of looking up the kernel's.
 * Pass null to go back to automatic lookup.
 */
export function setNotebookDisplay(tslab: TslabModule | null): void {
  explicit = tslab;
}

/** Whether figures can be shown inline (running inside a tslab kernel). */
export function inNotebook(): boolean {
  return kernelTslab() !== null;
}

function send(target: NotebookDisplay | null, caller: string, show: (d: NotebookDisplay) => void): boolean {
  if (!target) {
    warnOnce(`${caller}: not running inside a tslab notebook kernel, nothing was displayed (save figures with writeFigure() instead).`);
    return false;
  }
  try {
    show(target);
    return true;
  } catch (err) {
    // Losing a figure should not abort a training run that is still going.
    warnOnce(`${caller}: the notebook display failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

function showContent(d: NotebookDisplay, content: Displayable): void {
  if (typeof content === 'string') d.text(content);
  else if (content instanceof Uint8Array) d.png(content);
  else d.raw(VEGA_LITE_MIME, content);
}

function kernelDisplay(): NotebookDisplay | null {
  return kernelTslab()?.display ?? null;
}

/** Shows a Vega-Lite chart in the notebook; outside a kernel it does nothing (and warns once). */
export function showSpec(spec: TopLevelSpec): void {
  send(kernelDisplay(), 'showSpec', (d) => d.raw(VEGA_LITE_MIME, spec));
}

/** Shows a PNG (e.g. from digitGridPng) in the notebook; outside a kernel it does nothing (and warns once). */
export function showPng(png: Uint8Array): void {
  send(kernelDisplay(), 'showPng', (d) => d.png(png));
}

/** Shows markdown (e.g. from digitGridCaption) in the notebook; outside a kernel it does nothing (and warns once). */
export function showMarkdown(markdown: string): void {
  send(kernelDisplay(), 'showMarkdown', (d) => d.markdown(markdown));
}

/**
 * One output area that each update() overwrites, for progress during training
 * (e.g. the training-curves chart after every epoch). The output appears in the
 * cell running at the first update; later updates replace it wherever it is.
 * Outside a kernel, updates are no-ops returning false.
 */
export function liveDisplay(): LiveDisplay {
  const target = kernelTslab()?.newDisplay() ?? null;
  return {
    update: (content: Displayable): boolean => send(target, 'liveDisplay', (d) => showContent(d, content)),
  };
}
