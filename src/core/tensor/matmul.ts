/**
 * The product itself: C (I x J) = A (I x K) @ B (K x J), row-major float32 in and out, accumulated
 * in float64. Four rows of A go through each row of B at once, which halves the memory traffic of
 * the plain i-k-j loop (measured about 2x faster in V8). `onRows` reports progress between rows.
 */
export function matmul(
  a: Float32Array, b: Float32Array, I: number, K: number, J: number,
  out: Float32Array = new Float32Array(I * J),
  onRows?: (done: number) => void,
): Float32Array {
  const a0 = new Float64Array(J);
  const a1 = new Float64Array(J);
  const a2 = new Float64Array(J);
  const a3 = new Float64Array(J);
  for (let i = 0; i < I; i += 4) {
    const rows = Math.min(4, I - i);
    a0.fill(0);
    a1.fill(0);
    a2.fill(0);
    a3.fill(0);
    // Missing rows (at the end) read row i again and are not written.
    const r0 = i * K;
    const r1 = rows > 1 ? r0 + K : r0;
    const r2 = rows > 2 ? r0 + 2 * K : r0;
    const r3 = rows > 3 ? r0 + 3 * K : r0;
    for (let k = 0; k < K; k++) {
      const v0 = a[r0 + k]!;
      const v1 = a[r1 + k]!;
      const v2 = a[r2 + k]!;
      const v3 = a[r3 + k]!;
      const br = k * J;
      for (let j = 0; j < J; j++) {
        const bv = b[br + j]!;
        a0[j] += v0 * bv;
        a1[j] += v1 * bv;
        a2[j] += v2 * bv;
        a3[j] += v3 * bv;
      }
    }
    const accs = [a0, a1, a2, a3];
    for (let r = 0; r < rows; r++) {
      const acc = accs[r]!;
      const o = (i + r) * J;
      for (let j = 0; j < J; j++) out[o + j] = acc[j]!;
    }
    if (onRows && (i & 15) === 12) onRows(i + rows);
  }
  return out;
}
