/**
 * The attention-head explorer (explorer.html): pick a text, a layer, a head, an expression
 * variant and an animation preset, and the tool's own renderer draws that head computing on that
 * text with the model's real weights and activations. The page owns its small state (model, text,
 * layer, head, variant, anim), kept in its link; the head itself is an ordinary tool state whose
 * leaves read `explorer:` references (ui/explorer-client.ts), so "open in the tool" carries it
 * unchanged. Started by ./explorer.ts once the page has loaded.
 */
import { App, type Status } from '../ui/app';
import { installEmbedding } from '../ui/embed';
import { installKeys } from '../ui/input';
import { Inspector } from '../ui/inspect';
import { registerDataSource } from '../ui/data';
import {
  EXPLORER_PREFIX,
  explorerClient,
  explorerRef,
  loadExplorerLeaf,
} from '../ui/explorer-client';
import type { ModelInfo } from '../compute/explorer-protocol';
import {
  PRESETS,
  type Preset,
  VARIANTS,
  type Variant,
  headState,
  tokenAxes,
} from '../core/nn/head-view';
import { charTokenizer } from '../core/nn/weights';
import { normalize } from '../core/params/normalize';
import type { Params } from '../core/params/schema';

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

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

interface ExplorerState {
  model: string;
  text: string;
  layer: number;
  head: number;
  variant: Variant;
  anim: Preset;
}

registerDataSource(EXPLORER_PREFIX, loadExplorerLeaf);
const client = explorerClient();
const app = await App.start(el('view'));
const labelHost = Object.assign(document.createElement('div'), { id: 'lens-labels' });
document.body.appendChild(labelHost);
const inspector = new Inspector(app, labelHost);

let info: ModelInfo | null = null;
let state: ExplorerState | null = null;
/** The tool state last handed to the app for `state` (null until the first one). */
let shownFor: string | null = null;
let tokenText: string[] = [];
let openError: string | null = null;

const currentStatus = (): Status & { explorer: ExplorerState | null; model: string | null } => {
  const ready = app.status.ready && shownFor !== null && shownFor === JSON.stringify(state);
  return {
    ...app.status,
    notices: [...app.status.notices],
    ready,
    error: openError ?? app.status.error,
    explorer: state ? { ...state } : null,
    model: info
      ? `built-in: ${info.config.nLayer} layers, ${info.config.nHead} heads, d_model ${info.config.dModel}, context ${info.config.nCtx}`
      : null,
  };
};
const embed = installEmbedding(app, currentStatus);

// ---- state <-> link -------------------------------------------------------------------------

/** The head with the highest induction score (the named induction head when the model has one). */
function defaultHead(i: ModelInfo): { layer: number; head: number } {
  const best = [...i.heads].sort(
    (a, b) => (b.scores.induction ?? 0) - (a.scores.induction ?? 0),
  )[0];
  return best ? { layer: best.layer, head: best.head } : { layer: i.config.nLayer - 1, head: 0 };
}

/** The explorer's state from a query string; bad values fall back to defaults with a notice. */
function readState(search: string, i: ModelInfo, notices: string[]): ExplorerState {
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
  const model = sp.get('model') ?? 'builtin';
  if (model !== 'builtin')
    notices.push(
      `model: only the built-in model can be opened here for now; showing it instead of "${model.slice(0, 80)}"`,
    );
  let text = sp.get('text') ?? SAMPLES[0]!.text;
  if (text.length === 0) text = SAMPLES[0]!.text;
  if ([...text].length > i.config.nCtx) {
    notices.push(`text: the model reads at most ${i.config.nCtx} characters; the rest is cut`);
    text = [...text].slice(0, i.config.nCtx).join('');
  }
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
    model: 'builtin',
    text,
    layer: int('layer', def.layer, i.config.nLayer - 1),
    head: int('head', def.head, i.config.nHead - 1),
    variant,
    anim,
  };
}

function searchOf(s: ExplorerState): string {
  const sp = new URLSearchParams();
  if (s.model !== 'builtin') sp.set('model', s.model);
  sp.set('text', s.text);
  sp.set('layer', String(s.layer));
  sp.set('head', String(s.head));
  if (s.variant !== 'usual') sp.set('variant', s.variant);
  if (s.anim !== 'none') sp.set('anim', s.anim);
  return sp.toString();
}

// ---- controls -------------------------------------------------------------------------------

function options(select: HTMLSelectElement, items: { value: string; label: string }[]): void {
  select.replaceChildren(
    ...items.map(({ value, label }) =>
      Object.assign(document.createElement('option'), { value, textContent: label }),
    ),
  );
}

