// Unit tests for the axis arithmetic of src/core/layout/pick.ts, on a hand-made axis: 10 cells in
// blocks of 4 with gaps of 2, so cells 0-3 sit at 0..3, cells 4-7 at 6..9, cells 8-9 at 12..13.
import { describe, it, expect } from 'vitest';
import { cellAtOrBefore, indexAt } from '../../../src/core/layout/pick';

const axis = { n: 10, size: 4, gap: 2 };

describe('indexAt', () => {
  it('finds the cell whose square holds a position', () => {
    expect([0, 0.4, 3, 3.4, 6, 9.2, 12, 13.4].map((p) => indexAt(axis, p))).toEqual([
      0, 0, 3, 3, 4, 7, 8, 9,
    ]);
  });
  it('is -1 in a gap and outside', () => {
    expect([-0.6, 3.6, 5.4, 9.6, 11.4, 13.6, 20].map((p) => indexAt(axis, p))).toEqual([
      -1, -1, -1, -1, -1, -1, -1,
    ]);
  });
});

describe('cellAtOrBefore', () => {
  it('is the cell at a position where there is one', () => {
    expect([0, 3, 6, 9.2, 13.4].map((p) => cellAtOrBefore(axis, p))).toEqual([0, 3, 4, 7, 9]);
  });
  it('is the last cell before a gap inside it, and runs on past the ends', () => {
    expect([3.6, 5.4, 9.6, 11.4, -0.6, 15.6].map((p) => cellAtOrBefore(axis, p))).toEqual([
      3, 3, 7, 7, -1, 11,
    ]);
  });
});
