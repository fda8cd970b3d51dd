import { describe, it, expect } from 'vitest';
import {
  blockExtents,
  blockSize,
  effectiveBlocks,
  propagateBlocks,
  currentBlocks,
  unifyBlocks,
} from '../../../src/core/anim/blocks';
import { mat, mm } from './helpers';
import type { AnimNode } from '../../../src/core/anim/types';

const obj = (m: Map<string, { i: number; k: number; j: number }>) =>
  Object.fromEntries([...m].map(([id, b]) => [id, `${b.i}${b.k}${b.j}`]));

describe('blockExtents', () => {
  it('cuts into equal blocks of ceil(n/count), last shorter', () => {
    expect(blockExtents(7, 3)).toEqual([
      { start: 0, size: 3 },
      { start: 3, size: 3 },
      { start: 6, size: 1 },
    ]);
    expect(blockExtents(8, 4)).toEqual([0, 2, 4, 6].map((start) => ({ start, size: 2 })));
    expect(blockExtents(5, 1)).toEqual([{ start: 0, size: 5 }]);
    // n = 5, count = 4: blocks of 2 -> only 3 blocks exist
    expect(blockExtents(5, 4)).toEqual([
      { start: 0, size: 2 },
      { start: 2, size: 2 },
      { start: 4, size: 1 },
    ]);
    expect(effectiveBlocks(5, 4)).toBe(3);
  });
  it('clamps count to 1..n', () => {
    expect(blockExtents(3, 10)).toEqual([0, 1, 2].map((start) => ({ start, size: 1 })));
    expect(blockExtents(4, 0)).toEqual([{ start: 0, size: 4 }]);
    expect(blockExtents(4, -3)).toEqual([{ start: 0, size: 4 }]);
    expect(blockSize(4, NaN)).toBe(4);
  });
  it('tiles every length exactly (against a plain loop)', () => {
    for (let n = 1; n <= 40; n++)
      for (let c = 1; c <= 17; c++) {
        const ext = blockExtents(n, c);
        const cc = Math.min(c, n),
          size = Math.ceil(n / cc);
        const covered: number[] = [];
        for (const e of ext) for (let x = 0; x < e.size; x++) covered.push(e.start + x);
        expect(covered).toEqual([...Array(n).keys()]);
        expect(
          ext.every(
            (e, idx) => e.size === (idx < ext.length - 1 ? size : n - size * (ext.length - 1)),
          ),
        ).toBe(true);
        expect(ext.length).toBeLessThanOrEqual(cc);
        expect(ext.length).toBe(effectiveBlocks(n, c));
      }
  });
});