function headLabel(i: ModelInfo, layer: number, head: number): string {
  const h = i.heads.find((x) => x.layer === layer && x.head === head);
  if (!h) return `${head}`;
  const score = h.scores[h.name];
  return `${head}: ${h.name}${score !== undefined ? ` (${score.toFixed(2)})` : ''}`;
}

function fillControls(i: ModelInfo, s: ExplorerState): void {
  options(el<HTMLSelectElement>('sample'), [
    ...SAMPLES.map((x, k) => ({ value: String(k), label: x.name })),
    { value: 'custom', label: 'your own text' },
  ]);
  const k = SAMPLES.findIndex((x) => x.text === s.text);
  el<HTMLSelectElement>('sample').value = k >= 0 ? String(k) : 'custom';
  const text = el<HTMLInputElement>('text');
  text.maxLength = i.config.nCtx;
  if (text.value !== s.text) text.value = s.text;
  options(
    el<HTMLSelectElement>('layer'),
    Array.from({ length: i.config.nLayer }, (_, l) => ({ value: String(l), label: String(l) })),
  );
  el<HTMLSelectElement>('layer').value = String(s.layer);
  options(
    el<HTMLSelectElement>('head'),
    Array.from({ length: i.config.nHead }, (_, h) => ({
      value: String(h),
      label: headLabel(i, s.layer, h),
    })),
  );
  el<HTMLSelectElement>('head').value = String(s.head);
  el<HTMLSelectElement>('variant').value = s.variant;
  options(
    el<HTMLSelectElement>('preset'),
    PRESETS.map((p) => ({ value: p, label: p })),
  );
  el<HTMLSelectElement>('preset').value = s.anim;
  const h = i.heads.find((x) => x.layer === s.layer && x.head === s.head);
  el('head-info').textContent = h
    ? `layer ${s.layer} head ${s.head}: ${h.name} — ${Object.entries(h.scores)
        .map(([n, v]) => `${n} ${v.toFixed(2)}`)
        .join(', ')}`
    : `layer ${s.layer} head ${s.head}`;
}

function showTokens(tokens: string[]): void {
  el('tokens').replaceChildren(
    ...tokens.map((t, k) =>
      Object.assign(document.createElement('span'), {
        textContent: t === '\n' ? '⏎' : t,
        title: `token ${k}`,
      }),
    ),
  );
}

function markTokens(query: number | null, key: number | null): void {
  const spans = el('tokens').children;
  for (let k = 0; k < spans.length; k++) {
    spans[k]!.classList.toggle('query', k === query);
    spans[k]!.classList.toggle('key', k === key);
  }
}

const quote = (t: string | undefined): string => JSON.stringify(t ?? '?');

/** What a cell of a matrix says about tokens: rows are queries, columns keys (see head-view.ts). */
function describeCell(name: string, row: number, col: number): string {
  if (!state) return '';
  const axes = tokenAxes(state.variant);
  const r = axes.rows.has(name);
  const c = axes.cols.has(name);
  if (r && c)
    return `query ${quote(tokenText[row])} (${row}) → key ${quote(tokenText[col])} (${col})`;
  if (r) return `token ${quote(tokenText[row])} (${row})`;
  if (c) return `token ${quote(tokenText[col])} (${col})`;
  return '';
}

inspector.annotate = (name, row, col) => {
  const note = describeCell(name, row, col);
  el('token-readout').textContent = note ? `${name}: ${note}` : '';
  const axes = state ? tokenAxes(state.variant) : null;
  markTokens(axes?.rows.has(name) ? row : null, axes?.cols.has(name) ? col : null);
  return note;
};

// ---- showing a state ------------------------------------------------------------------------

function toolState(s: ExplorerState, i: ModelInfo): Params {
  const T = [...s.text].length;
  const d = i.config.dModel;
  const raw = headState(s.variant, { T, d, hd: d / i.config.nHead }, s.anim, (leaf) =>
    explorerRef(s, leaf),
  );
  return normalize(raw).params;
}

