// Unit tests for src/core/layout (docs/layout.md, docs/animation.md): scheme truth tables written
// from docs/layout.md, and geometric invariants of the placed matrices checked only through
// cellPoint/interiorPoint.
import { describe, it, expect } from 'vitest';
import { SPEC3_EXAMPLES } from './helpers';
import {
  cellPoint,
  computeLayout,
  interiorPoint,
  type Layout,
  type MatmulPlacement,
  type MatrixPlacement,
  type Vec3,
} from '../../../src/core/layout/layout';
import { childChoices, type Choices } from '../../../src/core/layout/schemes';
import {
  PLANE,
  interiorPlanePlacement,
  partialSumPlacement,
} from '../../../src/core/layout/interior';
import { scatterMultiplier } from '../../../src/core/layout/spacing';
import { normalize } from '../../../src/core/params/normalize';
import type { Arg, Params } from '../../../src/core/params/schema';

// ---- vector helpers (test-local) ----------------------------------------------------------------
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const addv = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const mul = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dotv = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const crossv = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const norm = (a: Vec3): number => Math.sqrt(dotv(a, a));
const unit = (a: Vec3): Vec3 => mul(a, 1 / norm(a));
const mid = (a: Vec3, b: Vec3): Vec3 => mul(addv(a, b), 0.5);
const EPS = 1e-9;

const ALL_CHOICES: Choices[] = [];
for (let b = 0; b < 16; b++) {
  ALL_CHOICES.push({
    positive: !!(b & 1),
    leftRight: !!(b & 2),
    rightBottom: !!(b & 4),
    resultBack: !!(b & 8),
  });
}
const label = (c: Choices): string =>
  `${c.positive ? 'positive' : 'negative'}/${c.leftRight ? 'right' : 'left'}/${c.rightBottom ? 'bottom' : 'top'}/${c.resultBack ? 'back' : 'front'}`;
const layoutGroup = (c: Choices): Record<string, string> => ({
  polarity: c.positive ? 'positive' : 'negative',
  'left placement': c.leftRight ? 'right' : 'left',
  'right placement': c.rightBottom ? 'bottom' : 'top',
  'result placement': c.resultBack ? 'back' : 'front',
});

// ---- scheme rules (docs/layout.md) written out; the wheel as a plain copy -------------------
function specChild(scheme: string, side: 'left' | 'right', c: Choices): Choices {
  const P = c.positive,
    Lr = c.leftRight,
    Rb = c.rightBottom,
    Bk = c.resultBack;
  if (scheme === 'wheel') return { positive: P, leftRight: Lr, rightBottom: Rb, resultBack: Bk };
  if (scheme === 'blocks') {
    return side === 'left'
      ? { positive: !P, leftRight: P !== Bk, rightBottom: !Rb, resultBack: P === Lr }
      : { positive: !P, leftRight: !Lr, rightBottom: P !== Bk, resultBack: P === Rb };
  }
  if (scheme === 'zigzag') {
    return side === 'left'
      ? { positive: !P, leftRight: P !== Bk, rightBottom: Rb, resultBack: P === Lr }
      : { positive: !P, leftRight: Lr, rightBottom: P !== Bk, resultBack: P === Rb };
  }
  throw new Error(scheme);
}

/**
 * The choices a child is actually placed with. Equal to specChild, except that the wheel's
 * result side is the outward one (as blocks and zigzag have it): copying it would fold every
 * child into its parent in our frames (see computeLayout).
 */
function placedChild(scheme: string, side: 'left' | 'right', c: Choices): Choices {
  const r = specChild(scheme, side, c);
  if (scheme !== 'wheel') return r;
  return {
    ...r,
    resultBack: side === 'left' ? c.positive === c.leftRight : c.positive === c.rightBottom,
  };
}

describe('scheme truth tables (docs/layout.md)', () => {
  for (const scheme of ['blocks', 'zigzag', 'wheel'] as const) {
    for (const side of ['left', 'right'] as const) {
      it(`${scheme}, ${side} child, all 16 parent layouts`, () => {
        for (const c of ALL_CHOICES)
          expect(childChoices(scheme, side, c), label(c)).toEqual(specChild(scheme, side, c));
      });
    }
  }

  it('a few rows by hand (default parent: negative/left/top/front)', () => {
    const d: Choices = { positive: false, leftRight: false, rightBottom: false, resultBack: false };
    // blocks left: P'=1, Lr'=(0!=0)=0, Rb'=!0=1, Bk'=(0==0)=1
    expect(childChoices('blocks', 'left', d)).toEqual({
      positive: true,
      leftRight: false,
      rightBottom: true,
      resultBack: true,
    });
    // blocks right: P'=1, Lr'=!0=1, Rb'=(0!=0)=0, Bk'=(0==0)=1
    expect(childChoices('blocks', 'right', d)).toEqual({
      positive: true,
      leftRight: true,
      rightBottom: false,
      resultBack: true,
    });
    // zigzag left: P'=1, Lr'=0, Rb'=0, Bk'=1
    expect(childChoices('zigzag', 'left', d)).toEqual({
      positive: true,
      leftRight: false,
      rightBottom: false,
      resultBack: true,
    });
    // zigzag right: P'=1, Lr'=0, Rb'=0, Bk'=1
    expect(childChoices('zigzag', 'right', d)).toEqual({
      positive: true,
      leftRight: false,
      rightBottom: false,
      resultBack: true,
    });
    // positive/right/bottom/back under blocks, left: P'=0, Lr'=(1!=1)=0, Rb'=0, Bk'=(1==1)=1
    const q: Choices = { positive: true, leftRight: true, rightBottom: true, resultBack: true };
    expect(childChoices('blocks', 'left', q)).toEqual({
      positive: false,
      leftRight: false,
      rightBottom: false,
      resultBack: true,
    });
    expect(childChoices('wheel', 'right', q)).toEqual(q);
  });

  it('the child choices do not alias the parent object', () => {
    const c: Choices = { positive: false, leftRight: false, rightBottom: false, resultBack: false };
    const w = childChoices('wheel', 'left', c);
    w.positive = true;
    expect(c.positive).toBe(false);
  });
});

