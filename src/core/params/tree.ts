/**
 * Walking and naming the parameter tree: the expression text of a tree, derived names of unnamed
 * matmuls, paths into the tree, and the list of its matmuls and matrices. The tree is the source of
 * truth; `expr` and unnamed names are always regenerated from it here.
 */
import type { ExprNode } from '../expr/parse';
import { defaultName, isDefaultName, printExpr } from '../expr/print';
import type { Arg, MatmulNode, MatrixArg, Params } from './schema';

/** The expression node of an argument, built bottom-up once (linear in the subtree, plus printing). */
function node(a: Arg): ExprNode {
  if (!a.matmul) return { kind: 'leaf', name: a.name, start: 0, end: 0 };
  const left = node(a.left);
  const right = node(a.right);
  const named = !isDefaultName(a.name, left, right);
  return {
    kind: 'matmul',
    name: named ? a.name : defaultName(left, right),
    named,
    left,
    right,
    start: 0,
    end: 0,
  };
}

/** The derived name of an unnamed matmul (print.ts `defaultName`). */
export function derivedText(m: { left: Arg; right: Arg }): string {
  return defaultName(node(m.left), node(m.right));
}

/** Whether a matmul's stored name leaves it unnamed (its derived name, old or new form). */
function unnamed(m: { name: string; left: Arg; right: Arg }): boolean {
  return isDefaultName(m.name, node(m.left), node(m.right));
}

/** Fills empty matmul names with their derived text, bottom-up; sets the root name. */
export function syncNames(p: Params, rootName: string): void {
  const walk = (a: Arg): void => {
    if (!a.matmul) return;
    walk(a.left);
    walk(a.right);
    if (a.name === '') a.name = derivedText(a);
  };
  walk(p.left);
  walk(p.right);
  p.name = rootName !== '' ? rootName : derivedText(p);
}

/** Marks unnamed matmuls (name equal to derived text) as '' so that a rename re-derives them. */
export function clearDerivedNames(p: Params): void {
  const walk = (a: Arg): void => {
    if (!a.matmul) return;
    if (a.name !== '' && unnamed(a)) a.name = '';
    walk(a.left);
    walk(a.right);
  };
  walk(p.left);
  walk(p.right);
  if (p.name !== '' && unnamed(p)) p.name = '';
}

export function exprOfTree(p: Params): string {
  const left = node(p.left);
  const right = node(p.right);
  const named = !isDefaultName(p.name, left, right);
  return printExpr({
    kind: 'matmul',
    name: named ? p.name : '',
    named,
    left,
    right,
    start: 0,
    end: 0,
  });
}

export type Path = readonly string[];

export interface MatmulEntry {
  path: Path;
  node: MatmulNode;
  depth: number;
}
export interface MatrixEntry {
  path: Path;
  node: MatrixArg;
}

/** Every matmul, root first, in pre-order. */
export function matmuls(p: Params): MatmulEntry[] {
  const out: MatmulEntry[] = [{ path: [], node: p, depth: 0 }];
  const walk = (a: Arg, path: Path, depth: number): void => {
    if (!a.matmul) return;
    out.push({ path, node: a, depth });
    walk(a.left, [...path, 'left'], depth + 1);
    walk(a.right, [...path, 'right'], depth + 1);
  };
  walk(p.left, ['left'], 1);
  walk(p.right, ['right'], 1);
  return out;
}

/** Every plain matrix (leaf) in pre-order. */
export function leaves(p: Params): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  const walk = (a: Arg, path: Path): void => {
    if (a.matmul) {
      walk(a.left, [...path, 'left']);
      walk(a.right, [...path, 'right']);
    } else out.push({ path, node: a });
  };
  walk(p.left, ['left']);
  walk(p.right, ['right']);
  return out;
}

export function pathKey(path: Path): string {
  return path.length === 0 ? 'root' : path.join('.');
}

export function getAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Deep-merges plain objects; arrays and scalars replace. Returns a new object. */
export function deepMerge(base: unknown, over: unknown, depth = 0): unknown {
  if (depth > 80) return base;
  if (typeof over !== 'object' || over === null || Array.isArray(over))
    return over === undefined ? base : over;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) base = {};
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = deepMerge(out[k], v, depth + 1);
  }
  return out;
}

export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
