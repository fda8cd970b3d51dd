/**
 * The main-thread client of the data readers: loads a URL or a local File into a Tensor with
 * download progress, caches URL loads (a Map of promises, so concurrent requests share one fetch
 * and a failure is not cached), picks the reader by extension or by the first bytes, parses small
 * inputs inline and large ones (over INLINE_LIMIT) in the data worker, and turns every failure into
 * a DataError with a message for the user (HTTP status, CORS/network refusal, size limit, parse).
 * `.safetensors` files are opened as handles that list their tensors and read one at a time: from
 * a URL with HTTP Range requests when the server allows them (so a 500 MB checkpoint costs only the
 * chosen tensor's bytes), from a File with Blob.slice.
 * The decisions (`pickParser`, `classifyFetchError`, `httpError`, ...) are pure and unit-tested;
 * the rest is thin glue around fetch, streams and the Worker.
 */

import { DataError, formatBytes, type Tensor } from './types';
import { isNpy } from './npy';
import {
  bytesFromArrayBuffer,
  bytesFromBlob,
  decodeSafetensorsBytes,
  findTensor,
  looksLikeSafetensors,
  readSafetensorsHeader,
  type ByteSource,
  type SafetensorsHeader,
} from './safetensors';
import { runJob, unwrapReply, type WorkerJob, type WorkerReply } from './protocol';
import { WorkerChannel } from '../compute/rpc';

export type ParserKind = 'delimited' | 'npy' | 'safetensors';

export interface LoadProgress {
  phase: 'download' | 'parse';
  /** Bytes received so far (download) or the size being parsed (parse). */
  loaded: number;
  /** Expected bytes when known. */
  total?: number;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  /** For .safetensors: the tensor to read (default: the file's only tensor). */
  tensor?: string;
  /** For CSV/TSV. */
  delimiter?: ',' | '\t' | 'auto';
  /** Refuse larger downloads (default MAX_BYTES). */
  maxBytes?: number;
}

export interface SafetensorsHandle {
  /** The URL or file name. */
  source: string;
  header: SafetensorsHeader;
  /** Reads one tensor (only its bytes); results are cached per name. */
  readTensor(name: string, opts?: { onProgress?: (p: LoadProgress) => void }): Promise<Tensor>;
}

/** Files above this are refused rather than freezing or crashing the tab. */
export const MAX_BYTES = 512 * 1024 * 1024;
/** Inputs above this are parsed in the worker. */
export const INLINE_LIMIT = 256 * 1024;
/** First request of a Range-capable URL: holds the safetensors header of most models. */
const PREFIX_BYTES = 64 * 1024;

// ---------------------------------------------------------------- pure decisions

