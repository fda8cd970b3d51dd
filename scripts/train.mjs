/**
 * `npm run train`: trains the built-in model (scripts/gpt-tf.mjs) with tfjs on its WebAssembly backend,
 * seeded and reproducible, then writes public/models/builtin/model.safetensors (GPT-2 key layout,
 * vocabulary and training facts in `__metadata__`) and runs the head-naming script.
 *
 * The defaults are the recipe of the shipped model (docs/explorer.md): synthetic sequences of
 * random lowercase letters and digits in which one span is written again and again with random
 * gaps ('echo'), a primer of `a b a` triples for the first 300 steps and an eighth of every batch
 * after, the loss counted only on tokens the context determines, query/key columns drawn wider
 * than GPT-2's 0.02. Nothing else predicts a copied token, so the model learns to copy in context:
 * a previous-token head in layer 0 and induction heads in layer 1.
 *
 * Options: --steps N, --seed N, --out DIR, --lr X, --batch N, --heads N, --qk-std X,
 * --alphabet printable|alnum (random spans' characters), --mix with two fractions TEXT,REPEAT
 * (licence texts from Debian's /usr/share/common-licenses, package base-files, each allowing
 * verbatim copying; random spans repeated; the rest corpus windows with a span inserted twice) or
 * three or four TEXT,PERIOD,PAIR[,ECHO] (the kinds of scripts/data.mjs), --skew P (repeated spans'
 * length distribution), --pair-span LO,HI, --warm-prev N (N first steps of short repeated spans),
 * --wpe sin|normal and --freeze-wpe N (position embeddings' start, held fixed for N steps),
 * --prime N and --triples F (triples a b a: the first N steps, then a share F of every batch),
 * --no-mask (the loss on every token), --transposed-products (tfjs's own kernel for transposed
 * operands, the slower one; see plainProductsOnWasm in ./gpt-tf.mjs).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import {
  CONFIG,
  VOCAB,
  initParams,
  forward,
  writeSafetensors,
  plainProductsOnWasm,
} from './gpt-tf.mjs';
import {
  makeRng,
  corpusTokens,
  makeBatch,
  makePrimerBatch,
  useAlphabet,
  usePairSpan,
} from './data.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const STEPS = Number(arg('steps', 5000));
const SEED = Number(arg('seed', 1234));
const OUT = resolve(root, arg('out', 'public/models/builtin'));
const BATCH = Number(arg('batch', 16));
const LR = Number(arg('lr', 3e-3));
const WARMUP = 30;
const CLIP = 1;
const CHECKPOINT = 50;
/** Repeated spans' lengths: 2 + floor(u^SKEW * 23), so SKEW > 1 favours short periods. */
const SKEW = Number(arg('skew', 3));
const WARM_PREV = Number(arg('warm-prev', 0));
/** Primer: the first PRIME steps are 'triple' sequences (a b a; see scripts/data.mjs), which grow a previous-token head. */
const PRIME = Number(arg('prime', 300));
/** Position embeddings start as sinusoids (`--wpe sin`) or GPT-2's N(0, 0.02) (`--wpe normal`). */
const WPE = arg('wpe', 'normal');
/**
 * The position embeddings are held fixed for the first FREEZE_WPE steps (-1: the whole run), then
 * trained like every weight. With `--wpe sin` a fixed offset between positions is a rotation of
 * their codes, so a previous-token head is one fixed query/key map for every position.
 */
const FREEZE_WPE = Number(arg('freeze-wpe', 0));
/** Share of every batch (after the primer) made of 'triple' sequences, to keep the previous-token head. */
const TRIPLES = Number(arg('triples', 0.125));
const ALPHABET = arg('alphabet', 'alnum');
useAlphabet(ALPHABET);
/** Lengths of the `pair` kind's repeated span. */
const PAIR_SPAN = arg('pair-span', '6,16').split(',').map(Number);
usePairSpan(PAIR_SPAN[0], PAIR_SPAN[1]);
/** Fractions of the batch by kind (see makeBatch in ./data.mjs): by default all 'echo'. */
const MIX = arg('mix', '0,0,0,1').split(',').map(Number);

