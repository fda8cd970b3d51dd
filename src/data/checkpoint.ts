/**
 * GPT-2-layout checkpoints opened straight from their `.safetensors` file, a URL or a local file,
 * reading only the bytes a view needs. A URL is read with HTTP Range requests: the first 64 KiB
 * (the 8-byte length and the JSON header of any GPT-2 size), then, per view, the rows of `wte`
 * for the text's tokens, the rows of `wpe` for its positions and the blocks up to the chosen
 * layer (`ln_f` and the unembedding are never needed by a head, so never fetched). A local file
 * is read the same way with `Blob.slice`, never whole. Fetched ranges go to a ByteCache keyed by
 * URL, ETag (or length) and byte range, so reopening transfers nothing.
 *
 * This module owns the loading policy and its failures, each with its own `CheckpointError`
 * kind and message: no Range support (with the whole file's size, and a `whole` option to
 * download it all), CORS refusal, HTTP status, a header that is not JSON or claims more bytes
 * than the file has, a truncated file, a dtype other than F32/F16/BF16, a key layout that is not
 * GPT-2's (what was expected and what was found), absurd sizes, and cancellation. The model's
 * arithmetic stays in core/nn (gpt.ts); the key layout and shapes in core/nn/weights.ts.
 */
import type { ByteCache } from './byte-cache';
import { decodeElements } from './elements';
import {
  readSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors';
import { DataError, formatBytes } from './types';
import {
  type GptConfig,
  type GptWeights,
  builtinMeta,
  configFromShapes,
  expectedShapes,
} from '../core/nn/weights';

export type CheckpointErrorKind =
  | 'no-range' // the server ignores Range requests; `size` says what the whole file costs
  | 'cors' // the browser refused to read the response (or the host is unreachable)
  | 'http' // an error status: 404, 403, 500...
  | 'header' // the header is not JSON, or claims more bytes than the file has
  | 'truncated' // the file ends before data its header announces
  | 'dtype' // a weight stored in a dtype other than F32/F16/BF16
  | 'layout' // not GPT-2's key layout: missing tensors, another model family
  | 'shape' // shapes that do not fit one configuration, or beyond the limits
  | 'cancelled'
  | 'network'; // the connection broke

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly kind: CheckpointErrorKind,
    message: string,
    /** For 'no-range': the whole file's size in bytes, when the server said. */
    readonly size?: number,
  ) {
    super(message);
  }
}

export type CheckpointInput =
  /** `whole`: the user agreed to download the whole file from a server without Range support. */
  { kind: 'url'; url: string; whole?: boolean } | { kind: 'blob'; blob: Blob; name: string };

/** Bytes of the current load: `loaded` of `total` (cache hits included), `transferred` over the network. */
export interface LoadProgress {
  loaded: number;
  total: number;
  transferred: number;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

export interface CheckpointOptions extends LoadOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  cache?: ByteCache | null;
}

/** Bounds on what a header may announce; beyond them the file is refused before anything is allocated. */
export const LIMITS = {
  /** GPT-2 XL's header is about 60 KB. */
  headerBytes: 16 * 1024 * 1024,
  layers: 128,
  width: 16384,
  vocab: 500_000,
  context: 65_536,
  /** The largest whole-file download (servers without Range support) and single range. */
  wholeBytes: 1536 * 1024 * 1024,
} as const;

/** The first request: holds the length and the header of every GPT-2 size. */
const PREFIX_BYTES = 64 * 1024;
/** Rows of `wte` closer than this are fetched in one request (fewer round trips, a little more data). */
const MERGE_GAP = 64 * 1024;
const PARALLEL = 4;
/** Cache reads in flight at once. */
const CACHE_READS = 8;
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** GPT-2's BPE vocabulary size (the tokenizer the explorer bundles). */
export const GPT2_VOCAB = 50257;

const FLOAT_TYPES = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;
const ITEM = { F32: 4, F16: 2, BF16: 2 } as const;
type FloatDtype = keyof typeof FLOAT_TYPES;

/** Random access to the file's bytes, with what the cache needs to tell versions apart. */
interface Raw {
  size: number;
  /** URL plus ETag or length; null for sources not worth caching (local files). */
  cacheId: string | null;
  /** `target`: a buffer of exactly end - start bytes the read may fill instead of new memory. */
  read(
    start: number,
    end: number,
    signal: AbortSignal | undefined,
    onBytes: (n: number) => void,
    target?: ArrayBuffer,
  ): Promise<ArrayBuffer>;
}

export type Family = 'gpt2' | 'builtin';

/** What a header says, checked: the family, the key prefix, the configuration. */
export interface CheckpointShape {
  family: Family;
  prefix: '' | 'transformer.';
  config: GptConfig;
  /** The built-in model's character vocabulary (from its metadata); null for GPT-2. */
  vocab: string[] | null;
}

