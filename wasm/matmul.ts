// AssemblyScript source of mm3d's product kernel (compiled to WebAssembly by the build: see
// vite.config.ts, plugin "mm3d-kernel"). Not part of the TypeScript program.
//
// out (rows x J) = a (rows x K) @ b (K x J), with b given transposed (`bt` is J x K), all float32
// row-major at byte addresses in this module's memory. Same arithmetic as the JavaScript kernel
// (src/core/tensor/matmul.ts): every product is exact (float32 x float32 fits a float64) and sums
// are float64, so NaN, infinities and cancellation behave the same; only the order of the
// additions differs. 128-bit SIMD: a 2 x 2 tile of results, four k at a time, each float32x4
// widened to two float64x2. Columns are taken in blocks whose rows of `bt` stay in cache.

@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1));
}
@inline function total(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

export function matmulT(a: usize, bt: usize, rows: i32, K: i32, J: i32, out: usize): void {
  const K4 = K & ~3;
  const rowBytes = <usize>K << 2;
  // About 64 KB of `bt` per column block.
  const JB = max(2, (16384 / max(K, 1)) & ~1);
  for (let jb = 0; jb < J; jb += JB) {
    const jEnd = min(J, jb + JB);
    for (let i = 0; i < rows; i += 2) {
      // A missing last row or column repeats the one before; the writes coincide.
      const i1 = min(i + 1, rows - 1);
      const a0 = a + <usize>i * rowBytes;
      const a1 = a + <usize>i1 * rowBytes;
      for (let j = jb; j < jEnd; j += 2) {
        const j1 = min(j + 1, jEnd - 1);
        const b0 = bt + <usize>j * rowBytes;
        const b1 = bt + <usize>j1 * rowBytes;
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let t00 = f64x2.splat(0), t01 = f64x2.splat(0), t10 = f64x2.splat(0), t11 = f64x2.splat(0);
        for (let k = 0; k < K4; k += 4) {
          const o = <usize>k << 2;
          const x0 = v128.load(a0 + o);
          const x1 = v128.load(a1 + o);
          const y0 = v128.load(b0 + o);
          const y1 = v128.load(b1 + o);
          const x0l = low(x0), x0h = high(x0), x1l = low(x1), x1h = high(x1);
          const y0l = low(y0), y0h = high(y0), y1l = low(y1), y1h = high(y1);
          s00 = f64x2.add(s00, f64x2.mul(x0l, y0l));
          t00 = f64x2.add(t00, f64x2.mul(x0h, y0h));
          s01 = f64x2.add(s01, f64x2.mul(x0l, y1l));
          t01 = f64x2.add(t01, f64x2.mul(x0h, y1h));
          s10 = f64x2.add(s10, f64x2.mul(x1l, y0l));
          t10 = f64x2.add(t10, f64x2.mul(x1h, y0h));
          s11 = f64x2.add(s11, f64x2.mul(x1l, y1l));
          t11 = f64x2.add(t11, f64x2.mul(x1h, y1h));
        }
        let r00 = total(s00) + total(t00);
        let r01 = total(s01) + total(t01);
        let r10 = total(s10) + total(t10);
        let r11 = total(s11) + total(t11);
        for (let k = K4; k < K; k++) {
          const o = <usize>k << 2;
          const x0 = <f64>load<f32>(a0 + o);
          const x1 = <f64>load<f32>(a1 + o);
          const y0 = <f64>load<f32>(b0 + o);
          const y1 = <f64>load<f32>(b1 + o);
          r00 += x0 * y0;
          r01 += x0 * y1;
          r10 += x1 * y0;
          r11 += x1 * y1;
        }
        store<f32>(out + ((<usize>i * J + j) << 2), <f32>r00);
        store<f32>(out + ((<usize>i * J + j1) << 2), <f32>r01);
        store<f32>(out + ((<usize>i1 * J + j) << 2), <f32>r10);
        store<f32>(out + ((<usize>i1 * J + j1) << 2), <f32>r11);
      }
    }
  }
}
