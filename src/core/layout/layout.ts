/**
 * Layout (docs/layout.md): where every matrix of an expression sits in space, as plain numbers.
 *
 * Each matmul has a frame (ex, ey, ez; ez = ex × ey). Its result lies in the (ex, ey) plane with
 * rows running along -ey and columns along +ex; `k` runs along +ez for negative polarity and -ez
 * for positive. The four binary choices pick the side of each face: the left argument at the -ex
 * (`left`) or +ex (`right`) side, the right argument at +ey (`top`) or -ey (`bottom`), the result
 * at +ez (`front`) or -ez (`back`). Faces stand `gap` cells off the matrix extents, so the box is
 * the extents plus 2*gap - 1 along each axis. A child matmul's frame is taken from the argument
 * face it produces (ex = that face's column direction, ey = minus its row direction), which makes
 * the child's result coincide with the parent's argument: one matrix, drawn once.
 */
import type { Arg, MatmulNode, Params } from '../params/schema';
import { colsOf, rowsOf } from '../params/shapes';
import { type Path, pathKey } from '../params/tree';
import { type Choices, choicesOf, placedChildChoices } from './schemes';
import { scatterMultiplier } from './spacing';

export type Vec3 = [number, number, number];

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const madd = (o: Vec3, ...terms: [Vec3, number][]): Vec3 => {
  let r: Vec3 = [...o];
  for (const [v, s] of terms) r = add(r, scale(v, s));
  return r;
};

/** One axis cut into equal blocks of `size` cells (the last possibly shorter), `gap` cells apart. */
export interface Axis {
  n: number;
  size: number;
  gap: number;
}
export function axisOf(n: number, blocks: number, gap: number): Axis {
  const b = Math.max(1, Math.min(n, Math.round(blocks) || 1));
  return { n, size: Math.ceil(n / b), gap };
}
/** Position of index `x` along an axis, in cells. */
export function posOf(a: Axis, x: number): number {
  return x + a.gap * Math.floor(x / a.size);
}
/** Extent of an axis: one past the position of its last index. */
export function extentOf(a: Axis): number {
  return posOf(a, a.n - 1) + 1;
}

export interface MatrixPlacement {
  key: string;
  path: Path;
  name: string;
  h: number;
  w: number;
  /** World position of the centre of cell (0, 0). */
  origin: Vec3;
  /** Unit steps for +1 row and +1 column (block gaps come on top, see `rows`/`cols`). */
  rowDir: Vec3;
  colDir: Vec3;
  /** rowDir × colDir: the side from which the matrix reads as on paper. */
  normal: Vec3;
  rows: Axis;
  cols: Axis;
  /** The matmul whose face this is (the child's result sits on its parent's argument face). */
  owner: string;
  role: 'left' | 'right' | 'result';
  /** True for a plain matrix (a leaf of the expression). */
  leaf: boolean;
  /**
   * Edge labels (the `shape` legends, docs/parameters.md, "deco"): the dimension name shown along
   * the rows and along the columns, and the edge each sits on — always the edge away from the
   * neighbouring faces of its cube.
   */
  labels: {
    rowsLabel: string | null;
    colsLabel: string | null;
    rowsEdge: 'first' | 'last';
    colsEdge: 'first' | 'last';
  };
}

export interface MatmulPlacement {
  key: string;
  path: Path;
  depth: number;
  name: string;
  I: number;
  K: number;
  J: number;
  choices: Choices;
  ex: Vec3;
  ey: Vec3;
  ez: Vec3;
  /** Unit step of k in the interior (±ez). */
  kDir: Vec3;
  /** World position of the interior point (i, j, k) = (0, 0, 0). */
  interiorOrigin: Vec3;
  i: Axis;
  j: Axis;
  k: Axis;
  box: { min: Vec3; max: Vec3 };
  left: string;
  right: string;
  result: string;
  /** Flow arrow: axis from `tail` to `tip`, vanes toward the left (blue) and right (red) argument. */
  flow: { tail: Vec3; tip: Vec3; leftVane: Vec3; rightVane: Vec3 };
}

export interface Layout {
  matrices: Map<string, MatrixPlacement>;
  matmuls: MatmulPlacement[];
  bounds: { min: Vec3; max: Vec3 };
}

export function countMatmuls(a: Arg | MatmulNode): number {
  if ('matmul' in a && !a.matmul) return 0;
  return 1 + countMatmuls(a.left) + countMatmuls(a.right);
}

