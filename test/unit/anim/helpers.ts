// Test helpers: building AnimNode trees by hand and computing products with plain loops.
import type { Alg, AnimMatmul, AnimMatrix, AnimNode } from '../../../src/core/anim/types';

export function mat(id: string, h: number, w: number): AnimMatrix {
  return { kind: 'matrix', id, h, w };
}

export function dims(n: AnimNode): { h: number; w: number } {
  return n.kind === 'matrix' ? { h: n.h, w: n.w } : { h: n.I, w: n.J };
}

export function mm(
  id: string,
  left: AnimNode,
  right: AnimNode,
  alg: Alg | 'inherit' = 'inherit',
  blocks: { i?: number; k?: number; j?: number } = {},
): AnimMatmul {
  const l = dims(left),
    r = dims(right);
  if (l.w !== r.h) throw new Error(`shape mismatch in ${id}: ${l.h}x${l.w} @ ${r.h}x${r.w}`);
  return {
    kind: 'matmul',
    id,
    I: l.h,
    K: l.w,
    J: r.w,
    alg,
    blocks: { i: blocks.i ?? 1, k: blocks.k ?? 1, j: blocks.j ?? 1 },
    left,
    right,
  };
}

/** Deterministic pseudo-random values in [-1, 1). */
export function randomMatrix(h: number, w: number, seed: number): Float64Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[p] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** Plain triple loop. */
export function matmulRef(
  L: ArrayLike<number>,
  R: ArrayLike<number>,
  I: number,
  K: number,
  J: number,
): Float64Array {
  const out = new Float64Array(I * J);
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += L[i * K + k] * R[k * J + j];
      out[i * J + j] = s;
    }
  return out;
}

/** Values of every node (leaves random by index, matmuls by triple loop). */
export function evaluate(root: AnimNode): Map<string, Float64Array> {
  const vals = new Map<string, Float64Array>();
  let seed = 1;
  const go = (n: AnimNode): Float64Array => {
    let v: Float64Array;
    if (n.kind === 'matrix') v = randomMatrix(n.h, n.w, seed++);
    else v = matmulRef(go(n.left), go(n.right), n.I, n.K, n.J);
    vals.set(n.id, v);
    return v;
  };
  go(root);
  return vals;
}

export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12): void {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  for (let p = 0; p < a.length; p++) {
    const x = a[p],
      y = b[p];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) throw new Error(`at ${p}: ${x} vs ${y}`);
    } else if (Math.abs(x - y) > tol * (1 + Math.abs(y))) throw new Error(`at ${p}: ${x} vs ${y}`);
  }
}
