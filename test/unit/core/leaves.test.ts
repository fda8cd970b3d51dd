// The compute worker makes the plain matrices of a big state ahead of the traversal, half on its
// helper thread (src/compute/compute.worker.ts): settledLeaves must list each such matrix once,
// leave out loaded data and what is cached, and leafValues must give exactly what the traversal
// would have made itself (same key, data, statistics and pooled levels), so that a pre-filled
// cache changes nothing.
import { describe, it, expect } from 'vitest';
import { useWasmKernel } from '../../../src/compute/kernel';
import {
  computeValues,
  leafValues,
  settledLeaves,
  type MatrixValues,
} from '../../../src/core/model/values';
import { normalize } from '../../../src/core/params/normalize';

useWasmKernel();

const params = () =>
  normalize({
    name: 'out',
    left: {
      name: 'Q',
      matmul: true,
      left: { name: 'x', h: 9, w: 6, init: 'gaussian', seed: 3 },
      right: { name: 'wQ', h: 6, w: 5, init: 'uniform', dropout: 0.2 },
    },
    right: {
      name: 'K_t',
      matmul: true,
      left: { name: 'wK_t', h: 5, w: 6, init: 'rows' },
      right: { name: 'x_t', h: 6, w: 9, init: 'url', url: 'https://example.org/x.csv' },
    },
  }).params;

describe('leaves made ahead', () => {
  it('lists each plain matrix whose values need no data, once, and skips cached ones', () => {
    const p = params();
    expect(settledLeaves(p).map((a) => a.name)).toEqual(['x', 'wQ', 'wK_t']);
    const cache = new Map<string, MatrixValues>();
    const x = leafValues(settledLeaves(p)[0]!);
    cache.set(x.key, x.values);
    expect(settledLeaves(p, cache).map((a) => a.name)).toEqual(['wQ', 'wK_t']);
  });

  it('gives what the traversal makes, and a cache filled with them changes no value', () => {
    const p = params();
    const plain = computeValues(p);
    const cache = new Map<string, MatrixValues>();
    const made = settledLeaves(p).map(leafValues);
    for (const { key, values } of made) cache.set(key, values);
    for (const { key, values } of made) {
      const path = [...plain.keys].find(([, k]) => k === key)?.[0];
      expect(path, `a path with key ${key}`).toBeDefined();
      const want = plain.values.get(path!)!;
      expect(Array.from(values.data)).toEqual(Array.from(want.data));
      expect(values.stats).toEqual(want.stats);
      expect(values.levels.map((l) => [l.h, l.w, Array.from(l.data)])).toEqual(
        want.levels.map((l) => [l.h, l.w, Array.from(l.data)]),
      );
    }
    const prefilled = computeValues(p, { cache });
    for (const [path, v] of plain.values)
      expect(Array.from(prefilled.values.get(path)!.data), path).toEqual(Array.from(v.data));
    // The traversal used the matrices made ahead (the same objects), not copies of its own.
    for (const { key, values } of made)
      expect(
        [...prefilled.values.values()].some((v) => v === values),
        key,
      ).toBe(true);
  });
});
