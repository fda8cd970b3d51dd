/**
 * The attention-head explorer (explorer.html): pick a text, a layer, a head, an expression
 * variant and an animation preset, and the tool's own renderer draws that head computing on that
 * text with the model's real weights and activations. The page owns its small state (model, text,
 * layer, head, variant, anim), kept in its link; the head itself is an ordinary tool state whose
 * leaves read `explorer:` references (ui/explorer-client.ts), so "open in the tool" carries it
 * unchanged. Imported by ./explorer.ts at once; draws once the page has loaded.
 */
import { App, type Status } from '../ui/app';
import { installEmbedding } from '../ui/embed';
import { installKeys } from '../ui/input';
import { Inspector } from '../ui/inspect';
import { registerDataSource } from '../ui/data';
import {
  EXPLORER_PREFIX,
  ModelError,
  explorerClient,
  explorerRef,
  loadExplorerLeaf,
  peekExplorerLeaf,
} from '../ui/explorer-client';
import type { ModelInfo } from '../compute/explorer-protocol';
import type { Tokens } from '../ui/explorer-client';
import { formatBytes } from '../data/types';
import { PRESETS, type Preset, type Variant, headState, tokenAxes } from '../core/nn/head-view';
import { normalize } from '../core/params/normalize';
import type { Params } from '../core/params/schema';
import {
  type ExplorerState,
  SAMPLES,
  earlyOpen,
  readState,
  takeEarlyPrepare,
  wantedModel,
} from './explorer-early';

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

registerDataSource(EXPLORER_PREFIX, loadExplorerLeaf, peekExplorerLeaf);
const client = explorerClient();
// Drawing starts once the page has loaded (see ./tool.ts for why).
if (document.readyState !== 'complete')
  await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
// The explorer's link is not a tool state: the app waits for show()'s first state.
const app = await App.start(el('view'), { linkState: false });
const labelHost = Object.assign(document.createElement('div'), { id: 'lens-labels' });
document.body.appendChild(labelHost);
const inspector = new Inspector(app, labelHost);

let info: ModelInfo | null = null;
let state: ExplorerState | null = null;
/** The tool state last handed to the app for `state` (null until the first one). */
let shownFor: string | null = null;
let tokenText: string[] = [];
let openError: string | null = null;
/** Whether a model is being opened or a view's weights fetched (the page is not ready meanwhile). */
let loading = 0;
/** The last checkpoint load: bytes over the network and in all (for the status and tests). */
let lastLoad: { transferred: number; total: number } | null = null;
/** The last model error's kind (for the status and tests); null after a success. */
let lastError: { kind: string; message: string } | null = null;

/** (A function: TypeScript would narrow the variable to its initial null at top level.) */
const lastErrorMessage = (): string | undefined => lastError?.message;

function describeModel(i: ModelInfo): string {
  const what =
    i.model === 'builtin' ? 'built-in' : i.model.startsWith('file:') ? i.model.slice(5) : i.model;
  return `${what}${i.family === 'gpt2' ? ' (GPT-2)' : ''}: ${i.config.nLayer} layers, ${i.config.nHead} heads, d_model ${i.config.dModel}, context ${i.config.nCtx}`;
}

const currentStatus = (): Status & {
  explorer: ExplorerState | null;
  model: string | null;
  checkpoint: {
    loading: boolean;
    lastLoad: { transferred: number; total: number } | null;
    lastError: { kind: string; message: string } | null;
  };
} => {
  const ready =
    app.status.ready && loading === 0 && shownFor !== null && shownFor === JSON.stringify(state);
  return {
    ...app.status,
    notices: [...app.status.notices],
    ready,
    error: openError ?? app.status.error,
    explorer: state ? { ...state } : null,
    model: info ? describeModel(info) : null,
    checkpoint: { loading: loading > 0, lastLoad, lastError },
  };
};
const embed = installEmbedding(app, currentStatus);

// ---- state <-> link -------------------------------------------------------------------------

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
  text.maxLength = i.family === 'builtin' ? i.config.nCtx : 4 * i.maxTokens;
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

function toolState(s: ExplorerState, i: ModelInfo, T: number): Params {
  const d = i.config.dModel;
  const raw = headState(s.variant, { T, d, hd: d / i.config.nHead }, s.anim, (leaf) =>
    explorerRef(s, leaf),
  );
  return normalize(raw).params;
}

