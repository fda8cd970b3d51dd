// Unit tests for src/core/tensor/epilog.ts against docs/parameters.md ("Epilogs"), with values
// computed by hand or with reference formulas written here.
import { describe, it, expect } from 'vitest';
import { applyEpilog, erf } from '../../../src/core/tensor/epilog';
import { normalize } from '../../../src/core/params/normalize';

function run(epilog: string, values: number[], h: number, w: number, k = 1): number[] {
  const d = Float32Array.from(values);
  applyEpilog(epilog, d, h, w, k);
  return Array.from(d);
}
function close(got: number[], want: number[], digits = 6): void {
  expect(got.length).toBe(want.length);
  for (let x = 0; x < want.length; x++)
    expect(got[x]!, `element ${x}`).toBeCloseTo(want[x]!, digits);
}
/** Reference row softmax in float64, with optional causal mask. */
function softmaxRef(v: number[], h: number, w: number, scale: number, causal: boolean): number[] {
  const out = new Array<number>(h * w).fill(0);
  for (let i = 0; i < h; i++) {
    const lim = causal ? Math.min(i, w - 1) : w - 1;
    const row = v.slice(i * w, i * w + lim + 1).map((x) => x * scale);
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const s = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j <= lim; j++) out[i * w + j] = e[j]! / s;
  }
  return out;
}

const xs = [-3, -1, -0.5, 0, 0.5, 1, 2, 3];

describe('elementwise epilogs', () => {
  it('none leaves values alone', () => {
    expect(run('none', xs, 2, 4)).toEqual(xs);
  });

  it('relu', () => {
    expect(run('relu', xs, 2, 4)).toEqual([0, 0, 0, 0, 0.5, 1, 2, 3]);
  });

  it('gelu (erf form) at known points', () => {
    // 0.5 x (1 + erf(x / sqrt 2)); reference values from the standard normal CDF
    close(
      run('gelu', [1, -1, 0, 2, -3, 0.5], 1, 6),
      [0.8413447, -0.1586553, 0, 1.9544997, -0.0040497, 0.3457312],
      6,
    );
  });

  it('gelu is the erf form, not the tanh approximation', () => {
    // tanh approx at x = 3: 0.5*3*(1+tanh(sqrt(2/pi)*(3+0.044715*27))) = 2.99636...; erf form: 2.99595...
    const [g] = run('gelu', [3], 1, 1);
    expect(g).toBeCloseTo(2.9959502, 6);
  });

  it('erf itself at known points', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(0.5)).toBeCloseTo(0.5204999, 6);
    expect(erf(1)).toBeCloseTo(0.8427008, 6);
    expect(erf(-1)).toBeCloseTo(-0.8427008, 6);
    expect(erf(2)).toBeCloseTo(0.9953223, 6);
    expect(erf(10)).toBeCloseTo(1, 7);
  });

  it('sigmoid', () => {
    close(run('sigmoid', [0, 2, -2, 40, -40], 1, 5), [0.5, 0.8807971, 0.1192029, 1, 0]);
  });

  it('silu', () => {
    close(run('silu', [0, 1, -1, 3], 2, 2), [0, 0.7310586, -0.2689414, 2.8577223]);
  });

  it('tanh', () => {
    close(run('tanh', [0, 0.5, -1, 20], 2, 2), [0, 0.4621172, -0.7615942, 1]);
  });

  it('x**2', () => {
    expect(run('x**2', [-3, 0.5, 2, 0], 1, 4)).toEqual([9, 0.25, 4, 0]);
  });

  it('x/k and x/sqrt(k)', () => {
    expect(run('x/k', [8, -4, 2, 0], 2, 2, 4)).toEqual([2, -1, 0.5, 0]);
    expect(run('x/sqrt(k)', [8, -4, 2, 0], 2, 2, 16)).toEqual([2, -1, 0.5, 0]);
    close(run('x/sqrt(k)', [1], 1, 1, 2), [Math.SQRT1_2]);
  });
});

