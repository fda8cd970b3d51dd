// The gaussian fill (src/core/tensor/rng.ts) must give exactly the numbers of the generator's
// normal() in order, so that links made before it keep their pictures: checked value for value
// against makeRng, for even and odd lengths and several seeds, and through initMatrix.
import { describe, it, expect } from 'vitest';
import { fillGaussian, hashString, makeRng } from '../../../src/core/tensor/rng';
import { initMatrix } from '../../../src/core/tensor/init';

describe('fillGaussian', () => {
  for (const n of [0, 1, 2, 7, 1000, 1001])
    for (const seed of [0, 1, 0xdeadbeef, 0xffffffff])
      it(`matches makeRng(${seed}).normal() for ${n} values`, () => {
        const want = new Float32Array(n);
        const rng = makeRng(seed);
        for (let x = 0; x < n; x++) want[x] = 0.25 + 1.5 * rng.normal();
        const got = new Float32Array(n);
        fillGaussian(got, seed, 0.25, 1.5);
        expect(Array.from(got)).toEqual(Array.from(want));
      });

  it('is what the gaussian initializer gives, seeded by name and seed', () => {
    const m = initMatrix({
      name: 'wQ',
      h: 5,
      w: 3,
      init: 'gaussian',
      min: -1,
      max: 3,
      dropout: 0,
      seed: 7,
      expr: '',
    }).data;
    const rng = makeRng(hashString('wQ') ^ Math.imul(7, 0x9e3779b1));
    const want = Array.from({ length: 15 }, () => Math.fround(1 + 2 * rng.normal()));
    expect(Array.from(m)).toEqual(want);
  });
});