describe('scatterMultiplier (docs/layout.md, spacing)', () => {
  it('matches the formula', () => {
    const spec = (count: number, molecule: number, blast: number, total: number): number =>
      count < molecule ? 0 : blast >= 0 ? count ** blast : (total - count) ** -blast;
    for (const count of [1, 2, 3, 5]) {
      for (const molecule of [1, 2, 3, 8]) {
        for (const blast of [-2, -1, -0.5, 0, 0.5, 1, 2]) {
          const total = 7;
          expect(
            scatterMultiplier(count, molecule, blast, total),
            `${count} ${molecule} ${blast}`,
          ).toBeCloseTo(spec(count, molecule, blast, total), 12);
        }
      }
    }
  });
  it('by hand', () => {
    expect(scatterMultiplier(3, 1, 0, 5)).toBe(1);
    expect(scatterMultiplier(3, 4, 0, 5)).toBe(0);
    expect(scatterMultiplier(3, 3, 0, 5)).toBe(1);
    expect(scatterMultiplier(3, 1, 2, 5)).toBe(9);
    expect(scatterMultiplier(3, 1, -1, 5)).toBe(2);
    expect(scatterMultiplier(3, 1, -2, 5)).toBe(4);
    expect(scatterMultiplier(0, 1, 0, 5)).toBe(0); // a plain matrix is never scattered
  });
});

// ---- geometry ----------------------------------------------------------------------------------

