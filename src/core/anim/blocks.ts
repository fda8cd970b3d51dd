// Blocking (docs/animation.md, "Partitions"): block extents and partition propagation.
//
// This module owns (1) how one axis of length n is cut into `count` equal blocks of
// ceil(n / count) cells, the last one possibly shorter (so the number of blocks actually produced,
// `effectiveBlocks`, can be smaller than the requested count: n = 5, count = 4 gives 2, 2, 1), and
// (2) how setting a block count on one axis of one matmul propagates through the tree:
//  * `i` extends along the maximal contiguous chain of left arguments containing the matmul
//    (upward while the matmul is its parent's left child, downward through left children);
//  * `j` extends the same way along chains of right arguments;
//  * `k` is set on the matmul itself, becomes `j` on its left child and `i` on its right child
//    (when those are matmuls), and those then extend by the two rules above.
// The rules are applied as the equality of shared dimensions, in both directions (a `j` set on a
// left child is its parent's `k`), so both matmuls of a shared matrix cut it the same way.
// Matrix leaves carry no block counts; the result map has one entry per matmul.

import type { AnimMatmul, AnimNode, Axis, BlockCounts } from './types';
import { matmulsPostOrder } from './types';

export type BlockExtent = { start: number; size: number };

/** Count clamped to 1..n (integers; NaN -> 1). */
export function clampCount(n: number, count: number): number {
  if (!(n >= 1)) return 1;
  const c = Math.floor(Number.isFinite(count) ? count : 1);
  return Math.max(1, Math.min(n, c));
}

/** Size of a full block: ceil(n / clamped count). */
export function blockSize(n: number, count: number): number {
  if (!(n >= 1)) return 0;
  return Math.ceil(n / clampCount(n, count));
}

/** Number of blocks actually produced (ceil(n / blockSize)); may be < count. */
export function effectiveBlocks(n: number, count: number): number {
  if (!(n >= 1)) return 0;
  return Math.ceil(n / blockSize(n, count));
}

/** The blocks along an axis of length n: equal blocks of ceil(n/count), the last possibly shorter. */
export function blockExtents(n: number, count: number): BlockExtent[] {
  const out: BlockExtent[] = [];
  if (!(n >= 1)) return out;
  const size = blockSize(n, count);
  for (let start = 0; start < n; start += size)
    out.push({ start, size: Math.min(size, n - start) });
  return out;
}

/** The block counts currently stored in the tree, one entry per matmul. */
export function currentBlocks(root: AnimNode): Map<string, BlockCounts> {
  const out = new Map<string, BlockCounts>();
  for (const m of matmulsPostOrder(root))
    out.set(m.id, { i: m.blocks.i, k: m.blocks.k, j: m.blocks.j });
  return out;
}

/** Union-find over (matmul, axis) pairs: which axes of which matmuls are the same dimension. */
function dimensionClasses(root: AnimNode): {
  all: AnimMatmul[];
  find: (m: AnimMatmul, ax: Axis) => string;
} {
  const all = matmulsPostOrder(root);
  const parent = new Map<string, string>();
  const rootOf = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const key = (m: AnimMatmul, ax: Axis): string => `${ax}\u0000${m.id}`;
  const union = (a: string, b: string): void => {
    const ra = rootOf(a);
    const rb = rootOf(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const m of all) {
    if (m.left.kind === 'matmul') {
      union(key(m.left, 'i'), key(m, 'i'));
      union(key(m.left, 'j'), key(m, 'k'));
    }
    if (m.right.kind === 'matmul') {
      union(key(m.right, 'i'), key(m, 'k'));
      union(key(m.right, 'j'), key(m, 'j'));
    }
  }
  return { all, find: (m, ax) => rootOf(key(m, ax)) };
}

/**
 * Block counts of every matmul after setting `count` on `axis` of matmul `at` (docs/animation.md).
 * Every matrix dimension is shared: a left child's i and j are its parent's i and k, a right
 * child's i and j are its parent's k and j. Setting a count sets it on every matmul axis that is
 * the same dimension, which is exactly the documented rules (i along chains of left arguments, j
 * along chains of right arguments, k becoming j for the left child and i for the right child, then
 * extending) read in both directions, so a shared matrix is always cut the same way by both of its
 * matmuls. Counts of axes the partition does not reach are kept. Throws if `at` is not a matmul.
 */
export function propagateBlocks(
  root: AnimNode,
  at: string,
  axis: Axis,
  count: number,
): Map<string, BlockCounts> {
  const out = currentBlocks(root);
  const { all, find } = dimensionClasses(root);
  const start = all.find((m) => m.id === at);
  if (!start) throw new Error(`propagateBlocks: no matmul with id ${at}`);
  const c = Math.max(1, Math.floor(Number.isFinite(count) ? count : 1));
  const target = find(start, axis);
  for (const m of all) {
    for (const ax of ['i', 'k', 'j'] as const) if (find(m, ax) === target) out.get(m.id)![ax] = c;
  }
  return out;
}

/**
 * Makes stored counts consistent (a link may set a count on one matmul only): every dimension
 * takes the count given nearest the root (pre-order), or 1 when none is given.
 */
export function unifyBlocks(root: AnimNode): Map<string, BlockCounts> {
  const out = currentBlocks(root);
  const { all, find } = dimensionClasses(root);
  // Breadth-first from the root: a count given nearer the root wins.
  const preOrder: AnimMatmul[] = [];
  const queue: AnimNode[] = [root];
  while (queue.length) {
    const n = queue.shift()!;
    if (n.kind !== 'matmul') continue;
    preOrder.push(n);
    queue.push(n.left, n.right);
  }
  const chosen = new Map<string, number>();
  for (const m of preOrder) {
    for (const ax of ['i', 'k', 'j'] as const) {
      const cls = find(m, ax);
      if (!chosen.has(cls) && m.blocks[ax] !== 1) chosen.set(cls, m.blocks[ax]);
    }
  }
  for (const m of all)
    for (const ax of ['i', 'k', 'j'] as const) out.get(m.id)![ax] = chosen.get(find(m, ax)) ?? 1;
  return out;
}
