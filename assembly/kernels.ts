// AssemblyScript, compiled to lib/kernels.wasm by `npm run build:kernels`
// (part of `npm run build`, so of `npm ci`). The module imports the wasm
// backend's own memory: every pointer below is a tensor's offset on that
// heap (BackendWasm.dataIdMap → memoryOffset). It allocates nothing and
// has no data of its own, so it never writes outside what it is given.
// (Hence no Mathf.exp or Mathf.log here: they bring lookup tables, data
// segments that would land on the backend's heap. test/backend/wasm-kernels.spec.ts
// checks the built module has none.)

/** float32's smallest normal number, 2⁻¹²⁶. */
const SMALLEST_NORMAL: f32 = 1.17549435e-38;

/**
 * One Adam step over n weights, each operation rounded to float32 as tfjs'
 * kernels round it:
 *   m' = m·β1 + g·(1−β1)          v' = v·β2 + g²·(1−β2)
 *   w' = (m'/c1) / (sqrt(v'/c2) + ε) · step + w      (step = −learning rate)
 * Reads w, m, v, g; writes w', m', v' (which may be the same memory).
 *
 * Moments below float32's smallest normal number (2⁻¹²⁶ ≈ 1.2e-38) are
 * stored as 0. The first moment of a weight whose pixel is rarely lit
 * decays by β1 every step and spends hundreds of steps as a subnormal
 * number: in the course model about 5 % of them after one epoch, and
 * WebAssembly must compute subnormals exactly, which x86 CPUs do slowly
 * (Adam took 0.2 ms per step with them, 0.08 without). What a moment that
 * small adds to its weight is below the weight's float32 rounding.
 */
export function adam(
  w: usize, m: usize, v: usize, g: usize, wOut: usize, mOut: usize, vOut: usize, n: i32,
  beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, c1: f32, c2: f32, epsilon: f32, step: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const k1 = f32x4.splat(c1);
  const k2 = f32x4.splat(c2);
  const eps = f32x4.splat(epsilon);
  const st = f32x4.splat(step);
  const smallest = f32x4.splat(SMALLEST_NORMAL);
  const vectorEnd = n & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const o: usize = <usize>i << 2;
    const gk = v128.load(g + o);
    let m1 = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gk, ob1));
    let v1 = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gk, gk), ob2));
    m1 = v128.and(m1, f32x4.ge(f32x4.abs(m1), smallest));
    v1 = v128.and(v1, f32x4.ge(v1, smallest));
    const mHat = f32x4.div(m1, k1);
    const vHat = f32x4.div(v1, k2);
    const delta = f32x4.mul(f32x4.div(mHat, f32x4.add(f32x4.sqrt(vHat), eps)), st);
    const w1 = f32x4.add(delta, v128.load(w + o));
    v128.store(mOut + o, m1);
    v128.store(vOut + o, v1);
    v128.store(wOut + o, w1);
  }
  for (; i < n; i++) {
    const o: usize = <usize>i << 2;
    const gk = load<f32>(g + o);
    let m1: f32 = load<f32>(m + o) * beta1 + gk * oneMinusBeta1;
    let v1: f32 = load<f32>(v + o) * beta2 + (gk * gk) * oneMinusBeta2;
    if (Mathf.abs(m1) < SMALLEST_NORMAL) m1 = 0;
    if (v1 < SMALLEST_NORMAL) v1 = 0;
    const mHat: f32 = m1 / c1;
    const vHat: f32 = v1 / c2;
    const w1: f32 = (mHat / (Mathf.sqrt(vHat) + epsilon)) * step + load<f32>(w + o);
    store<f32>(mOut + o, m1);
    store<f32>(vOut + o, v1);
    store<f32>(wOut + o, w1);
  }
}