function show(
  next: ExplorerState,
  opts: { notices?: string[]; history?: 'push' | 'replace' } = {},
): void {
  if (!info) return;
  const prev = state;
  state = next;
  const url = `${window.location.pathname}?${searchOf(next)}`;
  // Our own entries only replace: the app listens to popstate for tool links (see App).
  if (url !== `${window.location.pathname}${window.location.search}`)
    history.replaceState(null, '', url);
  fillControls(info, next);
  tokenText = [...next.text];
  showTokens(tokenText);
  el('token-readout').textContent = '';
  const params = toolState(next, info);
  const refit =
    !prev || prev.variant !== next.variant || [...prev.text].length !== tokenText.length;
  if (!refit) params.cam = app.scene.cameraState();
  el<HTMLAnchorElement>('open-tool').href = `index.html?${toolSearch(params)}`;
  shownFor = JSON.stringify(next);
  app.setState(params, { history: 'none', notices: opts.notices ?? [], fit: refit });
}

/** The tool's link for a state (same encoding as the tool's own URLs). */
function toolSearch(p: Params): string {
  const saved = app.params;
  app.params = p;
  try {
    return app.urlInfo().search_params;
  } finally {
    app.params = saved;
  }
}

/** A text as the model reads it: characters outside the vocabulary become '?', cut at the context. */
function clean(text: string, i: ModelInfo): string {
  const tok = charTokenizer(i.vocab);
  return tok
    .encode([...text].slice(0, i.config.nCtx).join(''))
    .map((t) => tok.decode(t))
    .join('');
}

function update(change: Partial<ExplorerState>): void {
  if (!state || !info) return;
  const next = { ...state, ...change };
  next.text = clean(next.text, info);
  show(next);
}

el('sample').addEventListener('change', () => {
  const v = el<HTMLSelectElement>('sample').value;
  const sample = SAMPLES[Number(v)];
  if (sample) update({ text: sample.text });
  else el<HTMLInputElement>('text').focus();
});
let typing: number | undefined;
el('text').addEventListener('input', () => {
  window.clearTimeout(typing);
  typing = window.setTimeout(() => {
    const text = el<HTMLInputElement>('text').value;
    if (text.length > 0) update({ text });
  }, 250);
});
el('layer').addEventListener('change', () =>
  update({ layer: Number(el<HTMLSelectElement>('layer').value) }),
);
el('head').addEventListener('change', () =>
  update({ head: Number(el<HTMLSelectElement>('head').value) }),
);
el('variant').addEventListener('change', () =>
  update({ variant: el<HTMLSelectElement>('variant').value as Variant }),
);
el('preset').addEventListener('change', () =>
  update({ anim: el<HTMLSelectElement>('preset').value as Preset }),
);
el('explorer-panel').addEventListener('submit', (e) => e.preventDefault());
el('notice-close').addEventListener('click', () => {
  el('notice-box').hidden = true;
});

const progressEl = el('progress');
app.setHooks({
  onState: (p) => {
    el('title').textContent = p.expr;
    document.title = `${state ? `layer ${state.layer} head ${state.head}` : 'head explorer'} — mm3d`;
    embed.statusChanged(currentStatus());
  },
  onStatus: () => embed.statusChanged(currentStatus()),
  onNotices: (n) => {
    el('notices').replaceChildren(
      ...n
        .slice(0, 12)
        .map((text) => Object.assign(document.createElement('li'), { textContent: text })),
    );
    el('notice-box').hidden = n.length === 0;
  },
  onProgressText: (t) => {
    progressEl.hidden = t === null;
    if (t !== null) progressEl.textContent = t;
  },
  onProgress: (f) => {
    progressEl.hidden = f === null;
    if (f !== null) progressEl.textContent = `computing… ${Math.round(f * 100)}%`;
  },
});
// Space toggles the animation, p pauses, s steps (as in the tool).
installKeys(app.scene, (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target instanceof HTMLInputElement) return false;
  if (e.key === 'p') {
    app.animator.togglePause();
    return true;
  }
  if (e.key === 's') {
    app.animator.stepOnce();
    return true;
  }
  return false;
});

// For tests and the bench: read-only handles, no code paths of their own.
window.mm3d = {
  app,
  status: currentStatus,
  inspector,
  explorer: {
    state: () => (state ? { ...state } : null),
    info: () => info,
    client,
    search: () => (state ? searchOf(state) : ''),
  },
};

try {
  info = await client.open('builtin');
  tokenText = [];
  const notices: string[] = [];
  const first = readState(window.location.search, info, notices);
  first.text = clean(first.text, info);
  show(first, { notices });
} catch (e) {
  openError = e instanceof Error ? e.message : String(e);
  el('notices').replaceChildren(
    Object.assign(document.createElement('li'), {
      textContent: `the model could not be opened: ${openError}`,
    }),
  );
  el('notice-box').hidden = false;
  embed.statusChanged(currentStatus());
}
