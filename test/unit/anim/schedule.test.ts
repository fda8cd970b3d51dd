import { describe, it, expect } from 'vitest';
import { buildSchedule, frameAt, type Schedule } from '../../../src/core/anim/schedule';
import { cellStatus, revealedAfter } from '../../../src/core/anim/algorithms';
import type { Alg, AnimMatmul, AnimNode, Fuse } from '../../../src/core/anim/types';
import { matmulsPostOrder } from '../../../src/core/anim/types';
import { mat, mm, evaluate, expectClose } from './helpers';

const phases = (s: Schedule, step: number) =>
  Object.fromEntries(
    [...frameAt(s, step)].map(([id, f]) => [
      id,
      f.phase === 'running' ? `run${f.desc!.t}` : f.phase,
    ]),
  );

describe('dependency order', () => {
  it('A @ B @ C: the child runs first, then the parent, then a hold, then it loops', () => {
    // AB: 4x3 @ 3x5 vmprod -> 4 steps; root: 4x5 @ 5x2 vmprod (inherit) -> 4 steps
    const t = mm(
      'root',
      mm('AB', mat('A', 4, 3), mat('B', 3, 5), 'inherit'),
      mat('C', 5, 2),
      'vmprod',
    );
    const s = buildSchedule(t, 'none');
    expect(s.makespan).toBe(8);
    expect(s.totalSteps).toBe(9);
    expect(phases(s, 0)).toEqual({ AB: 'run0', root: 'waiting' });
    expect(phases(s, 3)).toEqual({ AB: 'run3', root: 'waiting' });
    expect(phases(s, 4)).toEqual({ AB: 'done', root: 'run0' });
    expect(phases(s, 7)).toEqual({ AB: 'done', root: 'run3' });
    expect(phases(s, 8)).toEqual({ AB: 'done', root: 'done' });
    expect(phases(s, 9)).toEqual(phases(s, 0));
    expect(phases(s, -1)).toEqual(phases(s, 8));
    expect(phases(s, 9 * 7 + 5)).toEqual(phases(s, 5));
    expect(buildSchedule(t, 'none', { hold: 3 }).totalSteps).toBe(11);
  });
  it('(A @ B) @ (C @ D): the children run in parallel; the root waits for the slower one', () => {
    // AB dotprod (row major) 2x3 @ 3x2 -> 4 steps; CD mvprod 2x4 @ 4x6 -> 6 steps; root 2 steps
    const t = mm(
      'root',
      mm('AB', mat('A', 2, 3), mat('B', 3, 2), 'dotprod (row major)'),
      mm('CD', mat('C', 2, 4), mat('D', 4, 6), 'mvprod'),
      'vvprod',
    );
    const s = buildSchedule(t, 'sync');
    expect(phases(s, 0)).toEqual({ AB: 'run0', CD: 'run0', root: 'waiting' });
    expect(phases(s, 3)).toEqual({ AB: 'run3', CD: 'run3', root: 'waiting' });
    expect(phases(s, 4)).toEqual({ AB: 'done', CD: 'run4', root: 'waiting' });
    expect(phases(s, 6)).toEqual({ AB: 'done', CD: 'done', root: 'run0' });
    expect(s.makespan).toBe(6 + 2);
  });
});

