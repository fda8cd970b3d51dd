/**
 * The values of a whole expression: every leaf from its initializer (or loaded data), every matmul
 * result as the product of its arguments followed by its epilog, bottom-up. Results are cached by
 * a key of everything they depend on, so a change recomputes only what it touches. Each matrix
 * also gets its statistics (for sensitivity ranges) and max-|value| pooled levels (for drawing
 * cells smaller than a pixel without shimmer). Pure: runs in a worker or in Node tests.
 */
import type { Arg, Params } from '../params/schema';
import { type Path, pathKey } from '../params/tree';
import { colsOf, rowsOf } from '../params/shapes';
import { hashString } from '../tensor/rng';
import { initMatrix } from '../tensor/init';
import { matmul } from '../tensor/matmul';
import { applyEpilog } from '../tensor/epilog';

export interface Level {
  h: number;
  w: number;
  data: Float32Array;
}

export interface MatrixStats {
  maxAbs: number;
  minAbs: number;
  nonFinite: number;
}

export interface MatrixValues {
  h: number;
  w: number;
  data: Float32Array;
  stats: MatrixStats;
  /** Pooled levels 1, 2, …: each cell holds the value of largest magnitude it covers. */
  levels: Level[];
  error?: string;
}

/** External data for `init: url` leaves, by leaf path key. */
export type LeafData = Map<string, { h: number; w: number; data: Float32Array } | { error: string }>;

export function statsOf(d: Float32Array): MatrixStats {
  let maxAbs = 0;
  let minAbs = Infinity;
  let nonFinite = 0;
  for (let x = 0; x < d.length; x++) {
    const v = d[x]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a < minAbs) minAbs = a;
  }
  if (minAbs === Infinity) minAbs = 0;
  return { maxAbs, minAbs, nonFinite };
}

/** One pooled level: sizes halve as GL mip levels do (floor, at least 1); odd leftovers join the last cell. */
export function poolLevel(src: Level): Level {
  const h = Math.max(1, src.h >> 1);
  const w = Math.max(1, src.w >> 1);
  const out = new Float32Array(h * w);
  for (let a = 0; a < h; a++) {
    const r0 = Math.min(src.h - 1, 2 * a);
    const r1 = a === h - 1 ? src.h - 1 : 2 * a + 1;
    for (let b = 0; b < w; b++) {
      const c0 = Math.min(src.w - 1, 2 * b);
      const c1 = b === w - 1 ? src.w - 1 : 2 * b + 1;
      let best = 0;
      let bestAbs = -1;
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const v = src.data[r * src.w + c]!;
          const m = Number.isNaN(v) ? Infinity : Math.abs(v);
          if (m > bestAbs) {
            bestAbs = m;
            best = v;
          }
        }
      }
      out[a * w + b] = best;
    }
  }
  return { h, w, data: out };
}

export function poolLevels(h: number, w: number, data: Float32Array): Level[] {
  const levels: Level[] = [];
  let cur: Level = { h, w, data };
  while (cur.h > 1 || cur.w > 1) {
    cur = poolLevel(cur);
    levels.push(cur);
  }
  return levels;
}

function finish(h: number, w: number, data: Float32Array, error?: string): MatrixValues {
  const v: MatrixValues = { h, w, data, stats: statsOf(data), levels: poolLevels(h, w, data) };
  if (error) v.error = error;
  return v;
}

function hash64(s: string): string {
  return hashString(s).toString(36) + hashString('~' + s + s.length).toString(36) + ':' + s.length;
}

export interface ComputeOptions {
  cache?: Map<string, MatrixValues>;
  leafData?: LeafData;
  /** Called with the fraction of multiply-adds done so far. */
  onProgress?: (fraction: number) => void;
}

export interface ComputeResult {
  /** By path key (`root`, `left`, `left.right`, …). */
  values: Map<string, MatrixValues>;
  /** The cache key of each path, to keep for the next computation. */
  keys: Map<string, string>;
}

/** Total multiply-adds of the expression, for progress and for deciding where to compute. */
export function workOf(p: Params): number {
  let total = 0;
  const walk = (m: { left: Arg; right: Arg }): void => {
    total += rowsOf(m.left) * colsOf(m.left) * colsOf(m.right);
    if (m.left.matmul) walk(m.left);
    if (m.right.matmul) walk(m.right);
  };
  walk(p);
  return total;
}

