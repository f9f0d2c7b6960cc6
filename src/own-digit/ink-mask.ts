/**
 * Which pixels of a photo are the digit's ink, when the photo also holds
 * sensor noise, specks, a ruled line, the edge of the sheet or a shadow.
 * Chosen by measuring on rendered photos (bench/own-digit-photos.ts): a box
 * around every pixel above a fixed fraction of the strongest ink was
 * stretched by scattered noise to nearly the whole frame; a median filter
 * helps against noise but not against lines, edges or shadows. What works:
 *
 * 1. the paper's own brightness, estimated locally (a low percentile over
 *    blocks about a tenth of the image), is taken away, so a shadow or the
 *    dark table beyond the sheet is not ink;
 * 2. straight lines that cross the whole picture (ruled lines, the sheet's
 *    edge) are erased;
 * 3. strong ink is split at a threshold from the image's own histogram
 *    (Otsu) and cut into connected pieces; the biggest piece that is not
 *    frame clutter, and the pieces near it, are the digit; specks far from
 *    it are not;
 * 4. the digit grows into the fainter ink connected to it (hysteresis, as
 *    edge detectors do), down to the larger of a fixed fraction of the
 *    strongest ink and 3.5 noise standard deviations, so anti-aliased edges
 *    stay, as in MNIST, and noise does not.
 *
 * Import-free: the draw page's copy of the preprocessing carries it.
 */

/** The digit's ink: ink strength 0–1 where it belongs to the digit, 0 elsewhere, and its bounding box. */
export interface InkMask {
  ink: Float32Array;
  box: { x: number; y: number; width: number; height: number } | null;
  /** Ink level above which a pixel counted as strong ink (Otsu's threshold). */
  strong: number;
  /** Ink level down to which the digit grew. */
  faint: number;
  /** Standard deviation of the background's noise, 0–1 scale (robust: from the median absolute deviation). */
  noise: number;
}

const BINS = 256;

/** Block size for the local background: about a tenth of the longer side, at least 8 pixels. */
function blockSize(width: number, height: number): number {
  return Math.max(8, Math.ceil(Math.max(width, height) / 10));
}

/**
 * The background level of `signal` (ink high, paper low) at every pixel:
 * the 20th percentile over 3×3 blocks around each block, interpolated
 * bilinearly between block centres. Ink covers less than 80 % of any such
 * window in a digit, so the percentile lands on paper; on a uniform page it
 * is the page's own level.
 */
export function localBackground(signal: Float32Array, width: number, height: number): Float32Array {
  const size = blockSize(width, height);
  const bw = Math.ceil(width / size);
  const bh = Math.ceil(height / size);
  const hist = new Uint32Array(bw * bh * BINS);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / size) * bw;
    for (let x = 0; x < width; x++) {
      const v = signal[y * width + x];
      const bin = v <= 0 ? 0 : v >= 1 ? BINS - 1 : Math.floor(v * BINS);
      hist[(row + Math.floor(x / size)) * BINS + bin]++;
    }
  }
  const level = new Float32Array(bw * bh);
  const window = new Uint32Array(BINS);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      window.fill(0);
      let count = 0;
      for (let j = Math.max(0, by - 1); j <= Math.min(bh - 1, by + 1); j++) {
        for (let i = Math.max(0, bx - 1); i <= Math.min(bw - 1, bx + 1); i++) {
          const at = (j * bw + i) * BINS;
          for (let b = 0; b < BINS; b++) { window[b] += hist[at + b]; count += hist[at + b]; }
        }
      }
      let seen = 0;
      let bin = 0;
      while (bin < BINS - 1 && seen + window[bin] < 0.2 * count) seen += window[bin++];
      level[by * bw + bx] = bin === 0 ? 0 : (bin + 0.5) / BINS;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(bh - 1, Math.max(0, (y + 0.5) / size - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(bw - 1, Math.max(0, (x + 0.5) / size - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const tx = fx - x0;
      const top = (1 - tx) * level[y0 * bw + x0] + tx * level[y0 * bw + x1];
      const bottom = (1 - tx) * level[y1 * bw + x0] + tx * level[y1 * bw + x1];
      out[y * width + x] = (1 - ty) * top + ty * bottom;
    }
  }
  return out;
}

/** Otsu's threshold over values in [0, top]: the level that best splits them into two classes. */
export function otsuThreshold(values: Float32Array, top: number): number {
  if (!(top > 0)) return 0;
  const hist = new Float64Array(BINS);
  for (let i = 0; i < values.length; i++) hist[Math.min(BINS - 1, Math.floor((values[i] / top) * BINS))]++;
  let total = 0;
  let sum = 0;
  for (let b = 0; b < BINS; b++) { total += hist[b]; sum += b * hist[b]; }
  let weight = 0;
  let partial = 0;
  let best = 0;
  let bestBin = 0;
  for (let b = 0; b < BINS - 1; b++) {
    weight += hist[b];
    partial += b * hist[b];
    const rest = total - weight;
    if (weight === 0 || rest === 0) continue;
    const between = weight * rest * (partial / weight - (sum - partial) / rest) ** 2;
    if (between > best) { best = between; bestBin = b; }
  }
  return ((bestBin + 1) / BINS) * top;
}

/** Robust standard deviation of the values (1.4826 × median absolute deviation), from at most ~20,000 samples. */
export function robustNoise(values: Float32Array): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) sample.push(values[i]);
  sample.sort((a, b) => a - b);
  const mid = sample[sample.length >> 1];
  const deviations = sample.map((v) => Math.abs(v - mid)).sort((a, b) => a - b);
  return 1.4826 * deviations[deviations.length >> 1];
}

