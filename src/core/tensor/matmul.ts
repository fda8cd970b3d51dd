/**
 * The product itself: C (I x J) = A (I x K) @ B (K x J), row-major float32 in and out, each row
 * accumulated in float64. `onRows` lets a caller report progress (the worker does) between rows.
 */
export function matmul(
  a: Float32Array, b: Float32Array, I: number, K: number, J: number,
  out: Float32Array = new Float32Array(I * J),
  onRows?: (done: number) => void,
): Float32Array {
  const acc = new Float64Array(J);
  for (let i = 0; i < I; i++) {
    acc.fill(0);
    const ar = i * K;
    for (let k = 0; k < K; k++) {
      const av = a[ar + k]!;
      const br = k * J;
      for (let j = 0; j < J; j++) acc[j]! += av * b[br + j]!;
    }
    const or = i * J;
    for (let j = 0; j < J; j++) out[or + j] = acc[j]!;
    if (onRows && (i & 15) === 15) onRows(i + 1);
  }
  return out;
}
