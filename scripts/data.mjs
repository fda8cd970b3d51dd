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
 * The alphabet of synthetic random spans: lowercase letters and digits. A small alphabet keeps the
 * induction head's token matching within what a 16-wide head can tell apart; scripts/heads.mjs and
 * the head tests draw their random sequences from the same alphabet.
 */
export const SPAN_ALPHABET = encode('abcdefghijklmnopqrstuvwxyz0123456789');

/** A random token id from SPAN_ALPHABET. */
export const randomToken = (rng) => SPAN_ALPHABET[rng.int(SPAN_ALPHABET.length)];

/**
 * One sequence of T + 1 tokens of a kind: 'text' (a corpus window), 'repeat' (a random span of
 * minSpan..24 tokens repeated to the end) or 'insert' (a corpus window with one random span written in twice).
 */
export function makeSequence(rng, corpus, T, kind, minSpan = 2, skew = 1) {
  const n = T + 1;
  if (kind === 'repeat') {
    // Short periods (2, 3) are solved by attending a fixed distance back: they reward a
    // previous-token head first, which the induction circuit for longer spans then builds on.
    // skew > 1 makes short spans more frequent (u^skew of a uniform u).
    const L = minSpan + Math.floor(rng.next() ** skew * (25 - minSpan));
    const span = Array.from({ length: L }, () => randomToken(rng));
    return Array.from({ length: n }, (_, i) => span[i % L]);
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
  return seq;
}

/** A batch as flat int arrays input/target ([B * T] each); `only` forces one kind. */
export function makeBatch(rng, corpus, B, T, only, mix = [0.45, 0.3], minSpan = 2, skew = 1) {
  const input = new Int32Array(B * T);
  const target = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const r = rng.next();
    const kind = only ?? (r < mix[0] ? 'text' : r < mix[0] + mix[1] ? 'repeat' : 'insert');
    const seq = makeSequence(rng, corpus, T, kind, minSpan, skew);
    for (let t = 0; t < T; t++) {
      input[b * T + t] = seq[t];
      target[b * T + t] = seq[t + 1];
    }
  }
  return { input, target };
}