/** Gives every leaf a distinct small width (heights follow from shared k), so I, K, J differ. */
function withShapes(p: Params, first = 3): Params {
  let n = 0;
  const walk = (a: Arg): void => {
    if (a.matmul) {
      walk(a.left);
      walk(a.right);
    } else {
      a.h = first + (n % 3);
      a.w = 2 + ((n * 2 + 1) % 5);
      n++;
    }
  };
  walk(p.left);
  walk(p.right);
  return normalize(p).params;
}
function state(
  expr: string,
  layout: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Params {
  const p = normalize({ expr }).params;
  const q = normalize({
    ...JSON.parse(JSON.stringify(p)),
    layout: { ...p.layout, ...layout },
    ...extra,
  }).params;
  return withShapes(q);
}

interface Frame {
  dI: Vec3;
  dJ: Vec3;
  dK: Vec3;
  L: MatrixPlacement;
  R: MatrixPlacement;
  Res: MatrixPlacement;
  centre: Vec3;
}

function frameOf(lay: Layout, m: MatmulPlacement): Frame {
  const L = lay.matrices.get(m.left)!;
  const R = lay.matrices.get(m.right)!;
  const Res = lay.matrices.get(m.result)!;
  expect(L, `left of ${m.key}`).toBeDefined();
  expect(R, `right of ${m.key}`).toBeDefined();
  expect(Res, `result of ${m.key}`).toBeDefined();
  const dI = unit(sub(cellPoint(L, m.I - 1, 0), cellPoint(L, 0, 0)));
  const dK = unit(sub(cellPoint(L, 0, m.K - 1), cellPoint(L, 0, 0)));
  const dJ = unit(sub(cellPoint(R, 0, m.J - 1), cellPoint(R, 0, 0)));
  const centre = mid(interiorPoint(m, 0, 0, 0), interiorPoint(m, m.I - 1, m.J - 1, m.K - 1));
  return { dI, dJ, dK, L, R, Res, centre };
}

function expectParallel(a: Vec3, b: Vec3, what: string): void {
  expect(norm(sub(a, b)), what).toBeLessThan(EPS);
}
/** `v` has no component along `d1` and `d2`. */
function expectAlongOnly(v: Vec3, d1: Vec3, d2: Vec3, what: string): void {
  expect(Math.abs(dotv(v, d1)), what).toBeLessThan(EPS);
  expect(Math.abs(dotv(v, d2)), what).toBeLessThan(EPS);
}

/** The invariants of one cube (docs/layout.md), from cell and interior positions only. */
function checkCube(lay: Layout, m: MatmulPlacement): Frame {
  const f = frameOf(lay, m);
  const { dI, dJ, dK, L, R, Res } = f;
  const { I, K, J } = m;
  const tag = `${m.key} (${label(m.choices)})`;
  expect([L.h, L.w], `L shape ${tag}`).toEqual([I, K]);
  expect([R.h, R.w], `R shape ${tag}`).toEqual([K, J]);
  expect([Res.h, Res.w], `result shape ${tag}`).toEqual([I, J]);
  // the three axes are orthogonal
  expect(Math.abs(dotv(dI, dJ))).toBeLessThan(EPS);
  expect(Math.abs(dotv(dI, dK))).toBeLessThan(EPS);
  expect(Math.abs(dotv(dJ, dK))).toBeLessThan(EPS);
  // R's rows run along k like L's columns; the result's rows along i like L's; its columns like R's
  expectParallel(
    unit(sub(cellPoint(R, K - 1, 0), cellPoint(R, 0, 0))),
    dK,
    `R rows along k ${tag}`,
  );
  expectParallel(
    unit(sub(cellPoint(Res, I - 1, 0), cellPoint(Res, 0, 0))),
    dI,
    `result rows along i ${tag}`,
  );
  expectParallel(
    unit(sub(cellPoint(Res, 0, J - 1), cellPoint(Res, 0, 0))),
    dJ,
    `result cols along j ${tag}`,
  );
  for (let i = 0; i < I; i++) {
    for (let k = 0; k < K; k++) {
      const l = cellPoint(L, i, k);
      for (let j = 0; j < J; j++) {
        const r = cellPoint(R, k, j);
        const o = cellPoint(Res, i, j);
        // shared k edge: L column k and R row k in the same plane perpendicular to k
        expect(
          Math.abs(dotv(l, dK) - dotv(r, dK)),
          `k plane ${tag} i${i} k${k} j${j}`,
        ).toBeLessThan(EPS);
        // shared i edge: L row i and result row i in the same plane perpendicular to i
        expect(Math.abs(dotv(l, dI) - dotv(o, dI)), `i plane ${tag}`).toBeLessThan(EPS);
        // shared j edge: R column j and result column j
        expect(Math.abs(dotv(r, dJ) - dotv(o, dJ)), `j plane ${tag}`).toBeLessThan(EPS);
        // the interior point projects onto L(i,k) along j, R(k,j) along i, result(i,j) along k
        const p = interiorPoint(m, i, j, k);
        expectAlongOnly(sub(p, l), dI, dK, `interior -> L ${tag}`);
        expectAlongOnly(sub(p, r), dJ, dK, `interior -> R ${tag}`);
        expectAlongOnly(sub(p, o), dI, dJ, `interior -> result ${tag}`);
      }
    }
  }
  return f;
}

/** The four choices as seen in space, relative to the matmul's own result (rows down, columns right). */
function geometricChoices(lay: Layout, m: MatmulPlacement): Choices {
  const f = frameOf(lay, m);
  const lc = mid(cellPoint(f.L, 0, 0), cellPoint(f.L, m.I - 1, m.K - 1));
  const rc = mid(cellPoint(f.R, 0, 0), cellPoint(f.R, m.K - 1, m.J - 1));
  const oc = mid(cellPoint(f.Res, 0, 0), cellPoint(f.Res, m.I - 1, m.J - 1));
  const front = crossv(f.dI, f.dJ); // the side the result is read from (rows down, columns right)
  const nL = crossv(f.dI, f.dK); // L's reading side: row step x column step
  const nR = crossv(f.dK, f.dJ);
  const positive = dotv(nL, f.dJ) > 0;
  // polarity is one choice for both argument faces
  expect(dotv(nR, f.dI) > 0, `R polarity agrees with L at ${m.key}`).toBe(positive);
  return {
    positive,
    leftRight: dotv(sub(lc, f.centre), f.dJ) > 0,
    rightBottom: dotv(sub(rc, f.centre), f.dI) > 0,
    resultBack: dotv(sub(oc, f.centre), front) < 0,
  };
}

/** Interior coordinate range of a matmul along a direction. */
function interiorSpan(m: MatmulPlacement, d: Vec3): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of [0, m.I - 1])
    for (const j of [0, m.J - 1])
      for (const k of [0, m.K - 1]) {
        const v = dotv(interiorPoint(m, i, j, k), d);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  return [lo, hi];
}
function planeCoord(p: MatrixPlacement, d: Vec3): number {
  return dotv(cellPoint(p, 0, 0), d);
}

