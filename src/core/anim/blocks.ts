// Blocking (SPEC 8): block extents and partition propagation.
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
// Propagation is not transitive beyond that: a `j` reached from a `k` does not turn into anything
// else. Matrix leaves carry no block counts; the result map has one entry per matmul.

import type { AnimMatmul, AnimNode, Axis, BlockCounts } from './types';
import { matmulsPostOrder, parentLinks } from './types';

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
  for (let start = 0; start < n; start += size) out.push({ start, size: Math.min(size, n - start) });
  return out;
}

/** The block counts currently stored in the tree, one entry per matmul. */
export function currentBlocks(root: AnimNode): Map<string, BlockCounts> {
  const out = new Map<string, BlockCounts>();
  for (const m of matmulsPostOrder(root)) out.set(m.id, { i: m.blocks.i, k: m.blocks.k, j: m.blocks.j });
  return out;
}

/**
 * Block counts of every matmul after setting `count` on `axis` of matmul `at`, propagated by the
 * SPEC 8 rules (see the module comment). Counts of matmuls the partition does not reach are kept.
 * `count` is stored as an integer >= 1 (clamping to an axis length is `blockExtents`' job).
 * Throws if `at` is not a matmul of the tree.
 */
export function propagateBlocks(
  root: AnimNode,
  at: string,
  axis: Axis,
  count: number,
): Map<string, BlockCounts> {
  const out = currentBlocks(root);
  const all = matmulsPostOrder(root);
  const byId = new Map<string, AnimMatmul>(all.map((m) => [m.id, m]));
  const start = byId.get(at);
  if (!start) throw new Error(`propagateBlocks: no matmul with id ${at}`);
  const c = Math.max(1, Math.floor(Number.isFinite(count) ? count : 1));
  const parents = parentLinks(root);

  // Maximal chain of `side` arguments through m: climb while m is its parent's `side` child,
  // then descend through `side` children.
  const setChain = (m: AnimMatmul, side: 'left' | 'right', key: 'i' | 'j'): void => {
    let top = m;
    for (;;) {
      const p = parents.get(top.id);
      if (!p || p.side !== side) break;
      top = p.parent;
    }
    let cur: AnimNode = top;
    while (cur.kind === 'matmul') {
      out.get(cur.id)![key] = c;
      cur = cur[side];
    }
  };

  if (axis === 'i') setChain(start, 'left', 'i');
  else if (axis === 'j') setChain(start, 'right', 'j');
  else {
    out.get(start.id)!.k = c;
    if (start.left.kind === 'matmul') setChain(start.left, 'right', 'j');
    if (start.right.kind === 'matmul') setChain(start.right, 'left', 'i');
  }
  return out;
}
