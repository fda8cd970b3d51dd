/**
 * The built-in model as the training library computes it: a small GPT-2-architecture transformer
 * written with @tensorflow/tfjs-core ops (pre-LN blocks, learned position embeddings, causal
 * attention, tanh-GELU MLP, final ln_f, unembedding tied to `wte` as in GPT-2). This module owns
 * the configuration, the character vocabulary, the parameter names (GPT-2's key layout, Conv1D
 * weights stored [in, out]), the tfjs forward pass used by training and by the head-naming
 * script, and the .safetensors writer/reader the scripts share. The browser's forward pass lives
 * in src/core/nn/ and is tested against a tfjs model rebuilt from the saved file.
 */
// The umbrella package registers the CPU backend and the gradients of every op.
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';

export const CONFIG = Object.freeze({
  nLayer: 2,
  nHead: 4,
  dModel: 64,
  nCtx: 64,
  dMlp: 256,
  lnEps: 1e-5,
});

/** Character vocabulary: newline plus printable ASCII. Anything else is read as '?'. */
export const VOCAB = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

/**
 * tfjs's WebAssembly backend multiplies transposed operands 3 to 20 times slower than plain ones
 * (0.8 against 6-19 GFLOP/s on this machine for the shapes of a training step), and the gradients
 * of every product ask for transposed operands. This re-registers the backend's BatchMatMul
 * kernel so that a transposed operand is first transposed into a copy by the backend's own
 * Transpose kernel and the plain product runs on it: the same products up to float32 rounding
 * (the plain kernel sums in another order; relative differences about 1e-6 on a training step's
 * shapes, so a run's losses agree with the old code's to three decimals for the first hundreds of
 * steps and then drift apart as any two float32 runs do), about three times faster per training
 * step. Call after `tf.setBackend('wasm')`.
 */
export function plainProductsOnWasm() {
  const product = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!product || !transpose || product.plainProducts) return;
  const kernelFunc = ({ inputs, backend, attrs }) => {
    const copies = [];
    const swapped = (x) => {
      const r = x.shape.length;
      const perm = [...Array(r - 2).keys(), r - 1, r - 2];
      const y = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } });
      copies.push(y);
      return y;
    };
    const a = attrs.transposeA ? swapped(inputs.a) : inputs.a;
    const b = attrs.transposeB ? swapped(inputs.b) : inputs.b;
    const out = product.kernelFunc({
      inputs: { ...inputs, a, b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
    for (const c of copies) backend.disposeData(c.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...product, kernelFunc, plainProducts: true });
}

export function encode(text) {
  const index = new Map(VOCAB.map((c, i) => [c, i]));
  const unknown = index.get('?');
  return Array.from(text, (c) => index.get(c) ?? unknown);
}

/** GPT-2's parameter names and shapes for a configuration. */
export function paramShapes(cfg = CONFIG, vocab = VOCAB.length) {
  const d = cfg.dModel;
  const shapes = { 'wte.weight': [vocab, d], 'wpe.weight': [cfg.nCtx, d] };
  for (let l = 0; l < cfg.nLayer; l++) {
    const p = `h.${l}.`;
    Object.assign(shapes, {
      [`${p}ln_1.weight`]: [d],
      [`${p}ln_1.bias`]: [d],
      [`${p}attn.c_attn.weight`]: [d, 3 * d],
      [`${p}attn.c_attn.bias`]: [3 * d],
      [`${p}attn.c_proj.weight`]: [d, d],
      [`${p}attn.c_proj.bias`]: [d],
      [`${p}ln_2.weight`]: [d],
      [`${p}ln_2.bias`]: [d],
      [`${p}mlp.c_fc.weight`]: [d, cfg.dMlp],
      [`${p}mlp.c_fc.bias`]: [cfg.dMlp],
      [`${p}mlp.c_proj.weight`]: [cfg.dMlp, d],
      [`${p}mlp.c_proj.bias`]: [d],
    });
  }
  shapes['ln_f.weight'] = [d];
  shapes['ln_f.bias'] = [d];
  return shapes;
}

/** Fresh parameters as tfjs variables, GPT-2's initialisation (N(0, 0.02), residual projections scaled by 1/sqrt(2 nLayer)). */
export function initParams(seed, cfg = CONFIG, { sinusoidalWpe = false, qkStd = 0.02 } = {}) {
  const params = {};
  let s = seed;
  for (const [name, shape] of Object.entries(paramShapes(cfg))) {
    let init;
    if (name.endsWith('ln_1.weight') || name.endsWith('ln_2.weight') || name === 'ln_f.weight')
      init = tf.ones(shape);
    else if (name === 'wpe.weight' && sinusoidalWpe) init = sinusoids(shape[0], shape[1]);
    else if (shape.length === 1) init = tf.zeros(shape);
    else {
      const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * cfg.nLayer) : 0.02;
      init = tf.truncatedNormal(shape, 0, std, 'float32', s++);
      if (name.endsWith('attn.c_attn.weight') && qkStd !== 0.02) {
        // The query and key columns (the first two thirds) drawn wider: attention scores start
        // away from uniform, where the gradient of a score (a product of the two) is not tiny.
        const d = shape[0];
        const qk = tf.truncatedNormal([d, 2 * d], 0, qkStd, 'float32', s + 1000);
        init = tf.concat([qk, tf.slice(init, [0, 2 * d], [d, d])], 1);
      }
    }
    params[name] = tf.variable(init, true, name);
  }
  return params;
}

