import { describe, it, expect } from 'vitest';
import { fillFromData } from '../../../src/core/tensor/fill';

// 2 x 3 data: [[1, 2, 3], [4, 5, 6]]
const src = { rows: 2, cols: 3, data: new Float32Array([1, 2, 3, 4, 5, 6]) };

describe('fillFromData', () => {
  it('copies data of the same size', () => {
    expect(Array.from(fillFromData(src, 2, 3))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('takes the top-left corner of larger data', () => {
    expect(Array.from(fillFromData(src, 1, 2))).toEqual([1, 2]);
  });

  it('wraps around rows and columns', () => {
    const out = fillFromData(src, 3, 5);
    expect(Array.from(out)).toEqual([1, 2, 3, 1, 2, 4, 5, 6, 4, 5, 1, 2, 3, 1, 2]);
  });

  it('follows value(i, j) = data[i % rows][j % cols] everywhere', () => {
    const d = { rows: 3, cols: 4, data: Float32Array.from({ length: 12 }, (_, k) => k * 1.5 - 4) };
    const [h, w] = [7, 10];
    const out = fillFromData(d, h, w);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) expect(out[i * w + j]).toBe(d.data[(i % 3) * 4 + (j % 4)]);
    }
  });

  it('wraps a single row down and a single column across', () => {
    expect(
      Array.from(fillFromData({ rows: 1, cols: 2, data: new Float32Array([7, 8]) }, 2, 3)),
    ).toEqual([7, 8, 7, 7, 8, 7]);
    expect(
      Array.from(fillFromData({ rows: 2, cols: 1, data: new Float32Array([7, 8]) }, 3, 2)),
    ).toEqual([7, 7, 8, 8, 7, 7]);
  });

  it('refuses empty data', () => {
    expect(() => fillFromData({ rows: 0, cols: 3, data: new Float32Array(0) }, 2, 2)).toThrow(
      /no data to fill/,
    );
    expect(() => fillFromData({ rows: 2, cols: 2, data: new Float32Array(3) }, 2, 2)).toThrow(
      /no data to fill/,
    );
  });
});
