// Unit tests for src/core/tensor/init.ts against docs/parameters.md ("Initializers"), with values
// computed by hand.
import { describe, it, expect } from 'vitest';
import { initMatrix, type InitSpec } from '../../../src/core/tensor/init';

function spec(over: Partial<InitSpec>): InitSpec {
  return {
    name: 'M',
    h: 3,
    w: 4,
    init: 'row major',
    min: -1,
    max: 1,
    dropout: 0,
    seed: 0,
    expr: '',
    ...over,
  };
}
function grid(s: Partial<InitSpec>): number[][] {
  const full = spec(s);
  const d = initMatrix(full).data;
  expect(d.length).toBe(full.h * full.w);
  const out: number[][] = [];
  for (let i = 0; i < full.h; i++) out.push(Array.from(d.subarray(i * full.w, (i + 1) * full.w)));
  return out;
}
function expectGridClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i]!.length).toBe(want[i]!.length);
    for (let j = 0; j < want[i]!.length; j++)
      expect(got[i]![j]!, `[${i},${j}]`).toBeCloseTo(want[i]![j]!, 6);
  }
}
const thirds = (x: number): number => x / 3;
const elevenths = (x: number): number => x / 11;

describe('position-based initializers on 3x4, [min, max] = [-1, 1]', () => {
  it('rows: row i gets i/(h-1)', () => {
    expectGridClose(grid({ init: 'rows' }), [
      [-1, -1, -1, -1],
      [0, 0, 0, 0],
      [1, 1, 1, 1],
    ]);
  });

  it('cols: column j gets j/(w-1)', () => {
    const c = [-1, -1 + 2 * thirds(1), -1 + 2 * thirds(2), 1];
    expectGridClose(grid({ init: 'cols' }), [c, c, c]);
  });

  it('row major: (i*w + j)/(h*w - 1)', () => {
    const v = (x: number): number => -1 + 2 * elevenths(x);
    expectGridClose(grid({ init: 'row major' }), [
      [v(0), v(1), v(2), v(3)],
      [v(4), v(5), v(6), v(7)],
      [v(8), v(9), v(10), v(11)],
    ]);
  });

  it('col major: (j*h + i)/(h*w - 1)', () => {
    const v = (x: number): number => -1 + 2 * elevenths(x);
    expectGridClose(grid({ init: 'col major' }), [
      [v(0), v(3), v(6), v(9)],
      [v(1), v(4), v(7), v(10)],
      [v(2), v(5), v(8), v(11)],
    ]);
  });

  it('min/max map 0..1 onto [min, max] (here [10, 32])', () => {
    // row major on 3x4 with [10, 32]: 10 + 22 * x / 11 = 10 + 2x
    expectGridClose(grid({ init: 'row major', min: 10, max: 32 }), [
      [10, 12, 14, 16],
      [18, 20, 22, 24],
      [26, 28, 30, 32],
    ]);
    // rows with reversed range [1, -1]
    expectGridClose(grid({ init: 'rows', min: 1, max: -1 }), [
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [-1, -1, -1, -1],
    ]);
  });

  it('1-row, 1-column and 1x1 matrices are finite (no division by zero)', () => {
    for (const init of ['rows', 'cols', 'row major', 'col major']) {
      for (const [h, w] of [
        [1, 1],
        [1, 5],
        [5, 1],
      ] as const) {
        const d = initMatrix(spec({ init, h, w })).data;
        for (const x of d) expect(Number.isFinite(x)).toBe(true);
      }
    }
    // a single row under `rows` and a 1x5 under `cols`: cols still spread over the row
    expectGridClose(grid({ init: 'cols', h: 1, w: 5 }), [[-1, -0.5, 0, 0.5, 1]]);
    expectGridClose(grid({ init: 'rows', h: 5, w: 1 }), [[-1], [-0.5], [0], [0.5], [1]]);
  });
});

