/**
 * Epilogs (docs/parameters.md, "Epilogs"): functions applied to a matmul's result, in place.
 * Softmax is stabilized by subtracting the row max; the causal form gives zero probability above
 * the diagonal.
 */

/** erf with |error| < 1.2e-7 (a Chebyshev-fitted complementary error function). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Softmax of each row; causal: row r of the matrix (`row0 + i` for row i of `d`) keeps columns 0..r. */
function softmaxRows(
  d: Float32Array,
  h: number,
  w: number,
  scale: number,
  causal: boolean,
  row0: number,
): void {
  for (let i = 0; i < h; i++) {
    const row = i * w;
    const lim = causal ? Math.min(w - 1, row0 + i) : w - 1;
    let m = -Infinity;
    for (let j = 0; j <= lim; j++) m = Math.max(m, d[row + j]! * scale);
    let sum = 0;
    for (let j = 0; j <= lim; j++) {
      const e = Math.exp(d[row + j]! * scale - m);
      d[row + j] = e;
      sum += e;
    }
    for (let j = 0; j <= lim; j++) d[row + j] = d[row + j]! / sum;
    for (let j = lim + 1; j < w; j++) d[row + j] = 0;
  }
}

/** Whether `epilog` treats each row on its own (so that row blocks can take it apart: all but layernorm). */
export function rowwise(epilog: string): boolean {
  return epilog !== 'layernorm';
}

/**
 * Applies `epilog` in place to `d` (h x w; k: the product's inner dimension). `d` may be a block of
 * the matrix's rows starting at row `row0`, for a row-wise epilog (`rowwise`): the causal softmax
 * needs to know which rows it has.
 */
export function applyEpilog(
  epilog: string,
  d: Float32Array,
  h: number,
  w: number,
  k: number,
  row0 = 0,
): void {
  if (row0 !== 0 && !rowwise(epilog))
    throw new Error(`the epilog ${epilog} needs the whole matrix, not a block of its rows`);
  const n = h * w;
  switch (epilog) {
    case 'none':
      return;
    case 'relu':
      for (let x = 0; x < n; x++) if (d[x]! < 0) d[x] = 0;
      return;
    case 'gelu':
      for (let x = 0; x < n; x++) {
        const v = d[x]!;
        d[x] = 0.5 * v * (1 + erf(v / Math.SQRT2));
      }
      return;
    case 'sigmoid':
      for (let x = 0; x < n; x++) d[x] = 1 / (1 + Math.exp(-d[x]!));
      return;
    case 'silu':
      for (let x = 0; x < n; x++) d[x] = d[x]! / (1 + Math.exp(-d[x]!));
      return;
    case 'tanh':
      for (let x = 0; x < n; x++) d[x] = Math.tanh(d[x]!);
      return;
    case 'x**2':
      for (let x = 0; x < n; x++) d[x] = d[x]! * d[x]!;
      return;
    case 'layernorm': {
      let mean = 0;
      for (let x = 0; x < n; x++) mean += d[x]!;
      mean /= n;
      let v = 0;
      for (let x = 0; x < n; x++) v += (d[x]! - mean) ** 2;
      v /= n;
      const s = 1 / Math.sqrt(v + 1e-5);
      for (let x = 0; x < n; x++) d[x] = (d[x]! - mean) * s;
      return;
    }
    case 'softmax':
      softmaxRows(d, h, w, 1, false, row0);
      return;
    case 'softmax(x/sqrt(k))':
      softmaxRows(d, h, w, 1 / Math.sqrt(k), false, row0);
      return;
    case 'softmax(tril(x/sqrt(k)))':
      softmaxRows(d, h, w, 1 / Math.sqrt(k), true, row0);
      return;
    case 'softmax(tril(x))':
      softmaxRows(d, h, w, 1, true, row0);
      return;
    case 'softmax(tril(x/8))':
      softmaxRows(d, h, w, 1 / 8, true, row0);
      return;
    case 'x/k':
      for (let x = 0; x < n; x++) d[x] = d[x]! / k;
      return;
    case 'x/sqrt(k)': {
      const s = 1 / Math.sqrt(k);
      for (let x = 0; x < n; x++) d[x] = d[x]! * s;
      return;
    }
    default:
      throw new Error(`unknown epilog ${JSON.stringify(epilog)}`);
  }
}
