// Products split by rows between two threads, each finishing its own rows (core/model/split.ts):
// the joined result must be what finishing the whole matrix at once gives, bit for bit (values,
// statistics, every pooled level), since the page draws whichever it receives.
import { describe, it, expect } from 'vitest';
import {
  type MatrixValues,
  type MultiplyJob,
  type ProductResult,
  computeValues,
  computeValuesAsync,
  finishRowBlock,
  joinRowBlocks,
  poolLevels,
  rowSplit,
  statsOf,
} from '../../../src/core/model/values';
import { farProduct, productInTwo } from '../../../src/core/model/split';
import { applyEpilog, rowwise } from '../../../src/core/tensor/epilog';
import { matmul } from '../../../src/core/tensor/matmul';
import { EPILOGS } from '../../../src/core/params/schema';
import { useWasmKernel } from '../../../src/compute/kernel';
import { attentionState, rand } from './helpers';

useWasmKernel();

// Every epilog the tool offers that works row by row (all but layernorm).
const ROWWISE = EPILOGS.filter(rowwise);

/** Values with a NaN, an infinity and an exact zero among them (statistics and pooling treat them apart). */
function values(n: number, seed: number): Float32Array {
  const d = rand(n, seed);
  if (n > 7) {
    d[3] = 0;
    d[n - 2] = Infinity;
  }
  if (n > 11) d[7] = NaN;
  return d;
}

function expectSameBits(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let diff = -1;
  for (let i = 0; i < ua.length && diff < 0; i++) if (ua[i] !== ub[i]) diff = i;
  expect(diff, `${what}: first differing index`).toBe(-1);
}

describe('rowSplit', () => {
  it('gives an even first block and at least two rows after it, or null', () => {
    for (let rows = 4; rows < 40; rows++) {
      const s = rowSplit(rows, 'gelu')!;
      expect(s % 2, `rows ${rows}`).toBe(0);
      expect(s, `rows ${rows}`).toBeGreaterThanOrEqual(2);
      expect(rows - s, `rows ${rows}`).toBeGreaterThanOrEqual(2);
      expect(Math.abs(rows - 2 * s), `rows ${rows}`).toBeLessThanOrEqual(3);
    }
    expect(rowSplit(3, 'gelu')).toBeNull();
    expect(rowSplit(100, 'layernorm')).toBeNull();
    expect(rowwise('layernorm')).toBe(false);
    expect(ROWWISE.length).toBe(EPILOGS.length - 1);
  });

  it('a block of rows cannot take an epilog that needs the whole matrix', () => {
    expect(() => applyEpilog('layernorm', new Float32Array(8), 2, 4, 3, 2)).toThrow(/whole matrix/);
  });
});

describe('finishRowBlock and joinRowBlocks', () => {
  it('equal finishing the whole matrix at once, for every row-wise epilog and odd and even shapes', () => {
    let cases = 0;
    for (const epilog of ROWWISE)
      for (const [h, w] of [
        [4, 3],
        [5, 8],
        [7, 1],
        [10, 9],
        [13, 6],
      ] as const) {
        const k = 5;
        const whole = values(h * w, h * 31 + w);
        const top = rowSplit(h, epilog)!;
        const blocks = [
          finishRowBlock(epilog, whole.slice(0, top * w), top, w, k, 0),
          finishRowBlock(epilog, whole.slice(top * w), h - top, w, k, top),
        ];
        const joined = joinRowBlocks(blocks, w);
        applyEpilog(epilog, whole, h, w, k);
        const what = `${epilog} ${h}x${w}`;
        expectSameBits(joined.data, whole, `${what} values`);
        expect(joined.stats, what).toEqual(statsOf(whole));
        const levels = poolLevels(h, w, whole);
        expect([joined.level1.h, joined.level1.w], what).toEqual([levels[0]!.h, levels[0]!.w]);
        expectSameBits(joined.level1.data, levels[0]!.data, `${what} level 1`);
        cases++;
      }
    expect(cases).toBe(ROWWISE.length * 5);
  });

  it('the causal softmax of the second block keeps as many columns as its rows have above them', () => {
    const h = 8;
    const w = 8;
    const blocks = [0, 4].map((row0) =>
      finishRowBlock('softmax(tril(x))', new Float32Array(4 * w).fill(1), 4, w, 1, row0),
    );
    const d = joinRowBlocks(blocks, w).data;
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        expect(d[i * w + j], `row ${i} col ${j}`).toBeCloseTo(j <= i ? 1 / (i + 1) : 0, 6);
  });

  it('statistics of blocks with nothing finite in one of them', () => {
    const w = 2;
    const a = finishRowBlock('none', new Float32Array([NaN, Infinity, -Infinity, NaN]), 2, w, 1, 0);
    const b = finishRowBlock('none', new Float32Array([0.5, -2, 0.25, 1]), 2, w, 1, 2);
    expect(joinRowBlocks([a, b], w).stats).toEqual({ maxAbs: 2, minAbs: 0.25, nonFinite: 4 });
    expect(joinRowBlocks([a, a], w).stats).toEqual({ maxAbs: 0, minAbs: 0, nonFinite: 8 });
  });
});