describe('algebraic initializers (ignore min/max)', () => {
  it('tril mask 3x4 and 4x3', () => {
    expect(grid({ init: 'tril mask', min: 5, max: 9 })).toEqual([
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
    ]);
    expect(grid({ init: 'tril mask', h: 4, w: 3 })).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('triu mask 3x4 and 4x3', () => {
    expect(grid({ init: 'triu mask', min: 5, max: 9 })).toEqual([
      [1, 1, 1, 1],
      [0, 1, 1, 1],
      [0, 0, 1, 1],
    ]);
    expect(grid({ init: 'triu mask', h: 4, w: 3 })).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
      [0, 0, 0],
    ]);
  });

  it('eye 3x4 and 4x3', () => {
    expect(grid({ init: 'eye', min: 5, max: 9 })).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(grid({ init: 'eye', h: 4, w: 3 })).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
  });

  it('diff 3x4 and 4x3: 1 on the diagonal, -1 where i == j+1', () => {
    expect(grid({ init: 'diff', min: 5, max: 9 })).toEqual([
      [1, 0, 0, 0],
      [-1, 1, 0, 0],
      [0, -1, 1, 0],
    ]);
    expect(grid({ init: 'diff', h: 4, w: 3 })).toEqual([
      [1, 0, 0],
      [-1, 1, 0],
      [0, -1, 1],
      [0, 0, -1],
    ]);
  });

  it('masks against the documented predicates on a 7x5', () => {
    const h = 7;
    const w = 5;
    const preds: Record<string, (i: number, j: number) => number> = {
      'tril mask': (i, j) => (j <= i ? 1 : 0),
      'triu mask': (i, j) => (j >= i ? 1 : 0),
      eye: (i, j) => (i === j ? 1 : 0),
      diff: (i, j) => (i === j ? 1 : i === j + 1 ? -1 : 0),
    };
    for (const [init, f] of Object.entries(preds)) {
      const g = grid({ init, h, w });
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) expect(g[i]![j], `${init} [${i},${j}]`).toBe(f(i, j));
    }
  });
});

function meanStd(d: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const x of d) s += x;
  const mean = s / d.length;
  let v = 0;
  for (const x of d) v += (x - mean) ** 2;
  return { mean, std: Math.sqrt(v / d.length) };
}

