/**
 * The training data's loss mask (scripts/data.mjs, train.mjs --mask): a target marked known must
 * follow from the tokens before it by the copying rule an induction circuit implements (an
 * earlier occurrence of the current token was followed by the target), or for a triple `a b a` be
 * the token two back; and the masks must not be trivially all-known or all-unknown.
 */
import { describe, expect, it } from 'vitest';
import { makeBatch, makePrimerBatch, makeRng, useAlphabet } from '../../../scripts/data.mjs';

const T = 64;
const B = 64;

/** Whether, before position t, the token input[t] occurred followed by target[t]. */
function copyPredicts(input: Int32Array, target: Int32Array, row: number, t: number): boolean {
  const at = (i: number): number => input[row * T + i]!;
  const next = (i: number): number => target[row * T + i]!;
  for (let j = 0; j < t; j++) if (at(j) === at(t) && next(j) === next(t)) return true;
  return false;
}

describe('training data: which targets the context determines', () => {
  useAlphabet('alnum');
  for (const [kind, mix] of [
    ['period', [0, 1, 0]],
    ['pair', [0, 0, 1]],
    ['echo', [0, 0, 0, 1]],
  ] as const) {
    it(`${kind}: every known target is a copy of an earlier continuation`, () => {
      const { input, target, known } = makeBatch(makeRng(11), [], B, T, undefined, [...mix]);
      let nKnown = 0;
      for (let r = 0; r < B; r++)
        for (let t = 0; t < T; t++) {
          if (!known[r * T + t]) continue;
          nKnown++;
          expect(copyPredicts(input, target, r, t), `${kind} row ${r} position ${t}`).toBe(true);
        }
      console.log(`${kind}: ${nKnown} of ${B * T} targets known`);
      expect(nKnown).toBeGreaterThan(0.1 * B * T);
      expect(nKnown).toBeLessThan(0.95 * B * T);
    });
  }

  it('triples: the known targets are the third tokens, equal to the token two back', () => {
    const { input, target, known } = makePrimerBatch(makeRng(5), [], B, T);
    let nKnown = 0;
    for (let r = 0; r < B; r++)
      for (let t = 0; t < T; t++) {
        if (!known[r * T + t]) continue;
        nKnown++;
        expect(t % 3).toBe(1);
        expect(target[r * T + t]).toBe(input[r * T + t - 1]);
      }
    expect(nKnown).toBe(B * Math.floor((T + 1) / 3));
  });

  it('corpus text counts everywhere (no mask)', () => {
    const corpus = Array.from({ length: 500 }, (_, i) => (i * 7) % 50);
    const { known } = makeBatch(makeRng(3), corpus, 4, T, 'text');
    expect(Array.from(known).every((k) => k === 1)).toBe(true);
  });
});