/** Lower-case extension of a file name or URL path ('' when none); query and hash are ignored. */
export function extensionOf(name: string): string {
  const path = name.replace(/[?#].*$/, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * Which reader fits: by extension first (.csv .tsv .txt, .npy, .safetensors), else by the first
 * bytes (the .npy magic, a safetensors header, or text), else by content type. null: cannot tell.
 */
export function pickParser(
  name: string,
  first?: Uint8Array,
  contentType?: string | null,
): ParserKind | null {
  switch (extensionOf(name)) {
    case 'csv':
    case 'tsv':
    case 'txt':
      return 'delimited';
    case 'npy':
      return 'npy';
    case 'safetensors':
      return 'safetensors';
  }
  if (first !== undefined) {
    if (isNpy(first)) return 'npy';
    if (looksLikeSafetensors(first)) return 'safetensors';
  }
  const type = (contentType ?? '').toLowerCase();
  if (/csv|tab-separated|^text\//.test(type)) return 'delimited';
  if (first !== undefined && looksLikeText(first)) return 'delimited';
  return null;
}

function looksLikeText(first: Uint8Array): boolean {
  const n = Math.min(first.length, 1024);
  if (n === 0) return true;
  for (let i = 0; i < n; i++) if (first[i] === 0) return false;
  return true;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  410: 'Gone',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** "404 Not Found for <url>" (HTTP/2 responses have no status text: a standard one is used). */
export function httpError(status: number, statusText: string, url: string): DataError {
  const text = statusText || STATUS_TEXT[status] || 'error';
  return new DataError('http', `${status} ${text} for ${url}`, { status, url });
}

/** What a rejected fetch (or a broken body stream) means for the user. */
export function classifyFetchError(err: unknown, url: string): DataError {
  if (err instanceof DataError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError')
    return new DataError('network', `the request for ${url} was cancelled`, { url });
  // Browsers reject with a bare TypeError for CORS refusals and unreachable hosts alike.
  if (err instanceof TypeError) {
    return new DataError('cors', `the server refused the request (CORS or network) for ${url}`, {
      url,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DataError('network', `could not load ${url}: ${message}`, { url });
}

export function tooLarge(bytes: number, limit: number, what: string): DataError {
  return new DataError(
    'too-large',
    `${what} is ${formatBytes(bytes)}, over the ${formatBytes(limit)} limit`,
    {
      found: bytes,
      limit,
    },
  );
}

/** Total size from "bytes 0-7/12345"; undefined for "*" or a missing header. */
export function totalFromContentRange(header: string | null): number | undefined {
  const m = header ? /\/(\d+)\s*$/.exec(header) : null;
  return m ? Number(m[1]) : undefined;
}

/** The tensor to read when the caller did not name one: the only one, else an error listing them. */
export function chooseTensor(header: SafetensorsHeader, name: string | undefined): string {
  if (name !== undefined) return name;
  if (header.tensors.length === 1) return header.tensors[0].name;
  const names = header.tensors.map((t) => t.name);
  const list = names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '');
  throw new DataError(
    'format',
    `the file has ${names.length} tensors; pick one (${list || 'none'})`,
  );
}

// ---------------------------------------------------------------- fetching

async function request(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw classifyFetchError(err, url);
  }
  if (!res.ok) {
    void res.body?.cancel().catch(() => undefined);
    throw httpError(res.status, res.statusText, url);
  }
  return res;
}

/** Reads a response body with progress, refusing more than maxBytes. */
async function readBody(
  res: Response,
  url: string,
  maxBytes: number,
  onProgress?: (p: LoadProgress) => void,
): Promise<ArrayBuffer> {
  const length = res.headers.get('Content-Length');
  const total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  if (total !== undefined && total > maxBytes) {
    void res.body?.cancel().catch(() => undefined);
    throw tooLarge(total, maxBytes, url);
  }
  if (res.body === null) return res.arrayBuffer();
  const reader = res.body.getReader();
  // Content-Length may count compressed bytes: it is a first guess for the buffer, not a bound.
  let buf = new Uint8Array(Math.max(total ?? 0, 64 * 1024));
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(loaded + value.length, maxBytes, url);
      }
      if (loaded + value.length > buf.length) {
        const grown = new Uint8Array(
          Math.min(maxBytes, Math.max(buf.length * 2, loaded + value.length)),
        );
        grown.set(buf.subarray(0, loaded));
        buf = grown;
      }
      buf.set(value, loaded);
      loaded += value.length;
      onProgress?.({ phase: 'download', loaded, total });
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(
      'network',
      `the connection broke while loading ${url} (${loaded} bytes received)`,
      { url },
    );
  }
  return loaded === buf.length ? buf.buffer : buf.buffer.slice(0, loaded);
}

interface ProgressSource extends ByteSource {
  read(start: number, end: number, onProgress?: (p: LoadProgress) => void): Promise<ArrayBuffer>;
}

/**
 * A ByteSource over a URL. Asks for the first PREFIX_BYTES with a Range request: a 206 answer means
 * later reads fetch only their range; a 200 answer (ranges ignored) or a refused Range request
 * falls back to downloading the whole file once.
 */
async function openUrlSource(
  url: string,
  maxBytes: number,
  onProgress?: (p: LoadProgress) => void,
): Promise<ProgressSource> {
  const whole = async (res?: Response): Promise<ProgressSource> => {
    const response = res ?? (await request(url));
    const buf = await readBody(response, url, maxBytes, onProgress);
    return bytesFromArrayBuffer(buf);
  };
  let first: Response;
  try {
    first = await fetch(url, { headers: { Range: `bytes=0-${PREFIX_BYTES - 1}` } });
  } catch {
    return whole(); // the Range header may be what was refused; a plain GET says what is wrong
  }
  if (first.status === 200) return whole(first);
  if (first.status !== 206) {
    void first.body?.cancel().catch(() => undefined);
    if (first.status === 416) return whole(); // empty file, or a server confused by ranges
    throw httpError(first.status, first.statusText, url);
  }
  const total = totalFromContentRange(first.headers.get('Content-Range'));
  const prefix = await readBody(first, url, PREFIX_BYTES * 2);
  const size = total ?? (prefix.byteLength < PREFIX_BYTES ? prefix.byteLength : Infinity);

  return {
    size,
    read: async (start, end, progress) => {
      if (end <= start) return new ArrayBuffer(0);
      if (end <= prefix.byteLength) return prefix.slice(start, end);
      if (end - start > maxBytes)
        throw tooLarge(end - start, maxBytes, `the requested part of ${url}`);
      const res = await request(url, { headers: { Range: `bytes=${start}-${end - 1}` } });
      if (res.status === 206) return readBody(res, url, end - start, progress);
      // 200: this time the server sent everything.
      const all = await readBody(res, url, maxBytes, progress);
      return all.slice(start, end);
    },
  };
}

// ---------------------------------------------------------------- worker

let worker: WorkerChannel<WorkerJob, WorkerReply> | null = null;

function getWorker(): WorkerChannel<WorkerJob, WorkerReply> | null {
  if (worker === null && typeof Worker !== 'undefined') {
    worker = new WorkerChannel(
      () => new Worker(new URL('../compute/data.worker.ts', import.meta.url), { type: 'module' }),
    );
  }
  return worker;
}

/** Runs a job in the worker when it is big and a worker exists, else in this thread. */
async function run(job: WorkerJob, bytes: number): Promise<ReturnType<typeof unwrapReply>> {
  const w = bytes > INLINE_LIMIT ? getWorker() : null;
  if (w === null) return runJob(job);
  let reply: WorkerReply;
  try {
    reply = await w.request(job, { transfer: job.data instanceof ArrayBuffer ? [job.data] : [] });
  } catch (e) {
    // A cancel says so itself; anything else is the worker failing (it is started anew next time).
    if (e instanceof DataError) throw e;
    throw new DataError(
      'format',
      `the data worker failed: ${e instanceof Error && e.message ? e.message : 'it could not start'}`,
    );
  }
  return unwrapReply(reply);
}

async function runForTensor(job: WorkerJob, bytes: number): Promise<Tensor> {
  const result = await run(job, bytes);
  if (!('tensor' in result))
    throw new Error('the data worker answered with a header, not a tensor');
  return result.tensor;
}

/** Stops the worker (it is started again on demand). */
export function disposeDataWorker(): void {
  worker?.terminate(new DataError('network', 'loading was cancelled'));
}

// ---------------------------------------------------------------- caching

interface CacheEntry<T> {
  promise: Promise<T>;
  listeners: Set<(p: LoadProgress) => void>;
}

const tensorCache = new Map<string, CacheEntry<Tensor>>();
const handleCache = new Map<string, CacheEntry<SafetensorsHandle>>();

/** Shares one load per key among callers; each caller's onProgress hears it; failures are forgotten. */
function cached<T>(
  cache: Map<string, CacheEntry<T>>,
  key: string,
  onProgress: ((p: LoadProgress) => void) | undefined,
  start: (progress: (p: LoadProgress) => void) => Promise<T>,
): Promise<T> {
  let entry = cache.get(key);
  if (entry === undefined) {
    const listeners = new Set<(p: LoadProgress) => void>();
    const progress = (p: LoadProgress): void => {
      for (const l of listeners) l(p);
    };
    const promise = start(progress);
    const created: CacheEntry<T> = { promise, listeners };
    entry = created;
    cache.set(key, created);
    promise.then(
      () => listeners.clear(),
      () => {
        listeners.clear();
        if (cache.get(key) === created) cache.delete(key);
      },
    );
  }
  if (onProgress) entry.listeners.add(onProgress);
  return entry.promise;
}

/** Forgets every cached URL load (a reload button, tests). */
export function clearDataCache(): void {
  tensorCache.clear();
  handleCache.clear();
}

// ---------------------------------------------------------------- public entry points

/**
 * Loads a URL into a Tensor (CSV/TSV/TXT, .npy, or one tensor of a .safetensors: `opts.tensor`).
 * Cached by URL (and tensor name / delimiter); the returned Tensor is shared: do not modify it.
 */
export function loadUrl(url: string, opts: LoadOptions = {}): Promise<Tensor> {
  const key = [url, opts.tensor ?? '', opts.delimiter ?? 'auto'].join('\u0000');
  return cached(tensorCache, key, opts.onProgress, (progress) => fetchTensor(url, opts, progress));
}

async function fetchTensor(
  url: string,
  opts: LoadOptions,
  progress: (p: LoadProgress) => void,
): Promise<Tensor> {
  const maxBytes = opts.maxBytes ?? MAX_BYTES;
  if (pickParser(url) === 'safetensors') {
    const handle = await openSafetensorsUrl(url, { onProgress: progress, maxBytes });
    return handle.readTensor(chooseTensor(handle.header, opts.tensor), { onProgress: progress });
  }
  const res = await request(url);
  const buf = await readBody(res, url, maxBytes, progress);
  const kind = pickParser(
    url,
    new Uint8Array(buf, 0, Math.min(buf.byteLength, 1024)),
    res.headers.get('Content-Type'),
  );
  if (kind === null) {
    throw new DataError(
      'format',
      `cannot tell the format of ${url}: expected CSV/TSV text, .npy or .safetensors`,
      { url },
    );
  }
  progress({ phase: 'parse', loaded: buf.byteLength, total: buf.byteLength });
  if (kind === 'safetensors') {
    const src = bytesFromArrayBuffer(buf);
    const header = await readSafetensorsHeader(src);
    return makeHandle(url, header, src, maxBytes).readTensor(chooseTensor(header, opts.tensor));
  }
  const job: WorkerJob =
    kind === 'npy'
      ? { kind: 'npy', data: buf }
      : { kind: 'csv', data: buf, delimiter: opts.delimiter };
  return runForTensor(job, buf.byteLength);
}

/** Opens a .safetensors URL: its header now, its tensors on demand (Range requests when possible). */
export function openSafetensorsUrl(
  url: string,
  opts: { onProgress?: (p: LoadProgress) => void; maxBytes?: number } = {},
): Promise<SafetensorsHandle> {
  return cached(handleCache, url, opts.onProgress, async (progress) => {
    const src = await openUrlSource(url, opts.maxBytes ?? MAX_BYTES, progress);
    const header = await readSafetensorsHeader(src);
    return makeHandle(url, header, src, opts.maxBytes ?? MAX_BYTES);
  });
}

/** Opens a local .safetensors File: header now, each tensor read with Blob.slice on demand. */
export async function openSafetensorsFile(
  file: File,
  opts: { maxBytes?: number } = {},
): Promise<SafetensorsHandle> {
  const maxBytes = opts.maxBytes ?? MAX_BYTES;
  const header = await readSafetensorsHeader(bytesFromBlob(file));
  const tensors = new Map<string, Promise<Tensor>>();
  return {
    source: file.name,
    header,
    readTensor(name, opts = {}) {
      let p = tensors.get(name);
      if (p === undefined) {
        p = (async () => {
          const entry = findTensor(header, name);
          const bytes = entry.end - entry.begin;
          if (bytes > maxBytes) throw tooLarge(bytes, maxBytes, `tensor '${name}'`);
          opts.onProgress?.({ phase: 'parse', loaded: bytes, total: bytes });
          return runForTensor({ kind: 'safetensors-tensor', data: file, header, name }, bytes);
        })();
        tensors.set(name, p);
        p.catch(() => tensors.delete(name));
      }
      return p;
    },
  };
}

function makeHandle(
  source: string,
  header: SafetensorsHeader,
  src: ByteSource | ProgressSource,
  maxBytes: number,
): SafetensorsHandle {
  const tensors = new Map<string, Promise<Tensor>>();
  const read = async (name: string, onProgress?: (p: LoadProgress) => void): Promise<Tensor> => {
    const entry = findTensor(header, name);
    const size = entry.end - entry.begin;
    if (size > maxBytes) throw tooLarge(size, maxBytes, `tensor '${name}'`);
    const buf = await (src as ProgressSource).read(entry.begin, entry.end, onProgress);
    const bytes = buf.byteLength;
    onProgress?.({ phase: 'parse', loaded: bytes, total: bytes });
    if (bytes <= INLINE_LIMIT) return decodeSafetensorsBytes(entry, buf);
    return runForTensor(
      { kind: 'safetensors-tensor', data: buf, header, name, base: entry.begin },
      bytes,
    );
  };
  return {
    source,
    header,
    readTensor(name, opts = {}) {
      let p = tensors.get(name);
      if (p === undefined) {
        p = read(name, opts.onProgress);
        tensors.set(name, p);
        p.catch(() => tensors.delete(name));
      }
      return p;
    },
  };
}

/**
 * Loads a local File (picker or drag-and-drop). CSV/TSV/TXT and .npy give their tensor;
 * .safetensors needs `opts.tensor` unless it holds a single tensor (or use openSafetensorsFile).
 */
export async function loadFile(file: File, opts: LoadOptions = {}): Promise<Tensor> {
  const maxBytes = opts.maxBytes ?? MAX_BYTES;
  let kind = pickParser(file.name);
  if (kind === null) {
    const first = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
    kind = pickParser('', first, file.type);
  }
  if (kind === null) {
    throw new DataError(
      'format',
      `cannot tell the format of ${file.name}: expected CSV/TSV text, .npy or .safetensors`,
    );
  }
  if (kind === 'safetensors') {
    const handle = await openSafetensorsFile(file, { maxBytes });
    return handle.readTensor(chooseTensor(handle.header, opts.tensor), opts);
  }
  if (file.size > maxBytes) throw tooLarge(file.size, maxBytes, file.name);
  opts.onProgress?.({ phase: 'parse', loaded: file.size, total: file.size });
  const job: WorkerJob =
    kind === 'npy'
      ? { kind: 'npy', data: file }
      : { kind: 'csv', data: file, delimiter: opts.delimiter };
  return runForTensor(job, file.size);
}
