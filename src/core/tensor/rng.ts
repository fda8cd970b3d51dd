/**
 * Seeded random numbers, so that a shared link shows the same values everywhere
 * (docs/parameters.md, "seed"). A 32-bit generator (splitmix-style mixing of a Weyl sequence) is
 * plenty for pictures.
 */

/** A stable 32-bit hash of a string (FNV-1a). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
}

export function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { next, normal };
}

/**
 * `out[x] = mean + sd * normal()` for every x, with the numbers `makeRng(seed).normal()` gives in
 * order, bit for bit (links keep their pictures), in one tight loop: the generator's closures and
 * its spare value cost as much as the arithmetic on the millions of values of a big layer.
 */
export function fillGaussian(out: Float32Array, seed: number, mean: number, sd: number): void {
  let state = seed >>> 0;
  const n = out.length;
  for (let x = 0; x < n; x += 2) {
    // next() twice, inlined: u = 1 - next(), v = next().
    state = (state + 0x9e3779b9) >>> 0;
    let z = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    const u = 1 - ((z ^ (z >>> 16)) >>> 0) / 4294967296;
    state = (state + 0x9e3779b9) >>> 0;
    z = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    const v = ((z ^ (z >>> 16)) >>> 0) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    out[x] = mean + sd * (r * Math.cos(2 * Math.PI * v));
    if (x + 1 < n) out[x + 1] = mean + sd * (r * Math.sin(2 * Math.PI * v));
  }
}
