/**
 * The explorer's own state and its link (query keys model, text, layer, head, variant, anim),
 * shared by the explorer page and its model worker: the worker reads the page's link when it
 * starts, so it computes the first view before the page's own requests can reach it (see
 * ./explorer.worker.ts). No side effects.
 */
import type { ModelInfo } from './explorer-protocol';
import { PRESETS, type Preset, VARIANTS, type Variant } from '../core/nn/head-view';

/**
 * Texts to start from. The built-in model was trained on random lowercase letters and digits in
 * which spans repeat (docs/explorer.md): the first text repeats such a span three times, where its
 * induction heads fire; the others show the same heads with nothing to copy, and on prose, whose
 * spaces and capitals the model never saw.
 */
export const SAMPLES: readonly { name: string; text: string }[] = [
  {
    name: 'a repeated random span',
    text: 'x7qk2v9dmr4bz8wx7qk2v9dmr4bz8wx7qk2v9dmr4bz8w',
  },
  {
    name: 'a span repeated after other letters',
    text: 'g5tn3ha8pe1y6cuo0s2kfi9j4lq7xv2mg5tn3ha8pe1y6c',
  },
  {
    name: 'letters and digits, no repeat',
    text: 'p1w8hz3ykc7ma0dn5uqi2v6etj9bl4sogx',
  },
  {
    name: 'licence prose',
    text: 'This License applies to any program or other work which contains',
  },
];

export interface ExplorerState {
  model: string;
  text: string;
  layer: number;
  head: number;
  variant: Variant;
  anim: Preset;
}

/** The head with the highest induction score (the named induction head when the model has one). */
export function defaultHead(i: ModelInfo): { layer: number; head: number } {
  const best = [...i.heads].sort(
    (a, b) => (b.scores.induction ?? 0) - (a.scores.induction ?? 0),
  )[0];
  if (best) return { layer: best.layer, head: best.head };
  // A checkpoint opens on layer 0: the cheapest view (one block to fetch).
  return i.model === 'builtin' ? { layer: i.config.nLayer - 1, head: 0 } : { layer: 0, head: 0 };
}

/** The explorer's state from a query string; bad values fall back to defaults with a notice. */
export function readState(search: string, i: ModelInfo, notices: string[]): ExplorerState {
  const sp = new URLSearchParams(search);
  const def = defaultHead(i);
  const int = (key: string, fallback: number, max: number): number => {
    const raw = sp.get(key);
    if (raw === null) return fallback;
    const v = Number(raw);
    if (Number.isInteger(v) && v >= 0 && v <= max) return v;
    notices.push(`${key}: "${raw.slice(0, 20)}" is not in 0..${max}; using ${fallback}`);
    return fallback;
  };
  let text = sp.get('text') ?? SAMPLES[0]!.text;
  if (text.length === 0) text = SAMPLES[0]!.text;
  // Cut generously here (links are bounded); the model's own token limit is applied when shown.
  text = [...text].slice(0, 4 * i.maxTokens).join('');
  const variantRaw = sp.get('variant') ?? 'usual';
  const variant: Variant = (VARIANTS as readonly string[]).includes(variantRaw)
    ? (variantRaw as Variant)
    : 'usual';
  if (variant !== variantRaw)
    notices.push(`variant: unknown "${variantRaw.slice(0, 20)}"; using usual`);
  const animRaw = sp.get('anim');
  const anim =
    animRaw !== null && (PRESETS as readonly string[]).includes(animRaw)
      ? (animRaw as Preset)
      : 'none';
  if (animRaw !== null && anim !== animRaw)
    notices.push(`anim: unknown preset "${animRaw.slice(0, 40)}"; using none`);
  return {
    model: i.model,
    text,
    layer: int('layer', def.layer, i.config.nLayer - 1),
    head: int('head', def.head, i.config.nHead - 1),
    variant,
    anim,
  };
}
