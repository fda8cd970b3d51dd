/**
 * Value to colour and size (docs/colors.md). The renderer does the same arithmetic in its shader
 * from uniforms; this module is the reference (tests check it against the formulas of
 * docs/colors.md) and supplies the per-matrix ranges that each sensitivity mode implies.
 */

export interface VizParams {
  minSize: number;
  minLight: number;
  maxLight: number;
  elemScale: number;
  zeroHue: number;
  hueGap: number;
  hueSpread: number;
}

export interface Range {
  absmin: number;
  absmax: number;
}

export type Sensitivity = 'global' | 'semilocal' | 'local' | 'superlocal';

export function rangeFor(
  s: Sensitivity,
  local: { maxAbs: number; minAbs: number },
  globalMax: number,
): Range {
  switch (s) {
    case 'global':
      return { absmin: 0, absmax: globalMax };
    case 'local':
      return { absmin: 0, absmax: local.maxAbs };
    case 'superlocal':
      return { absmin: local.minAbs, absmax: local.maxAbs };
    case 'semilocal':
      return { absmin: 0, absmax: Math.sqrt(local.maxAbs * globalMax) };
  }
}

export interface Look {
  /** Fraction of a full element (which is `elemScale` of a cell); 0 means not drawn. */
  size: number;
  hue: number;
  saturation: number;
  lightness: number;
}

export function lookOf(x: number, r: Range, v: VizParams): Look {
  if (x === 0) return { size: 0, hue: 0, saturation: 0, lightness: 0 };
  if (!Number.isFinite(x)) return { size: 1, hue: 0, saturation: 0, lightness: 1 };
  const span = r.absmax - r.absmin;
  const t = span > 0 ? Math.min(1, Math.max(0, (Math.abs(x) - r.absmin) / span)) : 1;
  const sign = Math.sign(x);
  const s = span > 0 ? (x - sign * r.absmin) / span : sign;
  const st = Math.sqrt(t);
  const hue = (((v.zeroHue + sign * v.hueGap + s * v.hueSpread) % 1) + 1) % 1;
  return {
    size: v.minSize + (1 - v.minSize) * st,
    hue,
    saturation: 1,
    lightness: v.minLight + (v.maxLight - v.minLight) * st,
  };
}

/** HSL (all 0..1) to RGB (0..1), the CSS formula. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h * 12) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)];
}