describe('layernorm (over the whole matrix, eps 1e-5)', () => {
  it('on [1, 2, 3, 4] as 2x2', () => {
    // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    const s = 1 / Math.sqrt(1.25 + 1e-5);
    close(run('layernorm', [1, 2, 3, 4], 2, 2), [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s]);
  });

  it('over the whole matrix, not per row', () => {
    // rows [0, 0] and [10, 10]: per-row normalization would give zeros
    const s = 1 / Math.sqrt(25 + 1e-5);
    close(run('layernorm', [0, 0, 10, 10], 2, 2), [-5 * s, -5 * s, 5 * s, 5 * s]);
  });

  it('a constant matrix gives zeros (eps keeps it finite)', () => {
    expect(run('layernorm', [3, 3, 3, 3, 3, 3], 2, 3)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('eps shows on a tiny variance', () => {
    // values ±0.001: variance 1e-6, so the result is 0.001 / sqrt(1.1e-5), not 1
    const want = 0.001 / Math.sqrt(1e-6 + 1e-5);
    close(run('layernorm', [0.001, -0.001], 1, 2), [want, -want], 5);
  });
});

describe('softmax family', () => {
  it('softmax by row', () => {
    const v = [1, 2, 3, 0, 0, 0];
    close(run('softmax', v, 2, 3), softmaxRef(v, 2, 3, 1, false));
    // by hand: row [1,2,3] -> e^(x-3) / sum = [0.0900306, 0.2447285, 0.6652410]
    close(run('softmax', v, 2, 3).slice(0, 3), [0.0900306, 0.2447285, 0.665241]);
    close(run('softmax', v, 2, 3).slice(3), [1 / 3, 1 / 3, 1 / 3]);
  });

  it('softmax is stable with huge inputs (1000, 1001)', () => {
    close(run('softmax', [1000, 1001], 1, 2), [0.2689414, 0.7310586]);
    close(run('softmax', [-1000, -1001, 3e30, 3e30], 2, 2), [0.7310586, 0.2689414, 0.5, 0.5]);
    for (const x of run('softmax', [1e30, 1e30, -1e30, 0], 1, 4))
      expect(Number.isFinite(x)).toBe(true);
  });

  it('rows sum to 1', () => {
    const v = Array.from({ length: 5 * 7 }, (_, x) => Math.sin(x * 1.7) * 4);
    const r = run('softmax', v, 5, 7);
    for (let i = 0; i < 5; i++)
      expect(r.slice(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('softmax(x/sqrt(k)) divides by sqrt(k) first', () => {
    const v = [2, 4, 6, -2, 0, 2];
    close(run('softmax(x/sqrt(k))', v, 2, 3, 4), softmaxRef(v, 2, 3, 0.5, false));
    // by hand, row [2,4,6]/2 = [1,2,3]
    close(run('softmax(x/sqrt(k))', v, 2, 3, 4).slice(0, 3), [0.0900306, 0.2447285, 0.665241]);
  });

  it('causal softmax(tril(x/sqrt(k))): zeros above the diagonal, rows sum to 1', () => {
    const h = 4;
    const w = 4;
    const v = [5, 900, 900, 900, 1, 3, 900, 900, 2, 2, 2, -900, 0, 1, 2, 3];
    const r = run('softmax(tril(x/sqrt(k)))', v, h, w, 9);
    for (let i = 0; i < h; i++) {
      let s = 0;
      for (let j = 0; j < w; j++) {
        if (j > i) expect(r[i * w + j], `[${i},${j}]`).toBe(0);
        s += r[i * w + j]!;
      }
      expect(s).toBeCloseTo(1, 6);
    }
    expect(r[0]).toBeCloseTo(1, 7); // row 0 has a single allowed entry
    // row 1: [1, 3] / 3 -> softmax([1/3, 1])
    const a = Math.exp(1 / 3);
    const b = Math.exp(1);
    expect(r[4]).toBeCloseTo(a / (a + b), 6);
    expect(r[5]).toBeCloseTo(b / (a + b), 6);
    // row 2: three equal values
    close(r.slice(8, 11), [1 / 3, 1 / 3, 1 / 3]);
    close(r, softmaxRef(v, h, w, 1 / 3, true));
  });

  it('causal softmax on non-square shapes (wide and tall)', () => {
    const wide = Array.from({ length: 2 * 5 }, (_, x) => x % 3);
    close(run('softmax(tril(x/sqrt(k)))', wide, 2, 5, 1), softmaxRef(wide, 2, 5, 1, true));
    const tall = Array.from({ length: 5 * 2 }, (_, x) => (x * 7) % 5);
    close(run('softmax(tril(x/sqrt(k)))', tall, 5, 2, 1), softmaxRef(tall, 5, 2, 1, true));
  });

  it('unscaled causal softmax(tril(x)) ignores k', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    close(run('softmax(tril(x))', v, 3, 3, 49), softmaxRef(v, 3, 3, 1, true));
    // row 1 by hand: softmax([4, 5]) = [1, e] / (1 + e)
    const r = run('softmax(tril(x))', v, 3, 3, 49);
    expect(r[3]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(r[5]).toBe(0);
  });

  it("the old 'softmax(tril(x/8))' is accepted by applyEpilog and by normalize", () => {
    const v = [1, 2, 3, 4];
    expect(() => run('softmax(tril(x/8))', v, 2, 2, 64)).not.toThrow();
    // with k = 64 the two spellings agree (sqrt(64) = 8)
    close(run('softmax(tril(x/8))', v, 2, 2, 64), softmaxRef(v, 2, 2, 1 / 8, true));
    const r = normalize({ epilog: 'softmax(tril(x/8))' });
    expect(['softmax(tril(x/8))', 'softmax(tril(x/sqrt(k)))']).toContain(r.params.epilog);
  });
});

describe('unknown epilogs', () => {
  it('throw rather than silently passing values through', () => {
    expect(() => run('exp', [1], 1, 1)).toThrow();
  });
});
