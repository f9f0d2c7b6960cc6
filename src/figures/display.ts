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
import { randomBytes } from 'crypto';
import { createRequire } from 'module';
import type { TopLevelSpec } from 'vega-lite';
import { VEGA_LITE_MIME } from './chart-specs';
import { specToSvgSync } from './render';

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

/** A display message's content, as tslab's kernel sends it (display_data / update_display_data). */
interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** tslab's `dist/jupyter` module: the kernel sets `lastWriteDisplayData` for each cell it runs. */
interface KernelChannel {
  lastWriteDisplayData: ((content: DisplayContent, update: boolean) => void) | null;
}

const channels = new WeakMap<object, KernelChannel | null>();

/**
 * The `dist/jupyter` module loaded beside the given tslab module (the same
 * module instance the kernel writes to), found through Node's module cache.
 */
function channelOf(tslab: TslabModule): KernelChannel | null {
  if (channels.has(tslab)) return channels.get(tslab) ?? null;
  let channel: KernelChannel | null = null;
  const loaded = Object.values(require.cache).find((m) => m?.exports === tslab);
  if (loaded !== undefined) {
    try {
      const mod: unknown = createRequire(loaded.filename)('./jupyter');
      if (isRecord(mod) && 'lastWriteDisplayData' in mod) channel = mod as unknown as KernelChannel;
    } catch {
      channel = null;
    }
  }
  channels.set(tslab, channel);
  return channel;
}

/** Sends one display bundle (several MIME types of the same content), as tslab's own displays do. */
function sendBundle(channel: KernelChannel, data: Record<string, unknown>, displayId?: string, update = false): void {
  const write = channel.lastWriteDisplayData;
  if (write === null) throw new Error('Not ready'); // what tslab says before the first cell runs
  write({ data, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, update);
}

/** A chart's bundle: the interactive Vega-Lite spec and the SVG that viewers without Vega-Lite show. */
export function chartBundle(spec: TopLevelSpec): Record<string, unknown> {
  let svg: string;
  try {
    svg = specToSvgSync(spec);
  } catch (err) {
    // JupyterLab reports a broken spec itself; the picture is only the fallback.
    warnOnce(`showSpec: could not render the chart's SVG fallback: ${err instanceof Error ? err.message : String(err)}`);
    return { [VEGA_LITE_MIME]: spec };
  }
  return { [VEGA_LITE_MIME]: spec, 'image/svg+xml': svg };
}

function bundleOf(content: Displayable): Record<string, unknown> {
  if (typeof content === 'string') return { 'text/plain': content };
  if (content instanceof Uint8Array) return { 'image/png': Buffer.from(content).toString('base64') };
  return chartBundle(content);
}

function showContent(d: NotebookDisplay, content: Displayable): void {
  if (typeof content === 'string') d.text(content);
  else if (content instanceof Uint8Array) d.png(content);
  else d.raw(VEGA_LITE_MIME, content);
}

function kernelDisplay(): NotebookDisplay | null {
  return kernelTslab()?.display ?? null;
}

/**
 * Shows a Vega-Lite chart in the notebook (with its SVG picture for other viewers);
 * outside a kernel it does nothing (and warns once).
 */
export function showSpec(spec: TopLevelSpec): void {
  const tslab = kernelTslab();
  const channel = tslab === null ? null : channelOf(tslab);
  if (channel !== null) send(kernelDisplay(), 'showSpec', () => sendBundle(channel, chartBundle(spec)));
  else send(kernelDisplay(), 'showSpec', (d) => d.raw(VEGA_LITE_MIME, spec));
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
  const tslab = kernelTslab();
  const channel = tslab === null ? null : channelOf(tslab);
  if (tslab !== null && channel !== null) {
    // The same display_id scheme as tslab's newDisplay(): display_data first, then update_display_data.
    const id = randomBytes(8).toString('hex');
    let shown = false;
    return {
      update: (content: Displayable): boolean => send(tslab.display, 'liveDisplay', () => {
        sendBundle(channel, bundleOf(content), id, shown);
        shown = true;
      }),
    };
  }
  const target = tslab?.newDisplay() ?? null;
  return {
    update: (content: Displayable): boolean => send(target, 'liveDisplay', (d) => showContent(d, content)),
  };
}
