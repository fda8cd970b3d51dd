import { describe, it, expect } from 'vitest';
import { slice2d } from '../../../src/data/slice';
import type { Tensor } from '../../../src/data/types';
import { errorOf } from './fixtures';

/** A tensor whose value encodes its own index: digits of the index, e.g. [1,2,3] -> 123. */
function indexed(shape: number[], encode: (idx: number[]) => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    data[k] = encode(idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { dtype: 'float32', shape, data };
}

describe('slice2d', () => {
  const m = indexed([3, 4], ([i, j]) => 10 * i + j);

  it('returns a whole matrix by default', () => {
    const s = slice2d(m, {});
    expect([s.rows, s.cols]).toEqual([3, 4]);
    expect(Array.from(s.data)).toEqual([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
  });

  it('takes a window of rows and columns', () => {
    const s = slice2d(m, { rows: [1, 3], cols: [1, 3] });
    expect([s.rows, s.cols]).toEqual([2, 2]);
    expect(Array.from(s.data)).toEqual([11, 12, 21, 22]);
  });

  it('transposes', () => {
    const s = slice2d(m, { rows: [0, 2], cols: [1, 4], transpose: true });
    expect([s.rows, s.cols]).toEqual([3, 2]);
    // element (c, r) of the result is m[r][1 + c]
    expect(Array.from(s.data)).toEqual([1, 11, 2, 12, 3, 13]);
  });

  it('picks a plane of a rank-3 tensor by index', () => {
    const t = indexed([2, 3, 4], ([a, i, j]) => 100 * a + 10 * i + j);
    const s = slice2d(t, { index: [1], rows: [2, 3] });
    expect([s.rows, s.cols]).toEqual([1, 4]);
    expect(Array.from(s.data)).toEqual([120, 121, 122, 123]);
    const st = slice2d(t, { index: [1], cols: [3, 4], transpose: true });
    expect([st.rows, st.cols]).toEqual([1, 3]);
    expect(Array.from(st.data)).toEqual([103, 113, 123]);
  });

  it('picks a plane of a rank-4 tensor (leading index order is C order)', () => {
    const t = indexed([2, 3, 2, 2], ([a, b, i, j]) => 1000 * a + 100 * b + 10 * i + j);
    const s = slice2d(t, { index: [1, 2] });
    expect(Array.from(s.data)).toEqual([1200, 1201, 1210, 1211]);
  });

  it('treats a vector as one row and a scalar as 1 x 1', () => {
    const v: Tensor = { dtype: 'float32', shape: [5], data: new Float32Array([1, 2, 3, 4, 5]) };
    const s = slice2d(v, { cols: [1, 4] });
    expect([s.rows, s.cols]).toEqual([1, 3]);
    expect(Array.from(s.data)).toEqual([2, 3, 4]);
    const col = slice2d(v, { transpose: true });
    expect([col.rows, col.cols]).toEqual([5, 1]);
    const sc = slice2d({ dtype: 'float32', shape: [], data: new Float32Array([7]) }, {});
    expect([sc.rows, sc.cols, sc.data[0]]).toEqual([1, 1, 7]);
  });

  it("takes head 4's 64 columns of a GPT-2 sized c_attn.weight", () => {
    const t = indexed([768, 2304], ([i, j]) => i * 2304 + j);
    const s = slice2d(t, { cols: [256, 320] });
    expect([s.rows, s.cols]).toEqual([768, 64]);
    expect(s.data[0]).toBe(256);
    expect(s.data[63]).toBe(319);
    expect(s.data[64]).toBe(2304 + 256);
    expect(s.data[767 * 64 + 63]).toBe(767 * 2304 + 319);
  });

  it('does not share memory with the tensor', () => {
    const s = slice2d(m, {});
    s.data[0] = 99;
    expect(m.data[0]).toBe(0);
  });

  it('reports out-of-range specs', () => {
    const t = indexed([2, 3, 4], () => 0);
    expect(errorOf(() => slice2d(t, { index: [2] })).message).toBe(
      'index 2 is out of range for dimension 0 of size 2',
    );
    expect(errorOf(() => slice2d(t, { index: [0, 0] })).message).toMatch(
      /pick 1 leading index, not 2/,
    );
    expect(errorOf(() => slice2d(t, { index: [0], cols: [2, 5] })).message).toBe(
      "cols [2, 5) reach outside the tensor's 4 cols",
    );
    expect(errorOf(() => slice2d(t, { index: [0], rows: [-1, 2] })).kind).toBe('shape');
    expect(errorOf(() => slice2d(t, { index: [0], rows: [1, 1] })).message).toBe(
      'rows [1, 1) is empty',
    );
    expect(errorOf(() => slice2d(t, { index: [0.5] })).kind).toBe('shape');
  });
});