// ---------------------------------------------------------------- errors and bytes

function netError(e: unknown, url: string): CheckpointError {
  if (e instanceof CheckpointError) return e;
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return new CheckpointError('cancelled', 'loading was cancelled');
  // Browsers reject fetch with a bare TypeError for CORS refusals and unreachable hosts alike.
  if (e instanceof TypeError)
    return new CheckpointError(
      'cors',
      `the browser could not read ${url}: the server does not allow this page to read it (CORS), or it cannot be reached`,
    );
  return new CheckpointError(
    'network',
    `the connection to ${url} broke: ${e instanceof Error ? e.message : String(e)}`,
  );
}

function httpError(res: Response, url: string): CheckpointError {
  void res.body?.cancel().catch(() => undefined);
  const what = res.status === 404 ? 'not found' : res.statusText || 'error';
  return new CheckpointError('http', `${url}: ${res.status} ${what}`);
}

/** Reads a body of at most `limit` bytes, reporting each chunk. */
async function readBody(
  res: Response,
  limit: number,
  url: string,
  onBytes: (n: number) => void,
  target?: ArrayBuffer,
): Promise<ArrayBuffer> {
  if (res.body === null) {
    const b = await res.arrayBuffer();
    onBytes(b.byteLength);
    return b;
  }
  const reader = res.body.getReader();
  const len = Number(res.headers.get('Content-Length'));
  // A buffer handed in (one a block no longer needs) is filled instead of new memory: on this
  // machine first touching new memory costs about as much as receiving the bytes.
  let buf =
    target && target.byteLength === limit && len === limit
      ? new Uint8Array(target)
      : new Uint8Array(
          Number.isSafeInteger(len) && len > 0 && len <= limit ? len : Math.min(limit, 1 << 20),
        );
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (n + value.length > limit) {
        void reader.cancel().catch(() => undefined);
        throw new CheckpointError(
          'shape',
          `${url} sent more than ${formatBytes(limit)}, the limit`,
        );
      }
      if (n + value.length > buf.length) {
        const grown = new Uint8Array(Math.min(limit, Math.max(buf.length * 2, n + value.length)));
        grown.set(buf.subarray(0, n));
        buf = grown;
      }
      buf.set(value, n);
      n += value.length;
      onBytes(value.length);
    }
  } catch (e) {
    throw netError(e, url);
  }
  return n === buf.length ? buf.buffer : buf.buffer.slice(0, n);
}

function u64(b: ArrayBuffer): number {
  const v = new DataView(b, 0, 8);
  return v.getUint32(0, true) + v.getUint32(4, true) * 4294967296;
}

// ---------------------------------------------------------------- sources

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Opened {
  raw: Raw;
  headerBytes: ArrayBuffer;
  notices: string[];
}

/** Checks the 8-byte length against the limits and the file's size; returns the data's start. */
function headerEnd(prefix: ArrayBuffer, size: number, what: string): number {
  if (prefix.byteLength < 8)
    throw new CheckpointError(
      'header',
      `${what} has ${prefix.byteLength} bytes: too short for a safetensors header`,
    );
  const len = u64(prefix);
  if (len > LIMITS.headerBytes)
    throw new CheckpointError(
      'header',
      `${what}: the header claims ${formatBytes(len)}; headers over ${formatBytes(LIMITS.headerBytes)} are refused (a GPT-2 header is a few KB)`,
    );
  if (8 + len > size)
    throw new CheckpointError(
      'header',
      `${what}: the header claims ${formatBytes(len)} but the file has only ${formatBytes(size)}`,
    );
  return 8 + len;
}

async function openBlob(blob: Blob, name: string): Promise<Opened> {
  const raw: Raw = {
    size: blob.size,
    cacheId: null,
    async read(start, end, _signal, onBytes) {
      const b = await blob.slice(start, end).arrayBuffer();
      onBytes(b.byteLength);
      return b;
    },
  };
  const prefix = await blob.slice(0, 8).arrayBuffer();
  const end = headerEnd(prefix, blob.size, name);
  return { raw, headerBytes: await blob.slice(0, end).arrayBuffer(), notices: [] };
}

