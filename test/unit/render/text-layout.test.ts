// Unit tests for the text layout of src/render/text-layout.ts, on a hand-made font: every
// character advances 10 px, except that "AV" is kerned 2 px closer; ascent 8, descent 2. Expected
// corners are worked out by hand below each case.
import { describe, it, expect } from 'vitest';
import {
  halve,
  layoutText,
  ShelfPacker,
  type FontMetrics,
  type GlyphBox,
} from '../../../src/render/text-layout';

const font: FontMetrics = {
  measure: (s) => 10 * [...s].length - 2 * (s.split('AV').length - 1),
  ascent: 8,
  descent: 2,
};
const BOXES: Record<string, GlyphBox> = {
  A: { x: 0, y: 0, w: 12, h: 14, left: -1, top: 11 },
  V: { x: 20, y: 0, w: 12, h: 14, left: -1, top: 11 },
  '𝔸': { x: 40, y: 30, w: 6, h: 4, left: 2, top: 3 },
};
const calls: string[] = [];
const glyph = (ch: string): GlyphBox | null => {
  calls.push(ch);
  return BOXES[ch] ?? null;
};
/** Corner k (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) of glyph g. */
const corner = (pos: Float32Array, g: number, k: number): number[] => [
  pos[g * 12 + k * 3]!,
  pos[g * 12 + k * 3 + 1]!,
  pos[g * 12 + k * 3 + 2]!,
];

describe('layoutText', () => {
  it('places kerned glyphs from the measured widths, the block centred on the origin', () => {
    const g = layoutText('AV', font, glyph);
    // Line width 10 + 10 - 2 = 18: the pen starts at -9. Baseline: height 10, so 5 - 8 = -3.
    expect(g.width).toBe(18);
    expect(g.height).toBe(10);
    expect(g.glyphs).toBe(2);
    // A: x = -9 + 0 - 1 = -10 .. 2; top = -3 + 11 = 8, bottom 8 - 14 = -6.
    expect(corner(g.positions, 0, 0)).toEqual([-10, 8, 0]);
    expect(corner(g.positions, 0, 3)).toEqual([2, -6, 0]);
    // V: pen at -9 + measure("A") = 1, x = 0 .. 12.
    expect(corner(g.positions, 1, 0)).toEqual([0, 8, 0]);
    expect(corner(g.positions, 1, 1)).toEqual([12, 8, 0]);
    expect(corner(g.positions, 1, 2)).toEqual([0, -6, 0]);
    // Atlas pixels: the top corners show the image's first row.
    expect([...g.uvs.subarray(8, 16)]).toEqual([20, 0, 32, 0, 20, 14, 32, 14]);
    expect([...g.indices]).toEqual([0, 2, 1, 1, 2, 3, 4, 6, 5, 5, 6, 7]);
  });

  it('faces +z: the triangles wind counter-clockwise seen from the front', () => {
    const g = layoutText('A', font, glyph);
    const [a, b, c] = [0, 1, 2].map((i) => corner(g.positions, 0, g.indices[i]!));
    const cross = (b![0]! - a![0]!) * (c![1]! - a![1]!) - (b![1]! - a![1]!) * (c![0]! - a![0]!);
    expect(cross).toBeGreaterThan(0);
  });

  it('centres each line; spaces advance the pen but draw nothing', () => {
    const g = layoutText('A\nA A', font, glyph);
    // Widths 10 and 30: block 30 x 20. Line 1 baseline 10 - 8 = 2, pen at -5; line 2 baseline
    // 2 - 10 = -8, pen at -15; its second A after "A " at -15 + 20 = 5.
    expect(g.width).toBe(30);
    expect(g.height).toBe(20);
    expect(g.glyphs).toBe(3);
    expect(corner(g.positions, 0, 0)).toEqual([-6, 13, 0]);
    expect(corner(g.positions, 1, 0)).toEqual([-16, 3, 0]);
    expect(corner(g.positions, 2, 0)).toEqual([4, 3, 0]);
  });

  it('takes characters outside the basic plane whole', () => {
    calls.length = 0;
    const g = layoutText('𝔸', font, glyph);
    expect(calls).toEqual(['𝔸']);
    expect(g.glyphs).toBe(1);
    // Width 10: pen -5, x = -3 .. 3; baseline -3, top 0, bottom -4.
    expect(corner(g.positions, 0, 0)).toEqual([-3, 0, 0]);
    expect(corner(g.positions, 0, 3)).toEqual([3, -4, 0]);
    expect([...g.uvs.subarray(0, 2)]).toEqual([40, 30]);
  });

  it('lays out nothing for an empty text', () => {
    const g = layoutText('', font, glyph);
    expect(g.glyphs).toBe(0);
    expect(g.positions.length).toBe(0);
    expect(g.width).toBe(0);
  });
});

describe('ShelfPacker', () => {
  it('fills shelves left to right, then starts the next below the tallest image', () => {
    const p = new ShelfPacker(10, 1);
    expect(p.place(4, 3)).toEqual({ x: 0, y: 0 });
    expect(p.place(4, 5)).toEqual({ x: 5, y: 0 });
    expect(p.bottom).toBe(6);
    // 5 + 4 + 1 > 10: a new shelf at 5 + 1.
    expect(p.place(4, 2)).toEqual({ x: 0, y: 6 });
    expect(p.bottom).toBe(9);
  });

  it('refuses an image wider than the atlas', () => {
    const p = new ShelfPacker(10, 1);
    expect(p.place(10, 1)).toBeNull();
    expect(p.place(9, 1)).toEqual({ x: 0, y: 0 });
  });
});

describe('halve', () => {
  it('averages 2 x 2 blocks, counting pixels past an odd edge as 0', () => {
    // 3 x 3:   10  20  30
    //          40  50  60
    //          70  80  90
    const h = halve([10, 20, 30, 40, 50, 60, 70, 80, 90], 3, 3);
    expect(h.width).toBe(2);
    expect(h.height).toBe(2);
    // (10+20+40+50)/4 = 30; (30+60)/4 = 22.5 -> 23; (70+80)/4 = 37.5 -> 38; 90/4 = 22.5 -> 23.
    expect([...h.data]).toEqual([30, 23, 38, 23]);
  });
});
