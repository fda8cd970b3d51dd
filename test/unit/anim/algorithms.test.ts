import { describe, it, expect } from 'vitest';
import {
  stepCount,
  stepAt,
  interiorCells,
  revealedAfter,
  cellStatus,
  type MatmulShape,
} from '../../../src/core/anim/algorithms';
import type { Alg } from '../../../src/core/anim/types';
import { randomMatrix, matmulRef, expectClose } from './helpers';

const ALGS: Exclude<Alg, 'none'>[] = [
  'dotprod (row major)',
  'dotprod (col major)',
  'axpy',
  'vmprod',
  'mvprod',
  'vvprod',
];
const BLOCKINGS = [
  { i: 1, k: 1, j: 1 },
  { i: 2, k: 1, j: 1 },
  { i: 1, k: 1, j: 3 },
  { i: 1, k: 4, j: 1 },
  { i: 2, k: 4, j: 3 },
];
const SHAPES = [
  { I: 5, K: 7, J: 3 },
  { I: 11, K: 13, J: 9 },
];

// ---- independent model, written from docs/animation.md without the module's descriptors ----
const bsize = (n: number, c: number) => Math.ceil(n / Math.min(Math.max(c, 1), n));

function model(m: MatmulShape) {
  const si = bsize(m.I, m.blocks.i),
    sk = bsize(m.K, m.blocks.k),
    sj = bsize(m.J, m.blocks.j);
  const steps = {
    'dotprod (row major)': si * sj,
    'dotprod (col major)': si * sj,
    vmprod: si,
    mvprod: sj,
    vvprod: sk,
    axpy: sj * sk,
  }[m.alg as Exclude<Alg, 'none'>];
  /** does step t form product (i, j, k)? (global indices) */
  const forms = (t: number, i: number, j: number, k: number): boolean => {
    const li = i % si,
      lj = j % sj,
      lk = k % sk;
    switch (m.alg) {
      case 'dotprod (row major)':
        return li * sj + lj === t;
      case 'dotprod (col major)':
        return lj * si + li === t;
      case 'vmprod':
        return li === t;
      case 'mvprod':
        return lj === t;
      case 'vvprod':
        return lk === t;
      case 'axpy':
        return lj * sk + lk === t;
      default:
        return false;
    }
  };
  /** after step t, is cell (i, j) shown, and which k does it sum? */
  const shows = (
    t: number,
    i: number,
    j: number,
  ): { shown: boolean; includes: (k: number) => boolean } => {
    const li = i % si,
      lj = j % sj;
    const all = () => true;
    switch (m.alg) {
      case 'dotprod (row major)':
        return { shown: li * sj + lj <= t, includes: all };
      case 'dotprod (col major)':
        return { shown: lj * si + li <= t, includes: all };
      case 'vmprod':
        return { shown: li <= t, includes: all };
      case 'mvprod':
        return { shown: lj <= t, includes: all };
      case 'vvprod':
        return { shown: t >= 0, includes: (k) => k % sk <= t };
      case 'axpy': {
        const col = Math.floor(t / sk);
        if (lj < col) return { shown: true, includes: all };
        if (lj === col) return { shown: true, includes: (k) => k % sk <= t % sk };
        return { shown: false, includes: all };
      }
      default:
        return { shown: true, includes: all };
    }
  };
  return { si, sk, sj, steps, forms, shows };
}

function expectedAfter(
  m: MatmulShape,
  L: Float64Array,
  R: Float64Array,
  t: number,
  kBlock?: number,
): Float64Array {
  const md = model(m);
  const out = new Float64Array(m.I * m.J);
  for (let i = 0; i < m.I; i++)
    for (let j = 0; j < m.J; j++) {
      const { shown, includes } =
        t < 0 ? { shown: false, includes: () => true } : md.shows(t, i, j);
      if (!shown) {
        out[i * m.J + j] = NaN;
        continue;
      }
      let s = 0;
      for (let k = 0; k < m.K; k++) {
        if (kBlock !== undefined && Math.floor(k / md.sk) !== kBlock) continue;
        if (includes(k)) s += L[i * m.K + k] * R[k * m.J + j];
      }
      out[i * m.J + j] = s;
    }
  return out;
}

const key = (c: [number, number, number]) => c.join(',');

