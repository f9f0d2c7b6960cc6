// Types of scripts/fresh-lib.js (plain JavaScript so that it runs before anything is compiled).
export interface LibFreshness {
  fresh: boolean;
  /** Why lib/ is stale, e.g. "lib/ is older than src/cli/draw.ts (changed 2026-12-06 18:40:00 UTC)". */
  reason?: string;
}
export function newestInput(root?: string): { file: string; mtimeMs: number } | undefined;
export function libFreshness(root?: string): LibFreshness;
/** Rebuilds lib/ when stale, saying why on `log`; true when it rebuilt. Throws when the build fails. */
export function ensureFreshLib(options?: { root?: string; log?: (line: string) => void; build?: string[] }): boolean;
export function beginBuild(root?: string): void;
export function finishBuild(root?: string): void;