function urlRaw(url: string, size: number, cacheId: string, doFetch: typeof fetch): Raw {
  return {
    size,
    cacheId,
    async read(start, end, signal, onBytes, target) {
      if (end - start > LIMITS.wholeBytes)
        throw new CheckpointError(
          'shape',
          `a tensor of ${formatBytes(end - start)} is over the limit`,
        );
      let res: Response;
      try {
        // Not through the browser's HTTP cache: the bytes go to our own cache (a second copy on
        // disk, written by the network process, halved the transfer rate here).
        res = await doFetch(url, {
          headers: { Range: `bytes=${start}-${end - 1}` },
          signal,
          cache: 'no-store',
        });
      } catch (e) {
        throw netError(e, url);
      }
      if (res.status === 416) {
        void res.body?.cancel().catch(() => undefined);
        throw new CheckpointError(
          'truncated',
          `truncated file: ${url} ends before byte ${end} (416 Range Not Satisfiable)`,
        );
      }
      if (res.status === 200) {
        void res.body?.cancel().catch(() => undefined);
        throw new CheckpointError(
          'no-range',
          `${url} stopped serving byte ranges; reopen it to download the whole file`,
          size,
        );
      }
      if (res.status !== 206) throw httpError(res, url);
      const b = await readBody(res, end - start, url, onBytes, target);
      if (b.byteLength < end - start)
        throw new CheckpointError(
          'truncated',
          `truncated file: asked ${url} for bytes ${start}..${end}, received ${b.byteLength} (the file ends early)`,
        );
      return b;
    },
  };
}

function memoryRaw(buf: ArrayBuffer, cacheId: string): Raw {
  return {
    size: buf.byteLength,
    cacheId,
    async read(start, end, _signal, onBytes) {
      const b = buf.slice(start, end);
      onBytes(0);
      return b;
    },
  };
}

interface CachedMeta {
  size: number;
  etag: string | null;
  dataStart: number;
}

const metaKey = (url: string): string => `meta|${url}`;

/** The header from the cache when the file there has not changed (a HEAD request says; offline, the cache is trusted). */
async function fromCache(
  url: string,
  doFetch: typeof fetch,
  cache: ByteCache,
  signal?: AbortSignal,
): Promise<Opened | null> {
  const m = await cache.get(metaKey(url));
  if (!m) return null;
  let meta: CachedMeta;
  try {
    meta = JSON.parse(dec.decode(m)) as CachedMeta;
  } catch {
    return null;
  }
  const notices: string[] = [];
  try {
    const h = await doFetch(url, { method: 'HEAD', signal, cache: 'no-store' });
    if (!h.ok) return null; // the normal path says what is wrong
    const etag = h.headers.get('ETag');
    const len = Number(h.headers.get('Content-Length'));
    const same = etag && meta.etag ? etag === meta.etag : len === meta.size;
    if (!same) return null;
  } catch (e) {
    if ((e as { name?: unknown } | null)?.name === 'AbortError') throw netError(e, url);
    notices.push(
      `${url} could not be checked for changes (offline?); using the copy cached in this browser`,
    );
  }
  const id = `${url}|${meta.etag ?? `len:${meta.size}`}`;
  const headerBytes = await cache.get(`${id}|0-${meta.dataStart}`);
  if (!headerBytes || headerBytes.byteLength !== meta.dataStart) return null;
  return { raw: urlRaw(url, meta.size, id, doFetch), headerBytes, notices };
}

async function openUrl(
  url: string,
  whole: boolean,
  opts: CheckpointOptions,
  count: (n: number) => void,
): Promise<Opened> {
  const doFetch = opts.fetch ?? fetch.bind(globalThis);
  const cache = opts.cache ?? null;
  if (cache) {
    const hit = await fromCache(url, doFetch, cache, opts.signal);
    if (hit) return hit;
  }
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: { Range: `bytes=0-${PREFIX_BYTES - 1}` },
      signal: opts.signal,
      cache: 'no-store',
    });
  } catch (e) {
    throw netError(e, url);
  }
  const etag = res.headers.get('ETag');
  const notices: string[] = [];
  let raw: Raw;
  let prefix: ArrayBuffer;
  if (res.status === 200) {
    const len = Number(res.headers.get('Content-Length'));
    const size = Number.isSafeInteger(len) && len > 0 ? len : undefined;
    if (!whole) {
      void res.body?.cancel().catch(() => undefined);
      throw new CheckpointError(
        'no-range',
        `the server of ${url} does not serve byte ranges, so only the whole file can be read${size !== undefined ? ` (${formatBytes(size)})` : ''}: download it all?`,
        size,
      );
    }
    if (size !== undefined && size > LIMITS.wholeBytes)
      throw new CheckpointError(
        'shape',
        `${url} is ${formatBytes(size)}; whole downloads over ${formatBytes(LIMITS.wholeBytes)} are refused`,
      );
    const all = await readBody(res, LIMITS.wholeBytes, url, count);
    raw = memoryRaw(all, `${url}|${etag ?? `len:${all.byteLength}`}`);
    prefix = all.slice(0, PREFIX_BYTES);
    notices.push(
      `the server ignores byte ranges: the whole file (${formatBytes(all.byteLength)}) was downloaded`,
    );
  } else if (res.status === 206) {
    const m = /\/(\d+)\s*$/.exec(res.headers.get('Content-Range') ?? '');
    prefix = await readBody(res, PREFIX_BYTES, url, count);
    // Without a readable Content-Range (a cross-origin server that does not expose it) the size is unknown.
    const size = m
      ? Number(m[1])
      : prefix.byteLength < PREFIX_BYTES
        ? prefix.byteLength
        : Number.MAX_SAFE_INTEGER;
    raw = urlRaw(url, size, `${url}|${etag ?? `len:${size}`}`, doFetch);
  } else if (res.status === 416) {
    void res.body?.cancel().catch(() => undefined);
    throw new CheckpointError('header', `${url} is empty: too short for a safetensors header`);
  } else {
    throw httpError(res, url);
  }
  const end = headerEnd(prefix, raw.size, url);
  const headerBytes =
    end <= prefix.byteLength
      ? prefix.slice(0, end)
      : concat(prefix, await raw.read(prefix.byteLength, end, opts.signal, count));
  if (cache) {
    await cache.put(`${raw.cacheId}|0-${end}`, headerBytes);
    const meta: CachedMeta = { size: raw.size, etag, dataStart: end };
    await cache.put(metaKey(url), enc.encode(JSON.stringify(meta)).buffer as ArrayBuffer);
  }
  return { raw, headerBytes, notices };
}