describe('inherit and none', () => {
  const tree = (rootAlg: Alg, l: Alg | 'inherit', r: Alg | 'inherit') =>
    mm(
      'root',
      mm('AB', mat('A', 4, 3), mat('B', 3, 5), l),
      mm('CD', mat('C', 5, 2), mat('D', 2, 6), r),
      rootAlg,
    );
  it('inherit takes the parent algorithm; a none child is done at once', () => {
    const s = buildSchedule(tree('mvprod', 'inherit', 'none'), 'none');
    const byId = Object.fromEntries(s.entries.map((e) => [e.id, e]));
    expect(byId.AB!.shape.alg).toBe('mvprod');
    expect([byId.AB!.start, byId.AB!.steps]).toEqual([0, 5]);
    expect([byId.CD!.start, byId.CD!.steps, byId.CD!.end]).toEqual([0, 0, 0]);
    expect(phases(s, 0)).toEqual({ AB: 'run0', CD: 'done', root: 'waiting' });
    expect(byId.root!.start).toBe(5);
    expect(s.totalSteps).toBe(5 + 6 + 1);
  });
  it('none at the root disables everything', () => {
    const s = buildSchedule(tree('none', 'vmprod', 'vvprod'), 'async');
    expect(s.totalSteps).toBe(0);
    for (const step of [0, 1, 17])
      expect(phases(s, step)).toEqual({ AB: 'done', CD: 'done', root: 'done' });
  });
  it('inherit through a chain; a none matmul with an animated child is done when that child is', () => {
    const t = mm(
      'root',
      mm('mid', mm('AB', mat('A', 4, 3), mat('B', 3, 5), 'vvprod'), mat('C', 5, 2), 'none'),
      mat('D', 2, 3),
      'vmprod',
    );
    const s = buildSchedule(t, 'none');
    expect(phases(s, 0)).toEqual({ AB: 'run0', mid: 'waiting', root: 'waiting' });
    expect(phases(s, 3)).toEqual({ AB: 'done', mid: 'done', root: 'run0' });
    const t2 = mm(
      'root',
      mm('mid', mm('AB', mat('A', 4, 3), mat('B', 3, 5)), mat('C', 5, 2)),
      mat('D', 2, 3),
      'axpy',
    );
    expect(buildSchedule(t2, 'none').entries.map((e) => e.shape.alg)).toEqual([
      'axpy',
      'axpy',
      'axpy',
    ]);
  });
  it("rejects 'inherit' at the root; a bare matrix has an empty schedule", () => {
    expect(() =>
      buildSchedule(mm('r', mat('A', 2, 2), mat('B', 2, 2), 'inherit'), 'none'),
    ).toThrow();
    const s = buildSchedule(mat('A', 2, 2), 'sync');
    expect([s.totalSteps, frameAt(s, 3).size]).toEqual([0, 0]);
  });
});

describe('fusion timing', () => {
  // root = X @ Y; X = A @ B (mvprod, 5 steps); Y = C @ Z (vmprod, 5 steps); Z = D @ E (vmprod, 2 steps)
  const t = mm(
    'root',
    mm('X', mat('A', 4, 3), mat('B', 3, 5), 'mvprod'),
    mm('Y', mat('C', 5, 2), mm('Z', mat('D', 2, 3), mat('E', 3, 4), 'vmprod'), 'vmprod'),
    'vvprod',
  );
  it('sync: children finish at different times, so nothing fuses and the root waits', () => {
    const s = buildSchedule(t, 'sync');
    expect(s.plan.groups).toEqual([]);
    expect(phases(s, 2)).toEqual({ X: 'run2', Z: 'done', Y: 'run0', root: 'waiting' });
    expect(phases(s, 7)).toEqual({ X: 'done', Z: 'done', Y: 'done', root: 'run0' });
    expect(s.makespan).toBe(12);
  });
  it('async: the root runs one slice behind Y, the later of its fused children', () => {
    const s = buildSchedule(t, 'async');
    expect(phases(s, 2)).toEqual({ X: 'run2', Z: 'done', Y: 'run0', root: 'waiting' });
    expect(phases(s, 3)).toEqual({ X: 'run3', Z: 'done', Y: 'run1', root: 'run0' });
    expect(phases(s, 7)).toEqual({ X: 'done', Z: 'done', Y: 'done', root: 'run4' });
    expect(s.makespan).toBe(8);
    const f = frameAt(s, 3);
    expect(f.get('root')!.group).toBe(0);
    expect(f.get('Z')!.group).toBeUndefined();
  });
  it('sync lockstep: a fused group runs the same step in the same frame', () => {
    const b = mm(
      'root',
      mm('AB', mat('A', 6, 4), mat('B', 4, 5), 'mvprod'),
      mm('CD', mat('C', 5, 3), mat('D', 3, 7), 'vmprod'),
      'vvprod',
    );
    const s = buildSchedule(b, 'sync');
    for (let st = 0; st < 5; st++)
      expect(phases(s, st)).toEqual({ AB: `run${st}`, CD: `run${st}`, root: `run${st}` });
    expect(s.totalSteps).toBe(6);
  });
});