/**
 * Erases lines that run across (nearly) the whole picture: a row, or a
 * column, whose pixels above `level` reach from within 5 % of one edge to
 * within 5 % of the other with no gap over 2 % of the side. A digit never
 * spans a photo from edge to edge; a ruled line or the sheet's edge does.
 * Where a stroke at least `keep` strong crosses or touches the line (strong
 * just beside the band of line rows), its pixels stay. Returns how many rows
 * and columns were found.
 */
export function eraseCrossingLines(ink: Float32Array, width: number, height: number, level: number, keep: number): { rows: number; columns: number } {
  // Too small a picture to hold a line and a digit apart (MNIST's own 28×28, a tiny canvas).
  if (width < 48 || height < 48) return { rows: 0, columns: 0 };
  const crossing = (at: (i: number) => number, length: number): boolean => {
    const edge = Math.max(1, Math.floor(0.05 * length));
    const maxGap = Math.max(1, Math.floor(0.02 * length));
    let first = -1;
    let last = -1;
    let gap = 0;
    for (let i = 0; i < length; i++) {
      if (ink[at(i)] > level) {
        if (first < 0) { if (i > edge) return false; first = i; }
        last = i;
        gap = 0;
      } else if (first >= 0 && ++gap > maxGap) {
        return false;
      }
    }
    return first >= 0 && last >= length - 1 - edge;
  };
  // Lines as bands of neighbouring rows (or columns); `at(line, i)` is pixel i along line `line`.
  const erase = (lines: number, length: number, at: (line: number, i: number) => number): number => {
    const hit: boolean[] = [];
    for (let l = 0; l < lines; l++) hit.push(crossing((i) => at(l, i), length));
    const margin = Math.max(1, Math.floor(0.03 * lines));
    let found = 0;
    for (let l0 = 0; l0 < lines; l0++) {
      if (!hit[l0] || (l0 > 0 && hit[l0 - 1])) continue;
      let l1 = l0;
      while (l1 + 1 < lines && hit[l1 + 1]) l1++;
      // A digit cropped tightly can run edge to edge too, as a 7's bar along
      // the top or a 2's along the bottom: a band at the picture's border
      // with strong ink joined to its inner side stays. The dark table
      // beyond the sheet's edge has paper on its inner side and goes.
      const inner = l0 < margin ? l1 + 1 : l1 >= lines - margin ? l0 - 1 : -1;
      if (inner >= 0 && inner < lines && l1 - l0 + 1 <= 0.12 * lines) {
        let joined = false;
        for (let i = 0; i < length && !joined; i++) joined = ink[at(inner, i)] >= keep;
        if (joined) continue;
      }
      found += l1 - l0 + 1;
      for (let i = 0; i < length; i++) {
        const before = l0 > 0 ? ink[at(l0 - 1, i)] : 0;
        const after = l1 + 1 < lines ? ink[at(l1 + 1, i)] : 0;
        if (before >= keep || after >= keep) continue;
        for (let l = l0; l <= l1; l++) ink[at(l, i)] = 0;
      }
    }
    return found;
  };
  const rows = erase(height, width, (y, x) => y * width + x);
  const columns = erase(width, height, (x, y) => y * width + x);
  return { rows, columns };
}

interface Piece {
  area: number;
  mass: number;
  x0: number; y0: number; x1: number; y1: number;
}

