import { describe, it, expect } from 'vitest';
import { fusionRule, planFusion, fusedGroups, sweepAxis } from '../../../src/core/anim/fusion';
import type { Alg, AnimNode } from '../../../src/core/anim/types';
import { mat, mm } from './helpers';

const members = (root: AnimNode, fuse: 'none' | 'sync' | 'async') =>
  fusedGroups(root, fuse).map((g) => [...g.members].sort());

describe('fusion table', () => {
  const algs: Alg[] = [
    'none',
    'dotprod (row major)',
    'dotprod (col major)',
    'axpy',
    'vmprod',
    'mvprod',
    'vvprod',
  ];
  it('has exactly the four rows of the docs/animation.md fusion table, labels as given', () => {
    const rows: string[] = [];
    for (const side of ['left', 'right'] as const)
      for (const c of algs)
        for (const p of algs) {
          const a = fusionRule(side, c, p);
          if (a) rows.push(`${side} ${c} ${p} ${a}`);
        }
    expect(rows.sort()).toEqual([
      'left mvprod vvprod j',
      'left vmprod vmprod i',
      'right mvprod mvprod k',
      'right vmprod vvprod j',
    ]);
  });
  it('sweep axes', () => {
    expect([
      sweepAxis('vmprod'),
      sweepAxis('mvprod'),
      sweepAxis('vvprod'),
      sweepAxis('axpy'),
    ]).toEqual(['i', 'j', 'k', null]);
  });
});

describe('fused groups', () => {
  const leftChain = (a1: Alg | 'inherit', a2: Alg | 'inherit', a3: Alg) =>
    mm(
      'ABCD',
      mm('ABC', mm('AB', mat('A', 6, 4), mat('B', 4, 5), a1), mat('C', 5, 3), a2),
      mat('D', 3, 7),
      a3,
    );
  const rightChain = (a1: Alg | 'inherit', a2: Alg | 'inherit', a3: Alg) =>
    mm(
      'ABCD',
      mat('A', 6, 4),
      mm('BCD', mat('B', 4, 5), mm('CD', mat('C', 5, 3), mat('D', 3, 7), a1), a2),
      a3,
    );
  const binary = (l: Alg, r: Alg, root: Alg) =>
    mm(
      'ABCD',
      mm('AB', mat('A', 6, 4), mat('B', 4, 5), l),
      mm('CD', mat('C', 5, 3), mat('D', 3, 7), r),
      root,
    );

  it('left-associative chain fuses along i with vmprod (inherit included)', () => {
    for (const fuse of ['sync', 'async'] as const) {
      const plan = planFusion(leftChain('inherit', 'vmprod', 'vmprod'), fuse);
      expect(plan.groups.map((g) => g.members)).toEqual([['AB', 'ABC', 'ABCD']]);
      expect(
        plan.groups[0]!.links.map((l) => `${l.child}>${l.parent} ${l.side} ${l.tableAxis}`),
      ).toEqual(['AB>ABC left i', 'ABC>ABCD left i']);
      expect(plan.groups[0]!.steps).toBe(6);
    }
    const sync = planFusion(leftChain('inherit', 'vmprod', 'vmprod'), 'sync');
    expect(['AB', 'ABC', 'ABCD'].map((id) => sync.start.get(id))).toEqual([0, 0, 0]);
    const asy = planFusion(leftChain('inherit', 'vmprod', 'vmprod'), 'async');
    expect(['AB', 'ABC', 'ABCD'].map((id) => asy.start.get(id))).toEqual([0, 1, 2]);
  });
  it('right-associative chain fuses along k with mvprod', () => {
    const plan = planFusion(rightChain('mvprod', 'mvprod', 'mvprod'), 'sync');
    expect(plan.groups.map((g) => g.members)).toEqual([['CD', 'BCD', 'ABCD']]);
    expect(plan.groups[0]!.links.every((l) => l.tableAxis === 'k' && l.side === 'right')).toBe(
      true,
    );
    expect(plan.groups[0]!.steps).toBe(7);
  });
  it('(A @ B) @ (C @ D): left mvprod, right vmprod, root vvprod', () => {
    const plan = planFusion(binary('mvprod', 'vmprod', 'vvprod'), 'sync');
    expect(plan.groups.map((g) => [...g.members].sort())).toEqual([['AB', 'ABCD', 'CD']]);
    expect(
      plan.groups[0]!.links.map(
        (l) => `${l.child} ${l.childSweep}->${l.parentSweep} ${l.tableAxis}`,
      ).sort(),
    ).toEqual(['AB j->k j', 'CD i->k j']);
    expect([...plan.start.values()]).toEqual([0, 0, 0]);
  });
  it('(A @ (B @ C)) @ ((D @ E) @ F) fuses all five', () => {
    const t = mm(
      'root',
      mm('L', mat('A', 4, 5), mm('BC', mat('B', 5, 3), mat('C', 3, 6), 'mvprod'), 'mvprod'),
      mm('R', mm('DE', mat('D', 6, 2), mat('E', 2, 3), 'vmprod'), mat('F', 3, 5), 'vmprod'),
      'vvprod',
    );
    expect(members(t, 'sync')).toEqual([['BC', 'DE', 'L', 'R', 'root']]);
    expect(members(t, 'async')).toEqual([['BC', 'DE', 'L', 'R', 'root']]);
  });
  it('mismatched pairs, dotprod/axpy, none and fuse none do not fuse', () => {
    expect(members(leftChain('mvprod', 'vmprod', 'vmprod'), 'sync')).toEqual([['ABC', 'ABCD']]);
    expect(members(leftChain('vmprod', 'mvprod', 'vmprod'), 'sync')).toEqual([]);
    expect(members(leftChain('vmprod', 'vmprod', 'vmprod'), 'none')).toEqual([]);
    expect(members(rightChain('vmprod', 'vmprod', 'vmprod'), 'async')).toEqual([]);
    expect(members(binary('vmprod', 'mvprod', 'vvprod'), 'async')).toEqual([]);
    expect(members(binary('axpy', 'dotprod (row major)', 'vvprod'), 'async')).toEqual([]);
    expect(members(binary('none', 'vmprod', 'vvprod'), 'async')).toEqual([['ABCD', 'CD']]);
    expect(members(leftChain('vmprod', 'vmprod', 'none'), 'async')).toEqual([]); // root none: nothing animates
  });
  it('different partitions along the shared axis (different step counts) do not fuse', () => {
    const t = (k: number) =>
      mm(
        'ABCD',
        mm('AB', mat('A', 6, 4), mat('B', 4, 8), 'mvprod'),
        mm('CD', mat('C', 8, 3), mat('D', 3, 7), 'vmprod'),
        'vvprod',
        { k },
      );
    expect(members(t(1), 'sync')).toEqual([['AB', 'ABCD', 'CD']]);
    expect(members(t(2), 'sync')).toEqual([]);
    expect(members(t(2), 'async')).toEqual([]);
  });
  it('async does not report a link to a child that is over before the parent starts', () => {
    // CD (4 steps) matches root (k blocks 2 -> 4 steps) but AB (8 steps, unfusable) holds root until 8
    const t = mm(
      'ABCD',
      mm('AB', mat('A', 6, 4), mat('B', 4, 8), 'mvprod'),
      mm('CD', mat('C', 8, 3), mat('D', 3, 7), 'vmprod', { i: 2 }),
      'vvprod',
      { k: 2 },
    );
    const plan = planFusion(t, 'async');
    expect(plan.groups).toEqual([]);
    expect(plan.start.get('ABCD')).toBe(8);
    expect(members(t, 'sync')).toEqual([]);
  });
});