/** Bumped by every show(): one that finishes after a newer one started is dropped. */
let showSeq = 0;
/** Tokens of the state on screen (a change of count refits the camera). */
let shownTokens = 0;

/**
 * Shows a state of model `i`: tokenizes the text in the worker, fetches the view's weights for a
 * checkpoint (with progress and cancel), then hands the head to the app. On any failure the
 * previous model and state stay and the error is shown; returns whether the state is shown.
 */
async function show(
  wanted: ExplorerState,
  i: ModelInfo,
  opts: { notices?: string[] } = {},
): Promise<boolean> {
  const my = ++showSeq;
  const notices = [...(opts.notices ?? [])];
  let next = wanted;
  let toks: Tokens;
  loading++;
  embed.statusChanged(currentStatus());
  try {
    // Measures for the bench (bench/gpt2.mjs): where a checkpoint view's time goes.
    const t0 = performance.now();
    toks = await client.tokens(i.model, next.text);
    performance.measure('mm3d:explorer-tokens', { start: t0 });
    if (toks.cut)
      notices.push(`text: the model reads at most ${i.maxTokens} tokens; the rest is cut`);
    next = { ...next, text: toks.text };
    if (i.model !== 'builtin') {
      showLoad(`loading layer ${next.layer}'s weights…`);
      const t1 = performance.now();
      const q = {
        model: next.model,
        text: next.text,
        layer: next.layer,
        head: next.head,
        variant: next.variant,
      };
      lastLoad = await (takeEarlyPrepare(q) ?? client.prepare(q));
      performance.measure('mm3d:explorer-prepare', { start: t1 });
    }
  } catch (e) {
    if (my === showSeq) modelFailed(e, i.model);
    return false;
  } finally {
    loading--;
    if (my === showSeq) hideLoad();
  }
  if (my !== showSeq) return false;
  // The head's values first, so that the new state's first computation has them (the data
  // source answers from them at once; a failure is said by the leaves' own load below).
  loading++;
  try {
    const { model, text, layer, head, variant } = next;
    await client.head({ model, text, layer, head, variant });
  } catch {
    // shown by the data source
  } finally {
    loading--;
  }
  if (my !== showSeq) return false;
  lastError = null;
  const prev = state;
  info = i;
  state = next;
  const url = `${window.location.pathname}?${searchOf(next)}`;
  // Our own entries only replace: the app listens to popstate for tool links (see App).
  if (url !== `${window.location.pathname}${window.location.search}`)
    history.replaceState(null, '', url);
  fillControls(i, next);
  tokenText = toks.pieces;
  showTokens(tokenText);
  el('token-readout').textContent = '';
  const params = toolState(next, i, toks.ids.length);
  const refit = !prev || prev.variant !== next.variant || shownTokens !== toks.ids.length;
  shownTokens = toks.ids.length;
  if (!refit) params.cam = app.scene.cameraState();
  el<HTMLAnchorElement>('open-tool').href = `index.html?${toolSearch(params)}`;
  shownFor = JSON.stringify(next);
  app.setState(params, { history: 'none', notices, fit: refit });
  return true;
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

function update(change: Partial<ExplorerState>): void {
  if (!state || !info) return;
  void show({ ...state, ...change }, info);
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

// ---- the model: built-in, a URL, or a local file --------------------------------------------

const modelField = el<HTMLInputElement>('model');
const loadBox = el('load-box');

function showLoad(text: string): void {
  el('load-text').textContent = text;
  loadBox.hidden = false;
}

function hideLoad(): void {
  loadBox.hidden = true;
}

client.onLoadProgress = (p) => {
  if (loadBox.hidden) return;
  const pct = p.total > 0 ? Math.round((100 * p.loaded) / p.total) : 0;
  el('load-text').textContent =
    `loading weights: ${formatBytes(p.loaded)} of ${formatBytes(p.total)} (${pct} %), ${formatBytes(p.transferred)} transferred`;
};

el('load-cancel').addEventListener('click', () => void client.cancel());

/** A model's field text: "built-in", its URL, or the local file's name. */
const modelText = (model: string): string =>
  model === 'builtin' ? 'built-in' : model.startsWith('file:') ? model.slice(5) : model;

/** Shows a failure (the previous model and state stay); a server without ranges gets an offer. */
function modelFailed(e: unknown, model: string): void {
  const message = e instanceof Error ? e.message : String(e);
  lastError = { kind: e instanceof ModelError ? e.kind : 'other', message };
  modelField.value = info ? modelText(info.model) : 'built-in';
  const li = Object.assign(document.createElement('li'), { textContent: message });
  if (e instanceof ModelError && e.kind === 'no-range' && !model.startsWith('file:')) {
    const b = Object.assign(document.createElement('button'), {
      type: 'button',
      id: 'download-whole',
      textContent: `download the whole file${e.size ? ` (${formatBytes(e.size)})` : ''}`,
    });
    b.addEventListener('click', () => void openModel(model, { whole: true }));
    li.append(' ', b);
  }
  el('notices').replaceChildren(li);
  el('notice-box').hidden = false;
  embed.statusChanged(currentStatus());
}

/** Opens another model and shows the current head there (layer and head kept when they exist). */
async function openModel(
  model: string,
  opts: { file?: Blob; whole?: boolean } = {},
): Promise<boolean> {
  modelField.value = modelText(model);
  loading++;
  embed.statusChanged(currentStatus());
  showLoad(`opening ${modelText(model)}…`);
  let next: ModelInfo;
  try {
    next = await client.open(model, opts);
  } catch (e) {
    modelFailed(e, model);
    return false;
  } finally {
    loading--;
    hideLoad();
  }
  const notices = [...next.notices];
  const s: ExplorerState = state
    ? {
        ...state,
        model: next.model,
        layer: Math.min(state.layer, next.config.nLayer - 1),
        head: Math.min(state.head, next.config.nHead - 1),
      }
    : readState(window.location.search, next, notices);
  const ok = await show(s, next, { notices });
  void refreshCacheSize();
  return ok;
}

/** What the model field holds, as a model id; null (with a notice) when it is neither. */
function modelFromField(text: string): string | null {
  const t = text.trim();
  if (t === '' || /^built-?in$/i.test(t)) return 'builtin';
  if (/^https?:\/\//i.test(t)) return t;
  modelFailed(new Error(`model: "${t.slice(0, 80)}" is neither "built-in" nor an http(s) URL`), t);
  return null;
}

el('model-open').addEventListener('click', () => {
  const m = modelFromField(modelField.value);
  if (m !== null && m !== info?.model) void openModel(m);
});
modelField.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  el('model-open').click();
});
const fileInput = el<HTMLInputElement>('model-file');
el('model-pick').addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', () => {
  const f = fileInput.files?.[0];
  if (f) void openModel(`file:${f.name}`, { file: f });
  fileInput.value = '';
});
// A .safetensors file dropped anywhere on the page opens as the model (read in slices, never whole).
document.addEventListener('dragover', (e) => {
  if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
});
document.addEventListener('drop', (e) => {
  const f = e.dataTransfer?.files[0];
  if (!f) return;
  e.preventDefault();
  if (!/\.safetensors$/i.test(f.name)) {
    modelFailed(new Error(`${f.name.slice(0, 80)}: only .safetensors checkpoints open here`), '');
    return;
  }
  void openModel(`file:${f.name}`, { file: f });
});