describe('the default cube (docs/layout.md)', () => {
  const p = normalize(undefined).params;
  const lay = computeLayout(p);
  const root = lay.matmuls[0]!;

  it('one matmul, three matrices: root, left, right', () => {
    expect(lay.matmuls.length).toBe(1);
    expect([...lay.matrices.keys()].sort()).toEqual(['left', 'right', 'root']);
    expect([root.I, root.K, root.J]).toEqual([32, 32, 32]);
  });

  it('satisfies the shared-edge and projection invariants', () => {
    checkCube(lay, root);
  });

  it('L on the left face, R on the top face, result on the front face', () => {
    const L = lay.matrices.get('left')!;
    const R = lay.matrices.get('right')!;
    const O = lay.matrices.get('root')!;
    const [x0] = interiorSpan(root, [1, 0, 0]);
    const [, y1] = interiorSpan(root, [0, 1, 0]);
    const [, z1] = interiorSpan(root, [0, 0, 1]);
    expect(planeCoord(L, [1, 0, 0])).toBeCloseTo(x0 - 4, 9); // gap 4 to the left of the interior
    expect(planeCoord(R, [0, 1, 0])).toBeCloseTo(y1 + 4, 9); // above
    expect(planeCoord(O, [0, 0, 1])).toBeCloseTo(z1 + 4, 9); // in front
    // L and R stand on faces; each matrix is flat in its plane
    expect(cellPoint(L, 31, 31)[0]).toBeCloseTo(cellPoint(L, 0, 0)[0], 9);
    expect(cellPoint(R, 31, 31)[1]).toBeCloseTo(cellPoint(R, 0, 0)[1], 9);
    expect(cellPoint(O, 31, 31)[2]).toBeCloseTo(cellPoint(O, 0, 0)[2], 9);
  });

  it('the result reads as on paper from the front: (0,0) top left, rows down, columns right', () => {
    const O = lay.matrices.get('root')!;
    const a = cellPoint(O, 0, 0);
    expect(cellPoint(O, 1, 0)).toEqual([a[0], a[1] - 1, a[2]]);
    expect(cellPoint(O, 0, 1)).toEqual([a[0] + 1, a[1], a[2]]);
  });

  it('negative polarity: the argument faces read as on paper from outside', () => {
    // L seen from the left (-x): rows go down, columns go toward the viewer's right (+z)
    const L = lay.matrices.get('left')!;
    const a = cellPoint(L, 0, 0);
    expect(cellPoint(L, 1, 0)).toEqual([a[0], a[1] - 1, a[2]]);
    expect(cellPoint(L, 0, 1)).toEqual([a[0], a[1], a[2] + 1]);
    // R seen from above (+y, with -z up on the page): rows go toward the viewer (+z), columns right
    const R = lay.matrices.get('right')!;
    const b = cellPoint(R, 0, 0);
    expect(cellPoint(R, 1, 0)).toEqual([b[0], b[1], b[2] + 1]);
    expect(cellPoint(R, 0, 1)).toEqual([b[0] + 1, b[1], b[2]]);
  });

  it('unit cells and a box of extent 32 + 2*gap - 1 = 39 per axis, centred on the origin (the camera target)', () => {
    const L = lay.matrices.get('left')!;
    expect(norm(sub(cellPoint(L, 1, 0), cellPoint(L, 0, 0)))).toBeCloseTo(1, 12);
    for (let a = 0; a < 3; a++) {
      expect(root.box.max[a]! - root.box.min[a]!).toBeCloseTo(39, 9);
      expect((root.box.max[a]! + root.box.min[a]!) / 2).toBeCloseTo(0, 9);
    }
    expect(lay.bounds).toEqual(root.box);
  });

  it('gap sets the distance between faces and interior', () => {
    const q = normalize({ layout: { gap: 9 } }).params;
    const l2 = computeLayout(q);
    const m = l2.matmuls[0]!;
    const [x0] = interiorSpan(m, [1, 0, 0]);
    expect(planeCoord(l2.matrices.get('left')!, [1, 0, 0])).toBeCloseTo(x0 - 9, 9);
    expect(m.box.max[0]! - m.box.min[0]!).toBeCloseTo(32 + 2 * 9 - 1, 9);
  });
});

describe('all 16 root layouts', () => {
  for (const c of ALL_CHOICES) {
    it(label(c), () => {
      const p = withShapes(normalize({ layout: layoutGroup(c) }).params);
      const lay = computeLayout(p);
      const m = lay.matmuls[0]!;
      expect([m.I, m.K, m.J]).toEqual([3, 3, 5]);
      checkCube(lay, m);
      // in world terms for the root: j = +x, i = -y
      const L = lay.matrices.get('left')!;
      const R = lay.matrices.get('right')!;
      const O = lay.matrices.get('root')!;
      const [x0, x1] = interiorSpan(m, [1, 0, 0]);
      const [y0, y1] = interiorSpan(m, [0, 1, 0]);
      const [z0, z1] = interiorSpan(m, [0, 0, 1]);
      const gap = 4;
      expect(planeCoord(L, [1, 0, 0])).toBeCloseTo(c.leftRight ? x1 + gap : x0 - gap, 9);
      expect(planeCoord(R, [0, 1, 0])).toBeCloseTo(c.rightBottom ? y0 - gap : y1 + gap, 9);
      expect(planeCoord(O, [0, 0, 1])).toBeCloseTo(c.resultBack ? z0 - gap : z1 + gap, 9);
      // the left argument stands on a vertical face, the right one lies on a horizontal face
      expect(Math.abs(dotv(L.normal, [0, 1, 0]))).toBeLessThan(EPS);
      expect(Math.abs(dotv(R.normal, [0, 1, 0]))).toBeCloseTo(1, 9);
      expect(geometricChoices(lay, m)).toEqual(c);
    });
  }
});

/** Every leaf and every matmul result is one entry; checks every cube and scheme derivation. */
function checkExpression(p: Params): Layout {
  const lay = computeLayout(p);
  let leaves = 0;
  let mms = 1;
  const count = (a: Arg): void => {
    if (a.matmul) {
      mms++;
      count(a.left);
      count(a.right);
    } else leaves++;
  };
  count(p.left);
  count(p.right);
  expect(lay.matmuls.length).toBe(mms);
  expect(lay.matrices.size).toBe(leaves + mms); // each matrix drawn once
  const scheme = String(p.layout.scheme);
  const byKey = new Map(lay.matmuls.map((m) => [m.key, m]));
  for (const m of lay.matmuls) {
    checkCube(lay, m);
    const g = geometricChoices(lay, m);
    if (m.path.length === 0) continue;
    const parent = byKey.get(m.path.length === 1 ? 'root' : m.path.slice(0, -1).join('.'))!;
    const side = m.path[m.path.length - 1] as 'left' | 'right';
    if (scheme !== 'custom')
      expect(g, `${scheme} ${m.key}`).toEqual(
        placedChild(scheme, side, geometricChoices(lay, parent)),
      );
    // the child's result is the parent's argument: the child's interior lines along its k
    // end on the very cells the parent's interior lines along j (left) or i (right) end on
    const face = lay.matrices.get(m.key)!;
    const pf = frameOf(lay, parent);
    const cf = frameOf(lay, m);
    for (let a = 0; a < face.h; a++) {
      for (let b = 0; b < face.w; b++) {
        const cell = cellPoint(face, a, b);
        const fromChild = sub(interiorPoint(m, a, b, 0), cell);
        expectAlongOnly(fromChild, cf.dI, cf.dJ, `child ${m.key} result cell`);
        const fromParent =
          side === 'left'
            ? sub(interiorPoint(parent, a, 0, b), cell)
            : sub(interiorPoint(parent, 0, b, a), cell);
        expectAlongOnly(
          fromParent,
          side === 'left' ? pf.dI : pf.dK,
          side === 'left' ? pf.dK : pf.dJ,
          `parent argument cell ${m.key}`,
        );
      }
    }
  }
  return lay;
}

