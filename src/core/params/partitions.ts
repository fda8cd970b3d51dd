/**
 * The parameter tree as a tree of dimensions and partitions (the animation's `AnimNode`), and
 * block counts written back into the tree. `normalize()` and partition edits use these to keep a
 * partition equal on every matmul that shares its dimension (docs/parameters.md, "block"); the
 * animation builds its schedule from the same tree.
 */
import type { Arg, MatmulNode, Params } from './schema';
import { colsOf, rowsOf } from './shapes';
import { type Path, matmuls, pathKey } from './tree';
import type { AnimNode, BlockCounts } from '../anim/types';

export function animTree(p: Params): AnimNode {
  const node = (a: Arg | MatmulNode, path: Path): AnimNode => {
    if ('matmul' in a && !a.matmul) return { kind: 'matrix', id: pathKey(path), h: a.h, w: a.w };
    const m: MatmulNode = a;
    return {
      kind: 'matmul',
      id: pathKey(path),
      I: rowsOf(m.left),
      K: colsOf(m.left),
      J: colsOf(m.right),
      alg: m.anim.alg,
      blocks: { i: m.block.iBlocks, k: m.block.kBlocks, j: m.block.jBlocks },
      left: node(m.left, [...path, 'left']),
      right: node(m.right, [...path, 'right']),
    };
  };
  return node(p, []);
}

/** Writes block counts (by matmul path key) back into the parameter tree. */
export function setBlockCounts(p: Params, counts: Map<string, BlockCounts>): void {
  for (const m of matmuls(p)) {
    const c = counts.get(pathKey(m.path));
    if (!c) continue;
    m.node.block.iBlocks = c.i;
    m.node.block.kBlocks = c.k;
    m.node.block.jBlocks = c.j;
  }
}
