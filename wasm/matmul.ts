// AssemblyScript source of mm3d's product kernel (compiled to WebAssembly by the build: see
// vite.config.ts, plugin "mm3d-kernel"). Not part of the TypeScript program.
//
// out = a @ b, all float32, sums kept in float32 (as PyTorch does on the CPU; docs/numerics.md
// gives the error bound and why). The driver (src/core/tensor/wasm-kernel.ts) first packs B with
// `packB` (or `packBT` from its transpose) and the rows of A it multiplies with `packA`, then calls
// `multiply`.
//
// The shape is the classic one of fast CPU products: a 4 x 8 micro-kernel keeps eight f32x4
// accumulators in registers; every k it loads one 8-wide row of the B panel (two v128) and
// broadcasts four values of A, so each value loaded feeds several multiply-adds. Packing puts
// what the micro-kernel reads next to each other (one stream for A, one for B), and blocking k
// keeps the B panels being reused in the first levels of cache.

/** Columns per B panel and rows per A panel: the micro-kernel's tile. */
const NR = 8;
const MR = 4;
/**
 * The k block: a B panel's kc x 8 floats (8 KB) stay in L1 while the A panels pass over them.
 * Both packed operands are stored block by block, so the panels of one k block are contiguous:
 * with whole-K panels, sizes like K = 1024 put every panel at a multiple of 32 KB, and they all
 * compete for the same cache sets.
 */
const KC = 256;

/** Where k block `k0` (its length `kn`) of panel `p` starts, for panels of `width` floats. */
@inline function blockAt(base: usize, k0: i32, kn: i32, panels: i32, p: i32, width: i32): usize {
  return base + ((<usize>k0 * <usize>panels * <usize>width + <usize>p * <usize>kn * <usize>width) << 2);
}

/**
 * `n` rows of a row-major matrix `src` (K wide) into panels of `width` rows: in k block b, panel
 * p holds for each k the `width` values src[width p .. width p + width - 1][k]. Missing rows of
 * the last panel are zeros. B is packed from its transpose (its columns are the rows of `bt`).
 */
function pack(src: usize, n: i32, K: i32, dst: usize, width: i32): void {
  const panels = (n + width - 1) / width;
  const kBytes = <usize>K << 2;
  const step = <usize>width << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kn = min(KC, K - k0);
    for (let p = 0; p < panels; p++) {
      const base = blockAt(dst, k0, kn, panels, p, width);
      for (let r = 0; r < width; r++) {
        const i = p * width + r;
        let to = base + (<usize>r << 2);
        const end = to + <usize>kn * step;
        if (i < n) {
          let from = src + <usize>i * kBytes + (<usize>k0 << 2);
          while (to < end) {
            store<f32>(to, load<f32>(from));
            to += step;
            from += 4;
          }
        } else {
          while (to < end) {
            store<f32>(to, 0);
            to += step;
          }
        }
      }
    }
  }
}

/** B, given transposed (`bt`: J x K, row-major), into panels of 8 columns. */
export function packBT(bt: usize, K: i32, J: i32, dst: usize): void {
  pack(bt, J, K, dst, NR);
}

/**
 * B as it is (K x J, row-major) into the same panels: here a panel's row for one k is 8 values
 * next to each other in B, so packing is a copy of 32-byte pieces (transposing first would cost
 * the product a third of its time at K = J = 1024, where every write of a transpose misses).
 */
export function packB(b: usize, K: i32, J: i32, dst: usize): void {
  const panels = (J + NR - 1) / NR;
  const full = J / NR;
  const rowBytes = <usize>J << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kn = min(KC, K - k0);
    for (let p = 0; p < panels; p++) {
      let to = blockAt(dst, k0, kn, panels, p, NR);
      let from = b + <usize>k0 * rowBytes + (<usize>(p * NR) << 2);
      if (p < full) {
        for (let k = 0; k < kn; k++) {
          v128.store(to, v128.load(from));
          v128.store(to, v128.load(from, 16), 16);
          to += NR << 2;
          from += rowBytes;
        }
      } else {
        const rest = J - p * NR;
        for (let k = 0; k < kn; k++) {
          for (let c = 0; c < NR; c++) store<f32>(to + (<usize>c << 2), c < rest ? load<f32>(from + (<usize>c << 2)) : 0);
          to += NR << 2;
          from += rowBytes;
        }
      }
    }
  }
}

/** `rows` rows of A (row-major, K wide) into panels of 4 rows. */
export function packA(a: usize, rows: i32, K: i32, dst: usize): void {
  pack(a, rows, K, dst, MR);
}

/**
 * c + a * b, per lane. Where the engine has relaxed SIMD (the module is built twice, with and
 * without it: see vite.config.ts) this is its multiply-add, fused on machines with FMA (one
 * rounding instead of two, and half the instructions of the inner loop); otherwise a product,
 * then a sum.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * One 4 x 8 tile of C over kc values of k: pa walks a packed A panel (16 bytes per k), pb a packed
 * B panel (32 bytes per k). The first k block starts from zero, later ones add to what C holds.
 */
@inline function tile(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (first) {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  } else {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    pa += 16;
    pb += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C (rows padded to a multiple of 4, times J padded to a multiple of 8; row stride `ldc` floats)
 * = packed A (`rows` rows) @ packed B (K x J). The loops are those of GotoBLAS: for a block of
 * `mp` row panels and one k block, that block of A (mp x 4 x KC floats) stays in L2 while each
 * B panel's k block, in L1, passes over all its row panels.
 */
export function multiply(pa: usize, pb: usize, rows: i32, K: i32, J: i32, c: usize, ldc: i32, mp: i32): void {
  const rowPanels = (rows + MR - 1) / MR;
  const colPanels = (J + NR - 1) / NR;
  const ldcBytes = <usize>ldc << 2;
  for (let q0 = 0; q0 < rowPanels; q0 += mp) {
    const q1 = min(rowPanels, q0 + mp);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kn = min(KC, K - k0);
      const first = k0 == 0;
      for (let p = 0; p < colPanels; p++) {
        const b = blockAt(pb, k0, kn, colPanels, p, NR);
        const ccol = c + (<usize>(p * NR) << 2);
        for (let q = q0; q < q1; q++) {
          tile(blockAt(pa, k0, kn, rowPanels, q, MR), b, kn, ccol + <usize>(q * MR) * ldcBytes, ldcBytes, first);
        }
      }
    }
  }
}
