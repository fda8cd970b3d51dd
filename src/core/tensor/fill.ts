/**
 * Filling a matrix of any size from loaded data, as the `url` initializer does: element (i, j)
 * takes data row i and column j, wrapping around both rows and columns when the matrix is larger
 * than the data (value(i, j) = data[i % rows][j % cols]); a smaller matrix takes the top-left
 * corner.
 */

export function fillFromData(
  src: { rows: number; cols: number; data: Float32Array },
  h: number,
  w: number,
): Float32Array {
  const { rows, cols, data } = src;
  if (rows <= 0 || cols <= 0 || data.length < rows * cols) {
    throw new Error(`no data to fill the matrix from (${rows} x ${cols}, ${data.length} values)`);
  }
  const out = new Float32Array(h * w);
  for (let i = 0; i < h; i++) {
    const base = (i % rows) * cols;
    const o = i * w;
    if (w <= cols) {
      out.set(data.subarray(base, base + w), o);
    } else {
      for (let j = 0; j < w; j++) out[o + j] = data[base + (j % cols)];
    }
  }
  return out;
}
