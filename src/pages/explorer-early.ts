/**
 * What the explorer starts before its page has loaded: the model worker, the link's model
 * opened in it and, for the first view, its weights loaded and its head computed. The entry
 * (./explorer.ts) imports this small module at once, so this work runs while the browser still
 * fetches and compiles the renderer and the menu (./explorer-main.ts); the page then takes the
 * answers from here. Also the link's reading (readState), which both need.
 */
import { explorerClient } from '../ui/explorer-client';
import type { ModelInfo } from '../compute/explorer-protocol';
import { PRESETS, type Preset, VARIANTS, type Variant } from '../core/nn/head-view';

/** Texts to start from; the first has a span repeated three times, where induction heads fire. */
export const SAMPLES: readonly { name: string; text: string }[] = [
  {
    name: 'a repeated random span',
    text: 'the code Wq7Kz#Lp3 then Wq7Kz#Lp3 and once more Wq7Kz#Lp3 end',
  },
  {
    name: 'a repeated sentence',
    text: 'copy and distribute the Program. copy and distribute the Program',
  },
  {
    name: 'licence prose',
    text: 'This License applies to any program or other work which contains',
  },
  {
    name: 'random characters',
    text: 'v#9Lq2Xa!mZ0tR&8cW$pB7yN%4eK*3sH@6uD^1gJ(5oF)2iA-0rT+9wE=8qS',
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
function defaultHead(i: ModelInfo): { layer: number; head: number } {
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

const client = explorerClient();
/** The link's layer when it names one (a hint; readState checks it against the model). */
function linkLayer(): number | undefined {
  const raw = new URLSearchParams(window.location.search).get('layer');
  const v = raw === null ? NaN : Number(raw);
  return Number.isInteger(v) && v >= 0 && v < 4096 ? v : undefined;
}

// The model worker starts and opens the model of the link (the built-in one, or a checkpoint
// by URL) while the page loads and the view starts: the first view needs it (an error surfaces
// where explorer-main.ts opens the model).
export const wantedModel = new URLSearchParams(window.location.search).get('model') ?? 'builtin';
export const earlyOpen =
  wantedModel === 'builtin' || /^https?:\/\//i.test(wantedModel)
    ? client.open(wantedModel, { layer: linkLayer() })
    : null;
earlyOpen?.catch(() => undefined);
/** The first view's weights, asked for early (a checkpoint's); show() takes this answer once. */
let earlyPrepare: { key: string; done: Promise<{ transferred: number; total: number }> } | null =
  null;

/** The early answer for the weights of view `q` (once; null when none was asked for that view). */
export function takeEarlyPrepare(
  q: object,
): Promise<{ transferred: number; total: number }> | null {
  const early = earlyPrepare?.key === JSON.stringify(q) ? earlyPrepare.done : null;
  earlyPrepare = null;
  return early;
}
// The first view's head is computed meanwhile too (for a checkpoint, its weights loaded first):
// the app asks for the same head once it has started, and the client answers with this request
// (same model, text, layer, head, variant).
earlyOpen
  ?.then(async (i) => {
    const s = readState(window.location.search, i, []);
    const toks = await client.tokens(i.model, s.text);
    const { model, layer, head, variant } = s;
    const q = { model, text: toks.text, layer, head, variant };
    if (model !== 'builtin') {
      const done = client.prepare(q);
      earlyPrepare = { key: JSON.stringify(q), done };
      await done;
    }
    await client.head(q);
  })
  .catch(() => undefined);