/**
 * Max-pooling gradient (NHWC): each output gradient goes to the position
 * that held its window's maximum, the first in row-major order on ties (as
 * the cpu backend does). dx is cleared first.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, filterH: i32, filterW: i32, top: i32, left: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inH * inW * c * 4);
  for (let b = 0; b < batch; b++) {
    const image = b * inH * inW * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * strideH - top;
      const yFrom = max(0, y0);
      const yTo = min(inH, y0 + filterH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - left;
        const xFrom = max(0, x0);
        const xTo = min(inW, x0 + filterW);
        const grad = ((b * outH + oy) * outW + ox) * c;
        let ch = 0;
        if (yFrom < yTo && xFrom < xTo) {
          // Four channels at a time: the window's first position, then a
          // strictly larger value replaces it (so ties keep the first).
          const first = image + (yFrom * inW + xFrom) * c;
          for (; ch + 4 <= c; ch += 4) {
            let best = v128.load(x + (<usize>(first + ch) << 2));
            let where = i32x4.splat(first + ch);
            for (let y = yFrom; y < yTo; y++) {
              for (let xx = xFrom; xx < xTo; xx++) {
                const at = image + (y * inW + xx) * c + ch;
                const value = v128.load(x + (<usize>at << 2));
                const larger = f32x4.gt(value, best);
                best = v128.bitselect(value, best, larger);
                where = v128.bitselect(i32x4.splat(at), where, larger);
              }
            }
            const g = dy + (<usize>(grad + ch) << 2);
            const p0 = dx + (<usize>(i32x4.extract_lane(where, 0)) << 2);
            store<f32>(p0, load<f32>(p0) + load<f32>(g));
            const p1 = dx + (<usize>(i32x4.extract_lane(where, 1) + 1) << 2);
            store<f32>(p1, load<f32>(p1) + load<f32>(g, 4));
            const p2 = dx + (<usize>(i32x4.extract_lane(where, 2) + 2) << 2);
            store<f32>(p2, load<f32>(p2) + load<f32>(g, 8));
            const p3 = dx + (<usize>(i32x4.extract_lane(where, 3) + 3) << 2);
            store<f32>(p3, load<f32>(p3) + load<f32>(g, 12));
          }
        }
        for (; ch < c; ch++) {
          let best: f32 = -Infinity;
          let where = -1;
          for (let y = yFrom; y < yTo; y++) {
            for (let xx = xFrom; xx < xTo; xx++) {
              const at = image + (y * inW + xx) * c + ch;
              const value = load<f32>(x + (<usize>at << 2));
              if (value > best) {
                best = value;
                where = at;
              }
            }
          }
          if (where >= 0) {
            const p = dx + (<usize>where << 2);
            store<f32>(p, load<f32>(p) + load<f32>(dy + (<usize>(grad + ch) << 2)));
          }
        }
      }
    }
  }
}

/**
 * Column sums of a rows × cols matrix: out[j] = Σ_i x[i, j] (the bias
 * gradient of a convolution or Dense layer). Blocks of 64 rows are summed
 * in float32 while they sit in the cache, and the blocks' sums added in
 * float64 in `totals` (cols float64 values of scratch), so the result stays
 * as accurate as a float64 sum rounded once, for any number of rows.
 */
export function sumRows(x: usize, out: usize, totals: usize, rows: i32, cols: i32): void {
  memory.fill(totals, 0, <usize>cols * 8);
  const vectorEnd = cols & ~3;
  for (let block = 0; block < rows; block += 64) {
    const blockEnd = min(rows, block + 64);
    let j = 0;
    for (; j < vectorEnd; j += 4) {
      let acc = f32x4.splat(0);
      for (let i = block; i < blockEnd; i++) acc = f32x4.add(acc, v128.load(x + ((<usize>i * cols + j) << 2)));
      const t = totals + (<usize>j << 3);
      v128.store(t, f64x2.add(v128.load(t), f64x2.promote_low_f32x4(acc)));
      v128.store(t, f64x2.add(v128.load(t, 16), f64x2.promote_low_f32x4(i32x4.shuffle(acc, acc, 2, 3, 0, 1))), 16);
    }
    for (; j < cols; j++) {
      let acc: f32 = 0;
      for (let i = block; i < blockEnd; i++) acc += load<f32>(x + ((<usize>i * cols + j) << 2));
      const t = totals + (<usize>j << 3);
      store<f64>(t, load<f64>(t) + <f64>acc);
    }
  }
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(totals + (<usize>j << 3)));
}

