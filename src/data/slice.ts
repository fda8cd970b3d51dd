/**
 * Choosing a 2-D matrix out of a tensor of any rank: fixed indices for the leading dimensions,
 * a window of rows and columns of the last two, and an optional transpose. A scalar is 1 x 1 and a
 * vector is one row (1 x n). Windows are half-open [start, end) in zero-based indices, as in
 * NumPy (`cols: [256, 320]` is head 4 of a 64-wide head split); errors name the dimension.
 */

import { DataError, type Tensor } from './types';

export interface SliceSpec {
  /** One index per leading dimension (all but the last two); default all zeros. */
  index?: number[];
  /** [start, end) of the rows (second-to-last dimension); default all. */
  rows?: [number, number];
  /** [start, end) of the columns (last dimension); default all. */
  cols?: [number, number];
  /** Return the transpose of the window. */
  transpose?: boolean;
}

export interface Matrix2d {
  rows: number;
  cols: number;
  /** Row-major, rows x cols. */
  data: Float32Array;
}

export function slice2d(t: Tensor, spec: SliceSpec = {}): Matrix2d {
  const rank = t.shape.length;
  const lead = Math.max(0, rank - 2);
  const height = rank >= 2 ? t.shape[rank - 2] : 1;
  const width = rank >= 1 ? t.shape[rank - 1] : 1;

  const index = spec.index ?? new Array<number>(lead).fill(0);
  if (index.length !== lead) {
    throw new DataError(
      'shape',
      `the tensor has shape [${t.shape.join(', ')}]: pick ${lead} leading ${lead === 1 ? 'index' : 'indices'}, not ${index.length}`,
    );
  }
  // Offset of the chosen 2-D plane: C order, leading dims outermost.
  let plane = 0;
  for (let d = 0; d < lead; d++) {
    const i = index[d];
    const size = t.shape[d];
    if (!Number.isInteger(i) || i < 0 || i >= size) {
      throw new DataError('shape', `index ${i} is out of range for dimension ${d} of size ${size}`);
    }
    plane = plane * size + i;
  }
  plane *= height * width;

  const [r0, r1] = checkRange(spec.rows, height, 'rows');
  const [c0, c1] = checkRange(spec.cols, width, 'cols');
  const nr = r1 - r0;
  const nc = c1 - c0;
  const out = new Float32Array(nr * nc);
  const src = t.data;
  if (spec.transpose) {
    for (let r = 0; r < nr; r++) {
      const base = plane + (r0 + r) * width + c0;
      for (let c = 0; c < nc; c++) out[c * nr + r] = src[base + c];
    }
    return { rows: nc, cols: nr, data: out };
  }
  for (let r = 0; r < nr; r++) {
    const base = plane + (r0 + r) * width + c0;
    out.set(src.subarray(base, base + nc), r * nc);
  }
  return { rows: nr, cols: nc, data: out };
}

function checkRange(
  range: [number, number] | undefined,
  size: number,
  what: string,
): [number, number] {
  if (range === undefined) {
    if (size === 0) throw new DataError('shape', `the tensor has no ${what}`);
    return [0, size];
  }
  const [a, b] = range;
  if (!Number.isInteger(a) || !Number.isInteger(b)) {
    throw new DataError('shape', `${what} [${a}, ${b}) must be whole numbers`);
  }
  if (a >= b) throw new DataError('shape', `${what} [${a}, ${b}) is empty`);
  if (a < 0 || b > size) {
    throw new DataError(
      'shape',
      `${what} [${a}, ${b}) reach outside the tensor's ${size} ${what}`,
      {
        expected: size,
      },
    );
  }
  return [a, b];
}
