/**
 * From the schedule to what the renderer shows, as plain numbers: the parameter tree as an
 * animation tree, and for one step every matrix's reveal rule and highlight ranges and every
 * interior plane of products. The renderer turns these into uniforms; nothing here is per element
 * except the partial sums of accumulating algorithms (vvprod, axpy), which `PartialSums` keeps
 * incrementally, one plane or one column per step.
 */
import type { Params } from '../params/schema';
import type { Fuse } from './types';
import type { StepDesc } from './algorithms';
import type { MatmulFrame } from './schedule';

export function fuseOf(p: Params): Fuse {
  return p.anim.fuse;
}

/** Reveal modes understood by the matrix shader. */
export const REVEAL = { all: 0, rowmajor: 1, colmajor: 2, rows: 3, cols: 4, hidden: 5 } as const;

export interface MatrixShow {
  mode: number;
  count: number;
  hiRows?: [number, number];
  hiCols?: [number, number];
}

export interface InteriorPlane {
  /** The matmul (path key) whose interior this is. */
  matmul: string;
  /** 0: k fixed (rows i, cols j); 1: i fixed (rows k, cols j); 2: j fixed (rows i, cols k). */
  plane: 0 | 1 | 2;
  /** Global index of the fixed axis. */
  fixed: number;
  /** Block-local ranges drawn along the plane's rows and columns. */
  rows: [number, number];
  cols: [number, number];
}

export interface StepView {
  matrices: Map<string, MatrixShow>;
  planes: InteriorPlane[];
  /** Matmuls whose result shows partial sums this step (accumulating algorithms). */
  accumulating: Map<string, StepDesc>;
}

const r2 = (r: readonly [number, number]): [number, number] => [r[0], r[1]];

/** What every matrix and the interior show for one frame of the schedule. */
export function stepView(frame: Map<string, MatmulFrame>): StepView {
  const matrices = new Map<string, MatrixShow>();
  const planes: InteriorPlane[] = [];
  const accumulating = new Map<string, StepDesc>();
  const show = (key: string): MatrixShow => {
    let s = matrices.get(key);
    if (!s) {
      s = { mode: REVEAL.all, count: 0 };
      matrices.set(key, s);
    }
    return s;
  };
  for (const [id, f] of frame) {
    if (f.phase === 'waiting') {
      show(id).mode = REVEAL.hidden;
      continue;
    }
    if (f.phase !== 'running' || !f.desc) continue;
    const d = f.desc;
    const res = show(id);
    if (d.reveal.partialK > 0) {
      // Partial sums are drawn from an accumulated copy; cells not yet touched are zero (not drawn).
      res.mode = REVEAL.all;
      accumulating.set(id, d);
    } else {
      res.mode = REVEAL[d.reveal.unit];
      res.count = d.reveal.done;
    }
    const prefix = id === 'root' ? '' : `${id}.`;
    const l = show(`${prefix}left`);
    l.hiRows = r2(d.readLeft.rows);
    l.hiCols = r2(d.readLeft.cols);
    const r = show(`${prefix}right`);
    r.hiRows = r2(d.readRight.rows);
    r.hiCols = r2(d.readRight.cols);
    planes.push(...planesOf(id, d));
  }
  return { matrices, planes, accumulating };
}

function planesOf(id: string, d: StepDesc): InteriorPlane[] {
  const { i, j, k } = d.interior;
  const len = (r: readonly [number, number]): number => r[1] - r[0];
  const out: InteriorPlane[] = [];
  // The fixed axis repeats in every block along it.
  const per = (
    axis: 'i' | 'j' | 'k',
    local: number,
    make: (fixed: number) => InteriorPlane,
  ): void => {
    const size = d.blockSize[axis];
    for (let b = 0; b < d.blocks[axis]; b++) out.push(make(b * size + local));
  };
  if (len(k) === 1 && len(i) > 1) {
    per('k', k[0], (fixed) => ({ matmul: id, plane: 0, fixed, rows: r2(i), cols: r2(j) }));
  } else if (len(i) === 1) {
    per('i', i[0], (fixed) => ({ matmul: id, plane: 1, fixed, rows: r2(k), cols: r2(j) }));
  } else {
    per('j', j[0], (fixed) => ({ matmul: id, plane: 2, fixed, rows: r2(i), cols: r2(k) }));
  }
  return out;
}

/**
 * Partial sums of one matmul while an accumulating algorithm runs: every result cell holds the
 * sum of the products the steps so far have formed (pre-epilog). Advancing one step adds one
 * plane (vvprod) or one column (axpy) per block; any other jump replays from the start.
 */
export class PartialSums {
  readonly data: Float32Array;
  /** The same sums split by k block (one array per k block). */
  readonly blocks: Float32Array[];
  private t = -1;

  constructor(
    readonly I: number,
    readonly K: number,
    readonly J: number,
    private readonly L: Float32Array,
    private readonly R: Float32Array,
    kBlocks = 1,
  ) {
    this.data = new Float32Array(I * J);
    this.blocks = Array.from({ length: kBlocks }, () => new Float32Array(I * J));
  }

  /** Brings the sums to the state after step `t` (descs gives the step description for any t). */
  advanceTo(t: number, descAt: (t: number) => StepDesc): void {
    if (t < this.t) {
      // Back in time (the animation looped, or a seek): start over.
      this.data.fill(0);
      for (const b of this.blocks) b.fill(0);
      this.t = -1;
    }
    for (let s = this.t + 1; s <= t; s++) this.add(descAt(s));
    this.t = t;
  }

  private add(d: StepDesc): void {
    const { I, K, J, L, R, data } = this;
    const bs = d.blockSize;
    for (let bi = 0; bi < d.blocks.i; bi++) {
      for (let bj = 0; bj < d.blocks.j; bj++) {
        for (let bk = 0; bk < d.blocks.k; bk++) {
          for (let li = d.interior.i[0]; li < d.interior.i[1]; li++) {
            const i = bi * bs.i + li;
            if (i >= I) break;
            for (let lk = d.interior.k[0]; lk < d.interior.k[1]; lk++) {
              const k = bk * bs.k + lk;
              if (k >= K) break;
              const a = L[i * K + k]!;
              const part = this.blocks[bk];
              for (let lj = d.interior.j[0]; lj < d.interior.j[1]; lj++) {
                const j = bj * bs.j + lj;
                if (j >= J) break;
                const prod = a * R[k * J + j]!;
                data[i * J + j] += prod;
                if (part) part[i * J + j] += prod;
              }
            }
          }
        }
      }
    }
  }
}

/** Full partial sums of each k block of size `kSize`: the planes shown for non-accumulating algorithms. */
export function blockPartials(
  L: Float32Array,
  R: Float32Array,
  I: number,
  K: number,
  J: number,
  kSize: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let k0 = 0; k0 < K; k0 += kSize) {
    const p = new Float32Array(I * J);
    const k1 = Math.min(K, k0 + kSize);
    for (let i = 0; i < I; i++) {
      for (let k = k0; k < k1; k++) {
        const a = L[i * K + k]!;
        for (let j = 0; j < J; j++) p[i * J + j] += a * R[k * J + j]!;
      }
    }
    out.push(p);
  }
  return out;
}