/** Interior world position of (i, j, k) for a matmul. */
export function interiorPoint(m: MatmulPlacement, i: number, j: number, k: number): Vec3 {
  return madd(
    m.interiorOrigin,
    [m.ey, -posOf(m.i, i)],
    [m.ex, posOf(m.j, j)],
    [m.kDir, posOf(m.k, k)],
  );
}

/** World position of the centre of a matrix cell. */
export function cellPoint(p: MatrixPlacement, r: number, c: number): Vec3 {
  return madd(p.origin, [p.rowDir, posOf(p.rows, r)], [p.colDir, posOf(p.cols, c)]);
}

export function computeLayout(params: Params): Layout {
  const { gap, scheme } = params.layout;
  const total = countMatmuls(params);
  const spacing = {
    scatter: params.layout.scatter,
    molecule: params.layout.molecule,
    blast: params.layout.blast,
    total,
  };
  const matrices = new Map<string, MatrixPlacement>();
  const matmuls: MatmulPlacement[] = [];

  const place = (
    m: MatmulNode,
    path: Path,
    depth: number,
    choices: Choices,
    frame: { ex: Vec3; ey: Vec3 } | null,
    resultOrigin: Vec3 | null,
  ): void => {
    const I = rowsOf(m.left);
    const K = colsOf(m.left);
    const J = colsOf(m.right);
    const iAx = axisOf(I, m.block.iBlocks, gap);
    const kAx = axisOf(K, m.block.kBlocks, gap);
    const jAx = axisOf(J, m.block.jBlocks, gap);
    const Ie = extentOf(iAx);
    const Ke = extentOf(kAx);
    const Je = extentOf(jAx);
    const ex: Vec3 = frame ? frame.ex : [1, 0, 0];
    const ey: Vec3 = frame ? frame.ey : [0, 1, 0];
    const ez = cross(ex, ey);
    const tRes = choices.resultBack ? -gap : Ke - 1 + gap;
    const uL = choices.leftRight ? Je - 1 + gap : -gap;
    const vR = choices.rightBottom ? -(Ie - 1) - gap : gap;
    const kDir = choices.positive ? scale(ez, -1) : ez;
    // t of k = 0: the first k position along kDir.
    const t0 = choices.positive ? Ke - 1 : 0;
    let O: Vec3;
    if (resultOrigin) O = madd(resultOrigin, [ez, -tRes]);
    else O = [-(Je - 1) / 2, (Ie - 1) / 2, -(Ke - 1) / 2]; // root: box centred (then the whole expression, below)
    const at = (u: number, v: number, t: number): Vec3 => madd(O, [ex, u], [ey, v], [ez, t]);
    const key = pathKey(path);
    const minusEy = scale(ey, -1);
    const lKey = pathKey([...path, 'left']);
    const rKey = pathKey([...path, 'right']);
    const isRoot = path.length === 0;

    const placement = (
      k: string,
      p: Path,
      name: string,
      origin: Vec3,
      rowDir: Vec3,
      colDir: Vec3,
      rows: Axis,
      cols: Axis,
      role: 'left' | 'right' | 'result',
      leaf: boolean,
      labels: MatrixPlacement['labels'],
    ): MatrixPlacement => ({
      key: k,
      path: p,
      name,
      h: rows.n,
      w: cols.n,
      origin,
      rowDir,
      colDir,
      normal: cross(rowDir, colDir),
      rows,
      cols,
      owner: key,
      role,
      leaf,
      labels,
    });

    // The result: placed by its own matmul (root), or already placed by the parent as its argument.
    const resOrigin = at(0, 0, tRes);
    // k = 0 lies on the far side from the result exactly when polarity and result side agree.
    const kFirstFar = choices.positive === choices.resultBack;
    const kEdge = kFirstFar ? 'first' : 'last';
    const awayFromLeft = choices.leftRight ? 'first' : 'last';
    const awayFromRight = choices.rightBottom ? 'first' : 'last';
    if (isRoot) {
      matrices.set(
        key,
        placement(key, path, m.name, resOrigin, minusEy, ex, iAx, jAx, 'result', false, {
          rowsLabel: 'I',
          colsLabel: 'J',
          rowsEdge: awayFromLeft,
          colsEdge: awayFromRight,
        }),
      );
    }
    const lOrigin = at(uL, 0, t0);
    const rOrigin = at(0, vR, t0);
    const lPlacement = placement(
      lKey,
      [...path, 'left'],
      m.left.name,
      lOrigin,
      minusEy,
      kDir,
      iAx,
      kAx,
      'left',
      !m.left.matmul,
      { rowsLabel: 'I', colsLabel: 'K', rowsEdge: kEdge, colsEdge: awayFromRight },
    );
    const rPlacement = placement(
      rKey,
      [...path, 'right'],
      m.right.name,
      rOrigin,
      kDir,
      ex,
      kAx,
      jAx,
      'right',
      !m.right.matmul,
      { rowsLabel: 'K', colsLabel: 'J', rowsEdge: awayFromLeft, colsEdge: kEdge },
    );

    const lo = at(-gap, -(Ie - 1) - gap, -gap);
    const hi = at(Je - 1 + gap, gap, Ke - 1 + gap);
    const box = {
      min: [Math.min(lo[0], hi[0]), Math.min(lo[1], hi[1]), Math.min(lo[2], hi[2])] as Vec3,
      max: [Math.max(lo[0], hi[0]), Math.max(lo[1], hi[1]), Math.max(lo[2], hi[2])] as Vec3,
    };

    // Flow arrow through the box centre, pointing at the result; vanes toward each argument.
    const centre = at((Je - 1) / 2, -(Ie - 1) / 2, (Ke - 1) / 2);
    const s = Math.max(1, 0.22 * Math.min(Ie, Je, Ke));
    const toResult = choices.resultBack ? scale(ez, -1) : ez;
    const toLeft = choices.leftRight ? ex : scale(ex, -1);
    const toRight = choices.rightBottom ? minusEy : ey;
    const flow = {
      tail: madd(centre, [toResult, -s]),
      tip: madd(centre, [toResult, s]),
      leftVane: madd(centre, [toResult, -s], [toLeft, s]),
      rightVane: madd(centre, [toResult, -s], [toRight, s]),
    };

    matmuls.push({
      key,
      path,
      depth,
      name: m.name,
      I,
      K,
      J,
      choices,
      ex,
      ey,
      ez,
      kDir,
      interiorOrigin: at(0, 0, t0),
      i: iAx,
      j: jAx,
      k: kAx,
      box,
      left: lKey,
      right: rKey,
      result: key,
      flow,
    });

    const sides: ['left' | 'right', MatrixPlacement, Vec3][] = [
      ['left', lPlacement, toLeft],
      ['right', rPlacement, toRight],
    ];
    for (const [side, argPlacement, outward] of sides) {
      const arg = m[side];
      if (!arg.matmul) {
        matrices.set(argPlacement.key, argPlacement);
        continue;
      }
      const cc =
        scheme === 'custom' ? choicesOf(arg.layout) : placedChildChoices(scheme, side, choices);
      const shift =
        spacing.scatter *
        scatterMultiplier(countMatmuls(arg), spacing.molecule, spacing.blast, spacing.total);
      const origin = madd(argPlacement.origin, [outward, shift]);
      const childFrame = { ex: argPlacement.colDir, ey: scale(argPlacement.rowDir, -1) };
      matrices.set(argPlacement.key, {
        ...argPlacement,
        origin,
        role: 'result',
        owner: argPlacement.key,
        labels: { ...argPlacement.labels, rowsLabel: null, colsLabel: null },
      });
      place(arg, argPlacement.path, depth + 1, cc, childFrame, origin);
    }
  };

  place(params, [], 0, choicesOf(params.layout), null, null);

  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const m of matmuls) {
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a]!, m.box.min[a]!);
      max[a] = Math.max(max[a]!, m.box.max[a]!);
    }
  }
  // The whole expression is centred on the world origin, as the original tool centres it, so that
  // a link's camera (position and target in world units) frames the same part of it.
  const c: Vec3 = [-(min[0] + max[0]) / 2, -(min[1] + max[1]) / 2, -(min[2] + max[2]) / 2];
  if (c.some((x) => x !== 0)) {
    for (const [k, p] of matrices) matrices.set(k, { ...p, origin: add(p.origin, c) });
    for (const m of matmuls) {
      m.interiorOrigin = add(m.interiorOrigin, c);
      m.box = { min: add(m.box.min, c), max: add(m.box.max, c) };
      const f = m.flow;
      m.flow = {
        tail: add(f.tail, c),
        tip: add(f.tip, c),
        leftVane: add(f.leftVane, c),
        rightVane: add(f.rightVane, c),
      };
    }
  }
  return { matrices, matmuls, bounds: { min: add(min, c), max: add(max, c) } };
}
