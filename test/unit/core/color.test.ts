// Unit tests for src/core/color.ts against the formulas of docs/colors.md, re-implemented here.
import { describe, it, expect } from 'vitest';
import {
  hslToRgb,
  lookOf,
  rangeFor,
  type Sensitivity,
  type VizParams,
} from '../../../src/core/color';

const DEFAULTS: VizParams = {
  minSize: 0.2,
  minLight: 0.4,
  maxLight: 0.7,
  elemScale: 1.25,
  zeroHue: 0.77,
  hueGap: 0.74,
  hueSpread: 0.04,
};

/** docs/colors.md, written out. */
function specRange(
  s: Sensitivity,
  localMax: number,
  localMin: number,
  globalMax: number,
): { absmin: number; absmax: number } {
  switch (s) {
    case 'global':
      return { absmin: 0, absmax: globalMax };
    case 'local':
      return { absmin: 0, absmax: localMax };
    case 'superlocal':
      return { absmin: localMin, absmax: localMax };
    case 'semilocal':
      return { absmin: 0, absmax: Math.sqrt(localMax * globalMax) };
  }
}
function specLook(
  x: number,
  absmin: number,
  absmax: number,
  v: VizParams,
): { size: number; hue: number; lightness: number } {
  const t = Math.min(1, Math.max(0, (Math.abs(x) - absmin) / (absmax - absmin)));
  const sign = x > 0 ? 1 : -1;
  const s = (x - sign * absmin) / (absmax - absmin);
  const raw = v.zeroHue + sign * v.hueGap + s * v.hueSpread;
  return {
    size: v.minSize + (1 - v.minSize) * Math.sqrt(t),
    hue: raw - Math.floor(raw), // mod 1, always in [0, 1)
    lightness: v.minLight + (v.maxLight - v.minLight) * Math.sqrt(t),
  };
}
/** Distance between two hues on the circle. */
function hueDist(a: number, b: number): number {
  const d = Math.abs(a - b) % 1;
  return Math.min(d, 1 - d);
}

describe('rangeFor', () => {
  const local = { maxAbs: 4, minAbs: 0.5 };
  for (const s of ['global', 'semilocal', 'local', 'superlocal'] as const) {
    it(s, () => {
      const r = rangeFor(s, local, 16);
      const want = specRange(s, 4, 0.5, 16);
      expect(r.absmin).toBeCloseTo(want.absmin, 12);
      expect(r.absmax).toBeCloseTo(want.absmax, 12);
    });
  }
  it('by hand: semilocal is the geometric mean of local and global max', () => {
    expect(rangeFor('semilocal', { maxAbs: 4, minAbs: 1 }, 16)).toEqual({ absmin: 0, absmax: 8 });
    expect(rangeFor('global', { maxAbs: 4, minAbs: 1 }, 16)).toEqual({ absmin: 0, absmax: 16 });
    expect(rangeFor('local', { maxAbs: 4, minAbs: 1 }, 16)).toEqual({ absmin: 0, absmax: 4 });
    expect(rangeFor('superlocal', { maxAbs: 4, minAbs: 1 }, 16)).toEqual({ absmin: 1, absmax: 4 });
  });
});

describe('lookOf against docs/colors.md', () => {
  const variants: VizParams[] = [
    DEFAULTS,
    {
      minSize: 0,
      minLight: 0.1,
      maxLight: 0.9,
      elemScale: 1,
      zeroHue: 0.1,
      hueGap: 0.3,
      hueSpread: 0.5,
    },
    {
      minSize: 0.5,
      minLight: 0.6,
      maxLight: 0.3,
      elemScale: 2,
      zeroHue: 0.95,
      hueGap: 0.9,
      hueSpread: 1,
    },
  ];
  const localMax = 3;
  const localMin = 0.25;
  const globalMax = 12;
  const xs = [-12, -5, -3, -1.5, -0.25, -0.01, 0.01, 0.1, 0.25, 0.7, 1.5, 3, 5, 12, 40];

  for (const s of ['global', 'semilocal', 'local', 'superlocal'] as const) {
    it(`${s}: size, lightness and hue for many values and settings`, () => {
      for (const v of variants) {
        const r = rangeFor(s, { maxAbs: localMax, minAbs: localMin }, globalMax);
        const want = specRange(s, localMax, localMin, globalMax);
        for (const x of xs) {
          const got = lookOf(x, r, v);
          const exp = specLook(x, want.absmin, want.absmax, v);
          expect(got.size, `size x=${x}`).toBeCloseTo(exp.size, 9);
          expect(got.lightness, `lightness x=${x}`).toBeCloseTo(exp.lightness, 9);
          expect(hueDist(got.hue, exp.hue), `hue x=${x}`).toBeLessThan(1e-9);
          expect(got.hue).toBeGreaterThanOrEqual(0);
          expect(got.hue).toBeLessThan(1);
          expect(got.saturation).toBe(1);
        }
      }
    });
  }

  it('by hand, defaults, global range [0, 4]', () => {
    const r = { absmin: 0, absmax: 4 };
    // x = 1: t = 0.25, sqrt(t) = 0.5 -> size 0.2 + 0.8 * 0.5 = 0.6, light 0.4 + 0.3 * 0.5 = 0.55,
    // hue = 0.77 + 0.74 + 0.25 * 0.04 = 1.52 -> 0.52
    const a = lookOf(1, r, DEFAULTS);
    expect(a.size).toBeCloseTo(0.6, 12);
    expect(a.lightness).toBeCloseTo(0.55, 12);
    expect(a.hue).toBeCloseTo(0.52, 12);
    // x = -4: t = 1 -> size 1, light 0.7, hue = 0.77 - 0.74 - 1 * 0.04 = -0.01 -> 0.99
    const b = lookOf(-4, r, DEFAULTS);
    expect(b.size).toBeCloseTo(1, 12);
    expect(b.lightness).toBeCloseTo(0.7, 12);
    expect(b.hue).toBeCloseTo(0.99, 12);
    // beyond the range is clamped: size 1
    expect(lookOf(100, r, DEFAULTS).size).toBeCloseTo(1, 12);
  });

  it('superlocal by hand: the smallest magnitude gets the smallest size', () => {
    const r = { absmin: 1, absmax: 5 };
    expect(lookOf(1, r, DEFAULTS).size).toBeCloseTo(0.2, 12);
    expect(lookOf(-1, r, DEFAULTS).lightness).toBeCloseTo(0.4, 12);
    // x = 2: t = 0.25 -> size 0.6; s = (2 - 1) / 4 = 0.25 -> hue 0.52
    expect(lookOf(2, r, DEFAULTS).size).toBeCloseTo(0.6, 12);
    expect(lookOf(2, r, DEFAULTS).hue).toBeCloseTo(0.52, 12);
    // x = -2: s = (-2 + 1) / 4 = -0.25 -> hue 0.77 - 0.74 - 0.01 = 0.02
    expect(lookOf(-2, r, DEFAULTS).hue).toBeCloseTo(0.02, 12);
  });

  it('size grows and lightness moves monotonically with magnitude', () => {
    const r = { absmin: 0, absmax: 10 };
    let prev = -1;
    for (let x = 0.5; x <= 10; x += 0.5) {
      const l = lookOf(x, r, DEFAULTS);
      expect(l.size).toBeGreaterThan(prev);
      prev = l.size;
      expect(lookOf(-x, r, DEFAULTS).size).toBeCloseTo(l.size, 12);
    }
  });
});

