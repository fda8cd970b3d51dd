/**
 * The values of a whole expression: every leaf from its initializer (or loaded data), every matmul
 * result as the product of its arguments followed by its epilog, bottom-up. Results are cached by
 * a key of everything they depend on, so a change recomputes only what it touches. Each matrix
 * also gets its statistics (for sensitivity ranges) and pooled levels (mean magnitudes, for drawing
 * cells smaller than a pixel without shimmer). Pure: runs in a worker or in Node tests.
 */
import type { Arg, Params } from '../params/schema';
import { type Path, pathKey } from '../params/tree';
import { colsOf, rowsOf } from '../params/shapes';
import { hashString } from '../tensor/rng';
import { initMatrix } from '../tensor/init';
import { FORMULA_SLICE, formulaCost, formulaInSlices } from './formula-steps';
import { matmul } from '../tensor/matmul';
import { applyEpilog, rowwise } from '../tensor/epilog';
import { fillFromData } from '../tensor/fill';

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
  /** Pooled levels 1, 2, …: each cell holds the mean magnitude of the cells it covers (poolLevel). */
  levels: Level[];
  error?: string;
}

/** External data for `init: url` leaves, by leaf path key. */
export type LeafData = Map<
  string,
  { h: number; w: number; data: Float32Array } | { error: string }
>;

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

/**
 * One pooled level: sizes halve as GL mip levels do (floor, at least 1); odd leftovers join the
 * last cell. A pooled cell stands for the cells it covers as they look from afar (docs/colors.md,
 * "Shading and distance"): its magnitude is their mean magnitude (a ball's area grows about linearly with
 * |value|, so the mean keeps the share of the surface the balls cover), its sign that of their sum
 * (positive on a tie); all zeros pool to zero, and a NaN wins (it must stay visible).
 */
export function poolLevel(src: Level): Level {
  const h = Math.max(1, src.h >> 1);
  const w = Math.max(1, src.w >> 1);
  const sw = src.w;
  const d = src.data;
  const out = new Float32Array(h * w);
  for (let a = 0; a < h; a++) {
    const r0 = Math.min(src.h - 1, 2 * a);
    const r1 = a === h - 1 ? src.h - 1 : 2 * a + 1;
    const o = a * w;
    let startB = 0;
    if (r1 === r0 + 1 && sw >= 2) {
      // Fast path: two rows, two columns per cell (all but the last column).
      const p0 = r0 * sw;
      const p1 = p0 + sw;
      startB = w - 1;
      for (let b = 0; b < startB; b++) {
        const c = 2 * b;
        const x0 = d[p0 + c]!,
          x1 = d[p0 + c + 1]!,
          x2 = d[p1 + c]!,
          x3 = d[p1 + c + 1]!;
        const mean = 0.25 * (Math.abs(x0) + Math.abs(x1) + Math.abs(x2) + Math.abs(x3));
        out[o + b] = mean !== mean ? NaN : x0 + x1 + x2 + x3 < 0 ? -mean : mean;
      }
    }
    for (let b = startB; b < w; b++) {
      const c0 = Math.min(sw - 1, 2 * b);
      const c1 = b === w - 1 ? sw - 1 : 2 * b + 1;
      let sum = 0;
      let abs = 0;
      for (let r = r0; r <= r1; r++)
        for (let c = c0; c <= c1; c++) {
          const v = d[r * sw + c]!;
          sum += v;
          abs += Math.abs(v);
        }
      const mean = abs / ((r1 - r0 + 1) * (c1 - c0 + 1));
      // NaN in, NaN out (abs is NaN); Infinity stays Infinity.
      out[o + b] = mean !== mean ? NaN : sum < 0 ? -mean : mean;
    }
  }
  return { h, w, data: out };
}

export function poolLevels(h: number, w: number, data: Float32Array): Level[] {
  return poolFrom({ h, w, data }, []);
}

/** `levels` followed by the levels pooled from `cur` onwards. */
function poolFrom(cur: Level, levels: Level[]): Level[] {
  while (cur.h > 1 || cur.w > 1) {
    cur = poolLevel(cur);
    levels.push(cur);
  }
  return levels;
}

/**
 * A product's result that its driver finished itself: the epilog applied, the statistics and the
 * first pooled level made. A driver that splits a product by rows across threads has each thread
 * finish its own rows (finishRowBlock) and joins them (joinRowBlocks): the work after a product is
 * shared as the product is.
 */
export interface FinishedProduct {
  data: Float32Array;
  stats: MatrixStats;
  level1: Level;
}

