/**
 * Planes inside a matmul's cube, as plain numbers: the interior planes of products
 * L[i,k] * R[k,j] that an animation step shows (one of i, j, k fixed), and the partial-sum planes
 * of a k-blocked matmul (one per k block, parallel to the result, in the gap after the block).
 * The renderer draws them like any matrix; where they sit is decided here, next to the faces they
 * line up with, so the layout tests check them with the rest of the geometry.
 */
import {
  type MatmulPlacement,
  type MatrixPlacement,
  type Vec3,
  add,
  interiorPoint,
  scale,
} from './layout';

/**
 * Which index an interior plane holds fixed (the matrix shader reads the same numbers, see
 * render/shaders/constants.ts). Rows and columns of each plane: k fixed: rows i, columns j (parallel
 * to the result); i fixed: rows k, columns j (parallel to the right argument); j fixed: rows i,
 * columns k (parallel to the left argument).
 */
export const PLANE = { kFixed: 0, iFixed: 1, jFixed: 2 } as const;
export type PlaneKind = (typeof PLANE)[keyof typeof PLANE];

/** The fields every in-cube plane shares: owned by the matmul, drawn as a result, no labels. */
function planeBase(
  m: MatmulPlacement,
  key: string,
): Pick<MatrixPlacement, 'key' | 'path' | 'name' | 'owner' | 'role' | 'leaf' | 'labels'> {
  return {
    key,
    path: m.path,
    name: '',
    owner: m.key,
    role: 'result',
    leaf: false,
    labels: { rowsLabel: null, colsLabel: null, rowsEdge: 'first', colsEdge: 'first' },
  };
}

/**
 * The `n`-th interior plane shown this step, of matmul `m`, with index `fixed` held fixed (a
 * global index along the fixed axis). Cell (r, c) of the plane sits at the interior point of its
 * product.
 */
export function interiorPlanePlacement(
  m: MatmulPlacement,
  plane: PlaneKind,
  fixed: number,
  n: number,
): MatrixPlacement {
  const minusEy = scale(m.ey, -1);
  const base = planeBase(m, `${m.key}#${n}`);
  switch (plane) {
    case PLANE.kFixed:
      return {
        ...base,
        h: m.I,
        w: m.J,
        origin: interiorPoint(m, 0, 0, fixed),
        rowDir: minusEy,
        colDir: m.ex,
        normal: m.ez,
        rows: m.i,
        cols: m.j,
      };
    case PLANE.iFixed:
      return {
        ...base,
        h: m.K,
        w: m.J,
        origin: interiorPoint(m, fixed, 0, 0),
        rowDir: m.kDir,
        colDir: m.ex,
        normal: m.ey,
        rows: m.k,
        cols: m.j,
      };
    case PLANE.jFixed:
      return {
        ...base,
        h: m.I,
        w: m.K,
        origin: interiorPoint(m, 0, fixed, 0),
        rowDir: minusEy,
        colDir: m.kDir,
        normal: m.ex,
        rows: m.i,
        cols: m.k,
      };
  }
}

/**
 * The partial-sum plane of k block `kBlock` of matmul `m`: parallel to the result and laid out
 * like it, halfway across the gap after the block's last k (the sums so far sit between the
 * products they add up and the ones still to come).
 */
export function partialSumPlacement(m: MatmulPlacement, kBlock: number): MatrixPlacement {
  const kLast = Math.min(m.K, (kBlock + 1) * m.k.size) - 1;
  const origin: Vec3 = add(interiorPoint(m, 0, 0, kLast), scale(m.kDir, 0.5 + m.k.gap / 2));
  return {
    ...planeBase(m, `${m.key}~${kBlock}`),
    h: m.I,
    w: m.J,
    origin,
    rowDir: scale(m.ey, -1),
    colDir: m.ex,
    normal: m.ez,
    rows: m.i,
    cols: m.j,
  };
}
