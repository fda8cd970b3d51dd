/**
 * The page side of the explorer's model worker, and the `explorer:` data source: a leaf whose
 * `url` is `explorer:?model=…&text=…&layer=…&head=…&variant=…&leaf=wQ` gets that head's matrix
 * from the worker. The reference is all a link needs, so the explorer page and the tool page
 * (opened from the explorer's "open in the tool" link) compute the same values.
 */
import { VARIANTS, type Variant } from '../core/nn/head-view';
import type {
  CheckpointProgressMessage,
  ExplorerReply,
  ExplorerRequest,
  HeadQuery,
  ModelInfo,
  OpenFailure,
  StartedMessage,
  WorkerStart,
} from '../compute/explorer-protocol';
import type { LoadProgress } from '../data/checkpoint';
import { WorkerChannel } from '../compute/rpc';
import type { InMemoryMatrix } from './data';

export const EXPLORER_PREFIX = 'explorer:';
/** Longest text a reference may carry (the built-in model reads 64 characters; GPT-2 later more). */
const MAX_TEXT = 2000;

type Head = {
  tokens: number[];
  leaves: Map<string, InMemoryMatrix>;
  ms: number;
  forwardMs: number;
};

/** A model that could not be opened or loaded; `kind` and `size` as data/checkpoint.ts gives them. */
export class ModelError extends Error {
  readonly kind: OpenFailure['kind'];
  readonly size?: number;
  constructor(f: OpenFailure) {
    super(f.message);
    this.kind = f.kind;
    this.size = f.size;
  }
}

export interface Tokens {
  ids: number[];
  /** Each token as text, for readouts. */
  pieces: string[];
  /** The text as the model reads it (cut at its token limit; unknown characters replaced). */
  text: string;
  cut: boolean;
}

export class ExplorerClient {
  /** Hears the bytes of checkpoint loads (set by the page). */
  onLoadProgress: ((p: LoadProgress & { model: string }) => void) | null = null;
  /** The view the worker computed by itself from its name, once it has (see startWith). */
  workerStarted: StartedMessage['explorerStarted'] | null = null;
  /** The worker's name: the page's link for its start (see startWith). */
  private workerName = '';
  private worker = new WorkerChannel<ExplorerRequest, ExplorerReply>(() => {
    const w = new Worker(new URL('../compute/explorer.worker.ts', import.meta.url), {
      type: 'module',
      name: this.workerName,
    });
    // Progress in bytes travels beside the request/answer protocol (it carries no request id).
    w.addEventListener('message', (e: MessageEvent<unknown>) => {
      const d = e.data as Partial<CheckpointProgressMessage> | null;
      if (d && typeof d === 'object' && d.checkpointProgress)
        this.onLoadProgress?.(d.checkpointProgress);
      const started = (e.data as Partial<StartedMessage> | null)?.explorerStarted;
      if (started) this.workerStarted = started;
    });
    return w;
  });
  private heads = new Map<string, Promise<Head>>();
  /** The heads of `heads` that have arrived, for answers without a wait (see `peekLeaf`). */
  private arrived = new Map<string, Head>();

  /**
   * Starts the worker with the explorer's link (`search`, a query string) as its name: it opens
   * the built-in model and computes that link's first view at once (explorer.worker.ts). Only
   * data travels: the worker reads the link as the page does (compute/explorer-state.ts).
   */
  startWith(search: string): void {
    const start: WorkerStart = {
      mm3dExplorer: { search: search.slice(0, 8192), base: builtinBase() },
    };
    this.workerName = JSON.stringify(start);
    this.worker.start();
  }

  private ask(req: ExplorerRequest): Promise<ExplorerReply> {
    return this.worker.request(req);
  }

  /** Opens a model: 'builtin', a URL, or `file:NAME` with its Blob. Throws a ModelError. */
  async open(
    model: string,
    opts: { file?: Blob; whole?: boolean; layer?: number } = {},
  ): Promise<ModelInfo> {
    const r = await this.ask({ kind: 'open', model, base: builtinBase(), ...opts });
    if (r.kind === 'open-error') throw new ModelError(r.error);
    if (r.kind !== 'open') throw new Error('unexpected reply from the model worker');
    return r.info;
  }

  async tokens(model: string, text: string): Promise<Tokens> {
    const r = await this.ask({ kind: 'tokens', model, base: builtinBase(), text });
    if (r.kind !== 'tokens') throw new Error('unexpected reply from the model worker');
    return r;
  }