function concat(a: ArrayBuffer, b: ArrayBuffer): ArrayBuffer {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(new Uint8Array(a), 0);
  out.set(new Uint8Array(b), a.byteLength);
  return out.buffer;
}

// ---------------------------------------------------------------- the header, checked

const list = (names: readonly string[], n = 6): string =>
  names.length === 0
    ? 'none'
    : names.slice(0, n).join(', ') + (names.length > n ? `, … (${names.length} in all)` : '');

/** Family, prefix and configuration of a parsed header, or the error that says why not. */
export function checkCheckpoint(header: SafetensorsHeader): CheckpointShape {
  const names = header.tensors.map((t) => t.name);
  const set = new Set(names);
  const prefix = (['', 'transformer.'] as const).find(
    (p) => set.has(`${p}wte.weight`) || set.has(`${p}h.0.attn.c_attn.weight`),
  );
  if (prefix === undefined) {
    throw new CheckpointError(
      'layout',
      `not a GPT-2-layout checkpoint: expected wte.weight, wpe.weight, h.{layer}.ln_1/attn.c_attn/attn.c_proj/ln_2/mlp.c_fc/mlp.c_proj .weight and .bias, ln_f.weight, ln_f.bias (optionally prefixed "transformer."); found ${list(names)}`,
    );
  }
  let nLayer = 0;
  while (
    set.has(`${prefix}h.${nLayer}.attn.c_attn.weight`) ||
    set.has(`${prefix}h.${nLayer}.ln_1.weight`)
  )
    nLayer++;
  if (nLayer > LIMITS.layers)
    throw new CheckpointError(
      'shape',
      `the checkpoint has ${nLayer} layers; at most ${LIMITS.layers} are read`,
    );
  const dummy: GptConfig = {
    nLayer,
    nHead: 1,
    dModel: 1,
    nCtx: 1,
    dMlp: 1,
    vocabSize: 1,
    lnEps: 1e-5,
  };
  const expected = Object.keys(expectedShapes(dummy));
  const missing = expected.filter((n) => !set.has(prefix + n));
  if (missing.length > 0 || nLayer === 0) {
    const extra = names.filter((n) => !expected.includes(n.slice(prefix.length)));
    throw new CheckpointError(
      'layout',
      `not a complete GPT-2-layout checkpoint: missing ${list(missing.map((n) => prefix + n))}${nLayer === 0 ? ' and every block h.0, h.1, …' : ''}; expected ${expected.length || 'wte, wpe, the blocks and ln_f:'} tensors${prefix ? ' prefixed "transformer."' : ''}; found ${names.length}${extra.length ? `, of which not GPT-2's: ${list(extra)}` : ''}`,
    );
  }
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  for (const n of expected) {
    const e = byName.get(prefix + n)!;
    if (!(e.dtype in FLOAT_TYPES))
      throw new CheckpointError(
        'dtype',
        `tensor ${e.name} is stored as ${e.dtype}; weights are read in F32, F16 or BF16 only (quantized or integer checkpoints are not)`,
      );
  }
  const [vocab = 0, width = 0] = byName.get(`${prefix}wte.weight`)!.shape;
  const [ctx = 0] = byName.get(`${prefix}wpe.weight`)!.shape;
  if (width > LIMITS.width || vocab > LIMITS.vocab || ctx > LIMITS.context)
    throw new CheckpointError(
      'shape',
      `wte is [${vocab}, ${width}] and wpe [${ctx}, …]; the limits are ${LIMITS.vocab} tokens, width ${LIMITS.width}, context ${LIMITS.context}`,
    );
  const meta = builtinMeta(header.metadata);
  let config: GptConfig;
  try {
    config = configFromShapes(
      new Map(header.tensors.map((t) => [t.name, t.shape])),
      prefix,
      meta?.nHead,
    );
  } catch (e) {
    throw new CheckpointError('shape', e instanceof Error ? e.message : String(e));
  }
  if (!meta && config.vocabSize !== GPT2_VOCAB)
    throw new CheckpointError(
      'layout',
      `GPT-2's key layout, but a vocabulary of ${config.vocabSize} tokens: GPT-2's tokenizer has ${GPT2_VOCAB}, and this model's tokenizer is not known`,
    );
  return { family: meta ? 'builtin' : 'gpt2', prefix, config, vocab: meta?.vocab ?? null };
}

