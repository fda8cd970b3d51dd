/**
 * Menu edits as pure state transitions: one edit (a path and a value) on a state gives the next
 * normalized state. Edits that touch more than one property live here: shared dimensions, turning
 * a matrix into a matmul and back, renames (which re-derive unnamed names), expression edits
 * (which rebuild the tree keeping settings by name), and switching to the custom scheme (which
 * writes the derived choices into every child so the picture does not jump).
 */
import { type Normalized, normalize } from './normalize';
import {
  type Arg,
  type MatmulArg,
  type Params,
  type Scheme,
  CHILD_GROUPS,
  MAX_DIM,
  defaultMatrix,
  groupDefaults,
  toExternal,
} from './schema';
import { setDimension, rowsOf, colsOf } from './shapes';
import { safeName } from './names';
import { type Path, clearDerivedNames, clone, getAt } from './tree';
import { choicesOf, layoutOfChoices, placedChildChoices, type Choices } from '../layout/schemes';
import { propagateBlocks } from '../anim/blocks';
import { animTree, setBlockCounts } from './partitions';
import { pathKey } from './tree';

/** Paths use code names (`['viz', 'minSize']`), as the menu binds them. */
const BLOCK_AXES: Record<string, 'i' | 'j' | 'k'> = { iBlocks: 'i', jBlocks: 'j', kBlocks: 'k' };

/** An edited tree, checked again by the one gate (which reads the users' names). */
const renormalize = (p: Params): Normalized => normalize(toExternal(p));

export function applyEdit(p: Params, path: Path, value: unknown): Normalized {
  const next = clone(p);
  const key = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  const parent = getAt(next, parentPath) as Record<string, unknown> | undefined;
  if (!parent || key === undefined)
    return { params: p, notices: [`edit: no such property ${path.join('.')}`] };

  if (path.length === 1 && key === 'expr') {
    return normalize({ ...toExternal(next), expr: value }, { fromExpr: true });
  }
  if ((key === 'h' || key === 'w') && parent.matmul === false) {
    const n = Math.round(Number(value));
    if (!Number.isFinite(n)) return { params: p, notices: [`${path.join('.')}: not a number`] };
    const clamped = Math.min(MAX_DIM, Math.max(1, n));
    setDimension(next, parentPath, key, clamped);
    return renormalize(next);
  }
  if (key === 'matmul' && parentPath.length > 0) {
    const arg = getAt(p, parentPath) as Arg;
    const on = value === true;
    if (on === arg.matmul) return renormalize(next);
    // Unnamed ancestors (and this matmul, when turned off) get their names derived anew.
    clearDerivedNames(next);
    const cur = getAt(next, parentPath) as Arg;
    const holder = getAt(next, parentPath.slice(0, -1)) as Record<string, unknown>;
    const side = parentPath[parentPath.length - 1]!;
    holder[side] = on ? toMatmul(cur, arg.name) : toMatrix(arg);
    return renormalize(next);
  }
  if (key in BLOCK_AXES && path[path.length - 2] === 'block') {
    // A partition set anywhere reaches every matmul that shares the dimension (docs/animation.md,
    // "Partitions").
    const at = pathKey(path.slice(0, -2));
    const n = Math.min(16, Math.max(1, Math.round(Number(value)) || 1));
    setBlockCounts(next, propagateBlocks(animTree(next), at, BLOCK_AXES[key]!, n));
    return renormalize(next);
  }
  if (key === 'name') {
    clearDerivedNames(next);
    (getAt(next, parentPath) as { name: string }).name = String(value);
    return renormalize(next);
  }
  if (
    path.length === 2 &&
    path[0] === 'layout' &&
    key === 'scheme' &&
    value === 'custom' &&
    p.layout.scheme !== 'custom'
  ) {
    parent[key] = value;
    writeDerivedChoices(next, p.layout.scheme);
    return renormalize(next);
  }
  parent[key] = value;
  return renormalize(next);
}

function toMatmul(a: Arg, name: string): MatmulArg {
  const h = rowsOf(a);
  const w = colsOf(a);
  const depth = 32;
  return {
    name,
    matmul: true,
    epilog: 'none',
    left: defaultMatrix(`${name}L`, 'row major', h, depth),
    right: defaultMatrix(`${name}R`, 'col major', depth, w),
    anim: groupDefaults(CHILD_GROUPS.anim),
    block: groupDefaults(CHILD_GROUPS.block),
    layout: groupDefaults(CHILD_GROUPS.layout),
    folder: a.folder,
  };
}

function toMatrix(a: Arg): Arg {
  // An unnamed matmul's name is its expression text; a matrix needs a plain name.
  const m = defaultMatrix(safeName(a.name, 'M'), 'gaussian', rowsOf(a), colsOf(a));
  m.folder = a.folder;
  return m;
}

function writeDerivedChoices(p: Params, scheme: Scheme): void {
  const walk = (a: Arg, side: 'left' | 'right', parent: Choices): void => {
    if (!a.matmul) return;
    const c = placedChildChoices(scheme, side, parent);
    Object.assign(a.layout, layoutOfChoices(c));
    walk(a.left, 'left', c);
    walk(a.right, 'right', c);
  };
  const root = choicesOf(p.layout);
  walk(p.left, 'left', root);
  walk(p.right, 'right', root);
}