describe('sync vs async when inputs arrive at different times', () => {
  // root = X @ Y, X = A @ B (mvprod, 5 steps), Y = C @ Z (vmprod, 5 steps), Z = D @ E (vmprod, zSteps)
  const tree = (yK: number) =>
    mm(
      'root',
      mm('X', mat('A', 4, 3), mat('B', 3, 5), 'mvprod'),
      mm('Y', mat('C', 5, yK), mm('Z', mat('D', yK, 3), mat('E', 3, 4), 'vmprod'), 'vmprod'),
      'vvprod',
    );
  const times = (plan: ReturnType<typeof planFusion>) =>
    Object.fromEntries([...plan.start].map(([id, s]) => [id, [s, plan.end.get(id)]]));

  it('Z takes 2 steps: sync cannot start X, Y and root together -> no fusion; async pipelines', () => {
    const none = planFusion(tree(2), 'none');
    expect(times(none)).toEqual({ X: [0, 5], Z: [0, 2], Y: [2, 7], root: [7, 12] });
    const sync = planFusion(tree(2), 'sync');
    expect(sync.groups).toEqual([]);
    expect(times(sync)).toEqual(times(none));
    const asy = planFusion(tree(2), 'async');
    expect(asy.groups.map((g) => [...g.members].sort())).toEqual([['X', 'Y', 'root']]);
    // root runs one slice behind the later of its fused inputs (Y starts at 2)
    expect(times(asy)).toEqual({ X: [0, 5], Z: [0, 2], Y: [2, 7], root: [3, 8] });
  });
  it('Z takes 6 steps: X is done before Y starts, so sync fuses root with Y only', () => {
    const sync = planFusion(tree(6), 'sync');
    expect(sync.groups.map((g) => g.members)).toEqual([['Y', 'root']]);
    expect(times(sync)).toEqual({ X: [0, 5], Z: [0, 6], Y: [6, 11], root: [6, 11] });
    const asy = planFusion(tree(6), 'async');
    expect(times(asy)).toEqual({ X: [0, 5], Z: [0, 6], Y: [6, 11], root: [7, 12] });
  });
  it('a sync group may start late; parents whose other inputs are ready join it', () => {
    // (((A @ B) @ C) @ D): AB mvprod (not fusable with a vmprod parent), ABC and root vmprod
    const t = mm(
      'root',
      mm('ABC', mm('AB', mat('A', 6, 4), mat('B', 4, 5), 'mvprod'), mat('C', 5, 3), 'vmprod'),
      mat('D', 3, 7),
      'vmprod',
    );
    const sync = planFusion(t, 'sync');
    expect(sync.groups.map((g) => g.members)).toEqual([['ABC', 'root']]);
    expect(times(sync)).toEqual({ AB: [0, 5], ABC: [5, 11], root: [5, 11] });
  });
});