// ---- whole-expression runs: dependencies respected at every frame, every product reproduced ----

/** Global indices covered by a block-local range in every block of an axis. */
function expand(r: readonly [number, number], size: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < n; b += size)
    for (let l = r[0]; l < r[1] && l < size; l++) if (b + l < n) out.push(b + l);
  return out;
}

function runToEnd(root: AnimNode, fuse: Fuse) {
  const s = buildSchedule(root, fuse);
  const vals = evaluate(root);
  const mms = matmulsPostOrder(root);
  const entry = new Map(s.entries.map((e) => [e.id, e]));
  const seen = new Map<string, number[]>(mms.map((m) => [m.id, []]));
  for (let step = 0; step < s.totalSteps; step++) {
    const frame = frameAt(s, step);
    for (const m of mms) {
      const f = frame.get(m.id)!;
      if (f.phase !== 'running') continue;
      seen.get(m.id)!.push(f.desc!.t);
      const d = f.desc!;
      // every input cell it reads must be complete in the matmul that produces it, in this frame
      const check = (child: AnimNode, rows: number[], cols: number[]) => {
        if (child.kind !== 'matmul') return;
        const cf = frame.get(child.id)!;
        if (cf.phase === 'done') return;
        expect(cf.phase, `${m.id} reads ${child.id} at step ${step}`).toBe('running');
        const cs = entry.get(child.id)!.shape;
        for (const r of rows)
          for (const c of cols)
            if (cellStatus(cs, cf.desc!, r, c) !== 'complete')
              throw new Error(`${m.id} reads ${child.id}[${r},${c}] too early (step ${step})`);
      };
      check(
        m.left,
        expand(d.readLeft.rows, d.blockSize.i, m.I),
        expand(d.readLeft.cols, d.blockSize.k, m.K),
      );
      check(
        m.right,
        expand(d.readRight.rows, d.blockSize.k, m.K),
        expand(d.readRight.cols, d.blockSize.j, m.J),
      );
    }
  }
  const last = frameAt(s, s.makespan);
  for (const m of mms) {
    const e = entry.get(m.id)!;
    expect(last.get(m.id)!.phase).toBe('done');
    // each animated matmul ran its steps 0..n-1 once, in order, contiguously
    expect(seen.get(m.id)).toEqual([...Array(e.steps).keys()]);
    const r = revealedAfter(e.shape, vals.get(m.left.id)!, vals.get(m.right.id)!, e.steps - 1);
    expectClose(r.values, vals.get(m.id)!, 1e-10);
    if (r.partials) {
      const sum = new Float64Array(m.I * m.J);
      for (const p of r.partials) for (let c = 0; c < sum.length; c++) sum[c] += p[c];
      expectClose(sum, vals.get(m.id)!, 1e-10);
    }
  }
  return s;
}

