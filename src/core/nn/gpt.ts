/**
 * The forward pass of a GPT-2-architecture transformer (pre-LN blocks, learned position
 * embeddings, causal attention, tanh-GELU MLP, final ln_f, unembedding tied to `wte`), computed
 * lazily layer by layer with every intermediate kept, so that a view of one head at one layer
 * costs the blocks up to that layer once and switching head or layer recomputes nothing already
 * known. This module owns the model's arithmetic; matrix products go through a `Product` passed
 * in (the browser passes the WebAssembly kernel, tests a plain loop), weights arrive as a
 * `GptWeights` (weights.ts: key layout and configuration).
 *
 * Layouts follow GPT-2's Conv1D convention: a weight is stored [in, out], so y = x @ W + b.
 */
import type { GptConfig, GptWeights } from './weights';

/** C (I x J) = A (I x K) @ B (K x J), all row-major float32. */
export type Product = (
  a: Float32Array,
  b: Float32Array,
  I: number,
  K: number,
  J: number,
) => Float32Array;

/** Everything one block computes for a sequence of T tokens (row-major, one row per token). */
export interface LayerActs {
  /** The residual stream entering the block, T x d. */
  resid: Float32Array;
  /** ln_1(resid): every head's input, T x d. */
  ln1: Float32Array;
  /** ln_1 @ c_attn.weight + c_attn.bias, T x 3d: Q | K | V, each split into heads of width d/H. */
  qkv: Float32Array;
  /** Attention probabilities per head, H of T x T (zero above the diagonal). */
  attn: Float32Array[];
  /** The heads' outputs side by side, T x d: c_proj's input. */
  z: Float32Array;
  /** The residual after attention, T x d. */
  residMid: Float32Array;
  /** The residual leaving the block, T x d. */
  residOut: Float32Array;
}

/** One head's intermediates, exactly as the model computes them. */
export interface HeadActs {
  T: number;
  /** Model width d and head width hd. */
  d: number;
  hd: number;
  /** ln_1 of the residual, T x d. */
  input: Float32Array;
  /** T x hd each, biases included. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** T x T. */
  attn: Float32Array;
  /** attn @ v, T x hd: this head's slice of c_proj's input. */
  z: Float32Array;
  /** z @ (this head's rows of c_proj.weight), T x d: the head's contribution to the residual (c_proj's bias not included). */
  out: Float32Array;
}

export function layerNorm(
  x: Float32Array,
  T: number,
  d: number,
  w: Float32Array,
  b: Float32Array,
  eps: number,
): Float32Array {
  const out = new Float32Array(T * d);
  for (let t = 0; t < T; t++) {
    const row = t * d;
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[row + i]!;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += (x[row + i]! - mean) ** 2;
    v /= d;
    const s = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < d; i++) out[row + i] = (x[row + i]! - mean) * s * w[i]! + b[i]!;
  }
  return out;
}

/** GELU, tanh approximation (GPT-2's `gelu_new`). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

function addBias(y: Float32Array, rows: number, b: Float32Array): Float32Array {
  const n = b.length;
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) y[r * n + j] = y[r * n + j]! + b[j]!;
  return y;
}

/** Columns [from, from + n) of a row-major rows x cols matrix. */
export function columns(
  m: Float32Array,
  rows: number,
  cols: number,
  from: number,
  n: number,
): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + from, r * cols + from + n), r * n);
  return out;
}

export class GptRun {
  readonly T: number;
  readonly cfg: GptConfig;
  /** Computed blocks by index (a seeded run has none below its seed). */
  private readonly layers: (LayerActs | undefined)[] = [];
  private readonly seeds = new Map<number, Float32Array>();
  private final: Float32Array | null = null;
  private embedded: Float32Array | null = null;

  constructor(
    private readonly w: GptWeights,
    readonly tokens: readonly number[],
    private readonly product: Product,
  ) {
    this.cfg = w.config;
    if (tokens.length < 1 || tokens.length > this.cfg.nCtx)
      throw new Error(`a text of 1 to ${this.cfg.nCtx} tokens is needed, got ${tokens.length}`);
    for (const t of tokens)
      if (!Number.isInteger(t) || t < 0 || t >= this.cfg.vocabSize)
        throw new Error(`token id ${t} is outside the vocabulary`);
    this.T = tokens.length;
  }

