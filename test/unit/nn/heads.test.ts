/**
 * The head names shipped beside the built-in model (heads.json, written by scripts/heads.mjs with
 * the training library) hold on fresh inputs made here with another generator and seed, measured
 * with the project's forward pass: the named previous-token heads attend from each token to the one
 * before it, the named induction heads attend from the second copy of a repeated random span to
 * the token after the current token's first occurrence.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GptRun } from '../../../src/core/nn/gpt';
import { HEADS_FILE, builtinModel, lcg, plainProduct } from './helpers';

/** Mean attention a head puts on the expected key, over the given sequences and query positions. */
const PREV_MIN = 0.5;
const INDUCTION_MIN = 0.3;

interface HeadInfo { layer: number; head: number; name: string; scores: Record<string, number> }

describe('named heads', () => {
  it('previous-token and induction heads exist and score above their thresholds on fresh inputs', async () => {
    const model = await builtinModel();
    const { heads } = JSON.parse(readFileSync(HEADS_FILE, 'utf8')) as { heads: HeadInfo[] };
    const prevHeads = heads.filter((h) => h.name === 'previous-token');
    const inductionHeads = heads.filter((h) => h.name === 'induction');
    expect(prevHeads.length).toBeGreaterThan(0);
    expect(inductionHeads.length).toBeGreaterThan(0);

    const rnd = lcg(20261201);
    // Printable characters only (id 0 is the newline), as in training's random spans.
    const tok = (): number => 1 + Math.floor(rnd() * (model.config.vocabSize - 1));
    const N = 16;
    const T = model.config.nCtx;
    const SPAN = 20;
    const random = Array.from({ length: N }, () => Array.from({ length: T }, tok));
    const repeated = Array.from({ length: N }, () => {
      const s = Array.from({ length: SPAN }, tok);
      return [...s, ...s];
    });
    const score = (seqs: number[][], l: number, h: number, from: (T: number) => number, key: (i: number) => number): number => {
      let sum = 0;
      let n = 0;
      for (const s of seqs) {
        const a = new GptRun(model.weights, s, plainProduct).layer(l).attn[h]!;
        for (let i = from(s.length); i < s.length; i++) {
          sum += a[i * s.length + key(i)]!;
          n++;
        }
      }
      return sum / n;
    };
    for (const h of prevHeads) {
      const s = score(random, h.layer, h.head, () => 1, (i) => i - 1);
      console.log(`previous-token head ${h.layer}.${h.head}: score ${s.toFixed(3)} (threshold ${PREV_MIN}; heads.json says ${h.scores['previous-token']})`);
      expect(s).toBeGreaterThan(PREV_MIN);
    }
    for (const h of inductionHeads) {
      const s = score(repeated, h.layer, h.head, () => SPAN, (i) => i - SPAN + 1);
      console.log(`induction head ${h.layer}.${h.head}: score ${s.toFixed(3)} (threshold ${INDUCTION_MIN}; heads.json says ${h.scores.induction})`);
      expect(s).toBeGreaterThan(INDUCTION_MIN);
    }
  });
});
