/**
 * Shrinking decoded pixels by a whole factor, averaging each k×k block
 * (area averaging: thin strokes turn grey instead of vanishing, and sensor
 * noise averages out). A phone photo is brought to about a thousand pixels a
 * side this way before the preprocessing looks at it: plenty for a 28×28
 * result, and the preprocessing's own buffers then stay a few megabytes.
 */

/** The longest side, in pixels, that a decoded photo is reduced to (at most). */
export const DECODED_SIDE = 1024;

/** The whole factor that brings the longer side to DECODED_SIDE or less (1 for small images). */
export function reductionFactor(width: number, height: number, side = DECODED_SIDE): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / side));
}

/** Size after reducing by `factor` (partial blocks at the right and bottom edges count as pixels). */
export function reducedSize(width: number, height: number, factor: number): { width: number; height: number } {
  return { width: Math.ceil(width / factor), height: Math.ceil(height / factor) };
}

/**
 * Averages `channels`-valued pixels over factor×factor blocks; `row(y)`
 * gives source row y (so a decoder can hand over its rows without one big
 * copy). Returns the reduced pixels, rounded to bytes.
 */
export function reduceRows(row: (y: number) => ArrayLike<number>, width: number, height: number, channels: number, factor: number): Uint8Array {
  const out = reducedSize(width, height, factor);
  const result = new Uint8Array(out.width * out.height * channels);
  const sums = new Float64Array(out.width * channels);
  for (let oy = 0; oy < out.height; oy++) {
    sums.fill(0);
    const y0 = oy * factor;
    const y1 = Math.min(height, y0 + factor);
    for (let y = y0; y < y1; y++) {
      const line = row(y);
      for (let x = 0; x < width; x++) {
        const o = Math.floor(x / factor) * channels;
        const s = x * channels;
        for (let c = 0; c < channels; c++) sums[o + c] += line[s + c];
      }
    }
    for (let ox = 0; ox < out.width; ox++) {
      const count = (y1 - y0) * (Math.min(width, (ox + 1) * factor) - ox * factor);
      for (let c = 0; c < channels; c++) result[(oy * out.width + ox) * channels + c] = Math.round(sums[ox * channels + c] / count);
    }
  }
  return result;
}

/** Reduces row-major `channels`-valued pixels held in one array. */
export function reducePixels(data: Uint8Array, width: number, height: number, channels: number, factor: number): Uint8Array {
  if (factor === 1) return data;
  const stride = width * channels;
  return reduceRows((y) => data.subarray(y * stride, (y + 1) * stride), width, height, channels, factor);
}
