/**
 * Shapes in the tree: a matmul's rows come from its left chain, its columns from its right chain,
 * and every matmul's right argument is as tall as its left argument is wide. These helpers keep
 * the shared dimensions equal when one of them changes.
 */
import type { Arg, Params } from './schema';
import { type Path, getAt } from './tree';

export function rowsOf(a: Arg): number {
  return a.matmul ? rowsOf(a.left) : a.h;
}
export function colsOf(a: Arg): number {
  return a.matmul ? colsOf(a.right) : a.w;
}
export function setRows(a: Arg, n: number): void {
  if (a.matmul) setRows(a.left, n);
  else a.h = n;
}
export function setCols(a: Arg, n: number): void {
  if (a.matmul) setCols(a.right, n);
  else a.w = n;
}

/** Makes every matmul's right argument as tall as its left argument is wide (bottom-up). */
export function fixShapes(node: { left: Arg; right: Arg }): void {
  if (node.left.matmul) fixShapes(node.left);
  if (node.right.matmul) fixShapes(node.right);
  const k = colsOf(node.left);
  if (rowsOf(node.right) !== k) setRows(node.right, k);
}

/**
 * Sets one dimension of a matrix and every dimension shared with it, anywhere in the tree (the
 * left width and right height are the shared `k` and stay equal; docs/parameters.md).
 */
export function setDimension(p: Params, path: Path, dim: 'h' | 'w', v: number): void {
  let up = [...path];
  const side = dim === 'h' ? 'left' : 'right';
  // A left child shares its rows with its parent; a right child its columns: climb while that holds.
  while (up.length > 0 && up[up.length - 1] === side) up = up.slice(0, -1);
  const target = getAt(p, up) as Arg | Params;
  if (up.length === 0) {
    if (dim === 'h') setRows(p.left, v);
    else setCols(p.right, v);
  } else {
    const parent = getAt(p, up.slice(0, -1)) as { left: Arg; right: Arg };
    if (dim === 'h') {
      setRows(target as Arg, v);
      setCols(parent.left, v);
    } else {
      setCols(target as Arg, v);
      setRows(parent.right, v);
    }
  }
  fixShapes(p);
}
