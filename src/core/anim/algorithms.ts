// Matmul algorithms as compact step descriptors (docs/animation.md, blocked as in its
// "Partitions").
//
// This module owns, for ONE matmul (I, K, J, resolved algorithm, block counts), the number of
// animation steps and what each step shows, as a `StepDesc` made only of ranges and counts (so a
// renderer can turn it into shader uniforms), plus CPU reference helpers that expand a descriptor
// into cells and values (`interiorCells`, `cellStatus`, `revealedAfter`) for tests and CPU paths.
//
// Blocking: the I x K x J iteration space is cut into blocks of blockSize = {i, k, j} cells
// (blocks.ts; last blocks possibly shorter). The algorithm runs in parallel in every block, at the
// same block-local step: every index in a StepDesc is block-local, in [0, blockSize.<axis>), and
// applies inside every block; local indices beyond a shorter block's size are simply absent there
// (that block idles or has already finished, and stays complete).
//
// Reveal rule (result face and, with k blocks, each k block's partial-sum plane). For a result
// cell with block-local coordinates (li, lj), its *unit index* u is
//   'rowmajor': li * blockSize.j + lj    'colmajor': lj * blockSize.i + li
//   'rows': li    'cols': lj    'all': 0
// and at a step with reveal = { unit, done, partialK }:
//   u <  done                  -> complete (the full sum over k),
//   u == done and partialK > 0 -> partial: the sum over the k whose block-local index < partialK,
//   otherwise                  -> hidden.
// A partial cell whose k block is no longer than partialK is complete (`cellStatus`). The result
// face shows the sum over all k blocks; with k blocks (`partialPlanes` > 0) each k block b also
// shows its own partial-sum plane, following the same rule restricted to the k of block b, so the
// planes add up to the result face.
//
// Steps per algorithm (sizes si, sk, sj = blockSize.i, .k, .j), t = block-local step:
//   dotprod (row major): si*sj steps; element (t / sj, t % sj); interior = its k vector.
//   dotprod (col major): si*sj steps; element (t % si, t / si); interior = its k vector.
//   vmprod: si steps; interior = plane i = t (all j, all k); reveal rows < t + 1.
//   mvprod: sj steps; interior = plane j = t (all i, all k); reveal cols < t + 1.
//   vvprod: sk steps; interior = plane k = t (all i, all j); every cell accumulates k < t + 1.
//   axpy:   sj*sk steps; column j = t / sk, depth k = t % sk; interior = the I products of
//           column j at depth k; columns < j complete, column j accumulates k < (t % sk) + 1.
// Algorithm 'none' has 0 steps (its result is shown at once); stepAt rejects it.

import type { Alg, BlockCounts, Range } from './types';
import { blockSize, effectiveBlocks } from './blocks';

/** One matmul as the algorithms see it; `alg` is already resolved (no 'inherit'). */
export type MatmulShape = { I: number; K: number; J: number; alg: Alg; blocks: BlockCounts };
export type ActiveAlg = Exclude<Alg, 'none'>;
export type RevealUnit = 'rowmajor' | 'colmajor' | 'rows' | 'cols' | 'all';
export type CellStatus = 'hidden' | 'partial' | 'complete';

/** Full block sizes (block-local index space) and effective block counts per axis. */
export type BlockGeometry = { size: BlockCounts; count: BlockCounts };

export interface StepDesc {
  alg: ActiveAlg;
  /** Block-local step, 0 <= t < steps. */
  t: number;
  /** stepCount of this matmul. */
  steps: number;
  /** Full block size per axis: the block-local index space (last blocks may be shorter). */
  blockSize: BlockCounts;
  /** Effective number of blocks per axis. */
  blocks: BlockCounts;
  /** What of the result is visible after this step (see the module comment). */
  reveal: { unit: RevealUnit; done: number; partialK: number };
  /** Block-local ranges of the products L[i,k]*R[k,j] shown this step, inside every block. */
  interior: { i: Range; j: Range; k: Range };
  /** Highlighted left-argument cells (rows = i, cols = k), block-local. */
  readLeft: { rows: Range; cols: Range };
  /** Highlighted right-argument cells (rows = k, cols = j), block-local. */
  readRight: { rows: Range; cols: Range };
  /** Number of per-k-block partial-sum planes: blocks.k when > 1, else 0. */
  partialPlanes: number;
}

