/**
 * Picking without per-element work: a ray meets each matrix's plane once, and the cell under the
 * hit point follows from arithmetic on the placement (block gaps included). Cost grows with the
 * number of matrices, never with their size.
 */
import { type Layout, type MatrixPlacement, type Vec3, type Axis, dot } from './layout';

export interface Pick {
  key: string;
  row: number;
  col: number;
  /** Distance along the ray. */
  t: number;
  point: Vec3;
}

/** Index along an axis at a position (cell centres at posOf), or -1 in a gap or outside. */
export function indexAt(a: Axis, p: number): number {
  const period = a.size + a.gap;
  const q = p + 0.5;
  if (q < 0) return -1;
  const b = Math.floor(q / period);
  const within = q - b * period;
  if (within >= a.size) return -1;
  const idx = b * a.size + Math.floor(within);
  return idx < a.n ? idx : -1;
}

/** The index of the cell at a position or, in a block gap, of the last cell before it (not clamped to the axis). */
export function cellAtOrBefore(a: Axis, p: number): number {
  const period = a.size + a.gap;
  const q = p + 0.5;
  const b = Math.floor(q / period);
  return b * a.size + Math.min(a.size - 1, Math.floor(q - b * period));
}

export function pickMatrix(p: MatrixPlacement, origin: Vec3, dir: Vec3): Pick | null {
  const n = p.normal;
  const denom = dot(dir, n);
  if (Math.abs(denom) < 1e-9) return null;
  const rel: Vec3 = [p.origin[0] - origin[0], p.origin[1] - origin[1], p.origin[2] - origin[2]];
  const t = dot(rel, n) / denom;
  if (t <= 0) return null;
  const point: Vec3 = [origin[0] + dir[0] * t, origin[1] + dir[1] * t, origin[2] + dir[2] * t];
  const d: Vec3 = [point[0] - p.origin[0], point[1] - p.origin[1], point[2] - p.origin[2]];
  const row = indexAt(p.rows, dot(d, p.rowDir));
  const col = indexAt(p.cols, dot(d, p.colDir));
  if (row < 0 || col < 0) return null;
  return { key: p.key, row, col, t, point };
}

/** The nearest matrix cell along a ray, if any. `visible` filters matrices that are hidden. */
export function pickCell(
  layout: Layout,
  origin: Vec3,
  dir: Vec3,
  visible: (key: string) => boolean = () => true,
): Pick | null {
  let best: Pick | null = null;
  for (const p of layout.matrices.values()) {
    if (!visible(p.key)) continue;
    const hit = pickMatrix(p, origin, dir);
    if (hit && (!best || hit.t < best.t)) best = hit;
  }
  return best;
}
