/**
 * Training and measuring data for the built-in model: the character corpus (Debian's licence
 * texts) and the seeded batch maker that mixes corpus windows with synthetic repeated spans.
 */
import { readFileSync, existsSync } from 'node:fs';
import { encode } from './gpt-tf.mjs';

/** A small seeded generator (32-bit Weyl sequence, splitmix-style output), same as src/core/tensor/rng.ts. */
export function makeRng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

export const CORPUS_FILES = [
  'GPL-3',
  'GPL-2',
  'LGPL-2.1',
  'Apache-2.0',
  'MPL-2.0',
  'GFDL-1.3',
  'Artistic',
  'CC0-1.0',
];

export function corpusTokens(dir = '/usr/share/common-licenses') {
  const files = CORPUS_FILES.filter((f) => existsSync(`${dir}/${f}`));
  if (files.length === 0)
    throw new Error(`no training text found in ${dir} (Debian package base-files)`);
  // Collapse runs of spaces (the texts are indented for terminals) so the model spends its capacity on words.
  const text = files
    .map((f) => readFileSync(`${dir}/${f}`, 'utf8').replace(/[ \t]+/g, ' '))
    .join('\n\n');
  return { files, tokens: encode(text) };
}

/**
 * Alphabets of synthetic random spans: every printable character (what the built-in model was
 * trained with), or lowercase letters and digits (`--alphabet alnum`, an experiment: a smaller
 * alphabet is easier for a 16-wide head to match). scripts/heads.mjs and the head tests measure
 * with printable characters.
 */
export const ALPHABETS = {
  printable: Array.from({ length: 95 }, (_, i) => i + 1),
  alnum: encode('abcdefghijklmnopqrstuvwxyz0123456789'),
};
let alphabet = ALPHABETS.printable;
export function useAlphabet(name) {
  if (!(name in ALPHABETS)) throw new Error(`unknown alphabet ${name}`);
  alphabet = ALPHABETS[name];
}

/** Lengths of the `pair` kind's repeated span (train.mjs --pair-span LO,HI). */
let pairSpan = [6, 16];
export function usePairSpan(lo, hi) {
  if (!(lo >= 2 && hi >= lo && 2 * hi < 64)) throw new Error(`bad pair span ${lo},${hi}`);
  pairSpan = [lo, hi];
}

/** A random token id from the current alphabet. */
export const randomToken = (rng) => alphabet[rng.int(alphabet.length)];

/**
 * One sequence of T + 1 tokens of a kind: 'text' (a corpus window), 'repeat' (a random span of
 * minSpan..24 tokens repeated to the end) or 'insert' (a corpus window with one random span written
 * in twice), or 'period', 'pair', 'echo' and 'triple' (below). Returns the tokens and, for the
 * last four, which of them follow from the tokens before them (`known`: a copy of an earlier
 * span, the third token of a triple; null when every token counts). train.mjs weights the loss by
 * it: a token that nothing predicts only adds noise to the gradients once the model predicts such
 * tokens uniformly.
 */
