/**
 * The product itself: C (I x J) = A (I x K) @ B (K x J), row-major float32 in and out. B is used
 * transposed, so both operands are read along contiguous rows. Products run in WebAssembly with
 * SIMD where available (wasm-kernel.ts, float32 sums); `matmulTScalar` is the JavaScript kernel
 * (the fallback; it keeps float64 sums, within the same error bound: docs/numerics.md): each pass over k feeds a 4 x 2 tile of results
 * from registers (measured 1.3-2x faster in V8 than a row-broadcast i-k-j loop). Callers that
 * multiply by the same B in slices transpose it once.
 */
import { wasmMatmul, wasmMatmulT } from './wasm-kernel';

/** B (K x J) transposed to J x K. */
export function transpose(b: Float32Array, K: number, J: number): Float32Array {
  const t = new Float32Array(K * J);
  for (let k = 0; k < K; k++) {
    const row = k * J;
    for (let j = 0; j < J; j++) t[j * K + k] = b[row + j]!;
  }
  return t;
}

/** C = A @ B with B given transposed (`bt` is J x K). `onRows` reports progress between row blocks. */
export function matmulT(
  a: Float32Array,
  bt: Float32Array,
  I: number,
  K: number,
  J: number,
  out: Float32Array = new Float32Array(I * J),
  onRows?: (done: number) => void,
): Float32Array {
  if (wasmMatmulT(a, bt, I, K, J, out, onRows)) return out;
  return matmulTScalar(a, bt, I, K, J, out, onRows);
}

/** The JavaScript kernel: same contract as `matmulT`. */
export function matmulTScalar(
  a: Float32Array,
  bt: Float32Array,
  I: number,
  K: number,
  J: number,
  out: Float32Array = new Float32Array(I * J),
  onRows?: (done: number) => void,
): Float32Array {
  for (let i = 0; i < I; i += 4) {
    // Missing rows and columns at the ends repeat the last one; their writes coincide.
    const i1 = Math.min(i + 1, I - 1);
    const i2 = Math.min(i + 2, I - 1);
    const i3 = Math.min(i + 3, I - 1);
    const a0 = i * K;
    const a1 = i1 * K;
    const a2 = i2 * K;
    const a3 = i3 * K;
    for (let j = 0; j < J; j += 2) {
      const j1 = Math.min(j + 1, J - 1);
      const b0 = j * K;
      const b1 = j1 * K;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let k = 0; k < K; k++) {
        const y0 = bt[b0 + k]!;
        const y1 = bt[b1 + k]!;
        let x = a[a0 + k]!;
        s00 += x * y0;
        s01 += x * y1;
        x = a[a1 + k]!;
        s10 += x * y0;
        s11 += x * y1;
        x = a[a2 + k]!;
        s20 += x * y0;
        s21 += x * y1;
        x = a[a3 + k]!;
        s30 += x * y0;
        s31 += x * y1;
      }
      out[i * J + j] = s00;
      out[i * J + j1] = s01;
      out[i1 * J + j] = s10;
      out[i1 * J + j1] = s11;
      out[i2 * J + j] = s20;
      out[i2 * J + j1] = s21;
      out[i3 * J + j] = s30;
      out[i3 * J + j1] = s31;
    }
    if (onRows && (i & 15) === 12) onRows(Math.min(I, i + 4));
  }
  return out;
}

/** C = A @ B, B as it is (K x J). */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  I: number,
  K: number,
  J: number,
  out: Float32Array = new Float32Array(I * J),
  onRows?: (done: number) => void,
): Float32Array {
  if (wasmMatmul(a, b, I, K, J, out, onRows)) return out;
  return matmulTScalar(a, transpose(b, K, J), I, K, J, out, onRows);
}

/**
 * One B for products in row slices (the page computes big ones a slice at a time between frames):
 * the WebAssembly kernel packs B once for all of them; the JavaScript one transposes it once, and
 * only if it is needed. `b` must not change while the returned function is in use.
 */
export function rowProducts(
  b: Float32Array,
  K: number,
  J: number,
): (a: Float32Array, rows: number, out: Float32Array) => Float32Array {
  let bt: Float32Array | null = null;
  return (a, rows, out) => {
    if (wasmMatmul(a, b, rows, K, J, out)) return out;
    bt ??= transpose(b, K, J);
    return matmulTScalar(a, bt, rows, K, J, out);
  };
}