/**
 * Sine/cosine position codes at the scale of the token embeddings (per-component std 0.02), as a
 * starting point for the learned position embeddings: a fixed offset between positions is then a
 * rotation, which a previous-token head can find early in training. Training still moves them.
 */
function sinusoids(n, d) {
  const out = new Float32Array(n * d);
  const scale = 0.02 / Math.SQRT1_2;
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d / 2; i++) {
      const f = p / 10000 ** ((2 * i) / d);
      out[p * d + 2 * i] = scale * Math.sin(f);
      out[p * d + 2 * i + 1] = scale * Math.cos(f);
    }
  }
  return tf.tensor2d(out, [n, d]);
}

function layerNorm(x, w, b, eps) {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), w), b);
}

/** GELU, tanh approximation (GPT-2's "gelu_new"). */
function gelu(x) {
  const c = Math.sqrt(2 / Math.PI);
  const inner = tf.mul(c, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/**
 * Forward pass on a [B, T] int32 token tensor. Returns logits [B, T, V] and, when `trace` is
 * set, every layer's residual stream (hidden[0] = embeddings, hidden[l+1] = after block l) and
 * every layer's attention probabilities [B, H, T, T].
 */
export function forward(params, tokens, cfg = CONFIG, trace = false) {
  const [B, T] = tokens.shape;
  const d = cfg.dModel;
  const H = cfg.nHead;
  const hd = d / H;
  // Embedding lookup as a one-hot product: the same numbers as a gather, and its gradient is a
  // product too (the WebAssembly backend has no UnsortedSegmentSum kernel for gather's gradient).
  const oneHot = tf.oneHot(tf.reshape(tokens, [-1]), params['wte.weight'].shape[0]);
  const tokEmb = tf.reshape(tf.matMul(oneHot, params['wte.weight']), [B, T, d]);
  let x = tf.add(tokEmb, tf.slice(params['wpe.weight'], [0, 0], [T, d]));
  // Additive causal mask: -1e9 above the diagonal.
  const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
  const hidden = trace ? [x] : null;
  const attns = trace ? [] : null;
  const mm = (a, name) => {
    const w = params[`${name}.weight`];
    const shape = a.shape;
    const flat = tf.reshape(a, [-1, shape[shape.length - 1]]);
    const y = tf.add(tf.matMul(flat, w), params[`${name}.bias`]);
    return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
  };
  for (let l = 0; l < cfg.nLayer; l++) {
    const p = `h.${l}.`;
    const h = layerNorm(x, params[`${p}ln_1.weight`], params[`${p}ln_1.bias`], cfg.lnEps);
    const qkv = mm(h, `${p}attn.c_attn`);
    const [q, k, v] = tf
      .split(qkv, 3, -1)
      .map((t) => tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]));
    const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(hd)), mask);
    const att = tf.softmax(scores, -1);
    if (attns) attns.push(att);
    const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B, T, d]);
    x = tf.add(x, mm(y, `${p}attn.c_proj`));
    const h2 = layerNorm(x, params[`${p}ln_2.weight`], params[`${p}ln_2.bias`], cfg.lnEps);
    x = tf.add(x, mm(gelu(mm(h2, `${p}mlp.c_fc`)), `${p}mlp.c_proj`));
    if (hidden) hidden.push(x);
  }
  const hf = layerNorm(x, params['ln_f.weight'], params['ln_f.bias'], cfg.lnEps);
  const logits = tf.reshape(tf.matMul(tf.reshape(hf, [-1, d]), params['wte.weight'], false, true), [
    B,
    T,
    -1,
  ]);
  return { logits, hidden, attns };
}

/** .safetensors from name -> {shape, data: Float32Array}; little-endian F32, header padded to 8 bytes. */
export function writeSafetensors(path, tensors, metadata) {
  const header = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const { shape, data } = tensors[name];
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    offset += data.length * 4;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    for (const v of tensors[name].data) {
      out.writeFloatLE(v, at);
      at += 4;
    }
  }
  writeFileSync(path, out);
}

/** Reads a .safetensors file written above (F32 only) into name -> {shape, data}. */
export function readSafetensors(path) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const tensors = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [a, b] = info.data_offsets;
    const data = new Float32Array((b - a) / 4);
    for (let i = 0; i < data.length; i++) data[i] = buf.readFloatLE(8 + n + a + 4 * i);
    tensors[name] = { shape: info.shape, data };
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}