/**
 * im2col, transposed: one row per filter tap (a, e, channel), one column
 * per output position (b, p, q), so that dW = patchesᵀ · dy is a plain
 * product whose second operand, dy, is the small one (the backend packs
 * its second operand on every call). Zeros where the window hangs over the
 * padding. Four positions × four channels at a time, transposed in
 * registers, where the channels come in fours.
 */
export function im2colTransposed(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, c: i32, kh: i32, kw: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, top: i32, left: i32,
): void {
  const rows = batch * outH * outW;
  const perImage = outH * outW;
  const rowBytes = <usize>rows << 2;
  const vectorChannels = c & ~3;
  const zero = f32x4.splat(0);
  for (let a = 0; a < kh; a++) {
    for (let e = 0; e < kw; e++) {
      const tap = out + (<usize>(a * kw + e) * c) * rowBytes;
      for (let r = 0; r < rows; r += 4) {
        const lanes = min(4, rows - r);
        // Byte address of each of the (up to) four positions' input pixel; 0 where it is padding.
        let s0: usize = 0, s1: usize = 0, s2: usize = 0, s3: usize = 0;
        for (let k = 0; k < lanes; k++) {
          const pos = r + k;
          const b = pos / perImage;
          const pq = pos - b * perImage;
          const p = pq / outW;
          const q = pq - p * outW;
          const y = p * strideH + a * dilationH - top;
          const xx = q * strideW + e * dilationW - left;
          const src: usize = y < 0 || y >= inH || xx < 0 || xx >= inW ? 0 : x + ((<usize>((b * inH + y) * inW + xx) * c) << 2);
          if (k == 0) s0 = src; else if (k == 1) s1 = src; else if (k == 2) s2 = src; else s3 = src;
        }
        let i = 0;
        if (lanes == 4) {
          for (; i < vectorChannels; i += 4) {
            const o = <usize>i << 2;
            const v0 = s0 != 0 ? v128.load(s0 + o) : zero;
            const v1 = s1 != 0 ? v128.load(s1 + o) : zero;
            const v2 = s2 != 0 ? v128.load(s2 + o) : zero;
            const v3 = s3 != 0 ? v128.load(s3 + o) : zero;
            const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
            const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
            const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
            const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
            const dst = tap + <usize>i * rowBytes + (<usize>r << 2);
            v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
            v128.store(dst + rowBytes, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
            v128.store(dst + 2 * rowBytes, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
            v128.store(dst + 3 * rowBytes, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
          }
        }
        for (; i < c; i++) {
          const dst = tap + <usize>i * rowBytes + (<usize>r << 2);
          const o = <usize>i << 2;
          store<f32>(dst, s0 != 0 ? load<f32>(s0 + o) : 0);
          if (lanes > 1) store<f32>(dst, s1 != 0 ? load<f32>(s1 + o) : 0, 4);
          if (lanes > 2) store<f32>(dst, s2 != 0 ? load<f32>(s2 + o) : 0, 8);
          if (lanes > 3) store<f32>(dst, s3 != 0 ? load<f32>(s3 + o) : 0, 12);
        }
      }
    }
  }
}

/**
 * col2im, the input gradient's last step: cols holds, for every output
 * position (b, p, q), the kh × kw × c contributions dy[b,p,q,:] · Wᵀ makes
 * to the inputs its window covered; each is added to its input pixel, and
 * those in the padding are dropped. dx is cleared first.
 */
export function col2im(
  cols: usize, dx: usize, batch: i32, inH: i32, inW: i32, c: i32, kh: i32, kw: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, top: i32, left: i32,
): void {
  memory.fill(dx, 0, <usize>batch * inH * inW * c * 4);
  const vectorChannels = c & ~3;
  let src = cols;
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < outH; p++) {
      for (let q = 0; q < outW; q++) {
        for (let a = 0; a < kh; a++) {
          const y = p * strideH + a - top;
          for (let e = 0; e < kw; e++) {
            const xx = q * strideW + e - left;
            if (y >= 0 && y < inH && xx >= 0 && xx < inW) {
              const dst = dx + (<usize>((b * inH + y) * inW + xx) * c << 2);
              let i = 0;
              for (; i < vectorChannels; i += 4) {
                const o = <usize>i << 2;
                v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
              }
              for (; i < c; i++) {
                const o = <usize>i << 2;
                store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
              }
            }
            src += <usize>c << 2;
          }
        }
      }
    }
  }
}

/**
 * The filter gradient computed directly, for filters with few taps (the
 * first layer's 3×3×1): dW[t, o] = Σ_r x_t(r) · dy[r, o] over the output
 * positions r, where x_t(r) is the input tap t met at r. As a matrix
 * product, its operand of positions × co values would be re-packed on every
 * call, which costs more than this whole pass. Positions go in chunks of
 * 64: their taps are gathered into `scratch` (taps × 64 floats), then each
 * tap's products are summed over the chunk in registers, sixteen output
 * channels at a time. Needs co a multiple of 4.
 */
export function filterGradDirect(
  x: usize, dy: usize, dw: usize, scratch: usize, batch: i32, inH: i32, inW: i32, c: i32, kh: i32, kw: i32,
  outH: i32, outW: i32, co: i32, strideH: i32, strideW: i32, top: i32, left: i32,
): void {
  const taps = kh * kw * c;
  memory.fill(dw, 0, <usize>taps * co * 4);
  const positions = batch * outH * outW;
  const perImage = outH * outW;
  const chunk = 64;
  const wide = co & ~15;
  for (let r0 = 0; r0 < positions; r0 += chunk) {
    const n = min(chunk, positions - r0);
    for (let k = 0; k < n; k++) {
      const pos = r0 + k;
      const b = pos / perImage;
      const pq = pos - b * perImage;
      const p = pq / outW;
      const q = pq - p * outW;
      for (let a = 0; a < kh; a++) {
        const y = p * strideH + a - top;
        for (let e = 0; e < kw; e++) {
          const xx = q * strideW + e - left;
          const inside = y >= 0 && y < inH && xx >= 0 && xx < inW;
          const src = x + (<usize>(((b * inH + y) * inW + xx) * c) << 2);
          for (let i = 0; i < c; i++) {
            const t = (a * kw + e) * c + i;
            store<f32>(scratch + (<usize>(t * chunk + k) << 2), inside ? load<f32>(src + (<usize>i << 2)) : 0);
          }
        }
      }
    }
    const rows = dy + (<usize>r0 * co << 2);
    const rowBytes = <usize>co << 2;
    for (let t = 0; t < taps; t++) {
      const xs = scratch + (<usize>(t * chunk) << 2);
      const out = dw + (<usize>(t * co) << 2);
      let j = 0;
      for (; j < wide; j += 16) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let row = rows + (<usize>j << 2);
        for (let k = 0; k < n; k++) {
          const v = f32x4.splat(load<f32>(xs + (<usize>k << 2)));
          a0 = f32x4.add(a0, f32x4.mul(v, v128.load(row)));
          a1 = f32x4.add(a1, f32x4.mul(v, v128.load(row, 16)));
          a2 = f32x4.add(a2, f32x4.mul(v, v128.load(row, 32)));
          a3 = f32x4.add(a3, f32x4.mul(v, v128.load(row, 48)));
          row += rowBytes;
        }
        const o = out + (<usize>j << 2);
        v128.store(o, f32x4.add(v128.load(o), a0));
        v128.store(o, f32x4.add(v128.load(o, 16), a1), 16);
        v128.store(o, f32x4.add(v128.load(o, 32), a2), 32);
        v128.store(o, f32x4.add(v128.load(o, 48), a3), 48);
      }
      for (; j < co; j += 4) {
        let acc = f32x4.splat(0);
        let row = rows + (<usize>j << 2);
        for (let k = 0; k < n; k++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xs + (<usize>k << 2))), v128.load(row)));
          row += rowBytes;
        }
        const o = out + (<usize>j << 2);
        v128.store(o, f32x4.add(v128.load(o), acc));
      }
    }
  }
}