  /** Token plus position embeddings, T x d. */
  embeddings(): Float32Array {
    if (this.embedded) return this.embedded;
    const d = this.cfg.dModel;
    const wte = this.w.get('wte.weight');
    const wpe = this.w.get('wpe.weight');
    const x = new Float32Array(this.T * d);
    for (let t = 0; t < this.T; t++) {
      const tok = this.tokens[t]!;
      for (let i = 0; i < d; i++) x[t * d + i] = wte[tok * d + i]! + wpe[t * d + i]!;
    }
    this.embedded = x;
    return x;
  }

  /** Whether block `l` is computed. */
  has(l: number): boolean {
    return this.layers[l] !== undefined;
  }

  /**
   * Starts the run at block `l` from a residual stream computed before (T x d, the stream
   * entering block l, as `hidden(l - 1)` gave it): block l and above then need no block below
   * them. Used to reopen a view without recomputing (or loading) the blocks under it.
   */
  seed(l: number, resid: Float32Array): void {
    if (!Number.isInteger(l) || l < 1 || l >= this.cfg.nLayer)
      throw new Error(`a run is seeded at a layer in 1..${this.cfg.nLayer - 1}, not ${l}`);
    if (resid.length !== this.T * this.cfg.dModel)
      throw new Error(`a seed is ${this.T} x ${this.cfg.dModel} values, got ${resid.length}`);
    if (!this.layers[l]) this.seeds.set(l, resid);
  }

  /** The lowest block that computing block `l` still needs (l itself when its input is known). */
  firstNeeded(l: number): number {
    let s = l;
    while (s > 0 && !this.layers[s - 1] && !this.seeds.has(s)) s--;
    return s;
  }

  /** The residual stream entering block l (l >= 1) when known without computing: block l - 1's output or a seed. */
  knownInput(l: number): Float32Array | undefined {
    return this.layers[l - 1]?.residOut ?? this.seeds.get(l);
  }

  /** The residual stream entering block l: the embeddings, block l - 1's output, or a seed. */
  private inputOf(l: number): Float32Array {
    if (l === 0) return this.embeddings();
    return this.knownInput(l) ?? this.layer(l - 1).residOut;
  }

  /** Block `l`'s activations, computing the blocks it needs first. */
  layer(l: number): LayerActs {
    if (!Number.isInteger(l) || l < 0 || l >= this.cfg.nLayer)
      throw new Error(`layer ${l} is not in 0..${this.cfg.nLayer - 1}`);
    for (let i = this.firstNeeded(l); i <= l; i++)
      this.layers[i] ??= this.block(i, this.inputOf(i));
    return this.layers[l]!;
  }

  /** The residual stream after block l (l = -1: the embeddings). */
  hidden(l: number): Float32Array {
    return l < 0 ? this.embeddings() : this.layer(l).residOut;
  }