  /** Fetches the weights a view needs (progress through onLoadProgress). Throws a ModelError. */
  async prepare(q: Omit<HeadQuery, 'base'>): Promise<{ transferred: number; total: number }> {
    const r = await this.ask({ kind: 'prepare', query: { ...q, base: builtinBase() } });
    if (r.kind === 'prepare-error') throw new ModelError(r.error);
    if (r.kind !== 'prepared') throw new Error('unexpected reply from the model worker');
    return r;
  }

  /** Aborts the loads in progress (they fail with kind 'cancelled'). */
  async cancel(): Promise<void> {
    await this.ask({ kind: 'cancel' });
  }

  /** Bytes of checkpoints cached in this browser; `clear` empties the cache first. */
  async cacheSize(clear = false): Promise<number> {
    const r = await this.ask({ kind: 'cache', clear });
    if (r.kind !== 'cache') throw new Error('unexpected reply from the model worker');
    return r.bytes;
  }

  /** A head's leaves; the six leaves of one view share one request. */
  head(q: Omit<HeadQuery, 'base'>): Promise<Head> {
    const key = headKey(q);
    let p = this.heads.get(key);
    if (!p) {
      p = this.ask({ kind: 'head', query: { ...q, base: builtinBase() } }).then((r) => {
        if (r.kind !== 'head') throw new Error('unexpected reply from the model worker');
        const h = { tokens: r.tokens, leaves: new Map(r.leaves), ms: r.ms, forwardMs: r.forwardMs };
        if (this.heads.get(key) === p) this.arrived.set(key, h);
        return h;
      });
      this.heads.set(key, p);
      p.catch(() => this.heads.delete(key));
      while (this.heads.size > 16) {
        const oldest = this.heads.keys().next().value!;
        this.heads.delete(oldest);
        this.arrived.delete(oldest);
      }
    }
    return p;
  }

  /** A leaf of a head that has already arrived, or undefined (no request is made). */
  peekLeaf(q: Omit<HeadQuery, 'base'>, leaf: string): InMemoryMatrix | undefined {
    return this.arrived.get(headKey(q))?.leaves.get(leaf);
  }
}

function headKey(q: Omit<HeadQuery, 'base'>): string {
  return JSON.stringify([q.model, q.text, q.layer, q.head, q.variant]);
}

/** The built-in model's folder: `models/builtin/` beside the pages (public/ in the sources). */
export function builtinBase(): string {
  return new URL('models/builtin/', document.baseURI).href;
}

let shared: ExplorerClient | null = null;
export function explorerClient(): ExplorerClient {
  shared ??= new ExplorerClient();
  return shared;
}

export function explorerRef(q: Omit<HeadQuery, 'base'>, leaf: string): string {
  const sp = new URLSearchParams({
    model: q.model,
    text: q.text,
    layer: String(q.layer),
    head: String(q.head),
    variant: q.variant,
    leaf,
  });
  return `${EXPLORER_PREFIX}?${sp.toString()}`;
}

export function parseExplorerRef(ref: string): { query: Omit<HeadQuery, 'base'>; leaf: string } {
  if (!ref.startsWith(EXPLORER_PREFIX)) throw new Error('not an explorer reference');
  const sp = new URLSearchParams(ref.slice(EXPLORER_PREFIX.length).replace(/^\?/, ''));
  const int = (k: string): number => {
    const v = Number(sp.get(k));
    if (!Number.isInteger(v) || v < 0 || v > 1000)
      throw new Error(`explorer reference: ${k} must be a whole number`);
    return v;
  };
  const variant = sp.get('variant') ?? 'usual';
  if (!(VARIANTS as readonly string[]).includes(variant))
    throw new Error(`explorer reference: unknown variant "${variant.slice(0, 20)}"`);
  const text = sp.get('text') ?? '';
  if (text.length === 0 || text.length > MAX_TEXT)
    throw new Error('explorer reference: the text must have 1 to 2000 characters');
  const leaf = sp.get('leaf') ?? '';
  return {
    query: {
      model: sp.get('model') ?? 'builtin',
      text,
      layer: int('layer'),
      head: int('head'),
      variant: variant as Variant,
    },
    leaf,
  };
}

/** The `explorer:` data source's answer without a wait: a leaf of a head already here. */
export function peekExplorerLeaf(ref: string): InMemoryMatrix | undefined {
  const { query, leaf } = parseExplorerRef(ref);
  return explorerClient().peekLeaf(query, leaf);
}

/** The `explorer:` data source (see ui/data.ts registerDataSource). */
export async function loadExplorerLeaf(ref: string): Promise<InMemoryMatrix> {
  const { query, leaf } = parseExplorerRef(ref);
  const head = await explorerClient().head(query);
  const m = head.leaves.get(leaf);
  if (!m) throw new Error(`explorer reference: this head has no matrix "${leaf.slice(0, 40)}"`);
  return m;
}
