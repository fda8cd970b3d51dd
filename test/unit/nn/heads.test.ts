/**
 * The head scores shipped beside the built-in model (heads.json, written by scripts/heads.mjs with
 * the training library) hold on fresh inputs made here with another generator and seed, measured
 * with the project's forward pass: previous-token, first-token and self scores on random tokens,
 * the induction score on a random span repeated once (attention from the second copy to the token
 * after the current token's first occurrence; spans of 12, 16, 20 and 24 tokens, so that a head
 * attending a fixed distance back does not score). Named previous-token and induction heads must
 * score above stated thresholds.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GptRun } from '../../../src/core/nn/gpt';
import { HEADS_FILE, MODEL_FILE, builtinModel, lcg, plainProduct } from './helpers';

const PREV_MIN = 0.5;
const INDUCTION_MIN = 0.3;
/** heads.json's scores are means over 32 random sequences, ours over 32 others: sampling spread stays within this. */
const SCORE_TOL = 0.1;

interface HeadInfo {
  layer: number;
  head: number;
  name: string;
  scores: Record<string, number>;
}
const { heads } = JSON.parse(readFileSync(HEADS_FILE, 'utf8')) as { heads: HeadInfo[] };
const named = (n: string): HeadInfo[] => heads.filter((h) => h.name === n);

/**
 * The token ids random spans were drawn from in training, read from the file's own metadata (the
 * training facts and the vocabulary): printable characters (every id but the newline's) or
 * lowercase letters and digits.
 */
function spanAlphabet(): number[] {
  const buf = readFileSync(MODEL_FILE);
  const n = Number(buf.readBigUInt64LE(0));
  const meta = (JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>)
    .__metadata__ as Record<string, string>;
  const vocab = JSON.parse(meta.vocab!) as string[];
  const training = JSON.parse(meta.training ?? '{}') as { spanAlphabet?: string };
  if (training.spanAlphabet === 'alnum')
    return Array.from('abcdefghijklmnopqrstuvwxyz0123456789', (c) => vocab.indexOf(c));
  return vocab.map((_, i) => i).filter((i) => vocab[i] !== '\n');
}

async function measure(): Promise<(h: HeadInfo) => Record<string, number>> {
  const model = await builtinModel();
  const rnd = lcg(20261201);
  const letters = spanAlphabet();
  expect(letters.every((i) => i >= 0)).toBe(true);
  const tok = (): number => letters[Math.floor(rnd() * letters.length)]!;
  const N = 32;
  const spanOf = (n: number): number => 12 + 4 * (n % 4);
  const random = Array.from({ length: N }, () => Array.from({ length: model.config.nCtx }, tok));
  const repeated = Array.from({ length: N }, (_, n) => {
    const s = Array.from({ length: spanOf(n) }, tok);
    return [...s, ...s];
  });
  const runsR = random.map((s) => new GptRun(model.weights, s, plainProduct));
  const runsP = repeated.map((s) => new GptRun(model.weights, s, plainProduct));
  /** Mean attention from queries from(run)..T-1 to key(i, run), over the runs. */
  const score = (
    runs: GptRun[],
    l: number,
    h: number,
    from: (n: number) => number,
    key: (i: number, n: number) => number,
  ): number => {
    let sum = 0;
    let count = 0;
    runs.forEach((r, n) => {
      const a = r.layer(l).attn[h]!;
      for (let i = from(n); i < r.T; i++) {
        sum += a[i * r.T + key(i, n)]!;
        count++;
      }
    });
    return sum / count;
  };
  return (h) => ({
    'previous-token': score(
      runsR,
      h.layer,
      h.head,
      () => 1,
      (i) => i - 1,
    ),
    induction: score(runsP, h.layer, h.head, spanOf, (i, n) => i - spanOf(n) + 1),
    'first-token': score(
      runsR,
      h.layer,
      h.head,
      () => 1,
      () => 0,
    ),
    self: score(
      runsR,
      h.layer,
      h.head,
      () => 1,
      (i) => i,
    ),
  });
}

describe('head scores', () => {
  it("every head's scores in heads.json are reproduced on fresh inputs by the project's forward pass", async () => {
    const ours = await measure();
    for (const h of heads) {
      const s = ours(h);
      console.log(
        `${h.layer}.${h.head} ${h.name}: ${Object.entries(s)
          .map(([k, v]) => `${k} ${v.toFixed(3)} (file ${h.scores[k]})`)
          .join(', ')}`,
      );
      for (const [k, v] of Object.entries(s))
        expect(Math.abs(v - h.scores[k]!), `${h.layer}.${h.head} ${k}`).toBeLessThan(SCORE_TOL);
    }
  });

  it('named previous-token and induction heads score above their thresholds on fresh inputs', async () => {
    // The model must have both (docs/explorer.md): heads.json names them.
    expect(named('previous-token').length, 'a head named previous-token').toBeGreaterThan(0);
    expect(named('induction').length, 'a head named induction').toBeGreaterThan(0);
    const ours = await measure();
    for (const h of named('previous-token')) {
      const s = ours(h)['previous-token']!;
      console.log(
        `previous-token head ${h.layer}.${h.head}: ${s.toFixed(3)} (threshold ${PREV_MIN})`,
      );
      expect(s).toBeGreaterThan(PREV_MIN);
    }
    for (const h of named('induction')) {
      const s = ours(h).induction!;
      console.log(
        `induction head ${h.layer}.${h.head}: ${s.toFixed(3)} (threshold ${INDUCTION_MIN})`,
      );
      expect(s).toBeGreaterThan(INDUCTION_MIN);
    }
  });
});