describe('random initializers', () => {
  it('uniform stays within [min, max] and covers it', () => {
    const d = initMatrix(spec({ init: 'uniform', h: 100, w: 100, min: 2, max: 5 })).data;
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of d) {
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThanOrEqual(5);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeLessThan(2.01);
    expect(hi).toBeGreaterThan(4.99);
    const { mean, std } = meanStd(d);
    expect(mean).toBeCloseTo(3.5, 1);
    expect(std).toBeCloseTo(3 / Math.sqrt(12), 1); // uniform std = width / sqrt(12)
  });

  it('gaussian: mean at the middle of [min, max], std half its width', () => {
    const d = initMatrix(spec({ init: 'gaussian', h: 200, w: 200, min: 2, max: 6 })).data;
    const { mean, std } = meanStd(d);
    expect(Math.abs(mean - 4)).toBeLessThan(0.05);
    expect(Math.abs(std - 2)).toBeLessThan(0.05);
    // defaults give N(0, 1)
    const n = meanStd(initMatrix(spec({ init: 'gaussian', h: 200, w: 200 })).data);
    expect(Math.abs(n.mean)).toBeLessThan(0.03);
    expect(Math.abs(n.std - 1)).toBeLessThan(0.03);
  });

  it('gaussian tails look normal (about 68% within one std)', () => {
    const d = initMatrix(spec({ init: 'gaussian', h: 200, w: 200 })).data;
    let within = 0;
    for (const x of d) if (Math.abs(x) < 1) within++;
    expect(within / d.length).toBeGreaterThan(0.66);
    expect(within / d.length).toBeLessThan(0.7);
  });

  it('pt linear: uniform in (-1/sqrt(w), 1/sqrt(w)), ignoring min/max', () => {
    for (const [h, w] of [
      [64, 16],
      [10, 100],
      [300, 4],
    ] as const) {
      const b = 1 / Math.sqrt(w);
      const d = initMatrix(spec({ init: 'pt linear', h, w, min: 10, max: 20 })).data;
      let hi = 0;
      for (const x of d) {
        expect(Math.abs(x)).toBeLessThanOrEqual(b + 1e-7);
        hi = Math.max(hi, Math.abs(x));
      }
      expect(hi).toBeGreaterThan(0.95 * b);
      expect(Math.abs(meanStd(d).mean)).toBeLessThan(0.1 * b);
    }
  });

  it('deterministic by (name, seed); different seeds and names give different values', () => {
    for (const init of ['uniform', 'gaussian', 'pt linear']) {
      const a = initMatrix(spec({ init, h: 8, w: 8, name: 'wQ', seed: 3 })).data;
      const b = initMatrix(spec({ init, h: 8, w: 8, name: 'wQ', seed: 3 })).data;
      expect(Array.from(b)).toEqual(Array.from(a));
      const c = initMatrix(spec({ init, h: 8, w: 8, name: 'wQ', seed: 4 })).data;
      const e = initMatrix(spec({ init, h: 8, w: 8, name: 'wK', seed: 3 })).data;
      let diffSeed = 0;
      let diffName = 0;
      for (let x = 0; x < 64; x++) {
        if (c[x] !== a[x]) diffSeed++;
        if (e[x] !== a[x]) diffName++;
      }
      expect(diffSeed).toBeGreaterThan(60);
      expect(diffName).toBeGreaterThan(60);
    }
  });

  it('large seeds (up to 2^31 - 1) give distinct streams', () => {
    const a = initMatrix(spec({ init: 'uniform', seed: 2 ** 31 - 1 })).data;
    const b = initMatrix(spec({ init: 'uniform', seed: 2 ** 31 - 2 })).data;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});

describe('dropout', () => {
  const kinds = ['rows', 'cols', 'row major', 'col major', 'uniform', 'gaussian', 'pt linear'];

  it('zeroes about that fraction of values for the kinds that take dropout', () => {
    for (const init of kinds) {
      // [1, 2] has no natural zeros; pt linear and gaussian have none with probability ~1
      const d = initMatrix(spec({ init, h: 100, w: 100, min: 1, max: 2, dropout: 0.3 })).data;
      let zeros = 0;
      for (const x of d) if (x === 0) zeros++;
      expect(zeros / d.length, init).toBeGreaterThan(0.27);
      expect(zeros / d.length, init).toBeLessThan(0.33);
    }
  });

  it('dropout 0 drops nothing, dropout 1 drops everything', () => {
    for (const init of kinds) {
      const none = initMatrix(spec({ init, h: 20, w: 20, min: 1, max: 2, dropout: 0 })).data;
      for (const x of none) expect(x).not.toBe(0);
      const all = initMatrix(spec({ init, h: 20, w: 20, min: 1, max: 2, dropout: 1 })).data;
      for (const x of all) expect(x).toBe(0);
    }
  });

  it('the kept values are unchanged', () => {
    const full = initMatrix(spec({ init: 'row major', h: 20, w: 20 })).data;
    const dropped = initMatrix(spec({ init: 'row major', h: 20, w: 20, dropout: 0.5 })).data;
    for (let x = 0; x < full.length; x++) if (dropped[x] !== 0) expect(dropped[x]).toBe(full[x]);
  });

  it('has no effect on masks, eye, diff and expr', () => {
    const cases: [string, string][] = [
      ['tril mask', ''],
      ['triu mask', ''],
      ['eye', ''],
      ['diff', ''],
      ['expr', 'i + j + 1'],
    ];
    for (const [init, expr] of cases) {
      const a = initMatrix(spec({ init, h: 10, w: 10, expr })).data;
      const b = initMatrix(spec({ init, h: 10, w: 10, expr, dropout: 0.9 })).data;
      expect(Array.from(b), init).toEqual(Array.from(a));
    }
  });

  it('is deterministic by (name, seed)', () => {
    const a = initMatrix(spec({ init: 'rows', h: 30, w: 30, dropout: 0.5, seed: 9 })).data;
    const b = initMatrix(spec({ init: 'rows', h: 30, w: 30, dropout: 0.5, seed: 9 })).data;
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('expr initializer', () => {
  it('evaluates a formula of i, j, h, w', () => {
    expect(grid({ init: 'expr', expr: 'i * 10 + j' })).toEqual([
      [0, 1, 2, 3],
      [10, 11, 12, 13],
      [20, 21, 22, 23],
    ]);
    expect(grid({ init: 'expr', expr: 'h * 100 + w' })).toEqual([
      [304, 304, 304, 304],
      [304, 304, 304, 304],
      [304, 304, 304, 304],
    ]);
    const r = initMatrix(
      spec({ init: 'expr', expr: '-2 * (Math.trunc(i / 8) % 2) + 1', h: 20, w: 2 }),
    );
    expect(r.error).toBeUndefined();
    const want = Array.from({ length: 20 }, (_, i) => (Math.floor(i / 8) % 2 === 1 ? -1 : 1));
    for (let i = 0; i < 20; i++) {
      expect(r.data[i * 2]).toBe(want[i]);
      expect(r.data[i * 2 + 1]).toBe(want[i]);
    }
  });

  it('ignores min/max', () => {
    expect(grid({ init: 'expr', expr: 'j', min: 100, max: 200 })[0]).toEqual([0, 1, 2, 3]);
  });

  it('a bad formula gives a zero matrix and an error', () => {
    for (const bad of ['i +', 'foo(i)', 'constructor', 'this.x', 'alert(1)', '(', 'i = 3']) {
      const r = initMatrix(spec({ init: 'expr', expr: bad }));
      expect(r.error, bad).toBeTruthy();
      expect(r.data.length).toBe(12);
      for (const x of r.data) expect(x).toBe(0);
    }
  });

  it('an empty formula is an error too, not silently zero', () => {
    const r = initMatrix(spec({ init: 'expr', expr: '' }));
    expect(r.error).toBeTruthy();
  });

  it('position-based inits report no error', () => {
    for (const init of [
      'rows',
      'cols',
      'row major',
      'col major',
      'uniform',
      'gaussian',
      'pt linear',
      'tril mask',
      'triu mask',
      'eye',
      'diff',
    ]) {
      expect(initMatrix(spec({ init })).error).toBeUndefined();
    }
  });

  it('an unknown initializer reports an error', () => {
    expect(initMatrix(spec({ init: 'ones' })).error).toBeTruthy();
  });
});
