// AssemblyScript source of the bench's ceiling (compiled like wasm/matmul.ts, by the Vite plugin
// "mm3d-kernel" as `virtual:mm3d-ceiling`; the app never loads it): the fastest float32
// multiply-add rate a WebAssembly SIMD loop reaches on this machine, with no memory traffic at all.
//
// Each step of a chain is c = c * y + x on f32x4, with the multiply-add the kernel uses: a product
// then a sum, or relaxed SIMD's multiply-add (fused where the machine has FMA) in the build with
// relaxed SIMD, which the bench takes where the engine has it, as the app does for the kernel.
// Chains are independent, so as many are in flight as the machine can overlap; each chain depends
// on itself, so nothing can be hoisted out of the loop or folded by a compiler. y = 0.5 and x = 1
// keep every lane near 2 (no overflow, no subnormals). Twelve chains keep enough multiply-adds in
// flight to cover their latency here.

/**
 * c + a * b per lane, as the kernel's micro-kernel computes it (wasm/matmul.ts): the relaxed
 * multiply-add in the build with relaxed SIMD, a product then a sum in the other.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** `steps` rounds of 12 chains: 12 * 4 * steps multiply-adds. */
export function chains12(steps: i32, y0: f32, x0: f32): f32 {
  const y = f32x4.splat(y0);
  const x = f32x4.splat(x0);
  let c0 = f32x4.splat(1), c1 = f32x4.splat(2), c2 = f32x4.splat(3), c3 = f32x4.splat(4);
  let c4 = f32x4.splat(5), c5 = f32x4.splat(6), c6 = f32x4.splat(7), c7 = f32x4.splat(8);
  let c8 = f32x4.splat(9), c9 = f32x4.splat(10), c10 = f32x4.splat(11), c11 = f32x4.splat(12);
  for (let s = 0; s < steps; s++) {
    c0 = madd(c0, y, x);
    c1 = madd(c1, y, x);
    c2 = madd(c2, y, x);
    c3 = madd(c3, y, x);
    c4 = madd(c4, y, x);
    c5 = madd(c5, y, x);
    c6 = madd(c6, y, x);
    c7 = madd(c7, y, x);
    c8 = madd(c8, y, x);
    c9 = madd(c9, y, x);
    c10 = madd(c10, y, x);
    c11 = madd(c11, y, x);
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
    f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)),
  );
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/**
 * The micro-kernel's own inner loop on data that stays in L1: 8 accumulators, a B row of two
 * f32x4 and four broadcast A values per step, over a 4 KB buffer read again and again. The gap
 * between this and the chains is what loads and broadcasts cost; the gap between this and the
 * kernel is what packing, blocking and caches cost.
 */
export function l1Loop(buf: usize, steps: i32): f32 {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let s = 0; s < steps; s++) {
    let pa = buf;
    let pb = buf + 1024;
    const end = pb + 2048;
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
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(c00, c01), f32x4.add(c10, c11)),
    f32x4.add(f32x4.add(c20, c21), f32x4.add(c30, c31)),
  );
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