// XNNPACK in WebAssembly: about five times the pure-JavaScript CPU backend here, and deterministic
// (single-threaded in Node).
await tf.setBackend('wasm');
await tf.ready();
if (!process.argv.includes('--transposed-products')) plainProductsOnWasm();
tf.env().set('DEBUG', false);

const corpus = corpusTokens();
console.log(`corpus: ${corpus.tokens.length} characters from ${corpus.files.join(', ')}`);
const rng = makeRng(SEED);
/** The model's shape: CONFIG with `--heads N` heads per layer (head width dModel / N). */
const CFG = Object.freeze({ ...CONFIG, nHead: Number(arg('heads', CONFIG.nHead)) });
/** Init std of the query and key columns of c_attn (GPT-2: 0.02, like every weight). */
const QK_STD = Number(arg('qk-std', 0.15));
const params = initParams(SEED, CFG, { sinusoidalWpe: WPE === 'sin', qkStd: QK_STD });
const optimizer = tf.train.adam(LR, 0.9, 0.95, 1e-8);
const T = CFG.nCtx;

/** The loss counts only targets that follow from the tokens before them (makeSequence's `known` in data.mjs); --no-mask: all. */
const MASK = !process.argv.includes('--no-mask');

function lossOf(tokens, targets, weights) {
  const { logits } = forward(params, tokens, CFG);
  const logp = tf.logSoftmax(logits, -1);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, VOCAB.length)), -1);
  if (!weights) return tf.neg(tf.mean(picked));
  return tf.neg(tf.div(tf.sum(tf.mul(picked, weights)), tf.maximum(tf.sum(weights), 1)));
}

/** Mean loss over positions from..T-1 of a batch of n sequences. */
function evalLoss(b, from, n) {
  return tf.tidy(() => {
    const { logits } = forward(params, tf.tensor2d(b.input, [n, T], 'int32'), CFG);
    const logp = tf.logSoftmax(logits, -1);
    const picked = tf.sum(
      tf.mul(logp, tf.oneHot(tf.tensor2d(b.target, [n, T], 'int32'), VOCAB.length)),
      -1,
    );
    return -tf.mean(tf.slice(picked, [0, from], [n, T - from])).dataSync()[0];
  });
}
const probeBatch = makeBatch(makeRng(SEED + 7), corpus.tokens, 8, T, 'repeat', undefined, 8);

/** What the model was trained on, from the options (written into the file's metadata). */
function dataDescription() {
  const kinds =
    MIX.length > 2
      ? [
          'a span repeated to the end',
          'one span written twice',
          'one span written again and again with random gaps',
        ].filter((_, k) => MIX[k + 1] > 0)
      : ['repeated spans'];
  if (PRIME > 0 || TRIPLES > 0) kinds.push('triples a b a');
  const synthetic = `synthetic sequences of random ${ALPHABET === 'alnum' ? 'lowercase letters and digits' : 'printable characters'} (${kinds.join('; ')})${
    MASK ? ', loss on the tokens the context determines' : ''
  }`;
  return MIX[0] > 0
    ? `Debian /usr/share/common-licenses texts (base-files), mixed with ${synthetic}`
    : synthetic;
}