// ---------------------------------------------------------------- the checkpoint

/**
 * Kept residual streams are results of this code's forward pass, not bytes of the file: their
 * cache keys carry this version, raised whenever the arithmetic of a block changes.
 */
const STREAM_VERSION = 1;

/** Decodes the bytes of part p and stores the values; aligned float32 bytes become a view on their buffer (no copy). */
function decodePart(p: Part, b: Uint8Array): void {
  const n = (p.end - p.begin) / ITEM[p.dtype];
  // Aligned float32 bytes are already the values (this machine and safetensors are both
  // little-endian, which decodeElements checks for the other cases).
  const v =
    p.dtype === 'F32' && b.byteOffset % 4 === 0 && LE
      ? new Float32Array(b.buffer as ArrayBuffer, b.byteOffset, n)
      : decodeElements(b, FLOAT_TYPES[p.dtype], n, true);
  p.store(v);
}

/** Blocks 0..layer. */
const upTo = (layer: number): Set<number> =>
  new Set(Array.from({ length: layer + 1 }, (_, i) => i));

/** One range to fetch and where its decoded values go. */
interface Part {
  begin: number;
  end: number;
  dtype: FloatDtype;
  /** The block the range belongs to; -1 for the embeddings (needed first). */
  layer: number;
  store: (values: Float32Array) => void;
}

export class Checkpoint {
  /** Bytes received over the network by this checkpoint (header included). */
  transferred = 0;
  private readonly blocks = new Map<string, Float32Array>();
  private readonly wteRows = new Map<number, Float32Array>();
  private wpe: Float32Array = new Float32Array(0);
  private readonly entries: Map<string, SafetensorsEntry>;
  /** The cache writes not finished yet. */
  private writes: Promise<void> = Promise.resolve();
  /** Buffers of released blocks, for the next blocks' reads (every block has the same size). */
  private spare: ArrayBuffer[] = [];
  /** Block tensors still in use per received buffer (a buffer is spare once none is). */
  private users = new Map<ArrayBuffer, number>();

  private constructor(
    readonly shape: CheckpointShape,
    readonly header: SafetensorsHeader,
    readonly size: number,
    readonly notices: string[],
    private readonly raw: Raw,
    private readonly cache: ByteCache | null,
  ) {
    this.entries = new Map(header.tensors.map((t) => [t.name, t]));
  }

  get config(): GptConfig {
    return this.shape.config;
  }

