// Unit tests for src/core/tensor/matmul.ts and src/core/model/values.ts: products against a plain
// triple loop, whole expressions against an independent evaluation, caching, pooled levels.
import { describe, it, expect } from 'vitest';
import { matmul, matmulTScalar, rowProducts, transpose } from '../../../src/core/tensor/matmul';
import { kernelKind, wasmMatmul, wasmMatmulT } from '../../../src/core/tensor/wasm-kernel';
import { useWasmKernel } from '../../../src/compute/kernel';

useWasmKernel();
import {
  computeValues,
  poolLevel,
  poolLevels,
  statsOf,
  type MatrixValues,
} from '../../../src/core/model/values';
import { initMatrix } from '../../../src/core/tensor/init';
import { normalize } from '../../../src/core/params/normalize';
import type { Arg, MatrixArg, Params } from '../../../src/core/params/schema';
import { attentionState, rand } from './helpers';

function tripleLoop(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  I: number,
  K: number,
  J: number,
): Float64Array {
  const out = new Float64Array(I * J);
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * J + j]!;
      out[i * J + j] = s;
    }
  }
  return out;
}
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let x = 0; x < want.length; x++) {
    const w = want[x]!;
    const g = got[x]!;
    if (Number.isNaN(w)) expect(Number.isNaN(g), `element ${x}`).toBe(true);
    else
      expect(Math.abs(g - w), `element ${x}: ${g} vs ${w}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(w)),
      );
  }
}

describe('each kernel vs a plain triple loop', () => {
  type Kernel = (
    a: Float32Array,
    bt: Float32Array,
    I: number,
    K: number,
    J: number,
    out: Float32Array,
    onRows?: (r: number) => void,
  ) => void;
  const kernels: [string, Kernel][] = [
    [
      'JavaScript',
      (a, bt, I, K, J, out, onRows) => void matmulTScalar(a, bt, I, K, J, out, onRows),
    ],
    [
      'WebAssembly',
      (a, bt, I, K, J, out, onRows) => expect(wasmMatmulT(a, bt, I, K, J, out, onRows)).toBe(true),
    ],
    // The same kernel packing B from its rows (K x J) instead of its transpose.
    [
      'WebAssembly, B as it is',
      (a, bt, I, K, J, out, onRows) =>
        expect(wasmMatmul(a, transpose(bt, J, K), I, K, J, out, onRows)).toBe(true),
    ],
  ];
  // Odd sizes, k not a multiple of 4, and big enough for the column blocks and row chunks.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [2, 4, 2],
    [9, 130, 5],
    [37, 131, 41],
    [300, 70, 900],
    [1, 20000, 3],
  ];
  for (const [name, kernel] of kernels) {
    for (const [I, K, J] of shapes) {
      it(`${name}: ${I}x${K} @ ${K}x${J}`, () => {
        const a = rand(I * K, I + 31 * K);
        const b = rand(K * J, 7 * J + K);
        const out = new Float32Array(I * J).fill(NaN);
        const rows: number[] = [];
        kernel(a, transpose(b, K, J), I, K, J, out, (r) => rows.push(r));
        expectClose(out, tripleLoop(a, b, I, K, J));
        for (let x = 1; x < rows.length; x++) expect(rows[x]!).toBeGreaterThan(rows[x - 1]!);
        for (const r of rows) expect(r).toBeLessThanOrEqual(I);
      });
    }
    it(`${name}: NaN, infinities and cancellation`, () => {
      // Row 0 is 1e8 + 1 - 1e8 with all three in the same SIMD lane (k = 0, 4, 8): the JavaScript
      // kernel's float64 sums keep the 1, the WebAssembly kernel's float32 sums lose it, as
      // PyTorch's do (docs/numerics.md). Row 1 holds an infinity, row 2 a NaN; B is all ones.
      const K = 9;
      const a = new Float32Array(3 * K);
      a.set([1e8, 0, 0, 0, 1, 0, 0, 0, -1e8], 0);
      a[K + 2] = Infinity;
      a[2 * K + 5] = NaN;
      const b = new Float32Array(K * 2).fill(1);
      const out = new Float32Array(6);
      kernel(a, transpose(b, K, 2), 3, K, 2, out);
      const kept = name === 'JavaScript' ? 1 : 0;
      expect(Array.from(out.subarray(0, 4))).toEqual([kept, kept, Infinity, Infinity]);
      expect(Number.isNaN(out[4]!) && Number.isNaN(out[5]!)).toBe(true);
    });
  }
  it('row slices of one product with one B (rowProducts), and B reused in both layouts', () => {
    const I = 37,
      K = 50,
      J = 21;
    const a = rand(I * K, 8);
    const b = rand(K * J, 9);
    const product = rowProducts(b, K, J);
    const out = new Float32Array(I * J);
    for (let i0 = 0; i0 < I; i0 += 8) {
      const rows = Math.min(8, I - i0);
      product(a.subarray(i0 * K, (i0 + rows) * K), rows, out.subarray(i0 * J, (i0 + rows) * J));
    }
    expectClose(out, tripleLoop(a, b, I, K, J));
    // The same array packed as B and then taken as B transposed must be packed again.
    const sq = rand(K * K, 10);
    const x = rand(3 * K, 11);
    const o1 = new Float32Array(3 * K);
    const o2 = new Float32Array(3 * K);
    wasmMatmul(x, sq, 3, K, K, o1);
    wasmMatmulT(x, sq, 3, K, K, o2);
    expectClose(o1, tripleLoop(x, sq, 3, K, K));
    expectClose(o2, tripleLoop(x, transpose(sq, K, K), 3, K, K));
  });
  it('WebAssembly: a new B of the same size is not taken for the last one', () => {
    const a = rand(4 * 8, 1);
    const b1 = rand(8 * 4, 2);
    const b2 = rand(8 * 4, 3);
    const out = new Float32Array(16);
    wasmMatmulT(a, transpose(b1, 8, 4), 4, 8, 4, out);
    wasmMatmulT(a, transpose(b2, 8, 4), 4, 8, 4, out);
    expectClose(out, tripleLoop(a, b2, 4, 8, 4));
  });
});

describe('matmul vs a plain triple loop', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [5, 7, 3],
    [13, 17, 6],
    [33, 1, 9],
    [4, 4, 4],
    [2, 3, 1],
    [7, 2, 11],
    [64, 48, 5],
  ];
  for (const [I, K, J] of shapes) {
    it(`${I}x${K} @ ${K}x${J}`, () => {
      const a = rand(I * K, I * 100 + K);
      const b = rand(K * J, J * 1000 + K + 7);
      const c = matmul(a, b, I, K, J);
      expect(c).toBeInstanceOf(Float32Array);
      expectClose(c, tripleLoop(a, b, I, K, J));
    });
  }

  it('1x1 by hand: 3 * -2 = -6', () => {
    expect(Array.from(matmul(Float32Array.of(3), Float32Array.of(-2), 1, 1, 1))).toEqual([-6]);
  });

  it('2x3 @ 3x2 by hand', () => {
    // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
    const c = matmul(
      Float32Array.of(1, 2, 3, 4, 5, 6),
      Float32Array.of(7, 8, 9, 10, 11, 12),
      2,
      3,
      2,
    );
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('writes into the given output and returns it', () => {
    const out = new Float32Array(15).fill(99);
    const a = rand(5 * 7, 1);
    const b = rand(7 * 3, 2);
    const r = matmul(a, b, 5, 7, 3, out);
    expect(r).toBe(out);
    expectClose(out, tripleLoop(a, b, 5, 7, 3));
  });

  it('NaN in A[i, k] makes row i NaN and nothing else', () => {
    const I = 5,
      K = 7,
      J = 3;
    const a = rand(I * K, 3);
    const b = rand(K * J, 4);
    a[2 * K + 3] = NaN;
    const c = matmul(a, b, I, K, J);
    for (let i = 0; i < I; i++) {
      for (let j = 0; j < J; j++) expect(Number.isNaN(c[i * J + j]!), `[${i},${j}]`).toBe(i === 2);
    }
    expectClose(c, tripleLoop(a, b, I, K, J));
  });

  it('NaN in B[k, j] makes column j NaN; Infinity * 0 is NaN', () => {
    const I = 6,
      K = 4,
      J = 5;
    const a = rand(I * K, 5);
    const b = rand(K * J, 6);
    b[1 * J + 4] = NaN;
    const c = matmul(a, b, I, K, J);
    for (let i = 0; i < I; i++)
      for (let j = 0; j < J; j++) expect(Number.isNaN(c[i * J + j]!)).toBe(j === 4);
    const inf = matmul(Float32Array.of(Infinity, 1), Float32Array.of(0, 2), 1, 2, 1);
    expect(Number.isNaN(inf[0]!)).toBe(true);
    const big = matmul(Float32Array.of(Infinity, 1), Float32Array.of(1, 2), 1, 2, 1);
    expect(big[0]).toBe(Infinity);
  });

  it('accumulates in float32, as docs/numerics.md says (1e8 + 1 - 1e8 = 0)', () => {
    // a row [1e8, 1, -1e8] times a column of ones: float64 sums would give 1; float32 ones (the
    // WebAssembly kernel, in use here) give 0, as PyTorch does. Error bounds: numerics.test.ts.
    const c = matmul(Float32Array.of(1e8, 1, -1e8), Float32Array.of(1, 1, 1), 1, 3, 1);
    expect(c[0]).toBe(0);
  });

  it('the WebAssembly kernel is the one in use here (so the tests above test it)', () => {
    expect(kernelKind()).toBe('wasm');
  });

  it('progress callbacks never exceed the row count and only increase', () => {
    const seen: number[] = [];
    matmul(rand(40 * 3, 1), rand(3 * 2, 2), 40, 3, 2, undefined, (r) => seen.push(r));
    for (let x = 1; x < seen.length; x++) expect(seen[x]!).toBeGreaterThan(seen[x - 1]!);
    for (const r of seen) expect(r).toBeLessThanOrEqual(40);
  });
});

// ---- computeValues -------------------------------------------------------------------------

function leafValues(a: MatrixArg): Float64Array {
  return Float64Array.from(initMatrix(a).data);
}
function relu(v: Float64Array): Float64Array {
  return v.map((x) => (x < 0 ? 0 : x));
}
function softmaxRows(
  v: Float64Array,
  h: number,
  w: number,
  scale: number,
  causal: boolean,
): Float64Array {
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++) {
    const lim = causal ? Math.min(i, w - 1) : w - 1;
    let m = -Infinity;
    for (let j = 0; j <= lim; j++) m = Math.max(m, v[i * w + j]! * scale);
    let s = 0;
    for (let j = 0; j <= lim; j++) s += Math.exp(v[i * w + j]! * scale - m);
    for (let j = 0; j <= lim; j++) out[i * w + j] = Math.exp(v[i * w + j]! * scale - m) / s;
  }
  return out;
}
function applyRef(epilog: string, v: Float64Array, h: number, w: number, k: number): Float64Array {
  switch (epilog) {
    case 'none':
      return v;
    case 'relu':
      return relu(v);
    case 'tanh':
      return v.map(Math.tanh);
    case 'x**2':
      return v.map((x) => x * x);
    case 'x/k':
      return v.map((x) => x / k);
    case 'softmax':
      return softmaxRows(v, h, w, 1, false);
    case 'softmax(x/sqrt(k))':
      return softmaxRows(v, h, w, 1 / Math.sqrt(k), false);
    case 'softmax(tril(x/sqrt(k)))':
      return softmaxRows(v, h, w, 1 / Math.sqrt(k), true);
    case 'layernorm': {
      const n = v.length;
      const mean = v.reduce((a, b) => a + b, 0) / n;
      const vr = v.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      return v.map((x) => (x - mean) / Math.sqrt(vr + 1e-5));
    }
    default:
      throw new Error(`no reference for ${epilog}`);
  }
}
interface RefVal {
  h: number;
  w: number;
  v: Float64Array;
}
/** Independent evaluation: leaves from initMatrix, products and epilogs computed here. */
function evaluate(p: Params): Map<string, RefVal> {
  const out = new Map<string, RefVal>();
  const go = (a: Arg | Params, path: string): RefVal => {
    let r: RefVal;
    if ('matmul' in a && a.matmul === false) {
      r = { h: a.h, w: a.w, v: leafValues(a) };
    } else {
      const m = a as { left: Arg; right: Arg; epilog: string };
      const L = go(m.left, path === 'root' ? 'left' : `${path}.left`);
      const R = go(m.right, path === 'root' ? 'right' : `${path}.right`);
      expect(L.w).toBe(R.h);
      r = {
        h: L.h,
        w: R.w,
        v: applyRef(m.epilog, tripleLoop(L.v, R.v, L.h, L.w, R.w), L.h, R.w, L.w),
      };
    }
    out.set(path, r);
    return r;
  };
  go(p, 'root');
  return out;
}

describe('computeValues', () => {
  it('an attention-like expression with epilogs at every level equals an independent computation', () => {
    const p = attentionState();
    expect(p.expr).toBe('out = (attn = (Q = x @ wQ) @ (K = wK @ xt)) @ (V = x @ wV)');
    const ref = evaluate(p);
    const got = computeValues(p).values;
    for (const key of [
      'root',
      'left',
      'left.left',
      'left.right',
      'right',
      'left.left.left',
      'left.left.right',
      'left.right.left',
      'left.right.right',
      'right.left',
      'right.right',
    ]) {
      const r = ref.get(key)!;
      const g = got.get(key);
      expect(g, key).toBeDefined();
      expect([g!.h, g!.w], key).toEqual([r.h, r.w]);
      expectClose(g!.data, r.v, 1e-4);
    }
    // the causal attention matrix: zeros above the diagonal
    const attn = got.get('left')!;
    for (let i = 0; i < attn.h; i++)
      for (let j = i + 1; j < attn.w; j++) expect(attn.data[i * attn.w + j]).toBe(0);
  });

  it('left- and right-associative chains and a binary tree', () => {
    for (const expr of ['A @ B @ C @ D', 'A @ (B @ (C @ D))', '(A @ B) @ (C @ D)']) {
      const p = normalize({ expr }).params;
      // uneven shapes and varied inits, set through normalize so shapes are consistent
      const q = normalize(
        JSON.parse(JSON.stringify(p).replace(/"h":32,"w":32/g, '"h":5,"w":3')),
      ).params;
      q.epilog = 'softmax';
      const ref = evaluate(q);
      const got = computeValues(q).values;
      for (const [key, r] of ref) expectClose(got.get(key)!.data, r.v, 1e-4);
    }
  });

  it('statistics: maxAbs, minAbs, nonFinite', () => {
    const s = statsOf(Float32Array.of(0.5, -3, NaN, 2, Infinity, -0.25));
    expect(s).toEqual({ maxAbs: 3, minAbs: 0.25, nonFinite: 2 });
    const v = computeValues(
      normalize({
        left: { h: 3, w: 2, init: 'eye' },
        right: { w: 2, init: 'rows', min: 1, max: 4 },
      }).params,
    ).values.get('root')!;
    // eye 3x2 @ rows 2x2 ([1,1],[4,4]) = [[1,1],[4,4],[0,0]]
    expect(Array.from(v.data)).toEqual([1, 1, 4, 4, 0, 0]);
    expect(v.stats.maxAbs).toBe(4);
    expect(v.stats.minAbs).toBe(0);
  });

  it('progress reaches 1', () => {
    let last = 0;
    computeValues(attentionState(), {
      onProgress: (f) => {
        last = f;
      },
    });
    expect(last).toBeCloseTo(1, 9);
  });

  /** The attention state computed once with a cache filled by key (as compute-client and the worker do), and a copy to edit. */
  function computedOnce(): {
    cache: Map<string, MatrixValues>;
    first: ReturnType<typeof computeValues>;
    q: Params;
  } {
    const p = attentionState();
    const cache = new Map<string, MatrixValues>();
    const first = computeValues(p, { cache });
    for (const [path, key] of first.keys) cache.set(key, first.values.get(path)!);
    return { cache, first, q: JSON.parse(JSON.stringify(p)) as Params };
  }

  it('caching: a second compute with one leaf changed reuses the unaffected results', () => {
    const { cache, first, q } = computedOnce();
    // change wV (right.right): only right and root depend on it
    if (!q.right.matmul || q.right.right.matmul) throw new Error('structure');
    q.right.right.seed = 99;
    q.right.right.init = 'uniform';
    const second = computeValues(q, { cache });
    for (const key of [
      'left',
      'left.left',
      'left.right',
      'left.left.left',
      'left.left.right',
      'left.right.left',
      'left.right.right',
      'right.left',
    ]) {
      expect(second.values.get(key), key).toBe(first.values.get(key));
    }
    for (const key of ['right', 'right.right', 'root']) {
      expect(second.values.get(key), key).not.toBe(first.values.get(key));
    }
    // and the new values are right
    const ref = evaluate(q);
    for (const [key, r] of ref) expectClose(second.values.get(key)!.data, r.v, 1e-4);
  });

  it('caching: an epilog change recomputes that matmul and its ancestors only', () => {
    const { cache, first, q } = computedOnce();
    if (!q.left.matmul || !q.left.left.matmul) throw new Error('structure');
    q.left.left.epilog = 'x**2';
    const second = computeValues(q, { cache });
    for (const key of ['left.right', 'right', 'left.left.left', 'left.left.right'])
      expect(second.values.get(key), key).toBe(first.values.get(key));
    for (const key of ['left.left', 'left', 'root'])
      expect(second.values.get(key), key).not.toBe(first.values.get(key));
    const ref = evaluate(q);
    for (const [key, r] of ref) expectClose(second.values.get(key)!.data, r.v, 1e-4);
  });

  it('an init: expr leaf with a bad formula carries its error', () => {
    const p = normalize({
      left: { h: 2, w: 2, init: 'expr', expr: 'i +' },
      right: { w: 2 },
    }).params;
    const v = computeValues(p).values;
    expect(v.get('left')!.error).toBeTruthy();
    expect(Array.from(v.get('left')!.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(v.get('root')!.data)).toEqual([0, 0, 0, 0]);
  });
});

describe('poolLevel', () => {
  it('holds the mean magnitude of each 2x2 block with the sign of its sum (4x4 -> 2x2, by hand)', () => {
    const src = Float32Array.of(1, -2, 0.5, 0.25, 0.1, 0.2, 3, -4, -9, 8, 0, 0, 7, 6, 0, -0.5);
    const l = poolLevel({ h: 4, w: 4, data: src });
    expect([l.h, l.w]).toEqual([2, 2]);
    // |1|+|-2|+|0.1|+|0.2| = 3.3, sum -0.7; 0.5+0.25+3+4 = 7.75, sum -0.25; 9+8+7+6 = 30, sum 12;
    // 0.5, sum -0.5.
    const want = [-3.3 / 4, -7.75 / 4, 30 / 4, -0.5 / 4];
    l.data.forEach((x, n) => expect(x).toBeCloseTo(want[n]!, 6));
  });

  it('pools zeros to zero, and a tie of signs to positive', () => {
    const l = poolLevel({ h: 2, w: 4, data: Float32Array.of(0, 0, 1, -1, 0, 0, -1, 1) });
    expect(Array.from(l.data)).toEqual([0, 1]);
  });

  it('GL mip sizes: max(1, floor(n/2))', () => {
    const cases: [number, number][] = [
      [5, 7],
      [1, 9],
      [33, 1],
      [2, 2],
      [1, 1],
      [3, 3],
      [4096, 3],
    ];
    for (const [h, w] of cases) {
      const l = poolLevel({ h, w, data: rand(h * w, h + w) });
      expect([l.h, l.w], `${h}x${w}`).toEqual([
        Math.max(1, Math.floor(h / 2)),
        Math.max(1, Math.floor(w / 2)),
      ]);
      expect(l.data.length).toBe(l.h * l.w);
    }
  });

  it('poolLevels go down to 1x1 with mip sizes; odd leftovers join the last cell', () => {
    for (const [h, w] of [
      [5, 7],
      [33, 1],
      [13, 17],
      [1, 9],
      [6, 6],
    ] as const) {
      const data = rand(h * w, h * w);
      const levels = poolLevels(h, w, data);
      let eh: number = h;
      let ew: number = w;
      let prev: { h: number; w: number; data: Float32Array } = { h, w, data };
      for (const l of levels) {
        eh = Math.max(1, Math.floor(eh / 2));
        ew = Math.max(1, Math.floor(ew / 2));
        expect([l.h, l.w]).toEqual([eh, ew]);
        // Each pooled cell against the cells it covers in the level below, listed by hand: rows
        // 2a and 2a+1 (through the last row for the last cell; a single row when there is one),
        // the same for columns.
        for (let a = 0; a < l.h; a++)
          for (let b = 0; b < l.w; b++) {
            const r0 = Math.min(prev.h - 1, 2 * a);
            const r1 = a === l.h - 1 ? prev.h - 1 : 2 * a + 1;
            const c0 = Math.min(prev.w - 1, 2 * b);
            const c1 = b === l.w - 1 ? prev.w - 1 : 2 * b + 1;
            let sum = 0,
              abs = 0,
              n = 0;
            for (let r = r0; r <= r1; r++)
              for (let c = c0; c <= c1; c++) {
                const x = prev.data[r * prev.w + c]!;
                sum += x;
                abs += Math.abs(x);
                n++;
              }
            expect(l.data[a * l.w + b]).toBeCloseTo((sum < 0 ? -1 : 1) * (abs / n), 5);
          }
        prev = l;
      }
      const last = levels[levels.length - 1]!;
      expect([last.h, last.w]).toEqual([1, 1]);
    }
  });

  it('a 1x1 matrix has no levels', () => {
    expect(poolLevels(1, 1, Float32Array.of(3))).toEqual([]);
  });

  it('NaN survives pooling (so it is still shown distinctly)', () => {
    const l = poolLevel({ h: 2, w: 2, data: Float32Array.of(1, NaN, 5, -7) });
    expect(Number.isNaN(l.data[0]!)).toBe(true);
  });
});