// 7 matmuls: (((A @ B) @ (C @ D)) @ (E @ (F @ G))) @ H
function seven(
  algs: Record<string, Alg | 'inherit'>,
  blocks: Record<string, { i?: number; k?: number; j?: number }> = {},
): AnimMatmul {
  const a = (id: string) => algs[id] ?? 'inherit';
  const b = (id: string) => blocks[id] ?? {};
  const AB = mm('AB', mat('A', 7, 5), mat('B', 5, 6), a('AB'), b('AB'));
  const CD = mm('CD', mat('C', 6, 3), mat('D', 3, 4), a('CD'), b('CD'));
  const ABCD = mm('ABCD', AB, CD, a('ABCD'), b('ABCD'));
  const FG = mm('FG', mat('F', 3, 2), mat('G', 2, 5), a('FG'), b('FG'));
  const EFG = mm('EFG', mat('E', 4, 3), FG, a('EFG'), b('EFG'));
  const mid = mm('mid', ABCD, EFG, a('mid'), b('mid'));
  return mm('root', mid, mat('H', 5, 3), a('root'), b('root'));
}

describe('compound expressions run to the end reproduce every product', () => {
  const configs: Array<
    [
      string,
      Record<string, Alg | 'inherit'>,
      Record<string, { i?: number; k?: number; j?: number }>,
    ]
  > = [
    ['all vmprod (inherit)', { root: 'vmprod' }, {}],
    [
      'fusable mix',
      {
        root: 'vmprod',
        mid: 'vmprod',
        ABCD: 'vvprod',
        AB: 'mvprod',
        CD: 'vmprod',
        EFG: 'mvprod',
        FG: 'mvprod',
      },
      {},
    ],
    [
      'every algorithm',
      {
        root: 'axpy',
        mid: 'dotprod (col major)',
        ABCD: 'vvprod',
        AB: 'dotprod (row major)',
        CD: 'none',
        EFG: 'mvprod',
        FG: 'vmprod',
      },
      {},
    ],
    [
      'blocked',
      {
        root: 'vvprod',
        mid: 'vmprod',
        ABCD: 'vvprod',
        AB: 'mvprod',
        CD: 'vmprod',
        EFG: 'axpy',
        FG: 'mvprod',
      },
      {
        root: { i: 2, k: 2 },
        mid: { i: 2, j: 2 },
        ABCD: { i: 2, k: 3 },
        AB: { i: 2, j: 3 },
        CD: { i: 3 },
        EFG: { k: 2, j: 2 },
        FG: { j: 2 },
      },
    ],
  ];
  for (const [name, algs, blocks] of configs)
    for (const fuse of ['none', 'sync', 'async'] as const)
      it(`${name}, fuse ${fuse}`, () => {
        runToEnd(seven(algs, blocks), fuse);
      });

  it('fusion shortens the fusable mix and keeps dependencies', () => {
    const algs = {
      root: 'vmprod',
      mid: 'vmprod',
      ABCD: 'vvprod',
      AB: 'mvprod',
      CD: 'vmprod',
      EFG: 'mvprod',
      FG: 'mvprod',
    } as const;
    const n = runToEnd(seven(algs), 'none').makespan;
    const sy = runToEnd(seven(algs), 'sync');
    const as = runToEnd(seven(algs), 'async');
    expect(sy.plan.groups.map((g) => [...g.members].sort())).toEqual([
      ['AB', 'ABCD', 'CD'],
      ['EFG', 'FG'],
      ['mid', 'root'],
    ]);
    expect(sy.makespan).toBeLessThan(n);
    expect(as.makespan).toBeLessThan(n);
  });
});

describe('performance', () => {
  it('frameAt on a 7-matmul expression costs well under 1 ms', () => {
    const s = buildSchedule(
      seven(
        {
          root: 'vvprod',
          mid: 'vmprod',
          ABCD: 'vvprod',
          AB: 'mvprod',
          CD: 'vmprod',
          EFG: 'axpy',
          FG: 'mvprod',
        },
        { root: { k: 2 } },
      ),
      'async',
    );
    const N = 20000;
    let sink = 0;
    const t0 = performance.now();
    for (let step = 0; step < N; step++) sink += frameAt(s, step).size;
    const per = (performance.now() - t0) / N;
    expect(sink).toBe(7 * N);
    expect(per).toBeLessThan(0.1);
  });
});