  private block(l: number, resid: Float32Array): LayerActs {
    const { dModel: d, nHead: H, dMlp, lnEps } = this.cfg;
    const T = this.T;
    const hd = d / H;
    const p = `h.${l}.`;
    const g = (n: string): Float32Array => this.w.get(p + n);
    const ln1 = layerNorm(resid, T, d, g('ln_1.weight'), g('ln_1.bias'), lnEps);
    const qkv = addBias(
      this.product(ln1, g('attn.c_attn.weight'), T, d, 3 * d),
      T,
      g('attn.c_attn.bias'),
    );
    const z = new Float32Array(T * d);
    const attn: Float32Array[] = [];
    const scale = 1 / Math.sqrt(hd);
    // Per head: scores = Q_h @ K_h^T and z_h = attn @ V_h as products (the kernel runs them
    // several times faster than scalar loops; the causal mask and the softmax stay here).
    for (let h = 0; h < H; h++) {
      const q = columns(qkv, T, 3 * d, h * hd, hd);
      // A fresh K_h^T per head: the kernel keeps a packed B per array, which must not change.
      const kT = new Float32Array(hd * T);
      for (let j = 0; j < T; j++)
        for (let c = 0; c < hd; c++) kT[c * T + j] = qkv[j * 3 * d + d + h * hd + c]!;
      const a = this.product(q, kT, T, hd, T);
      for (let i = 0; i < T; i++) {
        // Causal: query i sees keys 0..i. A max-subtracted softmax over the scaled scores.
        const row = i * T;
        let m = -Infinity;
        for (let j = 0; j <= i; j++) {
          const s = a[row + j]! * scale;
          a[row + j] = s;
          if (s > m) m = s;
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(a[row + j]! - m);
          a[row + j] = e;
          sum += e;
        }
        for (let j = 0; j <= i; j++) a[row + j] = a[row + j]! / sum;
        a.fill(0, row + i + 1, row + T);
      }
      const zh = this.product(a, columns(qkv, T, 3 * d, 2 * d + h * hd, hd), T, T, hd);
      for (let i = 0; i < T; i++) z.set(zh.subarray(i * hd, (i + 1) * hd), i * d + h * hd);
      attn.push(a);
    }
    const proj = addBias(
      this.product(z, g('attn.c_proj.weight'), T, d, d),
      T,
      g('attn.c_proj.bias'),
    );
    const residMid = new Float32Array(T * d);
    for (let i = 0; i < T * d; i++) residMid[i] = resid[i]! + proj[i]!;
    const ln2 = layerNorm(residMid, T, d, g('ln_2.weight'), g('ln_2.bias'), lnEps);
    const fc = addBias(this.product(ln2, g('mlp.c_fc.weight'), T, d, dMlp), T, g('mlp.c_fc.bias'));
    for (let i = 0; i < fc.length; i++) fc[i] = geluTanh(fc[i]!);
    const mlp = addBias(
      this.product(fc, g('mlp.c_proj.weight'), T, dMlp, d),
      T,
      g('mlp.c_proj.bias'),
    );
    const residOut = new Float32Array(T * d);
    for (let i = 0; i < T * d; i++) residOut[i] = residMid[i]! + mlp[i]!;
    return { resid, ln1, qkv, attn, z, residMid, residOut };
  }

  /** Head `h` of block `l`, as the model computes it. */
  head(l: number, h: number): HeadActs {
    const { dModel: d, nHead: H } = this.cfg;
    if (!Number.isInteger(h) || h < 0 || h >= H) throw new Error(`head ${h} is not in 0..${H - 1}`);
    const a = this.layer(l);
    const T = this.T;
    const hd = d / H;
    const z = columns(a.z, T, d, h * hd, hd);
    const wO = this.w.get(`h.${l}.attn.c_proj.weight`).subarray(h * hd * d, (h + 1) * hd * d);
    return {
      T,
      d,
      hd,
      input: a.ln1,
      q: columns(a.qkv, T, 3 * d, h * hd, hd),
      k: columns(a.qkv, T, 3 * d, d + h * hd, hd),
      v: columns(a.qkv, T, 3 * d, 2 * d + h * hd, hd),
      attn: a.attn[h]!,
      z,
      out: this.product(z, wO, T, hd, d),
    };
  }

  /** Logits over the vocabulary, T x V (ln_f, then the transposed token embedding). */
  logits(): Float32Array {
    if (this.final) return this.final;
    const { dModel: d, vocabSize: V, lnEps, nLayer } = this.cfg;
    const x = layerNorm(
      this.hidden(nLayer - 1),
      this.T,
      d,
      this.w.get('ln_f.weight'),
      this.w.get('ln_f.bias'),
      lnEps,
    );
    const wte = this.w.get('wte.weight');
    // wte is V x d; logits need its transpose (d x V).
    const wteT = new Float32Array(d * V);
    for (let v = 0; v < V; v++) for (let i = 0; i < d; i++) wteT[i * V + v] = wte[v * d + i]!;
    this.final = this.product(x, wteT, this.T, d, V);
    return this.final;
  }
}