  /** Reads and checks the header; fetches no tensor. */
  static async open(input: CheckpointInput, opts: CheckpointOptions = {}): Promise<Checkpoint> {
    let transferred = 0;
    const count = (n: number): void => {
      transferred += n;
      opts.onProgress?.({
        loaded: transferred,
        total: Math.max(transferred, PREFIX_BYTES),
        transferred,
      });
    };
    const what = input.kind === 'url' ? input.url : input.name;
    const opened =
      input.kind === 'url'
        ? await openUrl(input.url, input.whole ?? false, opts, count)
        : await openBlob(input.blob, input.name);
    const { raw, headerBytes } = opened;
    const src = { size: raw.size, read: async (s: number, e: number) => headerBytes.slice(s, e) };
    let header: SafetensorsHeader;
    try {
      header = await readSafetensorsHeader(src);
    } catch (e) {
      if (e instanceof DataError && e.kind === 'truncated')
        throw new CheckpointError('truncated', `${what}: ${e.message}`);
      throw new CheckpointError('header', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const ck = new Checkpoint(
      checkCheckpoint(header),
      header,
      raw.size,
      opened.notices,
      raw,
      input.kind === 'url' ? (opts.cache ?? null) : null,
    );
    ck.transferred = transferred;
    return ck;
  }

  private entry(name: string): SafetensorsEntry & { dtype: FloatDtype } {
    return this.entries.get(this.shape.prefix + name)! as SafetensorsEntry & { dtype: FloatDtype };
  }

  /** The ranges still missing for `tokens`' embeddings (when `embeddings`) and the blocks `blocks`. */
  private plan(
    tokens: readonly number[],
    blocks: ReadonlySet<number>,
    embeddings: boolean,
  ): Part[] {
    const cfg = this.config;
    const parts: Part[] = [];
    if (embeddings) this.planEmbeddings(tokens, parts);
    for (const n of Object.keys(expectedShapes(cfg))) {
      const m = /^h\.(\d+)\./.exec(n);
      if (m === null || !blocks.has(Number(m[1])) || this.blocks.has(n)) continue;
      const e = this.entry(n);
      parts.push({
        begin: e.begin,
        end: e.end,
        dtype: e.dtype,
        layer: Number(m[1]),
        store: (v) => this.stored(() => this.blocks.set(n, v)),
      });
    }
    return parts;
  }

  private planEmbeddings(tokens: readonly number[], parts: Part[]): void {
    const d = this.config.dModel;
    const wte = this.entry('wte.weight');
    const rowBytes = d * ITEM[wte.dtype];
    for (const id of [...new Set(tokens)].sort((a, b) => a - b)) {
      if (this.wteRows.has(id)) continue;
      const begin = wte.begin + id * rowBytes;
      parts.push({
        begin,
        end: begin + rowBytes,
        dtype: wte.dtype,
        layer: -1,
        store: (v) => this.stored(() => this.wteRows.set(id, v)),
      });
    }
    const wpe = this.entry('wpe.weight');
    const have = this.wpe.length / d;
    if (tokens.length > have) {
      const item = ITEM[wpe.dtype];
      parts.push({
        begin: wpe.begin + have * d * item,
        end: wpe.begin + tokens.length * d * item,
        dtype: wpe.dtype,
        layer: -1,
        store: (v) =>
          this.stored(() => {
            const grown = new Float32Array(this.wpe.length + v.length);
            grown.set(this.wpe);
            grown.set(v, this.wpe.length);
            this.wpe = grown;
          }),
      });
    }
  }

  /** Callbacks waiting for the next stored range (see `changed`). */
  private waiting: (() => void)[] = [];

  private stored(store: () => void): void {
    store();
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  /** Resolves when the next range is stored (a caller waiting for a block polls `hasBlock`). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * Drops block `layer`'s weights (a run that has computed the block needs them no more; a view
   * of that layer loads them again, from the cache). A buffer none of whose tensors is in use
   * any more is filled by the next block read from the network instead of new memory.
   */
  release(layer: number): void {
    const p = `h.${layer}.`;
    for (const [name, v] of [...this.blocks]) {
      if (!name.startsWith(p)) continue;
      this.blocks.delete(name);
      const buf = v.buffer as ArrayBuffer;
      const n = this.users.get(buf);
      if (n === undefined) continue;
      if (n > 1) this.users.set(buf, n - 1);
      else {
        this.users.delete(buf);
        // Two spares are enough to keep reads in new memory rare; more would only hold memory.
        if (this.spare.length < 2) this.spare.push(buf);
      }
    }
  }

  /** Whether every tensor of block `layer` is loaded. */
  hasBlock(layer: number): boolean {
    const p = `h.${layer}.`;
    return Object.keys(expectedShapes(this.config)).every(
      (n) => !n.startsWith(p) || this.blocks.has(n),
    );
  }

  /** Whether the embedding rows of `tokens` (and their positions) are loaded. */
  hasEmbeddings(tokens: readonly number[]): boolean {
    return (
      this.wpe.length >= tokens.length * this.config.dModel &&
      tokens.every((t) => this.wteRows.has(t))
    );
  }

  /** Adds a cache write to those flush() waits for. */
  private track(write: Promise<void>): void {
    this.writes = Promise.all([this.writes, write]).then(() => {});
  }

  /** Resolves when every fetched range is in the cache. */
  flush(): Promise<void> {
    return this.writes;
  }

  /** The cache key of a byte range of this file (null: this source is not cached). */
  private rangeKey(p: { begin: number; end: number }): string | null {
    const id = this.raw.cacheId;
    return id !== null && this.cache ? `${id}|${p.begin}-${p.end}` : null;
  }

  /**
   * Takes the parts the cache has (several reads at a time: each is a round trip to the
   * browser's storage), reporting their bytes; returns the parts it lacks.
   */
  private async readCached(
    parts: Part[],
    signal: AbortSignal | undefined,
    onHit: (bytes: number) => void,
  ): Promise<Part[]> {
    const cache = this.cache;
    if (!cache || this.raw.cacheId === null) return [...parts];
    const missing: Part[] = [];
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < parts.length) {
        const p = parts[next++]!;
        signal?.throwIfAborted();
        const hit = await cache.get(this.rangeKey(p)!);
        if (hit && hit.byteLength === p.end - p.begin) {
          decodePart(p, new Uint8Array(hit));
          onHit(hit.byteLength);
        } else missing.push(p);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CACHE_READS, parts.length) }, reader));
    return missing;
  }

  /**
   * Reads blocks from the cache only (no request; what is not cached stays unread). The explorer
   * calls it for the link's layer while GPT-2's tokenizer loads, which the view waits for anyway.
   */
  async warmBlocks(blocks: readonly number[]): Promise<void> {
    const valid = blocks.filter((b) => Number.isInteger(b) && b >= 0 && b < this.config.nLayer);
    await this.readCached(this.plan([], new Set(valid), false), undefined, () => {});
  }

  /** Bytes a view would need that are not loaded yet (before the cache is consulted). */
  bytesNeeded(tokens: readonly number[], layer: number): number {
    return this.plan(tokens, upTo(layer), true).reduce((s, p) => s + p.end - p.begin, 0);
  }

  /**
   * Fetches (or takes from the cache) what a view of `tokens` up to block `layer` needs: by
   * default the embeddings and blocks 0..layer; `opts.blocks` and `opts.embeddings` narrow it
   * (a run that already has, or was seeded past, the lower blocks needs only the rest).
   */
  async load(
    tokens: readonly number[],
    layer: number,
    opts: LoadOptions & { blocks?: readonly number[]; embeddings?: boolean } = {},
  ): Promise<void> {
    const cfg = this.config;
    if (!Number.isInteger(layer) || layer < 0 || layer >= cfg.nLayer)
      throw new CheckpointError('shape', `layer ${layer} is not in 0..${cfg.nLayer - 1}`);
    if (tokens.length < 1 || tokens.length > cfg.nCtx)
      throw new CheckpointError(
        'shape',
        `a text of 1 to ${cfg.nCtx} tokens is needed, got ${tokens.length}`,
      );
    for (const t of tokens)
      if (!Number.isInteger(t) || t < 0 || t >= cfg.vocabSize)
        throw new CheckpointError('shape', `token id ${t} is outside the vocabulary`);
    const blocks = opts.blocks ? new Set(opts.blocks) : upTo(layer);
    for (const b of blocks)
      if (!Number.isInteger(b) || b < 0 || b >= cfg.nLayer)
        throw new CheckpointError('shape', `layer ${b} is not in 0..${cfg.nLayer - 1}`);
    const parts = this.plan(tokens, blocks, opts.embeddings ?? true);
    const total = parts.reduce((s, p) => s + p.end - p.begin, 0);
    let loaded = 0;
    let transferred = 0;
    const report = (): void => opts.onProgress?.({ loaded, total, transferred });
    report();
    const cache = this.raw.cacheId !== null ? this.cache : null;
    // The cache first; what it lacks is grouped into requests (neighbouring rows together).
    const missing = await this.readCached(parts, opts.signal, (n) => {
      loaded += n;
      report();
    });
    // The received bytes are written to the cache once they have all arrived (see ByteCache.pause).
    const resume = missing.length > 0 && cache ? cache.pause() : () => {};
    try {
      await this.fetchMissing(
        missing,
        opts,
        cache,
        (n) => {
          transferred += n;
          loaded += n;
          report();
        },
        (n) => {
          loaded -= n;
        },
      );
    } finally {
      resume();
    }
    loaded = total;
    report();
  }

  /** Fetches the parts not in the cache, grouped into requests, four at a time. */
  private async fetchMissing(
    missing: Part[],
    opts: LoadOptions,
    cache: ByteCache | null,
    onBytes: (n: number) => void,
    onGap: (n: number) => void,
  ): Promise<void> {
    opts.signal?.throwIfAborted();
    missing.sort((a, b) => a.begin - b.begin);
    const groups: Part[][] = [];
    for (const p of missing) {
      const g = groups[groups.length - 1];
      const last = g?.[g.length - 1];
      // One block per request at most, so that blocks arrive one after another.
      if (
        g &&
        last &&
        last.layer === p.layer &&
        p.begin - last.end < MERGE_GAP &&
        p.end - g[0]!.begin <= 64 * 1024 * 1024
      )
        g.push(p);
      else groups.push([p]);
    }
    const fetchGroup = async (g: Part[]): Promise<void> => {
      const begin = g[0]!.begin;
      const end = g[g.length - 1]!.end;
      const counted = (n: number): void => {
        this.transferred += n;
        onBytes(n);
      };
      let buf: ArrayBuffer;
      const si = this.spare.findIndex((b) => b.byteLength === end - begin);
      const target = si >= 0 ? this.spare.splice(si, 1)[0] : undefined;
      try {
        buf = await this.raw.read(begin, end, opts.signal, counted, target);
      } catch (e) {
        if (target) this.spare.push(target);
        throw e instanceof CheckpointError ? e : netError(e, 'the file');
      }
      if (g[0]!.layer >= 0) this.users.set(buf, g.length);
      for (const p of g) {
        // The values are views on the received buffer where the bytes allow (float32, aligned):
        // a block arrives as one buffer and stays that buffer, never copied.
        const bytes = new Uint8Array(buf, p.begin - begin, p.end - p.begin);
        decodePart(p, bytes);
        // The cache copies the bytes when asked (ByteCache.put), so the view is handed as it is;
        // the write itself goes on in the background (flush() waits for it).
        if (cache) this.track(cache.put(this.rangeKey(p)!, bytes));
      }
      // Bytes between merged rows were transferred but are not part of the plan's total.
      onGap(end - begin - g.reduce((s, p) => s + p.end - p.begin, 0));
    };
    // Fetched in the order the forward pass needs them (embeddings, block 0, 1, …; the file
    // stores h.10 before h.2), so that a caller can compute a block while later ones arrive.
    const first = (g: Part[]): number => Math.min(...g.map((p) => p.layer));
    groups.sort((a, b) => first(a) - first(b) || a[0]!.begin - b[0]!.begin);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) await fetchGroup(groups[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, groups.length) }, worker));
  }

  /**
   * Weights for a run on `tokens`: the loaded blocks, with embeddings reduced to the text's own
   * rows (`wte` only the distinct tokens, renumbered; `wpe` only its positions), so that a
   * 154 MB embedding table is never materialized. The run's logits are not available on them.
   */
  weightsFor(tokens: readonly number[]): { weights: GptWeights; tokens: number[] } {
    const cfg = this.config;
    const d = cfg.dModel;
    const ids = [...new Set(tokens)].sort((a, b) => a - b);
    const index = new Map(ids.map((t, i) => [t, i]));
    // Built when first asked for: a run seeded past block 0 never needs them (nor loads them).
    let wte: Float32Array | null = null;
    const embedding = (): Float32Array => {
      if (wte) return wte;
      const m = new Float32Array(ids.length * d);
      ids.forEach((t, i) => {
        const row = this.wteRows.get(t);
        if (!row) throw new Error(`the embedding of token ${t} is not loaded`);
        m.set(row, i * d);
      });
      return (wte = m);
    };
    const positions = (): Float32Array => {
      if (this.wpe.length < tokens.length * d)
        throw new Error('the position embeddings are not loaded');
      return this.wpe.subarray(0, tokens.length * d);
    };
    const config: GptConfig = { ...cfg, vocabSize: ids.length, nCtx: tokens.length };
    return {
      tokens: tokens.map((t) => index.get(t)!),
      weights: {
        config,
        get: (name) => {
          if (name === 'wte.weight') return embedding();
          if (name === 'wpe.weight') return positions();
          const t = this.blocks.get(name);
          if (!t) throw new Error(`tensor ${name} is not loaded`);
          return t;
        },
      },
    };
  }

  /** The cache key of the residual stream entering block `layer` on `tokens` (null: not cached). */
  private streamKey(tokens: readonly number[], layer: number): string | null {
    const id = this.raw.cacheId;
    return id !== null && this.cache
      ? `${id}|stream-${STREAM_VERSION}|${layer}|${tokens.join(',')}`
      : null;
  }

  /**
   * The residual stream entering block `layer` on `tokens` (T x d), as an earlier visit computed
   * and kept it (`keepStream`); null when it is not in the cache. Reopening a view then needs
   * that block's weights only, not every block under it.
   */
  async cachedStream(tokens: readonly number[], layer: number): Promise<Float32Array | null> {
    const key = this.streamKey(tokens, layer);
    if (key === null || layer < 1) return null;
    const b = await this.cache!.get(key);
    const n = tokens.length * this.config.dModel;
    return b && b.byteLength === n * 4 ? new Float32Array(b) : null;
  }

  /** Keeps the residual stream entering block `layer` (written in the background; see `flush`). */
  keepStream(tokens: readonly number[], layer: number, stream: Float32Array): void {
    const key = this.streamKey(tokens, layer);
    if (key === null || layer < 1) return;
    const bytes = new Uint8Array(stream.buffer, stream.byteOffset, stream.byteLength);
    this.track(this.cache!.put(key, bytes));
  }
}