const EXPRS = [
  'A @ B @ C',
  'A @ (B @ C)',
  '(A @ B) @ (C @ D)',
  'A @ B @ C @ D',
  'A @ (B @ (C @ D))',
  '(A @ (B @ C)) @ ((D @ E) @ F)',
];

describe('nested expressions: every cube valid, children follow the scheme, faces coincide', () => {
  for (const scheme of ['blocks', 'zigzag', 'wheel']) {
    for (const expr of EXPRS) {
      it(`${scheme}: ${expr} (all 16 root layouts)`, () => {
        for (const c of ALL_CHOICES) checkExpression(state(expr, { scheme, ...layoutGroup(c) }));
      });
    }
  }

  it('custom: every child uses its own four choices', () => {
    const base = normalize({ expr: '(A @ B) @ (C @ D)' }).params;
    const raw = JSON.parse(JSON.stringify(base)) as Params;
    raw.layout.scheme = 'custom';
    const want: Record<string, Choices> = {
      left: { positive: true, leftRight: true, rightBottom: false, resultBack: true },
      right: { positive: false, leftRight: true, rightBottom: true, resultBack: false },
    };
    if (!raw.left.matmul || !raw.right.matmul) throw new Error('structure');
    Object.assign(raw.left.layout, layoutGroup(want.left!));
    Object.assign(raw.right.layout, layoutGroup(want.right!));
    const p = withShapes(normalize(raw).params);
    const lay = checkExpression(p);
    for (const m of lay.matmuls)
      if (m.path.length === 1) expect(geometricChoices(lay, m)).toEqual(want[m.key]);
  });
});

/** The two cubes' interiors lie on opposite sides of the shared face. */
function childOutward(lay: Layout, child: MatmulPlacement, parent: MatmulPlacement): boolean {
  const side = child.path[child.path.length - 1];
  const pf = frameOf(lay, parent);
  const n = side === 'left' ? pf.dJ : pf.dI;
  const face = planeCoord(lay.matrices.get(child.key)!, n);
  const [p0, p1] = interiorSpan(parent, n);
  const [c0, c1] = interiorSpan(child, n);
  return (p0 > face && c1 < face) || (p1 < face && c0 > face);
}

describe('children grow outward (no cube inside its parent)', () => {
  for (const scheme of ['blocks', 'zigzag']) {
    it(`${scheme}: every child cube lies beyond its parent's argument face, all 16 root layouts`, () => {
      for (const expr of EXPRS) {
        for (const c of ALL_CHOICES) {
          const lay = computeLayout(state(expr, { scheme, ...layoutGroup(c) }));
          const byKey = new Map(lay.matmuls.map((m) => [m.key, m]));
          for (const m of lay.matmuls) {
            if (m.path.length === 0) continue;
            const parent = byKey.get(m.path.length === 1 ? 'root' : m.path.slice(0, -1).join('.'))!;
            expect(childOutward(lay, m, parent), `${expr} ${label(c)} ${m.key}`).toBe(true);
          }
        }
      }
    });
  }

  it('blocks: the docs/expressions.md examples at default settings have no two cube interiors overlapping', () => {
    for (const e of SPEC3_EXAMPLES) {
      const lay = computeLayout(normalize({ expr: e }).params);
      const boxes = lay.matmuls.map((m) => {
        const lo: number[] = [];
        const hi: number[] = [];
        for (let a = 0; a < 3; a++) {
          const d: Vec3 = [0, 0, 0];
          d[a] = 1;
          const [x0, x1] = interiorSpan(m, d);
          lo.push(x0);
          hi.push(x1);
        }
        return { key: m.key, lo, hi };
      });
      for (let x = 0; x < boxes.length; x++) {
        for (let y = x + 1; y < boxes.length; y++) {
          const a = boxes[x]!;
          const b = boxes[y]!;
          const overlap = [0, 1, 2].every((k) => a.lo[k]! <= b.hi[k]! && b.lo[k]! <= a.hi[k]!);
          expect(overlap, `${e}: ${a.key} and ${b.key}`).toBe(false);
        }
      }
    }
  });
});