/**
 * Finishes rows row0 .. row0 + rows - 1 of a product's result (`d`, rows x w; k: the inner
 * dimension), in place: its epilog, which must be row-wise (`rowwise`), its statistics and its
 * pooled rows. Blocks joined by joinRowBlocks give exactly the values, statistics and levels of
 * the whole matrix finished at once when every block but the last has an even number of rows and
 * the last has at least two (the last pooled row takes an odd row left over).
 */
export function finishRowBlock(
  epilog: string,
  d: Float32Array,
  rows: number,
  w: number,
  k: number,
  row0: number,
): FinishedProduct {
  applyEpilog(epilog, d, rows, w, k, row0);
  return { data: d, stats: statsOf(d), level1: poolLevel({ h: rows, w, data: d }) };
}

/** The blocks of finishRowBlock, in row order, as one matrix (w columns). */
export function joinRowBlocks(blocks: FinishedProduct[], w: number): FinishedProduct {
  let n = 0;
  let m = 0;
  let h1 = 0;
  for (const b of blocks) {
    n += b.data.length;
    m += b.level1.data.length;
    h1 += b.level1.h;
  }
  const data = new Float32Array(n);
  const pooled = new Float32Array(m);
  const stats: MatrixStats = { maxAbs: 0, minAbs: Infinity, nonFinite: 0 };
  let at = 0;
  let lat = 0;
  let anyFinite = false;
  for (const b of blocks) {
    data.set(b.data, at);
    pooled.set(b.level1.data, lat);
    at += b.data.length;
    lat += b.level1.data.length;
    stats.maxAbs = Math.max(stats.maxAbs, b.stats.maxAbs);
    stats.nonFinite += b.stats.nonFinite;
    // statsOf reports a minimum of 0 when a block has no finite value at all.
    if (b.stats.nonFinite < b.data.length) {
      stats.minAbs = Math.min(stats.minAbs, b.stats.minAbs);
      anyFinite = true;
    }
  }
  if (!anyFinite) stats.minAbs = 0;
  return { data, stats, level1: { h: h1, w: Math.max(1, w >> 1), data: pooled } };
}

/**
 * Where a driver may split a product of `rows` rows in two for finishRowBlock: an even row count
 * near the middle for the first block, at least two rows for the second; null when the product
 * is too small or its epilog needs the whole matrix.
 */
export function rowSplit(rows: number, epilog: string): number | null {
  if (rows < 4 || !rowwise(epilog)) return null;
  return 2 * Math.floor(rows / 4);
}

/** Matrices at least this big let the page breathe between the steps of their preparation. */
const BIG = 1 << 20;
const EMPTY = new Float32Array(0);
/** A pause request: no product, just a chance for an asynchronous driver to yield to the page. */
const breathe = (): MultiplyJob => ({
  a: EMPTY,
  b: EMPTY,
  I: 0,
  K: 0,
  J: 0,
  epilog: 'none',
  onFraction: () => undefined,
});

/** What the traversal receives for a product: the bare product, or one its driver finished. */
export type ProductResult = Float32Array | FinishedProduct;

function* finish(
  h: number,
  w: number,
  data: Float32Array,
  error?: string,
): Generator<MultiplyJob, MatrixValues, ProductResult> {
  const big = h * w >= BIG;
  const stats = statsOf(data);
  if (big) yield breathe();
  const levels = poolLevels(h, w, data);
  if (big) yield breathe();
  const v: MatrixValues = { h, w, data, stats, levels };
  if (error) v.error = error;
  return v;
}

function hash64(s: string): string {
  return hashString(s).toString(36) + hashString('~' + s + s.length).toString(36) + ':' + s.length;
}

type LeafArg = Arg & { matmul: false };
type LeafDatum = LeafData extends Map<string, infer V> ? V : never;

/** The cache key of a plain matrix's values: everything they depend on. */
export function leafKey(a: LeafArg, ext?: LeafDatum): string {
  const extKey = ext
    ? 'error' in ext
      ? `err:${ext.error}`
      : `data:${ext.h}x${ext.w}:${hashString(String(ext.data.length))}:${ext.data[0]}`
    : '';
  return hash64(
    JSON.stringify([
      a.name,
      a.h,
      a.w,
      a.init,
      a.min,
      a.max,
      a.dropout,
      a.seed,
      a.init === 'expr' ? a.expr : '',
      a.init === 'url' ? a.url : '',
      extKey,
    ]),
  );
}

/**
 * The plain matrices of an expression whose values come from their settings alone (not loaded
 * data, not a formula heavy enough to be computed in slices), one per cache key and not in
 * `cache`: work that can be done ahead, on any thread, with `leafValues`.
 */
