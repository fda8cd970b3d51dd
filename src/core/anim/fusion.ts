// Fusion decisions and fused timing (docs/animation.md, "Fusion").
//
// This module owns which matmuls run in lockstep (fused groups) and when every matmul starts, for a
// tree with resolved algorithms and a Fuse mode. schedule.ts turns the result into frames.
//
// Links. A child matmul c and its parent p are *linkable* when both are animated, their
// (position, child alg, parent alg) is a row of the fusion table in docs/animation.md, and they
// take the same number of steps (equal block size along the shared axis, i.e. the same partition):
//   left child,  vmprod -> vmprod : table axis i  (c's result row t   = p's left row i = t)
//   left child,  mvprod -> vvprod : table axis j  (c's result col t   = p's left col k = t)
//   right child, vmprod -> vvprod : table axis j  (c's result row t   = p's right row k = t)
//   right child, mvprod -> mvprod : table axis k  (c's result col t   = p's right col j = t)
// In every row, c's block-local step t produces exactly the slice p's block-local step t reads, so
// a linked pair can run with p's step t no earlier than c's step t. The table's axis label is kept
// verbatim in `FusionLink.tableAxis`; each side's own sweep axis (vmprod i, mvprod j, vvprod k, in
// that matmul's own coordinates) is in `childSweep` / `parentSweep`. Chains and trees of links
// (left-assoc vmprod chains, right-assoc mvprod chains, (A @ (..)) @ ((..) @ Z) with vvprod at the
// root) form connected groups; every other pair (dotprod, axpy, mismatches) never fuses.
//
// Timing (unit: one animation step; matrix leaves are ready at 0). Matmuls are processed leaves
// first. Let n(p) be p's step count, end(x) = start(x) + n(x), and for a set C of linked children
// of p, ready(p, C) = the latest end() of p's matmul children not in C (0 if none).
//  * not animated ('none'): start = end = latest end of its matmul children (0 for a subtree
//    without animation) - its result appears at once when its inputs exist; it never fuses.
//  * fuse 'none', or no linkable child: start(p) = ready(p, {}) (after all children are done).
//  * fuse 'sync' (lockstep, same frame: p's step t runs in the same frame as c's step t): p joins
//    the groups of a set C of linkable children iff all of C start at the same time S and
//    ready(p, C) <= S, i.e. every input of p that is not fused in is available when the group
//    starts, so all members start together and nobody waits for anybody. C = all linkable
//    children is tried first, then (two children starting at different times) the later-starting
//    one alone, then the earlier one alone. Then start(p) = S. Otherwise p does not fuse.
//  * fuse 'async' (pipelined): p always joins all linkable children and starts as soon as both
//    its unfused inputs are done and, for every fused child, the first slice it needs has been
//    produced in an earlier frame: start(p) = max(ready(p, C), max over c in C of start(c) + 1).
//    Since start(p) > start(c) and both step at the same rate, p's step t always runs after c's
//    step t (one slice behind or more). A fused child that has already finished when p starts
//    (p was held back by an unfused input) is not reported as fused: it is an ordinary input.
// Groups are the connected components of accepted links; only groups of 2+ matmuls are reported.

import type { Alg, AnimMatmul, AnimNode, Axis, Fuse, Side } from './types';
import { matmulsPostOrder, resolveAlgs } from './types';
import { stepCount, type MatmulShape } from './algorithms';

export type FusionLink = {
  child: string;
  parent: string;
  side: Side;
  /** The shared sweep axis as the fusion table (docs/animation.md) labels it. */
  tableAxis: Axis;
  /** The axis the child sweeps, in its own coordinates. */
  childSweep: Axis;
  /** The axis the parent sweeps, in its own coordinates. */
  parentSweep: Axis;
};

export type FusedGroup = {
  index: number;
  /** Member matmul ids, children before parents. */
  members: string[];
  links: FusionLink[];
  /** Common step count of all members. */
  steps: number;
};

export type FusionPlan = {
  fuse: Fuse;
  /** Resolved algorithm of every matmul. */
  algs: Map<string, Alg>;
  /** Shape (with resolved algorithm) of every matmul. */
  shapes: Map<string, MatmulShape>;
  steps: Map<string, number>;
  start: Map<string, number>;
  end: Map<string, number>;
  /** Fused groups of 2+ matmuls. */
  groups: FusedGroup[];
  /** Member id -> index into `groups`. */
  groupOf: Map<string, number>;
};

/** The axis an algorithm sweeps in its own coordinates, if it sweeps whole planes. */
export function sweepAxis(alg: Alg): Axis | null {
  return alg === 'vmprod' ? 'i' : alg === 'mvprod' ? 'j' : alg === 'vvprod' ? 'k' : null;
}