describe('productInTwo', () => {
  const job = (I: number, K: number, J: number, epilog: string, seed: number): MultiplyJob => ({
    a: rand(I * K, seed),
    b: rand(K * J, seed + 1),
    I,
    K,
    J,
    epilog,
    onFraction: () => undefined,
  });

  it('joins two finished blocks for a row-wise epilog and two bare blocks otherwise', async () => {
    for (const epilog of ['gelu', 'softmax(tril(x/sqrt(k)))', 'layernorm']) {
      const j = job(21, 17, 9, epilog, 5);
      const sent: number[] = [];
      const r = await productInTwo(j, async (block) => {
        sent.push(block.I);
        // The far side gets copies of its rows of A and of B, which it may keep.
        expect(block.a.buffer).not.toBe(j.a.buffer);
        expect(block.b.buffer).not.toBe(j.b.buffer);
        return farProduct(block);
      });
      const whole = matmul(j.a, j.b, j.I, j.K, j.J);
      if (rowwise(epilog)) {
        expect(sent).toEqual([rowSplit(21, epilog)]);
        expect(r instanceof Float32Array).toBe(false);
        applyEpilog(epilog, whole, j.I, j.J, j.K);
        const f = r as Exclude<ProductResult, Float32Array>;
        expectSameBits(f.data, whole, epilog);
        expectSameBits(f.level1.data, poolLevels(j.I, j.J, whole)[0]!.data, `${epilog} level 1`);
      } else {
        expect(sent).toEqual([10]);
        expect(r instanceof Float32Array).toBe(true);
        expectSameBits(r as Float32Array, whole, epilog);
      }
    }
  });

  it('a whole traversal driven by it equals the one-thread traversal, bit for bit', async () => {
    // Every product of this expression is split, layernorm (not row-wise) included.
    const p = attentionState();
    const one = computeValues(p).values;
    let splits = 0;
    const two = (
      await computeValuesAsync(p, {}, async (j) => {
        if (j.I === 0) return new Float32Array(0);
        splits++;
        return productInTwo(j, async (block) => farProduct(block));
      })
    ).values;
    expect(splits).toBe(5);
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, v] of one) {
      const u = two.get(path) as MatrixValues;
      expect([u.h, u.w], path).toEqual([v.h, v.w]);
      expectSameBits(u.data, v.data, `${path} values`);
      expect(u.stats, path).toEqual(v.stats);
      expect(u.levels.length, path).toBe(v.levels.length);
      v.levels.forEach((l, i) => {
        expect([u.levels[i]!.h, u.levels[i]!.w], `${path} level ${i + 1}`).toEqual([l.h, l.w]);
        expectSameBits(u.levels[i]!.data, l.data, `${path} level ${i + 1}`);
      });
    }
  });
});