/** The relu layer's backward step: dz = da where the layer's output a > 0, else 0. */
export function reluGrad(da: usize, a: usize, dz: usize, count: i32): void {
  const zero = f32x4.splat(0);
  const vectorEnd = count & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const o = <usize>i << 2;
    v128.store(dz + o, v128.and(v128.load(da + o), f32x4.gt(v128.load(a + o), zero)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(dz + o, load<f32>(a + o) > 0 ? load<f32>(da + o) : 0);
  }
}

/**
 * A rows × cols matrix transposed (out is cols × rows), in 4 × 4 blocks
 * turned in registers; the edges one value at a time.
 */
export function transpose2d(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const outRowBytes = <usize>rows << 2;
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  for (let r = 0; r < rows4; r += 4) {
    const src = x + <usize>r * rowBytes;
    for (let c = 0; c < cols4; c += 4) {
      const s = src + (<usize>c << 2);
      const v0 = v128.load(s);
      const v1 = v128.load(s + rowBytes);
      const v2 = v128.load(s + 2 * rowBytes);
      const v3 = v128.load(s + 3 * rowBytes);
      const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
      const d = out + <usize>c * outRowBytes + (<usize>r << 2);
      v128.store(d, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(d + outRowBytes, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * outRowBytes, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * outRowBytes, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
    for (let c = cols4; c < cols; c++) {
      for (let k = 0; k < 4; k++) {
        store<f32>(out + <usize>c * outRowBytes + (<usize>(r + k) << 2), load<f32>(src + <usize>k * rowBytes + (<usize>c << 2)));
      }
    }
  }
  for (let r = rows4; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    for (let c = 0; c < cols; c++) store<f32>(out + <usize>c * outRowBytes + (<usize>r << 2), load<f32>(src + (<usize>c << 2)));
  }
}

/** out = x + bias on every row: x is rows × cols, bias cols values (a layer's bias added to each position). */
export function addRows(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    let j = 0;
    for (; j < cols4; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(src + o), v128.load(bias + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(src + o) + load<f32>(bias + o));
    }
  }
}

// ---------------------------------------------------------------------------
// Matrix products for a Dense layer at small batch sizes. XNNPACK (the wasm
// backend's product) packs its second operand on every call, and a layer's
// weights are a new buffer after every update, so at batch 32 the packing
// costs about as much as the arithmetic. These read the weights where they
// lie. Built twice (package.json): with relaxed SIMD, where a multiply-add
// is one fused instruction on CPUs that have one, and without it for
// engines that lack relaxed SIMD (Node.js 20 without a flag).

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function splatAt(p: usize): v128 {
  return f32x4.splat(load<f32>(p));
}

/** Bias, then relu if asked, added to an accumulator row of 4 columns. */
@inline function finish(acc: v128, bias: v128, relu: i32): v128 {
  const v = f32x4.add(acc, bias);
  return relu != 0 ? f32x4.max(v, f32x4.splat(0)) : v;
}

/** Whether any of a vector's four floats is nonzero (+0 and −0 count as zero). */
@inline function anyNonzero(v: v128): bool {
  return v128.any_true(v128.and(v, i32x4.splat(0x7fffffff)));
}

/** Where the values of the i-th sparse entry lie in a scratch area of `count` entries: after the positions, 16-byte aligned. */
@inline function valuesAt(scratch: usize, count: i32): usize {
  return (scratch + (<usize>count << 2) + 15) & ~(<usize>15);
}

/**
 * out (m × n) = x (m × k) · w (k × n) + bias on every row, relu if asked:
 * a Dense layer's forward pass, all row-major. Four rows by eight columns
 * at a time, so each weight vector loaded serves four rows. Most of an
 * MNIST image is 0, so for each four rows the positions where any of them
 * is nonzero are listed first (in `scratch`: k positions, then k vectors
 * of the four values), and only those weight rows are read: a product
 * with 0 adds nothing to a sum. Rows beyond the last multiple of 4, and
 * columns beyond the last multiple of 8, are done densely one at a time.
 */
export function denseForward(x: usize, w: usize, bias: usize, out: usize, scratch: usize, m: i32, k: i32, n: i32, relu: i32): void {
  const xRow = <usize>k << 2;
  const wRow = <usize>n << 2;
  const n8 = n & ~7;
  const m4 = m & ~3;
  const positions = scratch;
  const values = valuesAt(scratch, k);
  for (let i = 0; i < m4; i += 4) {
    const x0 = x + <usize>i * xRow;
    const x1 = x0 + xRow;
    const x2 = x1 + xRow;
    const x3 = x2 + xRow;
    let count = 0;
    for (let p = 0; p < k; p++) {
      const o = <usize>p << 2;
      let v = f32x4.splat(load<f32>(x0 + o));
      v = f32x4.replace_lane(v, 1, load<f32>(x1 + o));
      v = f32x4.replace_lane(v, 2, load<f32>(x2 + o));
      v = f32x4.replace_lane(v, 3, load<f32>(x3 + o));
      // Written every time, kept only where nonzero: no branch to mispredict.
      store<u32>(positions + (<usize>count << 2), <u32>p * <u32>wRow);
      v128.store(values + (<usize>count << 4), v);
      count += <i32>anyNonzero(v);
    }
    for (let j = 0; j < n8; j += 8) {
      const wCol = w + (<usize>j << 2);
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let t = 0; t < count; t++) {
        const wp = wCol + <usize>load<u32>(positions + (<usize>t << 2));
        const xv = v128.load(values + (<usize>t << 4));
        const w0 = v128.load(wp);
        const w1 = v128.load(wp + 16);
        let a = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0);
        c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
        a = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1);
        c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
        a = v128.shuffle<f32>(xv, xv, 2, 2, 2, 2);
        c20 = madd(a, w0, c20); c21 = madd(a, w1, c21);
        a = v128.shuffle<f32>(xv, xv, 3, 3, 3, 3);
        c30 = madd(a, w0, c30); c31 = madd(a, w1, c31);
      }
      const b0 = v128.load(bias + (<usize>j << 2));
      const b1 = v128.load(bias + (<usize>j << 2) + 16);
      const d = out + <usize>i * wRow + (<usize>j << 2);
      v128.store(d, finish(c00, b0, relu)); v128.store(d + 16, finish(c01, b1, relu));
      v128.store(d + wRow, finish(c10, b0, relu)); v128.store(d + wRow + 16, finish(c11, b1, relu));
      v128.store(d + 2 * wRow, finish(c20, b0, relu)); v128.store(d + 2 * wRow + 16, finish(c21, b1, relu));
      v128.store(d + 3 * wRow, finish(c30, b0, relu)); v128.store(d + 3 * wRow + 16, finish(c31, b1, relu));
    }
  }
  for (let i = m4; i < m; i++) {
    const xr = x + <usize>i * xRow;
    for (let j = 0; j < n8; j += 8) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let wp = w + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        const a = splatAt(xr + (<usize>p << 2));
        c0 = madd(a, v128.load(wp), c0);
        c1 = madd(a, v128.load(wp + 16), c1);
        wp += wRow;
      }
      const d = out + <usize>i * wRow + (<usize>j << 2);
      v128.store(d, finish(c0, v128.load(bias + (<usize>j << 2)), relu));
      v128.store(d + 16, finish(c1, v128.load(bias + (<usize>j << 2) + 16), relu));
    }
  }
  for (let j = n8; j < n; j++) {
    const bj = load<f32>(bias + (<usize>j << 2));
    for (let i = 0; i < m; i++) {
      const xr = x + <usize>i * xRow;
      let s: f32 = 0;
      for (let p = 0; p < k; p++) s += load<f32>(xr + (<usize>p << 2)) * load<f32>(w + <usize>p * wRow + (<usize>j << 2));
      s += bj;
      if (relu != 0 && !(s > 0)) s = 0;
      store<f32>(out + <usize>i * wRow + (<usize>j << 2), s);
    }
  }
}

