/**
 * Reading a large tensor back in pieces. `dataSync()` on the workbook's
 * 60,000 training images would make a second 188 MB copy of them in the
 * kernel's memory, beside the tensor; a check or a statistic only needs the
 * values a few thousand rows at a time.
 */
import * as tf from '@tensorflow/tfjs';

/** Rows read back per piece (about 12.8 MB of 784 float32 values). */
export const ROWS_PER_PIECE = 4096;

/**
 * Calls `visit` with the values of consecutive pieces of `x`'s rows (its
 * first axis), and where each piece starts among all of x's values.
 */
export function forEachPiece(x: tf.Tensor, visit: (values: tf.TypedArray, offset: number) => void): void {
  if (x.rank === 0) {
    visit(x.dataSync() as tf.TypedArray, 0);
    return;
  }
  const rows = x.shape[0];
  const perRow = rows === 0 ? 0 : x.size / rows;
  for (let start = 0; start < rows; start += ROWS_PER_PIECE) {
    const count = Math.min(ROWS_PER_PIECE, rows - start);
    const begin = x.shape.map((_, axis) => (axis === 0 ? start : 0));
    const size = x.shape.map((extent, axis) => (axis === 0 ? count : extent));
    const piece = tf.slice(x, begin, size);
    try {
      visit(piece.dataSync() as tf.TypedArray, start * perRow);
    } finally {
      piece.dispose();
    }
  }
}
