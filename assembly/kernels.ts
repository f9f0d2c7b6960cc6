// AssemblyScript, compiled to lib/kernels.wasm by `npm run build:kernels`
// (part of `npm run build`, so of `npm ci`). The module imports the wasm
// backend's own memory: every pointer below is a tensor's offset on that
// heap (BackendWasm.dataIdMap → memoryOffset). It allocates nothing and
// has no data of its own, so it never writes outside what it is given.

/**
 * One Adam step over n weights, each operation rounded to float32 as tfjs'
 * kernels round it:
 *   m' = m·β1 + g·(1−β1)          v' = v·β2 + g²·(1−β2)
 *   w' = (m'/c1) / (sqrt(v'/c2) + ε) · step + w      (step = −learning rate)
 * Reads w, m, v, g; writes w', m', v' (which may be the same memory).
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
  const vectorEnd = n & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const o: usize = <usize>i << 2;
    const gk = v128.load(g + o);
    const m1 = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gk, ob1));
    const v1 = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gk, gk), ob2));
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
    const m1: f32 = load<f32>(m + o) * beta1 + gk * oneMinusBeta1;
    const v1: f32 = load<f32>(v + o) * beta2 + (gk * gk) * oneMinusBeta2;
    const mHat: f32 = m1 / c1;
    const vHat: f32 = v1 / c2;
    const w1: f32 = (mHat / (Mathf.sqrt(vHat) + epsilon)) * step + load<f32>(w + o);
    store<f32>(mOut + o, m1);
    store<f32>(vOut + o, v1);
    store<f32>(wOut + o, w1);
  }
}
