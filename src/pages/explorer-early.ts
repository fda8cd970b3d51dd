/**
 * What the explorer starts before its page has loaded: the model worker, the link's model
 * opened in it and, for the first view, its weights loaded and its head computed. The entry
 * (./explorer.ts) imports this small module at once, so this work runs while the browser still
 * fetches and compiles the renderer and the menu (./explorer-main.ts); the page then takes the
 * answers from here. The worker is named after the page's link, so that it starts the built-in
 * model's first view by itself (a message to a worker that is still loading waits for the page's
 * thread, which the renderer's start holds for hundreds of milliseconds).
 */
import { explorerClient } from '../ui/explorer-client';
import { readState } from '../compute/explorer-state';

export { type ExplorerState, SAMPLES, readState } from '../compute/explorer-state';

const client = explorerClient();
client.startWith(window.location.search);
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