for (const shape of SHAPES)
  for (const alg of ALGS)
    for (const blocks of BLOCKINGS) {
      const m: MatmulShape = { ...shape, alg, blocks };
      const name = `${alg} ${shape.I}x${shape.K}x${shape.J} blocks i${blocks.i} k${blocks.k} j${blocks.j}`;
      describe(name, () => {
        const md = model(m);
        const n = stepCount(m);
        const L = randomMatrix(m.I, m.K, 3),
          R = randomMatrix(m.K, m.J, 4);

        it('step count', () => {
          expect(n).toBe(md.steps);
        });

        it('each step names exactly the products of the algorithm; each product formed once', () => {
          const count = new Uint8Array(m.I * m.J * m.K);
          for (let t = 0; t < n; t++) {
            const d = stepAt(m, t);
            expect(d.t).toBe(t);
            expect(d.steps).toBe(n);
            const got = interiorCells(m, d).map(key).sort();
            const want: string[] = [];
            for (let i = 0; i < m.I; i++)
              for (let j = 0; j < m.J; j++)
                for (let k = 0; k < m.K; k++) if (md.forms(t, i, j, k)) want.push(key([i, j, k]));
            expect(got).toEqual(want.sort());
            for (const [i, j, k] of interiorCells(m, d)) count[(i * m.J + j) * m.K + k]++;
            // highlighted inputs are the projections of the interior
            expect(d.readLeft).toEqual({ rows: d.interior.i, cols: d.interior.k });
            expect(d.readRight).toEqual({ rows: d.interior.k, cols: d.interior.j });
            expect(d.partialPlanes).toBe(Math.ceil(m.K / md.sk) > 1 ? Math.ceil(m.K / md.sk) : 0);
          }
          expect(count.every((c) => c === 1)).toBe(true);
        });

        it('revealed values follow the algorithm at every step and end at the product', () => {
          const nkb = Math.ceil(m.K / md.sk);
          for (let t = -1; t < n; t++) {
            const r = revealedAfter(m, L, R, t);
            expectClose(r.values, expectedAfter(m, L, R, t));
            if (nkb > 1) {
              expect(r.partials!.length).toBe(nkb);
              for (let b = 0; b < nkb; b++)
                expectClose(r.partials![b], expectedAfter(m, L, R, t, b));
            } else expect(r.partials).toBeUndefined();
          }
          const end = revealedAfter(m, L, R, n - 1);
          const prod = matmulRef(L, R, m.I, m.K, m.J);
          expectClose(end.values, prod);
          if (nkb > 1) {
            const sum = new Float64Array(m.I * m.J);
            for (const p of end.partials!) for (let c = 0; c < sum.length; c++) sum[c] += p[c];
            expectClose(sum, prod);
          }
        });

        it('a cell once complete stays complete; every cell completes exactly once', () => {
          const completedAt = new Int32Array(m.I * m.J).fill(-1);
          for (let t = 0; t < n; t++) {
            const d = stepAt(m, t);
            for (let i = 0; i < m.I; i++)
              for (let j = 0; j < m.J; j++) {
                const st = cellStatus(m, d, i, j);
                const c = i * m.J + j;
                if (completedAt[c] >= 0) expect(st).toBe('complete');
                else if (st === 'complete') completedAt[c] = t;
              }
          }
          expect(completedAt.every((t) => t >= 0)).toBe(true);
          if (alg.startsWith('dotprod'))
            // one element per step per block: completions per step = number of blocks holding it
            expect(new Set(completedAt).size).toBe(n);
        });
      });
    }

describe('descriptor details', () => {
  it('vmprod 5x7x3 with i=2 blocks, step 1', () => {
    const m: MatmulShape = { I: 5, K: 7, J: 3, alg: 'vmprod', blocks: { i: 2, k: 1, j: 1 } };
    expect(stepCount(m)).toBe(3);
    expect(stepAt(m, 1)).toEqual({
      alg: 'vmprod',
      t: 1,
      steps: 3,
      blockSize: { i: 3, k: 7, j: 3 },
      blocks: { i: 2, k: 1, j: 1 },
      reveal: { unit: 'rows', done: 2, partialK: 0 },
      interior: { i: [1, 2], j: [0, 3], k: [0, 7] },
      readLeft: { rows: [1, 2], cols: [0, 7] },
      readRight: { rows: [0, 7], cols: [0, 3] },
      partialPlanes: 0,
    });
    // last step: the short second i block (rows 3, 4) has no local row 2 and idles
    expect(interiorCells(m, stepAt(m, 2)).map(([i]) => i)).toEqual(Array(21).fill(2));
  });
  it('axpy with k blocks: column 1, depth 2, partial planes', () => {
    const m: MatmulShape = { I: 5, K: 7, J: 3, alg: 'axpy', blocks: { i: 1, k: 4, j: 1 } };
    // K=7 in blocks of 2 -> 4 k blocks; 3 columns x 2 depths
    expect(stepCount(m)).toBe(6);
    const d = stepAt(m, 3);
    expect(d.reveal).toEqual({ unit: 'cols', done: 1, partialK: 2 });
    expect(d.interior).toEqual({ i: [0, 5], j: [1, 2], k: [1, 2] });
    expect(d.partialPlanes).toBe(4);
    // the 1-long last k block is complete after depth 0, the others not yet... now yes
    expect(cellStatus(m, stepAt(m, 2), 0, 1, 3)).toBe('complete');
    expect(cellStatus(m, stepAt(m, 2), 0, 1, 0)).toBe('partial');
    expect(cellStatus(m, stepAt(m, 2), 0, 1)).toBe('partial');
    expect(cellStatus(m, d, 0, 1)).toBe('complete');
    expect(cellStatus(m, d, 0, 2)).toBe('hidden');
  });
  it("rejects out-of-range steps and 'none'; 'none' shows the product at once", () => {
    const m: MatmulShape = { I: 2, K: 3, J: 2, alg: 'vvprod', blocks: { i: 1, k: 1, j: 1 } };
    expect(() => stepAt(m, 3)).toThrow(RangeError);
    expect(() => stepAt(m, -1)).toThrow(RangeError);
    expect(() => stepAt(m, 0.5)).toThrow(RangeError);
    const none: MatmulShape = { ...m, alg: 'none' };
    expect(stepCount(none)).toBe(0);
    expect(() => stepAt(none, 0)).toThrow();
    const L = randomMatrix(2, 3, 9),
      R = randomMatrix(3, 2, 10);
    expectClose(revealedAfter(none, L, R, -1).values, matmulRef(L, R, 2, 3, 2));
  });
  it('block counts above the axis length clamp (1x1x1 matmul)', () => {
    for (const alg of ALGS) {
      const m: MatmulShape = { I: 1, K: 1, J: 1, alg, blocks: { i: 16, k: 16, j: 16 } };
      expect(stepCount(m)).toBe(1);
      expect(interiorCells(m, stepAt(m, 0))).toEqual([[0, 0, 0]]);
    }
  });
});