export function settledLeaves(p: Params, cache?: Map<string, MatrixValues>): LeafArg[] {
  const out = new Map<string, LeafArg>();
  const walk = (a: Arg): void => {
    if (a.matmul) {
      walk(a.left);
      walk(a.right);
      return;
    }
    if (a.init === 'url' || formulaCost(a) > FORMULA_SLICE) return;
    const key = leafKey(a);
    if (!cache?.has(key)) out.set(key, a);
  };
  walk(p.left);
  walk(p.right);
  return [...out.values()];
}

/** The values of a plain matrix from its settings (see `settledLeaves`), with its key. */
export function leafValues(a: LeafArg): { key: string; values: MatrixValues } {
  const r = initMatrix(a);
  const g = finish(a.h, a.w, r.data, r.error);
  let s = g.next();
  while (!s.done) s = g.next(EMPTY);
  return { key: leafKey(a), values: s.value };
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
  /**
   * The epilog the result takes. A driver answers with the bare product (the traversal finishes
   * it) or with a FinishedProduct (it finished the result itself, e.g. in row blocks on threads).
   */
  epilog: string;
  /** Reports the fraction of this product done. */
  onFraction: (f: number) => void;
}

/**
 * The traversal, as a generator: it yields each product it needs and receives the result, so the
 * same code runs synchronously (tests, small states) or asynchronously (a worker that splits big
 * products across threads).
 */
function* computeSteps(
  p: Params,
  opts: ComputeOptions,
): Generator<MultiplyJob, ComputeResult, ProductResult> {
  const cache = opts.cache ?? new Map<string, MatrixValues>();
  const values = new Map<string, MatrixValues>();
  const keys = new Map<string, string>();
  const total = Math.max(1, workOf(p));
  let done = 0;

  function* leaf(
    a: Arg & { matmul: false },
    path: Path,
  ): Generator<MultiplyJob, string, ProductResult> {
    const pk = pathKey(path);
    const ext = a.init === 'url' ? opts.leafData?.get(pk) : undefined;
    const key = leafKey(a, ext);
    let v = cache.get(key);
    if (!v) {
      // A heavy formula is evaluated in slices, with pauses where a newer state may cancel it.
      const r =
        formulaCost(a) > FORMULA_SLICE
          ? yield* formulaInSlices(a, breathe, (f) => opts.onProgress?.(f))
          : initMatrix(a);
      let err = r.error;
      if (a.init === 'url') {
        // Still loading: zeros without a message (progress is shown elsewhere).
        if (!ext) err = a.url ? undefined : 'no data location set';
        else if ('error' in ext) err = ext.error;
        else {
          try {
            r.data = fillFromData({ rows: ext.h, cols: ext.w, data: ext.data }, a.h, a.w);
          } catch (e) {
            err = e instanceof Error ? e.message : String(e);
          }
        }
      }
      if (a.h * a.w >= BIG) yield breathe();
      v = yield* finish(a.h, a.w, r.data, err);
    }
    values.set(pk, v);
    keys.set(pk, key);
    return key;
  }

  function* mm(
    m: { left: Arg; right: Arg; epilog: string },
    path: Path,
  ): Generator<MultiplyJob, string, ProductResult> {
    const lk = m.left.matmul
      ? yield* mm(m.left, [...path, 'left'])
      : yield* leaf(m.left, [...path, 'left']);
    const rk = m.right.matmul
      ? yield* mm(m.right, [...path, 'right'])
      : yield* leaf(m.right, [...path, 'right']);
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
      const r = yield {
        a: L.data,
        b: R.data,
        I,
        K,
        J,
        epilog: m.epilog,
        onFraction: (f) => opts.onProgress?.((base + f * work) / total),
      };
      if (r instanceof Float32Array) {
        applyEpilog(m.epilog, r, I, J, K);
        if (I * J >= BIG) yield breathe();
        v = yield* finish(I, J, r);
      } else {
        // Finished by the driver: only the coarser levels are left.
        v = { h: I, w: J, data: r.data, stats: r.stats, levels: poolFrom(r.level1, [r.level1]) };
      }
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
    r = g.next(
      j.I === 0
        ? EMPTY
        : matmul(j.a, j.b, j.I, j.K, j.J, new Float32Array(j.I * j.J), (rows) =>
            j.onFraction(rows / j.I),
          ),
    );
  }
  return r.value;
}

/** The same, with the products computed by `multiply` (which may use other threads). */
export async function computeValuesAsync(
  p: Params,
  opts: ComputeOptions,
  multiply: (job: MultiplyJob) => Promise<ProductResult>,
): Promise<ComputeResult> {
  const g = computeSteps(p, opts);
  let r = g.next();
  while (!r.done) r = g.next(await multiply(r.value));
  return r.value;
}