async function refreshCacheSize(clear = false): Promise<void> {
  try {
    el('cache-size').textContent = formatBytes(await client.cacheSize(clear));
  } catch {
    el('cache-size').textContent = '?';
  }
}
el('cache-clear').addEventListener('click', () => void refreshCacheSize(true));

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
  const notices: string[] = [];
  const wanted = wantedModel;
  let first: ModelInfo | null = null;
  if (wanted !== 'builtin') {
    modelField.value = modelText(wanted);
    const t0 = performance.now();
    first = await (earlyOpen ?? client.open(wanted)).catch((e: unknown) => {
      notices.push(
        `model: ${e instanceof Error ? e.message : String(e)}; showing the built-in model`,
      );
      return null;
    });
    performance.measure('mm3d:explorer-open', { start: t0 });
  }
  first ??= await (wanted === 'builtin' && earlyOpen ? earlyOpen : client.open('builtin'));
  let shown = await show(readState(window.location.search, first, notices), first, { notices });
  if (!shown && first.model !== 'builtin') {
    const builtin = await client.open('builtin');
    notices.push(
      `model: ${lastErrorMessage() ?? 'could not be loaded'}; showing the built-in model`,
    );
    shown = await show(readState(window.location.search, builtin, notices), builtin, { notices });
  }
  if (!shown) throw new Error(lastErrorMessage() ?? 'the first view could not be shown');
  void refreshCacheSize();
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