describe('centring (docs/layout.md)', () => {
  it('the bounding box of all cubes is centred on the origin, and is their union', () => {
    for (const expr of [
      'L @ R',
      'A @ B @ C',
      'A @ (B @ C)',
      '(A @ B) @ (C @ D)',
      'A @ B @ C @ D',
    ]) {
      for (const scatter of [0, 7]) {
        const lay = computeLayout(state(expr, { scatter }));
        const lo: Vec3 = [Infinity, Infinity, Infinity];
        const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
        for (const m of lay.matmuls) {
          // Each box against its own cells: the corners of the interior, gap cells further out
          // (minus half a cell: the box is the extents plus 2 * gap - 1).
          for (let a = 0; a < 3; a++) {
            lo[a] = Math.min(lo[a]!, m.box.min[a]!);
            hi[a] = Math.max(hi[a]!, m.box.max[a]!);
          }
        }
        for (let a = 0; a < 3; a++) {
          expect(lo[a]! + hi[a]!, `${expr} scatter ${scatter} axis ${a}`).toBeCloseTo(0, 9);
          expect(lay.bounds.min[a]).toBeCloseTo(lo[a]!, 9);
          expect(lay.bounds.max[a]).toBeCloseTo(hi[a]!, 9);
        }
        // Every cell of every matrix lies inside the bounds.
        for (const p of lay.matrices.values())
          for (const [r, c] of [
            [0, 0],
            [p.h - 1, p.w - 1],
          ] as const) {
            const q = cellPoint(p, r, c);
            for (let a = 0; a < 3; a++) {
              expect(q[a]).toBeGreaterThanOrEqual(lay.bounds.min[a]! - EPS);
              expect(q[a]).toBeLessThanOrEqual(lay.bounds.max[a]! + EPS);
            }
          }
      }
    }
  });

  it('a chain is centred as a whole, not on its root cube: A @ B @ C extends left, so the root sits right of the origin', () => {
    const lay = computeLayout(state('A @ B @ C', {}));
    const root = lay.matmuls.find((m) => m.key === 'root')!;
    expect((root.box.min[0] + root.box.max[0]) / 2).toBeGreaterThan(1);
  });
});

describe('scatter (docs/layout.md, spacing)', () => {
  function centreOf(lay: Layout, key: string): Vec3 {
    const m = lay.matmuls.find((x) => x.key === key)!;
    return mid(interiorPoint(m, 0, 0, 0), interiorPoint(m, m.I - 1, m.J - 1, m.K - 1));
  }
  /**
   * The layout seen from the root cube's centre: the whole expression is centred on the origin,
   * which moves with the scatter; the rules below are about positions relative to the root.
   */
  function fromRoot(lay: Layout): Layout {
    const c = centreOf(lay, 'root');
    const matrices = new Map(
      [...lay.matrices].map(([k, p]) => [k, { ...p, origin: sub(p.origin, c) }] as const),
    );
    const matmuls = lay.matmuls.map((m) => ({ ...m, interiorOrigin: sub(m.interiorOrigin, c) }));
    return { ...lay, matrices, matmuls };
  }

  it('a child matmul moves away from its parent by scatter * mult; plain matrices stay', () => {
    for (const scheme of ['blocks', 'zigzag', 'wheel']) {
      for (const expr of ['A @ B @ C', 'A @ (B @ C)']) {
        const a = fromRoot(computeLayout(state(expr, { scheme })));
        const b = fromRoot(computeLayout(state(expr, { scheme, scatter: 10 })));
        const childKey = expr === 'A @ B @ C' ? 'left' : 'right';
        const plainKey = expr === 'A @ B @ C' ? 'right' : 'left';
        const rootCentre = centreOf(a, 'root');
        expect(centreOf(b, 'root')).toEqual(rootCentre);
        const d0 = norm(sub(centreOf(a, childKey), rootCentre));
        const d1 = norm(sub(centreOf(b, childKey), rootCentre));
        expect(d1, `${scheme} ${expr}`).toBeGreaterThan(d0);
        // the shift is exactly 10 (count 1, blast 0) along the direction away from the parent
        const shift = sub(centreOf(b, childKey), centreOf(a, childKey));
        expect(norm(shift)).toBeCloseTo(10, 9);
        const face0 = a.matrices.get(childKey)!;
        const face1 = b.matrices.get(childKey)!;
        expect(norm(sub(cellPoint(face1, 0, 0), cellPoint(face0, 0, 0)))).toBeCloseTo(10, 9);
        // the plain argument did not move
        expect(cellPoint(b.matrices.get(plainKey)!, 0, 0)).toEqual(
          cellPoint(a.matrices.get(plainKey)!, 0, 0),
        );
        // the child's leaves moved with it
        expect(
          norm(
            sub(
              cellPoint(b.matrices.get(`${childKey}.left`)!, 0, 0),
              cellPoint(a.matrices.get(`${childKey}.left`)!, 0, 0),
            ),
          ),
        ).toBeCloseTo(10, 9);
        // and everything is still a valid set of cubes
        checkExpression(state(expr, { scheme, scatter: 10 }));
      }
    }
  });

  it('molecule and blast scale the shift: (A @ B @ C) @ D with total 3 matmuls', () => {
    const shiftOf = (layout: Record<string, unknown>, key: string): number => {
      const a = fromRoot(computeLayout(state('A @ B @ C @ D', {})));
      const b = fromRoot(computeLayout(state('A @ B @ C @ D', layout)));
      return norm(
        sub(cellPoint(b.matrices.get(key)!, 0, 0), cellPoint(a.matrices.get(key)!, 0, 0)),
      );
    };
    // left child (A @ B @ C) has 2 matmuls
    expect(shiftOf({ scatter: 5 }, 'left')).toBeCloseTo(5, 9);
    expect(shiftOf({ scatter: 5, blast: 1 }, 'left')).toBeCloseTo(10, 9); // 2 ** 1
    expect(shiftOf({ scatter: 5, blast: 2 }, 'left')).toBeCloseTo(20, 9); // 2 ** 2
    expect(shiftOf({ scatter: 5, blast: -1 }, 'left')).toBeCloseTo(5, 9); // (3 - 2) ** 1
    expect(shiftOf({ scatter: 5, molecule: 3 }, 'left')).toBeCloseTo(0, 9); // 2 < 3
    // grandchild (A @ B, 1 matmul): its own shift adds to its parent's
    expect(shiftOf({ scatter: 5, molecule: 2 }, 'left')).toBeCloseTo(5, 9);
    expect(shiftOf({ scatter: 5, molecule: 2 }, 'left.left.left')).toBeCloseTo(5, 9); // moved with left only
  });
});

