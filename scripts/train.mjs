/**
 * `npm run train`: trains the built-in model (scripts/gpt-tf.mjs) with tfjs on its WebAssembly backend,
 * seeded and reproducible, then writes public/models/builtin/model.safetensors (GPT-2 key layout,
 * vocabulary and training facts in `__metadata__`) and runs the head-naming script.
 *
 * Data: the licence texts Debian ships in /usr/share/common-licenses (package base-files; each
 * text allows verbatim copying), read character by character, mixed with synthetic sequences in
 * which a random span repeats, so that the model learns to copy (an induction head) and not only
 * English letter statistics. Options: --steps N, --seed N, --out DIR, --lr X, --batch N,
 * --mix TEXT,REPEAT (fractions of the batch).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { CONFIG, VOCAB, initParams, forward, writeSafetensors } from './gpt-tf.mjs';
import { makeRng, corpusTokens, makeBatch } from './data.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const STEPS = Number(arg('steps', 700));
const SEED = Number(arg('seed', 1234));
const OUT = resolve(root, arg('out', 'public/models/builtin'));
const BATCH = Number(arg('batch', 16));
const LR = Number(arg('lr', 3e-3));
const WARMUP = 30;
const CLIP = 1;
/** Fractions of corpus windows and of fully repeated random spans (the rest: windows with one span inserted twice). */
const MIX = (arg('mix', '0.45,0.3')).split(',').map(Number);

// XNNPACK in WebAssembly: about five times the pure-JavaScript CPU backend here, and deterministic
// (single-threaded in Node).
await tf.setBackend('wasm');
await tf.ready();
tf.env().set('DEBUG', false);

const corpus = corpusTokens();
console.log(`corpus: ${corpus.tokens.length} characters from ${corpus.files.join(', ')}`);
const rng = makeRng(SEED);
const params = initParams(SEED);
const optimizer = tf.train.adam(LR, 0.9, 0.95, 1e-8);
const T = CONFIG.nCtx;

function lossOf(tokens, targets) {
  const { logits } = forward(params, tokens);
  const logp = tf.logSoftmax(logits, -1);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, VOCAB.length)), -1);
  return tf.neg(tf.mean(picked));
}

/** Mean loss over positions from..T-1 of a batch of n sequences. */
function evalLoss(b, from, n) {
  return tf.tidy(() => {
    const { logits } = forward(params, tf.tensor2d(b.input, [n, T], 'int32'));
    const logp = tf.logSoftmax(logits, -1);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor2d(b.target, [n, T], 'int32'), VOCAB.length)), -1);
    return -tf.mean(tf.slice(picked, [0, from], [n, T - from])).dataSync()[0];
  });
}
const probeBatch = makeBatch(makeRng(SEED + 7), corpus.tokens, 8, T, 'repeat', undefined, 8);

const started = Date.now();
let avg = null;
for (let step = 0; step < STEPS; step++) {
  // Linear warm-up, then cosine decay to a tenth.
  const t = step < WARMUP ? (step + 1) / WARMUP : 0.1 + 0.45 * (1 + Math.cos(Math.PI * (step - WARMUP) / (STEPS - WARMUP)));
  optimizer.learningRate = LR * t;
  const { input, target } = makeBatch(rng, corpus.tokens, BATCH, T, undefined, MIX);
  const loss = tf.tidy(() => {
    const x = tf.tensor2d(input, [BATCH, T], 'int32');
    const y = tf.tensor2d(target, [BATCH, T], 'int32');
    const { value, grads } = tf.variableGrads(() => lossOf(x, y));
    // Gradients clipped to a global norm of CLIP: lets a high learning rate survive the rare spike.
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(CLIP, tf.add(norm, 1e-6)));
    optimizer.applyGradients(Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, scale)])));
    return tf.keep(value);
  });
  const value = (await loss.data())[0];
  loss.dispose();
  avg = avg === null ? value : 0.95 * avg + 0.05 * value;
  if (step % 25 === 0 || step === STEPS - 1) {
    // The loss on the second half of repeated random spans drops from ~4.55 (chance) once an induction head works.
    const probe = step % 100 === 0 ? ` repeat-probe ${evalLoss(probeBatch, T / 2, 8).toFixed(3)}` : '';
    console.log(`step ${step} loss ${value.toFixed(3)} (avg ${avg.toFixed(3)})${probe} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

// Held-out evaluation with another seed: loss on text, and on the second copy of repeated spans.
const evalRng = makeRng(SEED + 99991);
const evalBatch = makeBatch(evalRng, corpus.tokens, 32, T, 'text');
const evalRep = makeBatch(evalRng, corpus.tokens, 32, T, 'repeat', undefined, 8);
const textLoss = evalLoss(evalBatch, 0, 32);
const repeatLoss = evalLoss(evalRep, T / 2, 32);
console.log(`eval: text loss ${textLoss.toFixed(3)} nats/char, repeated-span loss (second half) ${repeatLoss.toFixed(3)}`);

if (!existsSync(OUT)) mkdirSync(OUT, { recursive: true });
const tensors = {};
for (const [name, v] of Object.entries(params)) tensors[name] = { shape: v.shape, data: v.dataSync() };
const metadata = {
  format: 'mm3d-builtin-1',
  architecture: 'gpt2',
  config: JSON.stringify({ ...CONFIG, vocabSize: VOCAB.length, tiedUnembedding: true }),
  vocab: JSON.stringify(VOCAB),
  training: JSON.stringify({
    steps: STEPS, seed: SEED, batch: BATCH, mix: MIX, lr: LR, optimizer: 'adam(0.9, 0.95)', clip: CLIP, library: `@tensorflow/tfjs-core ${tf.version_core} (wasm backend)`,
    data: 'Debian /usr/share/common-licenses texts (base-files), mixed with synthetic repeated random spans',
    evalTextLoss: Number(textLoss.toFixed(4)), evalRepeatLoss: Number(repeatLoss.toFixed(4)),
    seconds: Math.round((Date.now() - started) / 1000),
  }),
};
const file = resolve(OUT, 'model.safetensors');
writeSafetensors(file, tensors, metadata);
console.log(`wrote ${file}`);
execFileSync(process.execPath, [resolve(root, 'scripts/heads.mjs'), '--dir', OUT], { stdio: 'inherit' });
