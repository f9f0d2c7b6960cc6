/**
 * Exercises whose answer is one value the data pins down (the digit the
 * model recognizes worst, the pair of classes it confuses most) are asked as
 * a function of the confusion matrix, so the check can run the student's
 * function on more than the one matrix the notebook printed: on matrices
 * built so that each tempting wrong method (counting mistakes instead of
 * dividing by the row, reading the column instead of the row, the row with
 * the most mistakes and then its largest cell, …) gives an answer of its own.
 * A value read off a printout, or a method right only by chance on this
 * model's matrix, then fails, and the check can say which method it was.
 */

/** A student's answer: a function of a confusion matrix (rows: true classes, columns: predicted classes). */
export type MatrixFunction<T> = (matrix: number[][]) => T;

/**
 * 10 × 10 matrices on which the lowest recall, the most mistakes by count,
 * the smallest diagonal cell, the lowest precision, the row of the largest
 * mistake, the highest recall and the column with the most wrong guesses are
 * ten different digits (found by a seeded search; test/teaching/checks.spec.ts
 * asserts that they differ).
 */
export const WEAKEST_DIGIT_MATRICES: readonly number[][][] = [
  [
    [165, 10, 7, 3, 2, 4, 2, 4, 2, 1],
    [112, 711, 97, 75, 70, 46, 42, 24, 15, 8],
    [19, 19, 124, 11, 10, 3, 10, 2, 1, 1],
    [81, 86, 49, 648, 40, 40, 25, 14, 10, 7],
    [102, 105, 77, 37, 578, 41, 27, 18, 12, 3],
    [46, 42, 23, 13, 24, 1031, 6, 8, 4, 3],
    [2, 4, 0, 3, 3, 1, 85, 1, 1, 0],
    [93, 98, 78, 47, 39, 21, 26, 777, 14, 7],
    [23, 31, 16, 14, 13, 7, 11, 5, 875, 5],
    [91, 120, 82, 61, 38, 34, 23, 18, 12, 721],
  ],
  [
    [68, 7, 8, 9, 1, 4, 1, 2, 0, 0],
    [6, 76, 3, 5, 5, 3, 1, 0, 1, 0],
    [107, 113, 738, 87, 51, 37, 24, 23, 16, 4],
    [108, 106, 78, 722, 59, 47, 39, 19, 18, 4],
    [3, 3, 2, 4, 84, 1, 1, 1, 1, 0],
    [52, 36, 29, 17, 14, 624, 10, 9, 2, 7],
    [5, 11, 5, 6, 3, 3, 63, 2, 1, 1],
    [78, 89, 69, 54, 27, 26, 17, 826, 11, 3],
    [74, 68, 54, 42, 38, 22, 17, 6, 474, 5],
    [44, 45, 28, 22, 17, 4, 6, 9, 2, 223],
  ],
];

/**
 * 10 × 10 matrices on which the largest cell off the diagonal, the same pair
 * swapped, the row with the most mistakes and then its largest cell, the
 * column with the most wrong guesses and then its largest cell, the pair
 * with the largest sum both ways, and the largest mistake as a share of its
 * row are different answers (asserted in test/teaching/extension-checks.spec.ts).
 */
export const CONFUSED_PAIR_MATRICES: readonly number[][][] = [
  [
    [143, 17, 6, 9, 10, 5, 4, 2, 4, 0],
    [41, 256, 33, 24, 16, 9, 11, 3, 5, 2],
    [92, 96, 590, 75, 46, 35, 28, 21, 10, 7],
    [80, 93, 71, 788, 52, 44, 30, 26, 13, 3],
    [49, 48, 37, 21, 1001, 11, 13, 7, 11, 2],
    [6, 5, 4, 5, 3, 71, 3, 1, 1, 1],
    [17, 20, 7, 6, 10, 6, 129, 2, 3, 0],
    [11, 11, 7, 8, 4, 5, 4, 749, 1, 0],
    [26, 22, 12, 11, 10, 10, 11, 2, 294, 2],
    [19, 23, 12, 8, 13, 4, 7, 2, 2, 910],
  ],
  [
    [153, 13, 9, 6, 5, 4, 5, 2, 2, 1],
    [61, 946, 70, 37, 28, 19, 20, 7, 9, 3],
    [47, 46, 810, 30, 24, 16, 12, 6, 6, 3],
    [3, 6, 3, 78, 4, 2, 2, 0, 0, 2],
    [24, 28, 15, 17, 287, 11, 5, 7, 4, 2],
    [66, 80, 58, 41, 24, 891, 15, 13, 7, 5],
    [4, 7, 5, 2, 3, 3, 176, 0, 0, 0],
    [63, 78, 62, 41, 22, 20, 15, 883, 8, 8],
    [2, 2, 3, 0, 1, 0, 0, 0, 192, 0],
    [6, 11, 5, 2, 7, 2, 3, 1, 0, 63],
  ],
];

