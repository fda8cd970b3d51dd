/**
 * One attention head as a tool expression with the model's real values: the expression tree of
 * each variant (the usual `softmax(tril(Q @ K_t / sqrt(d))) @ V @ wO` and the premultiplied
 * `qkov` form), its leaves' values taken from a forward pass, the animation presets (fused
 * vmprod chains along the expression's left spine), and which matrices have one token per row or
 * per column (for the readout). Pure: builds a raw state for `normalize()` and plain matrices.
 *
 * Biases are part of the picture: the head's input gets a column of ones and every input-side
 * weight (wQ, wK, wV) a last row (column for wK_t) holding its bias, so `input @ wQ` is exactly
 * the model's Q. In the qkov form the causal softmax's 1/sqrt(d) cannot be applied by an epilog
 * (the last product's inner size is d_model + 1, not the head width), so it is folded into the
 * leaf named `wQ/√d`, and the attention node uses the unscaled causal softmax.
 */
import type { GptRun } from './gpt';

export const VARIANTS = ['usual', 'qkov'] as const;
export type Variant = (typeof VARIANTS)[number];

export const PRESETS = [
  'none',
  'attn @ V @ wO',
  'Q @ K_t @ V @ wO',
  'input @ wQ @ K_t @ V @ wO',
] as const;
export type Preset = (typeof PRESETS)[number];

export interface Matrix {
  h: number;
  w: number;
  data: Float32Array;
}

/** The expression text of a variant (what the tool's title shows). */
export function headExpr(variant: Variant): string {
  return variant === 'usual'
    ? 'out = (z = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV)) @ wO'
    : 'out = (z = (attn = (xQK = input @ (wQK = wQ/√d @ wK_t)) @ input_t) @ input) @ (wOV = wV @ wO)';
}

/** The leaves of a variant, in the order the tree names them. */
export function leafNames(variant: Variant): string[] {
  return variant === 'usual'
    ? ['input', 'wQ', 'wK_t', 'input_t', 'wV', 'wO']
    : ['input', 'wQ/√d', 'wK_t', 'input_t', 'wV', 'wO'];
}

/** Matrices with one token per row (queries) and per column (keys). */
export function tokenAxes(variant: Variant): { rows: Set<string>; cols: Set<string> } {
  return variant === 'usual'
    ? {
        rows: new Set(['input', 'Q', 'attn', 'V', 'z', 'out']),
        cols: new Set(['input_t', 'K_t', 'attn']),
      }
    : { rows: new Set(['input', 'xQK', 'attn', 'z', 'out']), cols: new Set(['input_t', 'attn']) };
}

/** The head's leaves with the forward pass's values (see the module comment for the bias rows). */
export function headLeaves(
  run: GptRun,
  layer: number,
  head: number,
  variant: Variant,
  weights: { get(name: string): Float32Array },
): Map<string, Matrix> {
  const a = run.head(layer, head);
  const { T, d, hd } = a;
  const D = d + 1;
  const input = new Float32Array(T * D);
  const inputT = new Float32Array(D * T);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < d; i++) {
      input[t * D + i] = a.input[t * d + i]!;
      inputT[i * T + t] = a.input[t * d + i]!;
    }
    input[t * D + d] = 1;
    inputT[d * T + t] = 1;
  }
  const W = weights.get(`h.${layer}.attn.c_attn.weight`);
  const B = weights.get(`h.${layer}.attn.c_attn.bias`);
  /** Columns `off..off+hd` of c_attn (weight rows, then the bias as row d), scaled. */
  const slice = (off: number, scale: number): Float32Array => {
    const m = new Float32Array(D * hd);
    for (let i = 0; i < d; i++)
      for (let c = 0; c < hd; c++) m[i * hd + c] = W[i * 3 * d + off + c]! * scale;
    for (let c = 0; c < hd; c++) m[d * hd + c] = B[off + c]! * scale;
    return m;
  };
  const wK = slice(d + head * hd, 1);
  const wKt = new Float32Array(hd * D);
  for (let i = 0; i < D; i++) for (let c = 0; c < hd; c++) wKt[c * D + i] = wK[i * hd + c]!;
  const wO = weights.get(`h.${layer}.attn.c_proj.weight`).slice(head * hd * d, (head + 1) * hd * d);
  const qScale = variant === 'qkov' ? 1 / Math.sqrt(hd) : 1;
  const [inName, qName, ktName, itName, vName, oName] = leafNames(variant) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return new Map<string, Matrix>([
    [inName, { h: T, w: D, data: input }],
    [qName, { h: D, w: hd, data: slice(head * hd, qScale) }],
    [ktName, { h: hd, w: D, data: wKt }],
    [itName, { h: D, w: T, data: inputT }],
    [vName, { h: D, w: hd, data: slice(2 * d + head * hd, 1) }],
    [oName, { h: hd, w: d, data: wO }],
  ]);
}

type Raw = Record<string, unknown>;

/**
 * The raw state (URL names, as an embedding message would carry it) of a head view: its tree with
 * every leaf `init: url` pointing at `refOf(leaf)`, the attention epilog, and the preset's
 * animation: the first n matmuls of the left spine animate (vmprod, fused in sync), the rest
 * appear at once.
 */
export function headState(
  variant: Variant,
  dims: { T: number; d: number; hd: number },
  preset: Preset,
  refOf: (leaf: string) => string,
): Raw {
  const { T, d, hd } = dims;
  const D = d + 1;
  const leaf = (name: string, h: number, w: number): Raw => ({
    name,
    matmul: false,
    h,
    w,
    init: 'url',
    url: refOf(name),
  });
  const animated = PRESETS.indexOf(preset) + 1; // none: 1 (nothing runs; the root's alg is none)
  const mm = (name: string, depth: number, left: Raw, right: Raw, epilog = 'none'): Raw => ({
    name,
    matmul: true,
    epilog,
    left,
    right,
    anim: { alg: depth < animated ? 'inherit' : 'none' },
  });
  const [inName, qName, ktName, itName, vName, oName] = leafNames(variant) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let left: Raw;
  let right: Raw;
  if (variant === 'usual') {
    const q = mm('Q', 3, leaf(inName, T, D), leaf(qName, D, hd));
    const k = mm('K_t', 9, leaf(ktName, hd, D), leaf(itName, D, T));
    const attn = mm('attn', 2, q, k, 'softmax(tril(x/sqrt(k)))');
    const v = mm('V', 9, leaf(inName, T, D), leaf(vName, D, hd));
    left = mm('z', 1, attn, v);
    right = leaf(oName, hd, d);
  } else {
    const wqk = mm('wQK', 9, leaf(qName, D, hd), leaf(ktName, hd, D));
    const xqk = mm('xQK', 3, leaf(inName, T, D), wqk);
    const attn = mm('attn', 2, xqk, leaf(itName, D, T), 'softmax(tril(x))');
    left = mm('z', 1, attn, leaf(inName, T, D));
    right = mm('wOV', 9, leaf(vName, D, hd), leaf(oName, hd, d));
  }
  return {
    expr: headExpr(variant),
    name: 'out',
    epilog: 'none',
    left,
    right,
    anim: {
      alg: preset === 'none' ? 'none' : 'vmprod',
      fuse: preset === 'none' ? 'none' : 'sync',
      speed: 20,
    },
  };
}