/** 8-connected pieces of pixels above `level`; `label` gets each pixel's piece index + 1 (0 = none). */
function pieces(ink: Float32Array, width: number, height: number, level: number, label: Int32Array): Piece[] {
  const found: Piece[] = [];
  const stack: number[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (label[start] !== 0 || !(ink[start] > level)) continue;
    const piece: Piece = { area: 0, mass: 0, x0: width, y0: height, x1: -1, y1: -1 };
    const id = found.length + 1;
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % width;
      const y = (i - x) / width;
      piece.area++;
      piece.mass += ink[i];
      if (x < piece.x0) piece.x0 = x;
      if (x > piece.x1) piece.x1 = x;
      if (y < piece.y0) piece.y0 = y;
      if (y > piece.y1) piece.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const n = ny * width + nx;
          if (label[n] === 0 && ink[n] > level) { label[n] = id; stack.push(n); }
        }
      }
    }
    found.push(piece);
  }
  return found;
}

/**
 * A piece that belongs to the frame, not the digit: it touches the
 * picture's border and runs along most of that side (what is left of a
 * sheet edge or a line).
 */
function isClutter(p: Piece, width: number, height: number): boolean {
  const touchesSide = p.x0 === 0 || p.x1 === width - 1;
  const touchesTopOrBottom = p.y0 === 0 || p.y1 === height - 1;
  return (touchesSide && p.y1 - p.y0 + 1 >= 0.6 * height) || (touchesTopOrBottom && p.x1 - p.x0 + 1 >= 0.6 * width);
}

/**
 * The digit's ink in `ink` (ink strength 0–1 per pixel, background 0),
 * which it changes in place: lines erased, everything outside the digit set
 * to 0. `faintFraction` is the least ink, as a fraction of the strongest,
 * that still counts (MNIST keeps its anti-aliased edges).
 */
export function digitInk(ink: Float32Array, width: number, height: number, faintFraction: number, noise: number): InkMask {
  let strongest = 0;
  for (let i = 0; i < ink.length; i++) if (ink[i] > strongest) strongest = ink[i];
  const faint = Math.max(faintFraction * strongest, 3.5 * noise);
  const empty: InkMask = { ink, box: null, strong: 0, faint, noise };
  if (!(strongest > 0)) return empty;
  const strong = Math.max(faint, otsuThreshold(ink, strongest));
  eraseCrossingLines(ink, width, height, faint, strong);
  const label = new Int32Array(ink.length);
  const all = pieces(ink, width, height, strong, label);
  if (all.length === 0) return empty;
  const byMass = all.map((p, i) => ({ p, id: i + 1 })).sort((a, b) => b.p.mass - a.p.mass);
  const candidates = byMass.filter(({ p }) => !isClutter(p, width, height));
  // The digit is the biggest piece that is not clutter, unless all such pieces are specks (a digit
  // cropped so tightly that it touches the border, on noisy paper): then the biggest piece of all.
  const main = candidates.find(({ p }) => p.area >= Math.max(4, 0.002 * ink.length)) ?? byMass[0];
  // The pieces near the digit join it (a 5's separate bar, a 4 in two
  // strokes, a stroke cut by an erased line); specks a fraction of its size
  // that lie further away do not.
  const chosen = new Set<number>([main.id]);
  const box = { x0: main.p.x0, y0: main.p.y0, x1: main.p.x1, y1: main.p.y1 };
  for (let changed = true; changed;) {
    changed = false;
    const margin = 0.15 * Math.max(box.x1 - box.x0 + 1, box.y1 - box.y0 + 1);
    for (const { p, id } of candidates) {
      if (chosen.has(id) || p.mass < 0.02 * main.p.mass) continue;
      const near = p.x0 <= box.x1 + margin && p.x1 >= box.x0 - margin && p.y0 <= box.y1 + margin && p.y1 >= box.y0 - margin;
      if (!near) continue;
      chosen.add(id);
      box.x0 = Math.min(box.x0, p.x0); box.y0 = Math.min(box.y0, p.y0);
      box.x1 = Math.max(box.x1, p.x1); box.y1 = Math.max(box.y1, p.y1);
      changed = true;
    }
  }
  // Grow into connected fainter ink (hysteresis); keep only what was reached.
  const keep = new Uint8Array(ink.length);
  const stack: number[] = [];
  for (let i = 0; i < ink.length; i++) if (chosen.has(label[i])) { keep[i] = 1; stack.push(i); }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width) continue;
        const n = ny * width + nx;
        if (keep[n] === 0 && ink[n] >= faint && ink[n] > 0) { keep[n] = 1; stack.push(n); }
      }
    }
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (keep[i] === 0) { ink[i] = 0; continue; }
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return { ink, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, strong, faint, noise };
}
