/**
 * `npm run heads` (also run at the end of `npm run train`): measures every attention head of the
 * built-in model with the training library's forward pass and names what it does, writing
 * heads.json beside the weights. Scores are mean attention weights:
 *   previous-token  query i -> key i-1, on uniformly random tokens
 *   first-token     query i -> key 0 (a "sink"), same inputs
 *   self            query i -> key i, same inputs
 *   induction       on a random span S repeated once (S S), query i in the second copy -> key
 *                   i - L + 1, the token after the first occurrence of the current token; the
 *                   spans are 12, 16, 20 or 24 tokens long (a quarter each), so that a head
 *                   attending a fixed distance back (which random tokens show as well) cannot
 *                   pass for one that finds the earlier occurrence
 * A head is named by its best score when that score is at least NAME_AT, else "mixed".
 * Options: --dir DIR (default public/models/builtin), --seed N.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG, forward, readSafetensors } from './gpt-tf.mjs';
import { makeRng, ALPHABETS } from './data.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const DIR = resolve(root, arg('dir', 'public/models/builtin'));
const SEED = Number(arg('seed', 7));
const N = 32;
/** The span length of repeated sequence n (a head at a fixed distance back fits one length only). */
const spanOf = (n) => 12 + 4 * (n % 4);
const NAME_AT = 0.3;

await tf.setBackend('cpu');
const { tensors, metadata } = readSafetensors(resolve(DIR, 'model.safetensors'));
// The model's own configuration (its head count may differ from CONFIG's).
const CFG = { ...CONFIG, ...JSON.parse(metadata.config ?? '{}') };
// Random tokens from the alphabet the model's random spans were drawn from in training.
const ALPHABET = JSON.parse(metadata.training ?? '{}').spanAlphabet ?? 'printable';
const letters = ALPHABETS[ALPHABET];
const params = {};
for (const [name, t] of Object.entries(tensors)) params[name] = tf.tensor(t.data, t.shape);

const rng = makeRng(SEED);
const tok = () => letters[rng.int(letters.length)];
const random = Array.from({ length: N }, () => Array.from({ length: CFG.nCtx }, tok));
// Each padded with random tokens to the model's context (the batch needs one length; only the
// second copy's queries are scored).
const repeated = Array.from({ length: N }, (_, n) => {
  const s = Array.from({ length: spanOf(n) }, tok);
  return [...s, ...s, ...Array.from({ length: CFG.nCtx - 2 * s.length }, tok)];
});

/** Mean of att[b, h, i, key(i, b)] over sequences b and their query positions `from(b)..to(b)-1`. */
function score(att, from, to, key) {
  const [B, H, T] = att.shape;
  const a = att.dataSync();
  const out = new Array(H).fill(0);
  let n = 0;
  for (let b = 0; b < B; b++) {
    for (let i = from(b); i < to(b); i++) {
      n++;
      for (let h = 0; h < H; h++) out[h] += a[((b * H + h) * T + i) * T + key(i, b)];
    }
  }
  return out.map((s) => s / n);
}

const rand = forward(params, tf.tensor2d(random, undefined, 'int32'), CFG, true).attns;
const rep = forward(params, tf.tensor2d(repeated, undefined, 'int32'), CFG, true).attns;
const heads = [];
for (let l = 0; l < CFG.nLayer; l++) {
  const T = CFG.nCtx;
  const prev = score(
    rand[l],
    () => 1,
    () => T,
    (i) => i - 1,
  );
  const first = score(
    rand[l],
    () => 1,
    () => T,
    () => 0,
  );
  const self = score(
    rand[l],
    () => 1,
    () => T,
    (i) => i,
  );
  const induction = score(
    rep[l],
    (b) => spanOf(b),
    (b) => 2 * spanOf(b),
    (i, b) => i - spanOf(b) + 1,
  );
  for (let h = 0; h < CFG.nHead; h++) {
    const scores = {
      'previous-token': prev[h],
      induction: induction[h],
      'first-token': first[h],
      self: self[h],
    };
    const [bestName, best] = Object.entries(scores).sort((x, y) => y[1] - x[1])[0];
    const rounded = Object.fromEntries(
      Object.entries(scores).map(([k, v]) => [k, Number(v.toFixed(3))]),
    );
    heads.push({ layer: l, head: h, name: best >= NAME_AT ? bestName : 'mixed', scores: rounded });
  }
}
const result = {
  about: `Mean attention weights on ${N} uniformly random ${CFG.nCtx}-token sequences of the ${ALPHABET} alphabet (previous-token, first-token, self) and ${N} random spans of 12, 16, 20 or 24 tokens repeated once (induction); named by the best score when >= ${NAME_AT}. Measured by scripts/heads.mjs with seed ${SEED}.`,
  heads,
};
writeFileSync(resolve(DIR, 'heads.json'), JSON.stringify(result, null, 2) + '\n');
for (const h of heads)
  console.log(`layer ${h.layer} head ${h.head}: ${h.name.padEnd(15)} ${JSON.stringify(h.scores)}`);
const names = heads.map((h) => h.name);
for (const needed of ['previous-token', 'induction']) {
  if (!names.includes(needed)) console.warn(`WARNING: no ${needed} head`);
}