/** A product the traversal needs: the driver computes it (here, in a worker, or split in two). */
export interface MultiplyJob {
  a: Float32Array;
  b: Float32Array;
  I: number;
  K: number;
  J: number;
  /** Reports the fraction of this product done. */
  onFraction: (f: number) => void;
}

/**
 * The traversal, as a generator: it yields each product it needs and receives the result, so the
 * same code runs synchronously (tests, small states) or asynchronously (a worker that splits big
 * products across threads).
 */
function* computeSteps(p: Params, opts: ComputeOptions): Generator<MultiplyJob, ComputeResult, Float32Array> {
  const cache = opts.cache ?? new Map<string, MatrixValues>();
  const values = new Map<string, MatrixValues>();
  const keys = new Map<string, string>();
  const total = Math.max(1, workOf(p));
  let done = 0;

  const leaf = (a: Arg & { matmul: false }, path: Path): string => {
    const pk = pathKey(path);
    const ext = a.init === 'url' ? opts.leafData?.get(pk) : undefined;
    const extKey = ext ? ('error' in ext ? `err:${ext.error}` : `data:${ext.h}x${ext.w}:${hashString(String(ext.data.length))}:${ext.data[0]}`) : '';
    const key = hash64(JSON.stringify([a.name, a.h, a.w, a.init, a.min, a.max, a.dropout, a.seed, a.init === 'expr' ? a.expr : '', a.init === 'url' ? a.url : '', extKey]));
    let v = cache.get(key);
    if (!v) {
      const r = initMatrix(a);
      let err = r.error;
      if (a.init === 'url') {
        // Still loading: zeros without a message (progress is shown elsewhere).
        if (!ext) err = a.url ? undefined : 'no data location set';
        else if ('error' in ext) err = ext.error;
        else fillWrapped(r.data, a.h, a.w, ext);
      }
      v = finish(a.h, a.w, r.data, err);
    }
    values.set(pk, v);
    keys.set(pk, key);
    return key;
  };

  function* mm(m: { left: Arg; right: Arg; epilog: string }, path: Path): Generator<MultiplyJob, string, Float32Array> {
    const lk = m.left.matmul ? yield* mm(m.left, [...path, 'left']) : leaf(m.left, [...path, 'left']);
    const rk = m.right.matmul ? yield* mm(m.right, [...path, 'right']) : leaf(m.right, [...path, 'right']);
    const pk = pathKey(path);
    const I = rowsOf(m.left);
    const K = colsOf(m.left);
    const J = colsOf(m.right);
    const key = hash64(`mm|${m.epilog}|${lk}|${rk}`);
    let v = cache.get(key);
    if (!v) {
      const L = values.get(pathKey([...path, 'left']))!;
      const R = values.get(pathKey([...path, 'right']))!;
      const base = done;
      const work = I * K * J;
      const d: Float32Array = yield { a: L.data, b: R.data, I, K, J, onFraction: (f) => opts.onProgress?.((base + f * work) / total) };
      applyEpilog(m.epilog, d, I, J, K);
      v = finish(I, J, d);
    }
    done += I * K * J;
    opts.onProgress?.(done / total);
    values.set(pk, v);
    keys.set(pk, key);
    return key;
  }

  yield* mm(p, []);
  return { values, keys };
}

/** Computes every value of the expression synchronously. */
export function computeValues(p: Params, opts: ComputeOptions = {}): ComputeResult {
  const g = computeSteps(p, opts);
  let r = g.next();
  while (!r.done) {
    const j = r.value;
    r = g.next(matmul(j.a, j.b, j.I, j.K, j.J, new Float32Array(j.I * j.J), (rows) => j.onFraction(rows / j.I)));
  }
  return r.value;
}

/** The same, with the products computed by `multiply` (which may use other threads). */
export async function computeValuesAsync(p: Params, opts: ComputeOptions, multiply: (job: MultiplyJob) => Promise<Float32Array>): Promise<ComputeResult> {
  const g = computeSteps(p, opts);
  let r = g.next();
  while (!r.done) r = g.next(await multiply(r.value));
  return r.value;
}

function fillWrapped(out: Float32Array, h: number, w: number, src: { h: number; w: number; data: Float32Array }): void {
  for (let i = 0; i < h; i++) {
    const sr = (i % src.h) * src.w;
    for (let j = 0; j < w; j++) out[i * w + j] = src.data[sr + (j % src.w)]!;
  }
}