describe('blocks and gaps (docs/layout.md, docs/animation.md)', () => {
  function gapsAlong(p: MatrixPlacement, dim: 'rows' | 'cols'): number[] {
    const n = dim === 'rows' ? p.h : p.w;
    const out: number[] = [];
    for (let x = 1; x < n; x++) {
      const a = dim === 'rows' ? cellPoint(p, x - 1, 0) : cellPoint(p, 0, x - 1);
      const b = dim === 'rows' ? cellPoint(p, x, 0) : cellPoint(p, 0, x);
      out.push(Math.round(norm(sub(b, a)) * 1e9) / 1e9);
    }
    return out;
  }

  it('i blocks 2 (I = 8), k blocks 3 (K = 9), gap 4: steps of 1 and 1 + gap at block edges', () => {
    const p = normalize({
      left: { h: 8, w: 9 },
      right: { w: 4 },
      block: { 'i blocks': 2, 'k blocks': 3 },
    }).params;
    const lay = computeLayout(p);
    const m = lay.matmuls[0]!;
    checkCube(lay, m);
    const L = lay.matrices.get('left')!;
    const R = lay.matrices.get('right')!;
    const O = lay.matrices.get('root')!;
    expect(gapsAlong(L, 'rows')).toEqual([1, 1, 1, 5, 1, 1, 1]);
    expect(gapsAlong(O, 'rows')).toEqual([1, 1, 1, 5, 1, 1, 1]);
    expect(gapsAlong(L, 'cols')).toEqual([1, 1, 5, 1, 1, 5, 1, 1]);
    expect(gapsAlong(R, 'rows')).toEqual([1, 1, 5, 1, 1, 5, 1, 1]);
    expect(gapsAlong(R, 'cols')).toEqual([1, 1, 1]);
    expect(gapsAlong(O, 'cols')).toEqual([1, 1, 1]);
    // the box grows by gap per extra block: x (J): 3 + 8 = 11; y (I): 7 + 4 + 8 = 19; z (K): 8 + 8 + 8 = 24
    expect(m.box.max[0]! - m.box.min[0]!).toBeCloseTo(11, 9);
    expect(m.box.max[1]! - m.box.min[1]!).toBeCloseTo(19, 9);
    expect(m.box.max[2]! - m.box.min[2]!).toBeCloseTo(24, 9);
  });

  it('uneven blocks: 10 rows in 3 blocks are 4, 4, 2', () => {
    const p = normalize({
      left: { h: 10, w: 2 },
      right: { w: 11 },
      block: { 'i blocks': 3, 'j blocks': 4 },
      layout: { gap: 2 },
    }).params;
    const lay = computeLayout(p);
    checkCube(lay, lay.matmuls[0]!);
    expect(gapsAlong(lay.matrices.get('left')!, 'rows')).toEqual([1, 1, 1, 3, 1, 1, 1, 3, 1]);
    // 11 columns in 4 blocks of ceil(11/4) = 3: 3, 3, 3, 2
    expect(gapsAlong(lay.matrices.get('root')!, 'cols')).toEqual([1, 1, 3, 1, 1, 3, 1, 1, 3, 1]);
  });

  it('with blocks every cube invariant still holds, for all 16 root layouts', () => {
    for (const c of ALL_CHOICES) {
      const p = normalize({
        left: { h: 6, w: 5 },
        right: { w: 4 },
        block: { 'i blocks': 2, 'k blocks': 2, 'j blocks': 3 },
        layout: layoutGroup(c),
      }).params;
      const lay = computeLayout(p);
      checkCube(lay, lay.matmuls[0]!);
      expect(geometricChoices(lay, lay.matmuls[0]!)).toEqual(c);
    }
  });
});

// ---- planes inside a cube (core/layout/interior) -----------------------------------------------