export function blockGeometry(m: MatmulShape): BlockGeometry {
  return {
    size: {
      i: blockSize(m.I, m.blocks.i),
      k: blockSize(m.K, m.blocks.k),
      j: blockSize(m.J, m.blocks.j),
    },
    count: {
      i: effectiveBlocks(m.I, m.blocks.i),
      k: effectiveBlocks(m.K, m.blocks.k),
      j: effectiveBlocks(m.J, m.blocks.j),
    },
  };
}

export function stepCount(m: MatmulShape): number {
  const g = blockGeometry(m).size;
  switch (m.alg) {
    case 'none':
      return 0;
    case 'dotprod (row major)':
    case 'dotprod (col major)':
      return g.i * g.j;
    case 'vmprod':
      return g.i;
    case 'mvprod':
      return g.j;
    case 'vvprod':
      return g.k;
    case 'axpy':
      return g.j * g.k;
  }
}

/** The descriptor of block-local step t (0 <= t < stepCount(m)). O(1). */
export function stepAt(m: MatmulShape, t: number): StepDesc {
  if (m.alg === 'none') throw new Error("stepAt: algorithm 'none' has no steps");
  const geo = blockGeometry(m);
  const { i: si, k: sk, j: sj } = geo.size;
  const steps = stepCount(m);
  if (!Number.isInteger(t) || t < 0 || t >= steps)
    throw new RangeError(`stepAt: t=${t} not in 0..${steps - 1}`);
  let i: Range = [0, si];
  let j: Range = [0, sj];
  let k: Range = [0, sk];
  let reveal: StepDesc['reveal'];
  switch (m.alg) {
    case 'dotprod (row major)': {
      const li = Math.floor(t / sj),
        lj = t % sj;
      i = [li, li + 1];
      j = [lj, lj + 1];
      reveal = { unit: 'rowmajor', done: t + 1, partialK: 0 };
      break;
    }
    case 'dotprod (col major)': {
      const lj = Math.floor(t / si),
        li = t % si;
      i = [li, li + 1];
      j = [lj, lj + 1];
      reveal = { unit: 'colmajor', done: t + 1, partialK: 0 };
      break;
    }
    case 'vmprod':
      i = [t, t + 1];
      reveal = { unit: 'rows', done: t + 1, partialK: 0 };
      break;
    case 'mvprod':
      j = [t, t + 1];
      reveal = { unit: 'cols', done: t + 1, partialK: 0 };
      break;
    case 'vvprod':
      k = [t, t + 1];
      reveal = { unit: 'all', done: 0, partialK: t + 1 };
      break;
    case 'axpy': {
      const lj = Math.floor(t / sk),
        lk = t % sk;
      j = [lj, lj + 1];
      k = [lk, lk + 1];
      reveal = { unit: 'cols', done: lj, partialK: lk + 1 };
      break;
    }
  }
  return {
    alg: m.alg,
    t,
    steps,
    blockSize: geo.size,
    blocks: geo.count,
    reveal,
    interior: { i, j, k },
    readLeft: { rows: i, cols: k },
    readRight: { rows: k, cols: j },
    partialPlanes: geo.count.k > 1 ? geo.count.k : 0,
  };
}

/** The unit index of block-local cell (li, lj) under `unit` (see the module comment). */
export function unitIndex(desc: StepDesc, li: number, lj: number): number {
  switch (desc.reveal.unit) {
    case 'rowmajor':
      return li * desc.blockSize.j + lj;
    case 'colmajor':
      return lj * desc.blockSize.i + li;
    case 'rows':
      return li;
    case 'cols':
      return lj;
    case 'all':
      return 0;
  }
}

