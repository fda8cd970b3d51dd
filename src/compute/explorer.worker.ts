/**
 * The explorer's model worker: opens a model (the built-in one, shipped beside the pages, or a
 * GPT-2-layout checkpoint from a URL or a local file, read by data/checkpoint.ts with Range
 * requests and the browser's byte cache), tokenizes texts, runs the forward pass on the
 * WebAssembly product kernel and answers a head's leaves. Runs are kept per (model, text): a run
 * computes blocks only up to the layer asked for and keeps them, so switching head, or to a
 * lower layer, computes nothing again; a checkpoint fetches a block the first time a view needs it.
 */
import { GptRun } from '../core/nn/gpt';
import { type GptWeights, charTokenizer, tensorNames } from '../core/nn/weights';
import { headLeaves } from '../core/nn/head-view';
import { matmul } from '../core/tensor/matmul';
import { bytesFromArrayBuffer } from '../data/safetensors';
import { type GptModel, openGptModel } from '../data/gpt-load';
import { Checkpoint, CheckpointError, type LoadProgress } from '../data/checkpoint';
import { defaultByteCache } from '../data/byte-cache';
import { type Tokenizer, gpt2Tokenizer } from '../data/tokenizer';
import type {
  CheckpointProgressMessage,
  ExplorerReply,
  ExplorerRequest,
  HeadName,
  HeadQuery,
  ModelInfo,
  OpenFailure,
  StartedMessage,
  WorkerStart,
} from './explorer-protocol';
import { useWasmKernel } from './kernel';
import { type Handled, serve } from './rpc';
import { readState } from './explorer-state';

useWasmKernel();

/** A GPT-2 view reads at most this many tokens (the picture's T x T and T x d matrices stay drawable). */
const MAX_CHECKPOINT_TOKENS = 256;

type Loaded =
  | { kind: 'builtin'; model: GptModel; info: ModelInfo }
  | { kind: 'checkpoint'; ck: Checkpoint; tok: Tokenizer; info: ModelInfo };

const models = new Map<string, Promise<Loaded>>();
/** Recent runs by model and text (a handful: texts are short). */
interface RunEntry {
  run: GptRun;
  ids: number[];
  weights: GptWeights;
  /** Worker time spent computing this run's blocks. */
  forwardMs: number;
}
const runs = new Map<string, RunEntry>();
const MAX_RUNS = 8;
const cache = defaultByteCache();
let aborter = new AbortController();

declare const self: DedicatedWorkerGlobalScope;