/** What a student's function gave for one matrix: its value, or the error it threw. */
export type Outcome<T> = { value: T } | { error: string };

/** Runs `fn` on a fresh copy of `matrix` (so that a function that changes it changes nothing else). */
export function callOn<T>(fn: MatrixFunction<T>, matrix: readonly (readonly number[])[]): Outcome<T> {
  try {
    return { value: fn(matrix.map((row) => [...row])) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const rowSums = (m: readonly (readonly number[])[]): number[] => m.map((row) => row.reduce((a, b) => a + b, 0));
const colSums = (m: readonly (readonly number[])[]): number[] => m[0].map((_, p) => m.reduce((sum, row) => sum + row[p], 0));
const argBest = (values: number[], better: (a: number, b: number) => boolean): number =>
  values.reduce((best, v, i) => (better(v, values[best]) ? i : best), 0);

/** The digit of lowest recall (diagonal cell over its row's sum), and the tempting wrong readings of a matrix. */
export function digitReadings(m: readonly (readonly number[])[]): Record<string, number> {
  const rows = rowSums(m);
  const cols = colSums(m);
  const recall = m.map((row, d) => row[d] / Math.max(1, rows[d]));
  const precision = m.map((row, d) => row[d] / Math.max(1, cols[d]));
  const pair = largestOffDiagonal(m);
  return {
    lowestRecall: argBest(recall, (a, b) => a < b),
    mostMistakes: argBest(rows.map((s, d) => s - m[d][d]), (a, b) => a > b),
    smallestDiagonal: argBest(m.map((row, d) => row[d]), (a, b) => a < b),
    lowestPrecision: argBest(precision, (a, b) => a < b),
    largestMistakeRow: pair.truth,
    largestMistakeColumn: pair.predicted,
    highestRecall: argBest(recall, (a, b) => a > b),
    mostWrongGuesses: argBest(cols.map((s, d) => s - m[d][d]), (a, b) => a > b),
  };
}

/** The largest cell off the diagonal: the true class and the class it is taken for. */
export function largestOffDiagonal(m: readonly (readonly number[])[]): { truth: number; predicted: number; count: number } {
  let best = { truth: 0, predicted: 1, count: -1 };
  m.forEach((row, truth) => row.forEach((count, predicted) => {
    if (truth !== predicted && count > best.count) best = { truth, predicted, count };
  }));
  return best;
}

/** The most confused pair, and the tempting wrong readings of a matrix, each as [truth, predicted]. */
export function pairReadings(m: readonly (readonly number[])[]): Record<string, [number, number]> {
  const rows = rowSums(m);
  const cols = colSums(m);
  const n = m.length;
  const others = (d: number): number[] => [...Array(n).keys()].filter((i) => i !== d);
  const best = largestOffDiagonal(m);
  const worstRow = argBest(rows.map((s, d) => s - m[d][d]), (a, b) => a > b);
  const worstColumn = argBest(cols.map((s, d) => s - m[d][d]), (a, b) => a > b);
  const rowPick = others(worstRow).reduce((a, b) => (m[worstRow][b] > m[worstRow][a] ? b : a));
  const columnPick = others(worstColumn).reduce((a, b) => (m[b][worstColumn] > m[a][worstColumn] ? b : a));
  let both: [number, number] = [0, 1];
  let share: [number, number] = [0, 1];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      if (m[a][b] + m[b][a] > m[both[0]][both[1]] + m[both[1]][both[0]]) both = [a, b];
      if (m[a][b] / Math.max(1, rows[a]) > m[share[0]][share[1]] / Math.max(1, rows[share[0]])) share = [a, b];
    }
  }
  return {
    largestMistake: [best.truth, best.predicted],
    swapped: [best.predicted, best.truth],
    rowWithMostMistakes: [worstRow, rowPick],
    columnWithMostWrongGuesses: [columnPick, worstColumn],
    largestBothWays: both,
    largestShareOfRow: share,
  };
}
