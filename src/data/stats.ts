/**
 * Small statistics over plain numbers, written once for the preprocessing
 * (the background's brightness) and the bench (timings). Import-free, so the
 * draw page's copy of the preprocessing can carry it.
 */

/** The middle value (the mean of the two middle ones for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
