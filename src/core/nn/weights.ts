/**
 * Weights of a GPT-2-architecture model by key layout: recognizes GPT-2's tensor names with or
 * without the `transformer.` prefix (Hugging Face checkpoints use both), checks every shape
 * against one configuration derived from the tensors themselves, and reads the built-in model's
 * vocabulary and head count from its `__metadata__`. Tensor bytes are fetched by the caller (the
 * names a view needs are listed by `tensorNames`, so a loader can fetch only those, by byte
 * range); this module sees only name -> shape and name -> Float32Array.
 */

export interface GptConfig {
  nLayer: number;
  nHead: number;
  dModel: number;
  nCtx: number;
  dMlp: number;
  vocabSize: number;
  lnEps: number;
}

export interface GptWeights {
  config: GptConfig;
  /** A tensor by its GPT-2 name without prefix (e.g. `h.0.ln_1.weight`), row-major. */
  get(name: string): Float32Array;
}

/** Head counts of the published GPT-2 sizes (not stored in their checkpoints). */
const GPT2_HEADS: Readonly<Record<number, number>> = { 768: 12, 1024: 16, 1280: 20, 1600: 25 };

export type Layout =
  { kind: 'gpt2'; prefix: '' | 'transformer.' } | { kind: 'unknown'; message: string };

const BLOCK_KEYS = [
  'ln_1.weight',
  'ln_1.bias',
  'attn.c_attn.weight',
  'attn.c_attn.bias',
  'attn.c_proj.weight',
  'attn.c_proj.bias',
  'ln_2.weight',
  'ln_2.bias',
  'mlp.c_fc.weight',
  'mlp.c_fc.bias',
  'mlp.c_proj.weight',
  'mlp.c_proj.bias',
] as const;

/** Which key layout a list of tensor names follows. */
export function detectLayout(names: readonly string[]): Layout {
  const set = new Set(names);
  for (const prefix of ['', 'transformer.'] as const) {
    if (
      set.has(`${prefix}wte.weight`) &&
      set.has(`${prefix}wpe.weight`) &&
      set.has(`${prefix}h.0.attn.c_attn.weight`)
    )
      return { kind: 'gpt2', prefix };
  }
  const shown =
    names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length} tensors)` : '');
  return {
    kind: 'unknown',
    message: `not a GPT-2-layout checkpoint: expected wte.weight, wpe.weight, h.0.attn.c_attn.weight, … (optionally prefixed "transformer."), found ${shown || 'no tensors'}`,
  };
}

/** The configuration implied by the tensors' shapes (and the head count, which shapes do not tell). */
export function configFromShapes(
  shapes: ReadonlyMap<string, readonly number[]>,
  prefix: string,
  nHead?: number,
): GptConfig {
  const shape = (n: string): readonly number[] => {
    const s = shapes.get(prefix + n);
    if (!s) throw new Error(`tensor ${prefix + n} is missing`);
    return s;
  };
  const [vocabSize, dModel] = shape('wte.weight') as [number, number];
  const [nCtx] = shape('wpe.weight') as [number];
  let nLayer = 0;
  while (shapes.has(`${prefix}h.${nLayer}.attn.c_attn.weight`)) nLayer++;
  const [, dMlp] = shape('h.0.mlp.c_fc.weight') as [number, number];
  const heads = nHead ?? GPT2_HEADS[dModel];
  if (!heads || dModel % heads !== 0)
    throw new Error(`the head count of a ${dModel}-wide model is not known`);
  const cfg: GptConfig = { nLayer, nHead: heads, dModel, nCtx, dMlp, vocabSize, lnEps: 1e-5 };
  for (const [n, want] of Object.entries(expectedShapes(cfg))) {
    const got = shape(n);
    if (got.length !== want.length || got.some((x, i) => x !== want[i])) {
      throw new Error(
        `tensor ${prefix + n} has shape [${got.join(', ')}], expected [${want.join(', ')}]`,
      );
    }
  }
  return cfg;
}

/** Every tensor of a configuration with its shape (Conv1D weights [in, out]). */
export function expectedShapes(cfg: GptConfig): Record<string, number[]> {
  const d = cfg.dModel;
  const out: Record<string, number[]> = {
    'wte.weight': [cfg.vocabSize, d],
    'wpe.weight': [cfg.nCtx, d],
    'ln_f.weight': [d],
    'ln_f.bias': [d],
  };
  const block: Record<(typeof BLOCK_KEYS)[number], number[]> = {
    'ln_1.weight': [d],
    'ln_1.bias': [d],
    'attn.c_attn.weight': [d, 3 * d],
    'attn.c_attn.bias': [3 * d],
    'attn.c_proj.weight': [d, d],
    'attn.c_proj.bias': [d],
    'ln_2.weight': [d],
    'ln_2.bias': [d],
    'mlp.c_fc.weight': [d, cfg.dMlp],
    'mlp.c_fc.bias': [cfg.dMlp],
    'mlp.c_proj.weight': [cfg.dMlp, d],
    'mlp.c_proj.bias': [d],
  };
  for (let l = 0; l < cfg.nLayer; l++) for (const k of BLOCK_KEYS) out[`h.${l}.${k}`] = block[k];
  return out;
}

/** The tensors needed to compute blocks 0..layer (and, with `logits`, the final layer norm). */
export function tensorNames(cfg: GptConfig, layer: number, logits = false): string[] {
  const names = ['wte.weight', 'wpe.weight'];
  for (let l = 0; l <= layer && l < cfg.nLayer; l++)
    for (const k of BLOCK_KEYS) names.push(`h.${l}.${k}`);
  if (logits) names.push('ln_f.weight', 'ln_f.bias');
  return names;
}

/** Weights from loaded tensors (names with the checkpoint's prefix). */
export function makeWeights(
  cfg: GptConfig,
  prefix: string,
  tensors: ReadonlyMap<string, Float32Array>,
): GptWeights {
  return {
    config: cfg,
    get(name) {
      const t = tensors.get(prefix + name);
      if (!t) throw new Error(`tensor ${prefix + name} is not loaded`);
      return t;
    },
  };
}

/** The built-in model's facts from its `__metadata__`: vocabulary (one string per token) and head count. */
export function builtinMeta(
  metadata: Readonly<Record<string, string>>,
): { vocab: string[]; nHead: number } | null {
  try {
    const vocab: unknown = JSON.parse(metadata.vocab ?? 'null');
    const config: unknown = JSON.parse(metadata.config ?? 'null');
    if (!Array.isArray(vocab) || !vocab.every((v) => typeof v === 'string')) return null;
    const nHead =
      typeof config === 'object' && config !== null
        ? (config as { nHead?: unknown }).nHead
        : undefined;
    if (typeof nHead !== 'number' || !Number.isInteger(nHead) || nHead < 1) return null;
    return { vocab: vocab as string[], nHead };
  } catch {
    return null;
  }
}

/** A character tokenizer over a vocabulary of single characters; unknown characters become '?'. */
export function charTokenizer(vocab: readonly string[]): {
  encode: (text: string) => number[];
  decode: (id: number) => string;
} {
  const index = new Map(vocab.map((c, i) => [c, i]));
  const unknown = index.get('?') ?? 0;
  return {
    encode: (text) => Array.from(text, (c) => index.get(c) ?? unknown),
    decode: (id) => vocab[id] ?? '?',
  };
}