async function fetchOk(url: URL): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url.pathname}: ${r.status} ${r.statusText}`);
  return r;
}

/** Progress reports go to the page at most this often (each one repaints its progress line). */
const PROGRESS_MS = 100;

function progressTo(model: string): (p: LoadProgress) => void {
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    // Network chunks arrive by the thousand: the first, the last and one per interval are sent.
    if (now - last < PROGRESS_MS && p.loaded < p.total && p.loaded > 0) return;
    last = now;
    self.postMessage({ checkpointProgress: { ...p, model } } satisfies CheckpointProgressMessage);
  };
}

async function openBuiltin(base: string): Promise<Loaded> {
  const [bytes, heads] = await Promise.all([
    fetchOk(new URL('model.safetensors', base)).then((r) => r.arrayBuffer()),
    fetchOk(new URL('heads.json', base))
      .then((r) => r.json() as Promise<{ heads: HeadName[] }>)
      .catch(() => ({ heads: [] })),
  ]);
  const model = await openGptModel(bytesFromArrayBuffer(bytes));
  if (!model.vocab) throw new Error('the built-in model has no vocabulary in its metadata');
  await model.ensure(tensorNames(model.config, model.config.nLayer - 1));
  return {
    kind: 'builtin',
    model,
    info: {
      config: model.config,
      vocab: model.vocab,
      heads: Array.isArray(heads.heads) ? heads.heads : [],
      family: 'builtin',
      model: 'builtin',
      size: 0,
      notices: [],
      maxTokens: model.config.nCtx,
    },
  };
}

async function openCheckpoint(
  id: string,
  file: Blob | undefined,
  whole: boolean,
  layer: number | undefined,
): Promise<Loaded> {
  // GPT-2's tokenizer (a ~1 MB chunk, about half a second to load here) is fetched while the
  // header is read: most checkpoints opened by URL or file are GPT-2's. A built-in-layout file
  // does not use it.
  gpt2Tokenizer().catch(() => undefined);
  let ck: Checkpoint;
  if (id.startsWith('file:')) {
    if (!file)
      throw new CheckpointError(
        'layout',
        `the local file ${id.slice(5, 200)} has to be picked again (links do not carry files)`,
      );
    ck = await Checkpoint.open({ kind: 'blob', blob: file, name: id.slice(5) });
  } else {
    if (!/^https?:\/\//i.test(id))
      throw new CheckpointError(
        'layout',
        `a model is "built-in", an http(s) URL or a local file; got "${id.slice(0, 80)}"`,
      );
    ck = await Checkpoint.open(
      { kind: 'url', url: id, whole },
      { cache, signal: aborter.signal, onProgress: progressTo(id) },
    );
  }
  // The first view's block, if this browser has it, is read while the tokenizer loads.
  const warm = layer === undefined ? undefined : ck.warmBlocks([layer]).catch(() => undefined);
  const builtinVocab = ck.shape.vocab;
  const tok: Tokenizer = builtinVocab
    ? (() => {
        const t = charTokenizer(builtinVocab);
        return { encode: t.encode, decode: (ids) => ids.map(t.decode).join(''), piece: t.decode };
      })()
    : await gpt2Tokenizer();
  await warm;
  return {
    kind: 'checkpoint',
    ck,
    tok,
    info: {
      config: ck.config,
      vocab: builtinVocab ?? [],
      heads: [],
      family: ck.shape.family,
      model: id,
      size: ck.size,
      notices: ck.notices,
      maxTokens: Math.min(ck.config.nCtx, MAX_CHECKPOINT_TOKENS),
    },
  };
}

function open(
  id: string,
  base: string,
  file?: Blob,
  whole = false,
  layer?: number,
): Promise<Loaded> {
  let p = models.get(id);
  // A new file under the same name, or a whole download after a refusal, replaces what is there.
  if (p && (file || whole)) p = undefined;
  if (!p) {
    p = id === 'builtin' ? openBuiltin(base) : openCheckpoint(id, file, whole, layer);
    models.set(id, p);
    const mine = p;
    p.catch(() => {
      if (models.get(id) === mine) models.delete(id);
    });
  }
  return p;
}

function tokenize(m: Loaded, text: string): { ids: number[]; text: string; cut: boolean } {
  if (m.kind === 'builtin') {
    const tok = charTokenizer(m.model.vocab!);
    const chars = [...text];
    const ids = tok.encode(chars.slice(0, m.info.maxTokens).join(''));
    return { ids, text: ids.map(tok.decode).join(''), cut: chars.length > m.info.maxTokens };
  }
  const all = m.tok.encode(text);
  const ids = all.slice(0, m.info.maxTokens);
  return {
    ids,
    text: ids.length < all.length ? m.tok.decode(ids) : text,
    cut: ids.length < all.length,
  };
}

/** Lets the worker's queued tasks run (arriving bytes, cache reads) between two blocks. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Computes blocks of a run up to `layer` that are not computed yet, timing them. */
function compute(entry: RunEntry, layer: number): void {
  if (entry.run.has(layer)) return;
  const t0 = performance.now();
  entry.run.layer(layer);
  entry.forwardMs += performance.now() - t0;
}

/** The run work in flight per model: requests on one model take turns (see inTurn). */
const turns = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after the work queued before it on model `id`: a view asked for twice (the
 * page's early request and its own) loads and computes once, and a run that releases blocks it
 * has computed (see runNow) never does so under another run that is about to use them.
 */
function inTurn<T>(id: string, work: () => Promise<T>): Promise<T> {
  const p = (turns.get(id) ?? Promise.resolve()).catch(() => undefined).then(work);
  turns.set(id, p);
  void p
    .finally(() => {
      if (turns.get(id) === p) turns.delete(id);
    })
    .catch(() => undefined);
  return p;
}

async function runNow(
  id: string,
  m: Loaded,
  text: string,
  layer: number,
  onProgress?: (p: LoadProgress) => void,
): Promise<RunEntry> {
  const key = `${id}\n${text}`;
  let entry = runs.get(key);
  if (m.kind === 'checkpoint') {
    // Fetches only what is missing (nothing when this layer was loaded before), and computes
    // each block as soon as its weights are in while later blocks still arrive: the forward pass
    // overlaps the transfer (or the cache reads, served by the browser on the other core).
    const ck = m.ck;
    const ids = entry?.ids ?? tokenize(m, text).ids;
    if (!entry) {
      // The embeddings are read from the weights only when block 0 is computed (weightsFor is lazy).
      const { weights, tokens } = ck.weightsFor(ids);
      const run = new GptRun(weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J));
      entry = { run, ids, weights, forwardMs: 0 };
    }
    const run = entry.run;
    // A view opened before (on this text, this file, in this browser) kept the residual stream
    // entering its block: the run starts there, and needs neither the blocks under it nor their
    // weights.
    let seeded = false;
    if (!run.has(layer) && run.firstNeeded(layer) < layer) {
      const stream = await ck.cachedStream(ids, layer);
      if (stream) {
        run.seed(layer, stream);
        seeded = true;
      }
    }
    const first = run.firstNeeded(layer);
    const blocks = [layer];
    for (let l = first; l < layer; l++) if (!run.has(l)) blocks.push(l);
    const needsEmbeddings = first === 0 && !run.has(0);
    let settled = false;
    const loading = ck
      .load(ids, layer, {
        signal: aborter.signal,
        onProgress,
        blocks,
        embeddings: needsEmbeddings,
      })
      .finally(() => {
        settled = true;
      });
    loading.catch(() => undefined); // awaited below; this only keeps it from being unhandled
    const until = async (ready: () => boolean): Promise<boolean> => {
      while (!ready() && !settled)
        await Promise.race([ck.changed(), loading.catch(() => undefined)]);
      return ready();
    };
    for (let l = first; l <= layer; l++) {
      if (run.has(l)) continue;
      const ready = (): boolean => ck.hasBlock(l) && (l > 0 || ck.hasEmbeddings(ids));
      if (!(await until(ready))) break;
      compute(entry, l);
      // A computed block under the viewed one is not needed again by this run: its memory
      // takes the next block's bytes (Checkpoint.release).
      if (l < layer) ck.release(l);
      await nextTask();
    }
    await loading;
    const stream = layer > 0 ? run.knownInput(layer) : undefined;
    if (stream && !seeded) ck.keepStream(ids, layer, stream);
    runs.delete(key);
  } else if (entry) {
    runs.delete(key);
  } else {
    const weights = m.model.weights;
    const tokens = charTokenizer(m.model.vocab!).encode(text);
    const run = new GptRun(weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J));
    entry = { run, ids: tokens, weights, forwardMs: 0 };
  }
  if (!entry) throw new Error('the embeddings were not loaded');
  runs.set(key, entry);
  while (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
  return entry;
}

function failure(e: unknown): OpenFailure {
  if (e instanceof CheckpointError) return { kind: e.kind, message: e.message, size: e.size };
  return { kind: 'other', message: e instanceof Error ? e.message : String(e) };
}

async function headReply(q: HeadQuery): Promise<Handled<ExplorerReply>> {
  const m = await open(q.model, q.base);
  const { entry, leaves, t0 } = await inTurn(q.model, async () => {
    const entry = await runNow(q.model, m, q.text, q.layer);
    compute(entry, q.layer);
    const t0 = performance.now();
    return {
      entry,
      t0,
      leaves: [...headLeaves(entry.run, q.layer, q.head, q.variant, entry.weights)],
    };
  });
  return {
    reply: {
      kind: 'head',
      tokens: entry.ids,
      leaves,
      ms: performance.now() - t0,
      forwardMs: entry.forwardMs,
    },
  };
}

async function handle(req: ExplorerRequest): Promise<Handled<ExplorerReply>> {
  switch (req.kind) {
    case 'open':
      try {
        return {
          reply: {
            kind: 'open',
            info: (await open(req.model, req.base, req.file, req.whole, req.layer)).info,
          },
        };
      } catch (e) {
        return { reply: { kind: 'open-error', error: failure(e) } };
      }
    case 'tokens': {
      const m = await open(req.model, req.base);
      const t = tokenize(m, req.text);
      const piece = m.kind === 'builtin' ? charTokenizer(m.model.vocab!).decode : m.tok.piece;
      return { reply: { kind: 'tokens', ...t, pieces: t.ids.map(piece) } };
    }
    case 'prepare': {
      const q = req.query;
      try {
        const m = await open(q.model, q.base);
        let last: LoadProgress = { loaded: 0, total: 0, transferred: 0 };
        const report = progressTo(q.model);
        await inTurn(q.model, () =>
          runNow(q.model, m, q.text, q.layer, (p) => {
            last = p;
            report(p);
          }),
        );
        return { reply: { kind: 'prepared', transferred: last.transferred, total: last.total } };
      } catch (e) {
        return { reply: { kind: 'prepare-error', error: failure(e) } };
      }
    }
    case 'cancel':
      aborter.abort();
      aborter = new AbortController();
      return { reply: { kind: 'done' } };
    case 'cache':
      // Let the background writes of opened checkpoints land first, so the size is what is kept.
      for (const m of await Promise.allSettled(models.values()))
        if (m.status === 'fulfilled' && m.value.kind === 'checkpoint') await m.value.ck.flush();
      if (req.clear) await cache.clear();
      return { reply: { kind: 'cache', bytes: await cache.size() } };
    case 'head':
      return headReply(req.query);
  }
}

serve<ExplorerRequest, ExplorerReply>(handle);

/**
 * The page names this worker after its link (ExplorerClient.startWith). For the built-in model
 * the worker opens it and computes the link's first view at once: the page's own requests for
 * that view, which reach the worker only once the page's thread is free again, find it done
 * (open() keeps the model, runs keep the forward pass). A checkpoint's first view is left to the
 * page, which follows its download. Failures here are silent: the page's requests meet them.
 */
function startFromName(): void {
  let start: WorkerStart['mm3dExplorer'] | undefined;
  try {
    start = (JSON.parse(self.name) as Partial<WorkerStart>).mm3dExplorer;
  } catch {
    return;
  }
  if (!start || typeof start.search !== 'string' || typeof start.base !== 'string') return;
  const { search, base } = start;
  if ((new URLSearchParams(search).get('model') ?? 'builtin') !== 'builtin') return;
  void (async () => {
    const m = await open('builtin', base);
    const s = readState(search, m.info, []);
    const { text } = tokenize(m, s.text);
    await headReply({
      model: 'builtin',
      base,
      text,
      layer: s.layer,
      head: s.head,
      variant: s.variant,
    });
    // Said beside the request/answer protocol, for the page's status and its tests.
    const started: StartedMessage = { explorerStarted: { layer: s.layer, head: s.head, text } };
    self.postMessage(started);
  })().catch(() => undefined);
}
startFromName();
