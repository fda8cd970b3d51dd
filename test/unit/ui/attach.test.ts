// The pure steps of `{setData}`: which matrices a path names, reading the npy payload, shapes.
import { describe, expect, it } from 'vitest';
import { dataName, findLeaves, matrixShape, npyBytes } from '../../../src/ui/attach';
import { normalize } from '../../../src/core/params/normalize';
import { defaultParams } from '../../../src/core/params/schema';
import { DataError } from '../../../src/data/types';

const tree = (expr: string) => normalize({ ...defaultParams(), expr }, { fromExpr: true }).params;

describe('findLeaves', () => {
  const p = tree('out = (A @ B) @ C');
  it('finds a leaf by its path', () => {
    expect(findLeaves(p, 'left.left')).toEqual([['left', 'left']]);
    expect(findLeaves(p, 'right')).toEqual([['right']]);
    expect(findLeaves(p, ['left', 'right'])).toEqual([['left', 'right']]);
  });
  it('finds a leaf by its name', () => {
    expect(findLeaves(p, 'A')).toEqual([['left', 'left']]);
    expect(findLeaves(p, 'B')).toEqual([['left', 'right']]);
    expect(findLeaves(p, 'C')).toEqual([['right']]);
  });
  it('finds every matrix of a repeated name', () => {
    expect(findLeaves(tree('X @ X'), 'X')).toEqual([['left'], ['right']]);
  });
  it('names the matrices when the path is unknown', () => {
    expect(() => findLeaves(p, 'D')).toThrow(/no matrix "D".*A \(left\.left\).*C \(right\)/);
    expect(() => findLeaves(p, 'left')).toThrow(/no matrix "left"/); // a matmul, not a matrix
  });
  it('refuses paths that are not text', () => {
    for (const bad of [undefined, null, 3, {}, '', 'x'.repeat(201), [1, 2]])
      expect(() => findLeaves(p, bad)).toThrow(DataError);
  });
});

describe('npyBytes', () => {
  const raw = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 255];
  it('takes an ArrayBuffer, a typed array window, a DataView', () => {
    const buf = new Uint8Array(raw).buffer;
    expect([...npyBytes(buf)]).toEqual(raw);
    const big = new Uint8Array([7, 7, ...raw, 7]);
    expect([...npyBytes(big.subarray(2, 2 + raw.length))]).toEqual(raw);
    expect([...npyBytes(new DataView(big.buffer, 2, raw.length))]).toEqual(raw);
  });
  it('takes base64 text and data: URLs', () => {
    const b64 = Buffer.from(raw).toString('base64');
    expect([...npyBytes(b64)]).toEqual(raw);
    expect([...npyBytes(`data:application/octet-stream;base64,${b64}`)]).toEqual(raw);
  });
  it('refuses other things with a clear message', () => {
    expect(() => npyBytes('not base64 !')).toThrow(/not base64/);
    expect(() => npyBytes(42)).toThrow(/bytes of a \.npy file/);
    expect(() => npyBytes({ length: 3 })).toThrow(/bytes of a \.npy file/);
  });
  it('refuses more than the limit before decoding', () => {
    expect(() => npyBytes(new ArrayBuffer(101), 100)).toThrow(/over the 100 bytes limit/);
    expect(() => npyBytes(new Uint8Array(101), 100)).toThrow(/over the/);
    expect(() => npyBytes('A'.repeat(200), 100)).toThrow(/over the/);
  });
});

describe('matrixShape and dataName', () => {
  it('shows the last two dimensions, a vector as a row', () => {
    expect(matrixShape({ shape: [] })).toEqual([1, 1]);
    expect(matrixShape({ shape: [5] })).toEqual([1, 5]);
    expect(matrixShape({ shape: [3, 4] })).toEqual([3, 4]);
    expect(matrixShape({ shape: [2, 3, 4] })).toEqual([3, 4]);
  });
  it('makes a link-safe name', () => {
    expect(dataName('A')).toBe('A.npy');
    expect(dataName('left.right')).toBe('left.right.npy');
    expect(dataName('a b/<c>')).toBe('a_b_c_.npy');
  });
});