export function makeSequence(rng, corpus, T, kind, minSpan = 2, skew = 1) {
  const n = T + 1;
  if (kind === 'repeat') {
    // Short periods (2, 3) are solved by attending a fixed distance back: they reward a
    // previous-token head first, which the induction circuit for longer spans then builds on.
    // skew > 1 makes short spans more frequent (u^skew of a uniform u).
    const L = minSpan + Math.floor(rng.next() ** skew * (25 - minSpan));
    const span = Array.from({ length: L }, () => randomToken(rng));
    return { seq: Array.from({ length: n }, (_, i) => span[i % L]), known: null };
  }
  if (kind === 'period') {
    // A random span of 8..31 tokens repeated to the end. No single distance back predicts the next
    // token across sequences, but some distances pay on average (the period minus one reads the
    // next token directly), and models trained on this kind learned such distances instead of
    // the induction pattern (docs/explorer.md); the 'echo' kind avoids that.
    const L = 8 + rng.int(24);
    const span = Array.from({ length: L }, () => randomToken(rng));
    // The second period's first token follows the span's last one, a pair not seen before.
    return {
      seq: Array.from({ length: n }, (_, i) => span[i % L]),
      known: Array.from({ length: n }, (_, i) => i > L),
    };
  }
  if (kind === 'pair') {
    // Random tokens with one span of 6..16 tokens (--pair-span) written twice at random places: the same circuit, with
    // the distance between the copies random too.
    const seq = Array.from({ length: n }, () => randomToken(rng));
    const L = pairSpan[0] + rng.int(pairSpan[1] - pairSpan[0] + 1);
    const a = rng.int(n - 2 * L);
    const b = a + L + rng.int(n - 2 * L - a + 1);
    for (let i = 0; i < L; i++) seq[b + i] = seq[a + i];
    return { seq, known: Array.from({ length: n }, (_, i) => i > b && i < b + L) };
  }
  if (kind === 'echo') {
    // One random span of 6..20 tokens written again and again with a random gap of 0..8 random
    // tokens before each copy: the distance between copies changes within the sequence, so no
    // fixed distance back predicts the next token (a period does reward attending to statistically
    // likely distances), while most positions after the first copy are predictable.
    const L = 6 + rng.int(15);
    const span = Array.from({ length: L }, () => randomToken(rng));
    const seq = [...span];
    const known = span.map(() => false);
    while (seq.length < n) {
      const gap = rng.int(9);
      for (let i = 0; i < gap; i++) seq.push(randomToken(rng));
      // A copy's first token follows a random one: only the rest of the copy is predictable.
      seq.push(...span);
      known.push(...Array(gap).fill(false), false, ...Array(L - 1).fill(true));
    }
    return { seq: seq.slice(0, n), known: known.slice(0, n) };
  }
  if (kind === 'triple') {
    // Random triples a b a: after the middle token the next one is the token before it. Only a
    // head that attends exactly one position back and copies what it finds predicts it (the
    // tokens are random, so no content rule does): a previous-token head, which an induction
    // head later composes with. Used as a primer for the first steps (train.mjs --prime).
    const seq = [];
    while (seq.length < n) {
      const a = randomToken(rng);
      seq.push(a, randomToken(rng), a);
    }
    return { seq: seq.slice(0, n), known: Array.from({ length: n }, (_, i) => i % 3 === 2) };
  }
  const start = rng.int(corpus.length - n);
  const seq = corpus.slice(start, start + n);
  if (kind === 'insert') {
    const L = 4 + rng.int(9);
    const span = Array.from({ length: L }, () => randomToken(rng));
    const a = rng.int(Math.floor(n / 2) - L);
    const b = a + L + 1 + rng.int(n - 2 * L - a - 1);
    for (let i = 0; i < L; i++) {
      seq[a + i] = span[i];
      seq[b + i] = span[i];
    }
  }
  return { seq, known: null };
}

/**
 * A batch as flat arrays input, target and known ([B * T] each; see emptyBatch); `only` forces
 * one kind. `mix`: the fractions of 'text' and 'repeat' (the rest 'insert'), or of 'text',
 * 'period', 'pair' and optionally 'echo'. The first round(triples * B) sequences are 'triple'
 * ones (train.mjs --triples: a previous-token task kept in every batch).
 */
export function makeBatch(
  rng,
  corpus,
  B,
  T,
  only,
  mix = [0.45, 0.3],
  minSpan = 2,
  skew = 1,
  triples = 0,
) {
  const batch = emptyBatch(B, T);
  const nTriples = only ? 0 : Math.round(triples * B);
  for (let b = 0; b < B; b++) {
    const r = rng.next();
    const kinds =
      mix.length > 2 ? ['text', 'period', 'pair', 'echo'] : ['text', 'repeat', 'insert'];
    let acc = 0;
    // What the fractions leave: the last kind named (with two fractions, 'insert').
    let mixed = kinds[Math.max(mix.length - 1, 2)];
    for (let k = 0; k < mix.length; k++) {
      acc += mix[k];
      if (r < acc) {
        mixed = kinds[k];
        break;
      }
    }
    const kind = only ?? (b < nTriples ? 'triple' : mixed);
    putSequence(batch, b, T, makeSequence(rng, corpus, T, kind, minSpan, skew));
  }
  return batch;
}

/** A primer batch of 'triple' sequences (train.mjs --prime). */
export function makePrimerBatch(rng, corpus, B, T) {
  const batch = emptyBatch(B, T);
  for (let b = 0; b < B; b++) putSequence(batch, b, T, makeSequence(rng, corpus, T, 'triple'));
  return batch;
}

/** Flat int arrays input/target and the loss weights `known` ([B * T] each). */
function emptyBatch(B, T) {
  return {
    input: new Int32Array(B * T),
    target: new Int32Array(B * T),
    known: new Float32Array(B * T),
  };
}

/** Row b of a batch: tokens 0..T-1 in, 1..T as targets, 1 where a target is known (or all). */
function putSequence(batch, b, T, { seq, known }) {
  for (let t = 0; t < T; t++) {
    batch.input[b * T + t] = seq[t];
    batch.target[b * T + t] = seq[t + 1];
    batch.known[b * T + t] = known === null || known[t + 1] ? 1 : 0;
  }
}