/**
 * Status of result cell (i, j) (global indices) after the step `desc`: on the result face
 * (kBlock undefined) or on the partial-sum plane of k block `kBlock`.
 */
export function cellStatus(
  m: MatmulShape,
  desc: StepDesc,
  i: number,
  j: number,
  kBlock?: number,
): CellStatus {
  const { i: si, k: sk, j: sj } = desc.blockSize;
  const u = unitIndex(desc, i % si, j % sj);
  const { done, partialK } = desc.reveal;
  if (u < done) return 'complete';
  if (u > done || partialK <= 0) return 'hidden';
  // longest k block involved: the first (full) one for the result face
  const kLen = kBlock === undefined ? sk : Math.min(sk, m.K - kBlock * sk);
  return partialK >= kLen ? 'complete' : 'partial';
}

/** Global [i, j, k] of every product the step shows, in all blocks (reference expansion). */
export function interiorCells(m: MatmulShape, desc: StepDesc): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const { i: si, k: sk, j: sj } = desc.blockSize;
  const { i: ri, j: rj, k: rk } = desc.interior;
  for (let bi = 0; bi < m.I; bi += si)
    for (let bj = 0; bj < m.J; bj += sj)
      for (let bk = 0; bk < m.K; bk += sk)
        for (let li = ri[0]; li < ri[1]; li++) {
          const gi = bi + li;
          if (li >= si || gi >= m.I) continue;
          for (let lj = rj[0]; lj < rj[1]; lj++) {
            const gj = bj + lj;
            if (lj >= sj || gj >= m.J) continue;
            for (let lk = rk[0]; lk < rk[1]; lk++) {
              const gk = bk + lk;
              if (lk >= sk || gk >= m.K) continue;
              out.push([gi, gj, gk]);
            }
          }
        }
  return out;
}

export type Revealed = { values: Float64Array; partials?: Float64Array[] };

/**
 * The result as shown after block-local step t (t < 0: nothing yet; t >= steps - 1: the end):
 * `values` (I*J row-major, NaN where hidden) and, with k blocks, one partial-sum plane per k block.
 * Accumulates exactly the products named by the interiors of steps 0..t, from L (I*K row-major)
 * and R (K*J row-major). Algorithm 'none' shows the full product at once. Reference (O(work)).
 */
export function revealedAfter(
  m: MatmulShape,
  L: ArrayLike<number>,
  R: ArrayLike<number>,
  t: number,
): Revealed {
  const { I, K, J } = m;
  const geo = blockGeometry(m);
  const nk = geo.count.k;
  const sk = geo.size.k;
  const acc = new Float64Array(I * J);
  const pacc: Float64Array[] = [];
  for (let b = 0; b < nk; b++) pacc.push(new Float64Array(I * J));
  const add = (i: number, j: number, k: number): void => {
    const p = L[i * K + k] * R[k * J + j];
    acc[i * J + j] += p;
    pacc[Math.floor(k / sk)][i * J + j] += p;
  };
  let desc: StepDesc | undefined;
  if (m.alg === 'none') {
    for (let i = 0; i < I; i++)
      for (let j = 0; j < J; j++) for (let k = 0; k < K; k++) add(i, j, k);
  } else {
    const last = Math.min(t, stepCount(m) - 1);
    for (let s = 0; s <= last; s++) {
      desc = stepAt(m, s);
      for (const [i, j, k] of interiorCells(m, desc)) add(i, j, k);
    }
    if (last < 0) {
      acc.fill(NaN);
      for (const p of pacc) p.fill(NaN);
      return nk > 1 ? { values: acc, partials: pacc } : { values: acc };
    }
  }
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++) {
      if (desc && cellStatus(m, desc, i, j) === 'hidden') acc[i * J + j] = NaN;
      for (let b = 0; b < nk; b++)
        if (desc && cellStatus(m, desc, i, j, b) === 'hidden') pacc[b][i * J + j] = NaN;
    }
  return nk > 1 ? { values: acc, partials: pacc } : { values: acc };
}