describe('propagateBlocks', () => {
  // A @ B @ C @ D = ((A @ B) @ C) @ D
  const leftChain = (): AnimNode =>
    mm('ABCD', mm('ABC', mm('AB', mat('A', 8, 8), mat('B', 8, 8)), mat('C', 8, 8)), mat('D', 8, 8));
  // A @ (B @ (C @ D))
  const rightChain = (): AnimNode =>
    mm('ABCD', mat('A', 8, 8), mm('BCD', mat('B', 8, 8), mm('CD', mat('C', 8, 8), mat('D', 8, 8))));
  // (A @ B) @ (C @ D)
  const binary = (): AnimNode =>
    mm('ABCD', mm('AB', mat('A', 8, 8), mat('B', 8, 8)), mm('CD', mat('C', 8, 8), mat('D', 8, 8)));

  it('reads current counts', () => {
    const t = mm('X', mat('A', 4, 4), mat('B', 4, 4), 'vmprod', { i: 2, k: 3, j: 4 });
    expect(obj(currentBlocks(t))).toEqual({ X: '234' });
  });

  it('left chain: i runs along the whole chain from any member', () => {
    for (const at of ['AB', 'ABC', 'ABCD'])
      expect(obj(propagateBlocks(leftChain(), at, 'i', 4))).toEqual({
        AB: '411',
        ABC: '411',
        ABCD: '411',
      });
  });
  it('left chain: j of the root stays on it; j of a left child is its parent k (shared matrix)', () => {
    expect(obj(propagateBlocks(leftChain(), 'ABCD', 'j', 2))).toEqual({
      AB: '111',
      ABC: '111',
      ABCD: '112',
    });
    // A @ B is cut along its columns, and it is ABC's left argument, whose columns are ABC's k.
    expect(obj(propagateBlocks(leftChain(), 'AB', 'j', 2))).toEqual({
      AB: '112',
      ABC: '121',
      ABCD: '111',
    });
  });
  it('left chain: k becomes j on the left child only', () => {
    expect(obj(propagateBlocks(leftChain(), 'ABCD', 'k', 3))).toEqual({
      AB: '111',
      ABC: '113',
      ABCD: '131',
    });
    expect(obj(propagateBlocks(leftChain(), 'ABC', 'k', 3))).toEqual({
      AB: '113',
      ABC: '131',
      ABCD: '111',
    });
    expect(obj(propagateBlocks(leftChain(), 'AB', 'k', 3))).toEqual({
      AB: '131',
      ABC: '111',
      ABCD: '111',
    });
  });

  it('right chain: j runs along the whole chain', () => {
    for (const at of ['CD', 'BCD', 'ABCD'])
      expect(obj(propagateBlocks(rightChain(), at, 'j', 4))).toEqual({
        CD: '114',
        BCD: '114',
        ABCD: '114',
      });
  });
  it('right chain: i does not enter a right child; i of a right child is its parent k', () => {
    expect(obj(propagateBlocks(rightChain(), 'ABCD', 'i', 2))).toEqual({
      CD: '111',
      BCD: '111',
      ABCD: '211',
    });
    // C @ D's rows are the rows of BCD's right argument, i.e. BCD's k.
    expect(obj(propagateBlocks(rightChain(), 'CD', 'i', 2))).toEqual({
      CD: '211',
      BCD: '121',
      ABCD: '111',
    });
  });
  it('right chain: k becomes i on the right child', () => {
    expect(obj(propagateBlocks(rightChain(), 'ABCD', 'k', 2))).toEqual({
      CD: '111',
      BCD: '211',
      ABCD: '121',
    });
    expect(obj(propagateBlocks(rightChain(), 'BCD', 'k', 2))).toEqual({
      CD: '211',
      BCD: '121',
      ABCD: '111',
    });
  });

  it('binary tree: i reaches the left child, j the right child, k both (as j / i)', () => {
    expect(obj(propagateBlocks(binary(), 'ABCD', 'i', 2))).toEqual({
      AB: '211',
      CD: '111',
      ABCD: '211',
    });
    expect(obj(propagateBlocks(binary(), 'AB', 'i', 2))).toEqual({
      AB: '211',
      CD: '111',
      ABCD: '211',
    });
    // C @ D's rows are the root's k, which is also A @ B's columns.
    expect(obj(propagateBlocks(binary(), 'CD', 'i', 2))).toEqual({
      AB: '112',
      CD: '211',
      ABCD: '121',
    });
    expect(obj(propagateBlocks(binary(), 'ABCD', 'j', 3))).toEqual({
      AB: '111',
      CD: '113',
      ABCD: '113',
    });
    expect(obj(propagateBlocks(binary(), 'CD', 'j', 3))).toEqual({
      AB: '111',
      CD: '113',
      ABCD: '113',
    });
    expect(obj(propagateBlocks(binary(), 'AB', 'j', 3))).toEqual({
      AB: '113',
      CD: '311',
      ABCD: '131',
    });
    expect(obj(propagateBlocks(binary(), 'ABCD', 'k', 4))).toEqual({
      AB: '114',
      CD: '411',
      ABCD: '141',
    });
  });

  it('deeper: k on the root of (A @ (B @ C)) @ ((D @ E) @ F) reaches the far chains', () => {
    const t = mm(
      'root',
      mm('L', mat('A', 6, 6), mm('BC', mat('B', 6, 6), mat('C', 6, 6))),
      mm('R', mm('DE', mat('D', 6, 6), mat('E', 6, 6)), mat('F', 6, 6)),
    );
    // k -> j on L, which runs down L's right chain into BC; k -> i on R, down R's left chain into DE
    expect(obj(propagateBlocks(t, 'root', 'k', 2))).toEqual({
      BC: '112',
      L: '112',
      DE: '211',
      R: '211',
      root: '121',
    });
  });

  it('keeps other counts, does not mutate the tree, rejects unknown ids', () => {
    const t = mm(
      'ABCD',
      mm('AB', mat('A', 8, 8), mat('B', 8, 8), 'none', { k: 2 }),
      mm('CD', mat('C', 8, 8), mat('D', 8, 8)),
    );
    expect(obj(propagateBlocks(t, 'ABCD', 'j', 2))).toEqual({ AB: '121', CD: '112', ABCD: '112' });
    expect(obj(currentBlocks(t))).toEqual({ AB: '121', CD: '111', ABCD: '111' });
    expect(() => propagateBlocks(t, 'nope', 'i', 2)).toThrow();
  });
});

describe('unifyBlocks (counts from a link that sets one matmul only)', () => {
  const withBlocks = (
    n: AnimNode,
    id: string,
    b: { i: number; k: number; j: number },
  ): AnimNode => {
    if (n.kind !== 'matmul') return n;
    return {
      ...n,
      blocks: n.id === id ? b : n.blocks,
      left: withBlocks(n.left, id, b),
      right: withBlocks(n.right, id, b),
    };
  };
  const chain = (): AnimNode => mm('ABC', mm('AB', mat('A', 6, 6), mat('B', 6, 6)), mat('C', 6, 6));
  it('a root count reaches the matmuls sharing the dimension, and only those', () => {
    const t = withBlocks(chain(), 'ABC', { i: 2, k: 3, j: 1 });
    const u = unifyBlocks(t);
    // AB shares i with ABC; AB's columns are ABC's k.
    expect(u.get('AB')).toEqual({ i: 2, k: 1, j: 3 });
    expect(u.get('ABC')).toEqual({ i: 2, k: 3, j: 1 });
  });
  it('a count nearer the root wins over a conflicting deeper one; a lone deeper one spreads up', () => {
    let t = withBlocks(chain(), 'ABC', { i: 2, k: 1, j: 1 });
    t = withBlocks(t, 'AB', { i: 4, k: 1, j: 5 });
    const u = unifyBlocks(t);
    expect(u.get('ABC')).toEqual({ i: 2, k: 5, j: 1 });
    expect(u.get('AB')).toEqual({ i: 2, k: 1, j: 5 });
  });
});