describe('special values', () => {
  const r = { absmin: 0, absmax: 2 };

  it('zero is not drawn (size 0)', () => {
    expect(lookOf(0, r, DEFAULTS).size).toBe(0);
    expect(lookOf(-0, r, DEFAULTS).size).toBe(0);
    expect(lookOf(0, { absmin: 0.5, absmax: 2 }, DEFAULTS).size).toBe(0);
  });

  it('NaN and infinities are drawn white', () => {
    for (const x of [NaN, Infinity, -Infinity]) {
      const l = lookOf(x, r, DEFAULTS);
      expect(l.size).toBeGreaterThan(0);
      const rgb = hslToRgb(l.hue, l.saturation, l.lightness);
      for (const c of rgb) expect(c).toBeCloseTo(1, 9);
    }
  });

  it('an empty range (all magnitudes equal, or all zero) never gives NaN', () => {
    for (const rr of [
      { absmin: 0, absmax: 0 },
      { absmin: 3, absmax: 3 },
    ]) {
      for (const x of [3, -3, 1e-9]) {
        const l = lookOf(x, rr, DEFAULTS);
        expect(Number.isFinite(l.size)).toBe(true);
        expect(Number.isFinite(l.hue)).toBe(true);
        expect(Number.isFinite(l.lightness)).toBe(true);
        expect(l.size).toBeGreaterThan(0);
      }
    }
  });
});

describe('default hues', () => {
  it('small positives are cyan (hue ~0.51), small negatives red (hue ~0.03)', () => {
    const r = { absmin: 0, absmax: 1 };
    expect(lookOf(1e-6, r, DEFAULTS).hue).toBeCloseTo(0.51, 4);
    expect(lookOf(-1e-6, r, DEFAULTS).hue).toBeCloseTo(0.03, 4);
  });

  it('in RGB: a positive is blue/cyan (blue > red), a negative red (red > blue and green)', () => {
    const r = { absmin: 0, absmax: 1 };
    for (const x of [0.1, 0.5, 1]) {
      const l = lookOf(x, r, DEFAULTS);
      const [R, G, B] = hslToRgb(l.hue, l.saturation, l.lightness);
      expect(B).toBeGreaterThan(R);
      expect(G).toBeGreaterThan(R);
      const n = lookOf(-x, r, DEFAULTS);
      const [nr, ng, nb] = hslToRgb(n.hue, n.saturation, n.lightness);
      expect(nr).toBeGreaterThan(ng);
      expect(nr).toBeGreaterThan(nb);
    }
  });
});

describe('hslToRgb (CSS formula)', () => {
  it('primary and grey colours', () => {
    const near = (a: number[], b: number[]): void =>
      a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 9));
    near(hslToRgb(0, 1, 0.5), [1, 0, 0]);
    near(hslToRgb(1 / 3, 1, 0.5), [0, 1, 0]);
    near(hslToRgb(2 / 3, 1, 0.5), [0, 0, 1]);
    near(hslToRgb(0.5, 1, 0.5), [0, 1, 1]);
    near(hslToRgb(0.3, 0, 0.25), [0.25, 0.25, 0.25]);
    near(hslToRgb(0, 1, 0.25), [0.5, 0, 0]);
  });
});