/**
 * dw (k × n) = xᵀ · dz for x (m × k) and dz (m × n): a Dense layer's weight
 * gradient, summed over the m rows of the batch without transposing x.
 * Four weight rows by eight columns at a time; for each four weight rows
 * only the batch rows whose four x values are not all 0 are summed (listed
 * first in `scratch`: m positions, then m vectors of the four values), and
 * weight rows whose x is 0 in the whole batch get 0.
 */
export function denseWeightGrad(x: usize, dz: usize, dw: usize, scratch: usize, m: i32, k: i32, n: i32): void {
  const xRow = <usize>k << 2;
  const dzRow = <usize>n << 2;
  const n8 = n & ~7;
  const k4 = k & ~3;
  const positions = scratch;
  const values = valuesAt(scratch, m);
  for (let i = 0; i < k4; i += 4) {
    const xc = x + (<usize>i << 2);
    let count = 0;
    for (let r = 0; r < m; r++) {
      const v = v128.load(xc + <usize>r * xRow);
      store<u32>(positions + (<usize>count << 2), <u32>r * <u32>dzRow);
      v128.store(values + (<usize>count << 4), v);
      count += <i32>anyNonzero(v);
    }
    const d = dw + <usize>i * dzRow;
    if (count == 0) {
      memory.fill(d, 0, 4 * dzRow);
      continue;
    }
    for (let j = 0; j < n8; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      const gCol = dz + (<usize>j << 2);
      for (let t = 0; t < count; t++) {
        const gp = gCol + <usize>load<u32>(positions + (<usize>t << 2));
        const xv = v128.load(values + (<usize>t << 4));
        const g0 = v128.load(gp);
        const g1 = v128.load(gp + 16);
        let a = v128.shuffle<f32>(xv, xv, 0, 0, 0, 0);
        c00 = madd(a, g0, c00); c01 = madd(a, g1, c01);
        a = v128.shuffle<f32>(xv, xv, 1, 1, 1, 1);
        c10 = madd(a, g0, c10); c11 = madd(a, g1, c11);
        a = v128.shuffle<f32>(xv, xv, 2, 2, 2, 2);
        c20 = madd(a, g0, c20); c21 = madd(a, g1, c21);
        a = v128.shuffle<f32>(xv, xv, 3, 3, 3, 3);
        c30 = madd(a, g0, c30); c31 = madd(a, g1, c31);
      }
      const o = d + (<usize>j << 2);
      v128.store(o, c00); v128.store(o + 16, c01);
      v128.store(o + dzRow, c10); v128.store(o + dzRow + 16, c11);
      v128.store(o + 2 * dzRow, c20); v128.store(o + 2 * dzRow + 16, c21);
      v128.store(o + 3 * dzRow, c30); v128.store(o + 3 * dzRow + 16, c31);
    }
    // Columns beyond the last multiple of 8, from the same list.
    for (let j = n8; j < n; j++) {
      for (let lane = 0; lane < 4; lane++) {
        let s: f32 = 0;
        for (let t = 0; t < count; t++) {
          const g = load<f32>(dz + <usize>load<u32>(positions + (<usize>t << 2)) + (<usize>j << 2));
          s += load<f32>(values + (<usize>t << 4) + (<usize>lane << 2)) * g;
        }
        store<f32>(d + <usize>lane * dzRow + (<usize>j << 2), s);
      }
    }
  }
  // Weight rows beyond the last multiple of 4, densely.
  for (let i = k4; i < k; i++) {
    for (let j = 0; j < n; j++) {
      let s: f32 = 0;
      for (let r = 0; r < m; r++) s += load<f32>(x + <usize>r * xRow + (<usize>i << 2)) * load<f32>(dz + <usize>r * dzRow + (<usize>j << 2));
      store<f32>(dw + <usize>i * dzRow + (<usize>j << 2), s);
    }
  }
}