describe('interior and partial-sum planes', () => {
  /**
   * Where the product L[i,k] * R[k,j] belongs, from the argument faces alone: in line with L(i,k)
   * along j and with R(k,j) along i (dI, dJ, dK are orthonormal, checked by checkCube).
   */
  function productPoint(f: Frame, i: number, j: number, k: number): Vec3 {
    const l = cellPoint(f.L, i, k);
    const r = cellPoint(f.R, k, j);
    return addv(addv(mul(f.dI, dotv(l, f.dI)), mul(f.dK, dotv(l, f.dK))), mul(f.dJ, dotv(r, f.dJ)));
  }
  function expectInBox(m: MatmulPlacement, p: Vec3, what: string): void {
    for (let a = 0; a < 3; a++) {
      expect(p[a]!, `${what} axis ${a}`).toBeGreaterThanOrEqual(m.box.min[a]! - EPS);
      expect(p[a]!, `${what} axis ${a}`).toBeLessThanOrEqual(m.box.max[a]! + EPS);
    }
  }
  /** Every interior plane of every matmul: each cell sits where its product belongs. */
  function checkInteriorPlanes(lay: Layout): void {
    for (const m of lay.matmuls) {
      const f = checkCube(lay, m);
      const kinds = [
        // kind, fixed-axis length, plane shape, (fixed, r, c) -> (i, j, k), the axis the plane is normal to
        [PLANE.kFixed, m.K, [m.I, m.J], (x: number, r: number, c: number) => [r, c, x], f.dK],
        [PLANE.iFixed, m.I, [m.K, m.J], (x: number, r: number, c: number) => [x, c, r], f.dI],
        [PLANE.jFixed, m.J, [m.I, m.K], (x: number, r: number, c: number) => [r, x, c], f.dJ],
      ] as const;
      for (const [kind, n, shape, ijk, normalAxis] of kinds) {
        for (const fixed of new Set([0, Math.floor(n / 2), n - 1])) {
          const tag = `${m.key} plane ${kind} fixed ${fixed} (${label(m.choices)})`;
          const pl = interiorPlanePlacement(m, kind, fixed, 3);
          expect([pl.h, pl.w], `shape ${tag}`).toEqual(shape);
          expect([pl.rows.n, pl.cols.n], `axes ${tag}`).toEqual(shape);
          expect(pl.key).toBe(`${m.key}#3`);
          expect(pl.owner).toBe(m.key);
          expect(
            Math.abs(Math.abs(dotv(unit(pl.normal), normalAxis)) - 1),
            `normal ${tag}`,
          ).toBeLessThan(EPS);
          for (let r = 0; r < pl.h; r++) {
            for (let c = 0; c < pl.w; c++) {
              const [i, j, k] = ijk(fixed, r, c);
              const at = cellPoint(pl, r, c);
              expect(norm(sub(at, productPoint(f, i, j, k))), `${tag} cell ${r},${c}`).toBeLessThan(
                EPS,
              );
              expectInBox(m, at, tag);
            }
          }
        }
      }
    }
  }

  it('every cell of an interior plane sits at its product, for all 16 root layouts with blocks', () => {
    for (const c of ALL_CHOICES) {
      const p = normalize({
        left: { h: 6, w: 5 },
        right: { w: 4 },
        block: { 'i blocks': 2, 'k blocks': 2, 'j blocks': 3 },
        layout: { ...layoutGroup(c), gap: 2 },
      }).params;
      checkInteriorPlanes(computeLayout(p));
    }
  });

  it('and in the child cubes of nested expressions', () => {
    for (const scheme of ['blocks', 'zigzag', 'wheel'])
      checkInteriorPlanes(computeLayout(state(SPEC3_EXAMPLES[1]!, { scheme })));
  });

  it('a wrong plane is caught: the k plane at fixed 1 is not where k = 0 products are', () => {
    const lay = computeLayout(normalize({ left: { h: 3, w: 4 }, right: { w: 2 } }).params);
    const m = lay.matmuls[0]!;
    const f = frameOf(lay, m);
    const pl = interiorPlanePlacement(m, PLANE.kFixed, 1, 0);
    expect(norm(sub(cellPoint(pl, 0, 0), productPoint(f, 0, 0, 0)))).toBeCloseTo(1, 9);
  });

  /** The last k of every block, read off the left argument: where a step along k is longer than one cell. */
  function blockEnds(f: Frame, K: number): number[] {
    const ends: number[] = [];
    for (let k = 0; k + 1 < K; k++)
      if (norm(sub(cellPoint(f.L, 0, k + 1), cellPoint(f.L, 0, k))) > 1 + EPS) ends.push(k);
    return [...ends, K - 1];
  }

  for (const [K, blocks, gap] of [
    [9, 3, 4],
    [10, 3, 2],
    [7, 1, 1],
    [5, 5, 3],
  ] as const) {
    it(`partial-sum planes: K = ${K} in ${blocks} k blocks, gap ${gap}: halfway across the gap after each block, laid out like the result`, () => {
      for (const c of [ALL_CHOICES[0]!, ALL_CHOICES[5]!, ALL_CHOICES[10]!, ALL_CHOICES[15]!]) {
        const p = normalize({
          left: { h: 3, w: K },
          right: { w: 4 },
          block: { 'k blocks': blocks },
          layout: { ...layoutGroup(c), gap },
        }).params;
        const lay = computeLayout(p);
        const m = lay.matmuls[0]!;
        const f = checkCube(lay, m);
        const ends = blockEnds(f, K);
        expect(ends.length, 'blocks seen on the left argument').toBe(blocks);
        ends.forEach((kLast, b) => {
          const tag = `block ${b} (${label(c)})`;
          const pl = partialSumPlacement(m, b);
          expect([pl.h, pl.w], tag).toEqual([m.I, m.J]);
          expect(pl.key).toBe(`${m.key}~${b}`);
          const tLast = dotv(cellPoint(f.L, 0, kLast), f.dK);
          // Halfway between the block's last k and the next k (one cell and a gap further).
          const want =
            kLast + 1 < K
              ? (tLast + dotv(cellPoint(f.L, 0, kLast + 1), f.dK)) / 2
              : tLast + (1 + gap) / 2;
          for (let r = 0; r < m.I; r++) {
            for (let col = 0; col < m.J; col++) {
              const at = cellPoint(pl, r, col);
              // in line with result cell (r, col) along k, at the expected k position
              expectAlongOnly(
                sub(at, cellPoint(f.Res, r, col)),
                f.dI,
                f.dJ,
                `${tag} cell ${r},${col}`,
              );
              expect(dotv(at, f.dK), `${tag} k position`).toBeCloseTo(want, 9);
              expectInBox(m, at, tag);
            }
          }
        });
      }
    });
  }
});