/** Writes the weights (GPT-2 key layout) with the configuration, vocabulary and training facts. */
function save(steps, evals) {
  if (!existsSync(OUT)) mkdirSync(OUT, { recursive: true });
  const tensors = {};
  for (const [name, v] of Object.entries(params))
    tensors[name] = { shape: v.shape, data: v.dataSync() };
  const metadata = {
    format: 'mm3d-builtin-1',
    architecture: 'gpt2',
    config: JSON.stringify({ ...CFG, vocabSize: VOCAB.length, tiedUnembedding: true }),
    vocab: JSON.stringify(VOCAB),
    training: JSON.stringify({
      steps,
      seed: SEED,
      batch: BATCH,
      mix: MIX,
      spanSkew: SKEW,
      warmPrev: WARM_PREV,
      prime: PRIME,
      triples: TRIPLES,
      qkStd: QK_STD,
      wpeInit: WPE,
      freezeWpe: FREEZE_WPE,
      lossMask: MASK,
      spanAlphabet: ALPHABET,
      pairSpan: PAIR_SPAN,
      lr: LR,
      warmup: WARMUP,
      optimizer: 'adam(0.9, 0.95)',
      clip: CLIP,
      library: `@tensorflow/tfjs-core ${tf.version_core} (wasm backend)`,
      data: dataDescription(),
      ...(evals
        ? {
            evalTextLoss: Number(evals.textLoss.toFixed(4)),
            evalRepeatLoss: Number(evals.repeatLoss.toFixed(4)),
          }
        : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    }),
  };
  const file = resolve(OUT, 'model.safetensors');
  writeSafetensors(file, tensors, metadata);
  console.log(`wrote ${file} (${steps} steps)`);
}

const started = Date.now();
let avg = null;
for (let step = 0; step < STEPS; step++) {
  // Linear warm-up, then constant: a run of N steps is the first N steps of any longer run, so a
  // checkpoint (written every CHECKPOINT steps) is exactly what `--steps N` reproduces.
  optimizer.learningRate = LR * Math.min(1, (step + 1) / WARMUP);
  // Curriculum: the first WARM_PREV steps are mostly spans of 2-3 tokens repeated (solved by a
  // previous-token head); then longer spans (4-24, solved only by an induction head, which
  // composes with the previous-token head) and text.
  const { input, target, known } =
    step < PRIME
      ? makePrimerBatch(rng, corpus.tokens, BATCH, T)
      : step < WARM_PREV
        ? makeBatch(rng, corpus.tokens, BATCH, T, undefined, [0.2, 0.8], 2, 8)
        : makeBatch(
            rng,
            corpus.tokens,
            BATCH,
            T,
            undefined,
            MIX,
            WARM_PREV > 0 ? 4 : 2,
            SKEW,
            TRIPLES,
          );
  const loss = tf.tidy(() => {
    const x = tf.tensor2d(input, [BATCH, T], 'int32');
    const y = tf.tensor2d(target, [BATCH, T], 'int32');
    const w = MASK ? tf.tensor2d(known, [BATCH, T]) : undefined;
    const frozen = FREEZE_WPE < 0 || step < FREEZE_WPE;
    const { value, grads } = tf.variableGrads(
      () => lossOf(x, y, w),
      frozen ? Object.values(params).filter((v) => v !== params['wpe.weight']) : undefined,
    );
    // Gradients clipped to a global norm of CLIP: lets a high learning rate survive the rare spike.
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(CLIP, tf.add(norm, 1e-6)));
    optimizer.applyGradients(
      Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.mul(g, scale)])),
    );
    return tf.keep(value);
  });
  const value = (await loss.data())[0];
  loss.dispose();
  avg = avg === null ? value : 0.95 * avg + 0.05 * value;
  if (step % 25 === 0 || step === STEPS - 1) {
    console.log(
      `step ${step} loss ${value.toFixed(3)} (avg ${avg.toFixed(3)}) ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  if ((step + 1) % CHECKPOINT === 0 && step < STEPS - 1) {
    // The loss on the second half of repeated random spans drops from ~4.55 (chance) once an induction head works.
    console.log(
      `checkpoint ${step + 1}: repeat-probe loss ${evalLoss(probeBatch, T / 2, 8).toFixed(3)}`,
    );
    save(step + 1, null);
  }
}

// Held-out evaluation with another seed: loss on text, and on the second copy of repeated spans.
const evalRng = makeRng(SEED + 99991);
const evalBatch = makeBatch(evalRng, corpus.tokens, 32, T, 'text');
const evalRep = makeBatch(evalRng, corpus.tokens, 32, T, 'repeat', undefined, 8);
const textLoss = evalLoss(evalBatch, 0, 32);
const repeatLoss = evalLoss(evalRep, T / 2, 32);
console.log(
  `eval: text loss ${textLoss.toFixed(3)} nats/char, repeated-span loss (second half) ${repeatLoss.toFixed(3)}`,
);

save(STEPS, { textLoss, repeatLoss });
execFileSync(process.execPath, [resolve(root, 'scripts/heads.mjs'), '--dir', OUT], {
  stdio: 'inherit',
});