/** The fusion table (docs/animation.md): the shared axis, or null when the pair does not fuse. */
export function fusionRule(side: Side, childAlg: Alg, parentAlg: Alg): Axis | null {
  if (side === 'left') {
    if (childAlg === 'vmprod' && parentAlg === 'vmprod') return 'i';
    if (childAlg === 'mvprod' && parentAlg === 'vvprod') return 'j';
  } else {
    if (childAlg === 'vmprod' && parentAlg === 'vvprod') return 'j';
    if (childAlg === 'mvprod' && parentAlg === 'mvprod') return 'k';
  }
  return null;
}

export function shapeOf(m: AnimMatmul, alg: Alg): MatmulShape {
  return { I: m.I, K: m.K, J: m.J, alg, blocks: { i: m.blocks.i, k: m.blocks.k, j: m.blocks.j } };
}

/** Fusion decisions and start times for the whole tree (see the module comment). */
export function planFusion(root: AnimNode, fuse: Fuse): FusionPlan {
  const algs = resolveAlgs(root);
  const shapes = new Map<string, MatmulShape>();
  const steps = new Map<string, number>();
  const start = new Map<string, number>();
  const end = new Map<string, number>();
  // union-find over matmul ids for groups
  const uf = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (uf.get(r) !== r) r = uf.get(r)!;
    while (uf.get(x) !== r) {
      const nx = uf.get(x)!;
      uf.set(x, r);
      x = nx;
    }
    return r;
  };
  const accepted: FusionLink[] = [];

  for (const p of matmulsPostOrder(root)) {
    const alg = algs.get(p.id)!;
    const shape = shapeOf(p, alg);
    const n = stepCount(shape);
    shapes.set(p.id, shape);
    steps.set(p.id, n);
    uf.set(p.id, p.id);
    const kids: Array<{ m: AnimMatmul; side: Side }> = [];
    if (p.left.kind === 'matmul') kids.push({ m: p.left, side: 'left' });
    if (p.right.kind === 'matmul') kids.push({ m: p.right, side: 'right' });
    const readyWithout = (fused: AnimMatmul[]): number => {
      let r = 0;
      for (const c of kids) if (!fused.includes(c.m)) r = Math.max(r, end.get(c.m.id)!);
      return r;
    };

    const linkable: Array<{ m: AnimMatmul; side: Side; axis: Axis }> = [];
    if (alg !== 'none' && fuse !== 'none') {
      for (const c of kids) {
        const calg = algs.get(c.m.id)!;
        const axis = fusionRule(c.side, calg, alg);
        if (axis && steps.get(c.m.id) === n) linkable.push({ ...c, axis });
      }
    }

    let chosen: typeof linkable = [];
    let s = readyWithout([]);
    if (linkable.length > 0 && fuse === 'sync') {
      const options: Array<typeof linkable> = [linkable];
      if (linkable.length === 2) {
        const [a, b] = linkable as [(typeof linkable)[0], (typeof linkable)[0]];
        const later = start.get(a.m.id)! >= start.get(b.m.id)! ? a : b;
        const earlier = later === a ? b : a;
        options.push([later], [earlier]);
      }
      for (const opt of options) {
        const S = start.get(opt[0]!.m.id)!;
        if (!opt.every((c) => start.get(c.m.id) === S)) continue;
        if (readyWithout(opt.map((c) => c.m)) <= S) {
          chosen = opt;
          s = S;
          break;
        }
      }
    } else if (linkable.length > 0 && fuse === 'async') {
      s = readyWithout(linkable.map((c) => c.m));
      for (const c of linkable) s = Math.max(s, start.get(c.m.id)! + 1);
      // a child already finished when p starts is an ordinary input (s is unchanged by this)
      chosen = linkable.filter((c) => end.get(c.m.id)! > s);
    }

    start.set(p.id, s);
    end.set(p.id, s + n);
    for (const c of chosen) {
      uf.set(find(c.m.id), find(p.id));
      accepted.push({
        child: c.m.id,
        parent: p.id,
        side: c.side,
        tableAxis: c.axis,
        childSweep: sweepAxis(algs.get(c.m.id)!)!,
        parentSweep: sweepAxis(alg)!,
      });
    }
  }

  const groups: FusedGroup[] = [];
  const groupOf = new Map<string, number>();
  const byRoot = new Map<string, FusedGroup>();
  for (const m of matmulsPostOrder(root)) {
    if (!accepted.some((l) => l.child === m.id || l.parent === m.id)) continue;
    const r = find(m.id);
    let g = byRoot.get(r);
    if (!g) {
      g = { index: groups.length, members: [], links: [], steps: steps.get(m.id)! };
      byRoot.set(r, g);
      groups.push(g);
    }
    g.members.push(m.id);
    groupOf.set(m.id, g.index);
  }
  for (const l of accepted) groups[groupOf.get(l.parent)!]!.links.push(l);
  return { fuse, algs, shapes, steps, start, end, groups, groupOf };
}

/** Just the fused groups (2+ matmuls each). */
export function fusedGroups(root: AnimNode, fuse: Fuse): FusedGroup[] {
  return planFusion(root, fuse).groups;
}
