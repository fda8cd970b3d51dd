import { afterEach, describe, it, expect, vi } from 'vitest';
import {
  chooseTensor,
  classifyFetchError,
  clearDataCache,
  extensionOf,
  httpError,
  loadFile,
  loadUrl,
  openSafetensorsUrl,
  pickParser,
  totalFromContentRange,
  tooLarge,
  type LoadProgress,
} from '../../../src/data/loader';
import { DataError } from '../../../src/data/types';
import { npyFile, pack, safetensorsFile, writeF32, rejection } from './fixtures';

const utf8 = (s: string) => new TextEncoder().encode(s);

// ------------------------------------------------------------ pure helpers

describe('loader decisions', () => {
  it('extensionOf ignores path, query and hash', () => {
    expect(extensionOf('https://h.co/a.b/model.SafeTensors?download=true#x')).toBe('safetensors');
    expect(extensionOf('data/w.npy')).toBe('npy');
    expect(extensionOf('https://h.co/a.b/README')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
  });

  it('pickParser uses the extension, then the bytes, then the content type', () => {
    expect(pickParser('a.csv')).toBe('delimited');
    expect(pickParser('a.TSV')).toBe('delimited');
    expect(pickParser('a.txt')).toBe('delimited');
    expect(pickParser('x/a.npy?v=2')).toBe('npy');
    expect(pickParser('a.safetensors')).toBe('safetensors');
    expect(pickParser('blob')).toBeNull();
    const npy = new Uint8Array(npyFile({ descr: '<f4', shape: [1], payload: new Uint8Array(4) }));
    expect(pickParser('blob', npy)).toBe('npy');
    const st = new Uint8Array(
      safetensorsFile([{ name: 'w', dtype: 'F32', shape: [1], bytes: new Uint8Array(4) }]),
    );
    expect(pickParser('blob', st)).toBe('safetensors');
    expect(pickParser('blob', utf8('1,2\n3,4\n'))).toBe('delimited');
    expect(pickParser('blob', new Uint8Array([1, 0, 2, 0]))).toBeNull();
    expect(pickParser('blob', new Uint8Array([1, 0, 2, 0]), 'text/csv; charset=utf-8')).toBe(
      'delimited',
    );
  });

  it('httpError says the status and the URL', () => {
    const e = httpError(404, '', 'https://x.org/m.csv');
    expect([e.kind, e.message, e.detail.status]).toEqual([
      'http',
      '404 Not Found for https://x.org/m.csv',
      404,
    ]);
    expect(httpError(500, 'Oops', 'u').message).toBe('500 Oops for u');
    expect(httpError(599, '', 'u').message).toBe('599 error for u');
  });

  it('classifyFetchError tells CORS/network refusals from cancellations', () => {
    const cors = classifyFetchError(new TypeError('Failed to fetch'), 'https://x.org/a.csv');
    expect(cors.kind).toBe('cors');
    expect(cors.message).toBe(
      'the server refused the request (CORS or network) for https://x.org/a.csv',
    );
    const abort = classifyFetchError(new DOMException('aborted', 'AbortError'), 'u');
    expect([abort.kind, abort.message]).toEqual(['network', 'the request for u was cancelled']);
    expect(classifyFetchError(new Error('socket hang up'), 'u').message).toBe(
      'could not load u: socket hang up',
    );
    const own = new DataError('http', 'x');
    expect(classifyFetchError(own, 'u')).toBe(own);
  });

  it('tooLarge and totalFromContentRange', () => {
    const e = tooLarge(600 * 1024 * 1024, 512 * 1024 * 1024, 'big.npy');
    expect([e.kind, e.message]).toEqual([
      'too-large',
      'big.npy is 600 MiB, over the 512 MiB limit',
    ]);
    expect(tooLarge(1.5 * 1024 * 1024, 1000, 'x').message).toBe(
      'x is 1.5 MiB, over the 1000 bytes limit',
    );
    expect(totalFromContentRange('bytes 0-7/548105171')).toBe(548105171);
    expect(totalFromContentRange('bytes 0-7/*')).toBeUndefined();
    expect(totalFromContentRange(null)).toBeUndefined();
  });

  it('chooseTensor takes the only tensor or asks for one', () => {
    const h = (names: string[]) => ({
      tensors: names.map((name) => ({ name, dtype: 'F32', shape: [1], begin: 0, end: 4 })),
      metadata: {},
      dataStart: 0,
    });
    expect(chooseTensor(h(['w']), undefined)).toBe('w');
    expect(chooseTensor(h(['a', 'b']), 'b')).toBe('b');
    expect(() => chooseTensor(h(['a', 'b']), undefined)).toThrow(
      'the file has 2 tensors; pick one (a, b)',
    );
  });
});

// ------------------------------------------------------------ fetch against a fake server

interface Route {
  body?: Uint8Array;
  status?: number;
  ranges?: boolean; // answers Range requests with 206
  exposeContentRange?: boolean; // default true
  rejectRange?: boolean; // a request with a Range header fails like a CORS refusal
  reject?: boolean; // every request fails like a CORS refusal
  contentType?: string;
  noLength?: boolean;
  chunk?: number; // body chunk size
}

function serve(routes: Record<string, Route>) {
  const log: { url: string; range: string | null; bytes: number }[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const range = new Headers(init?.headers).get('Range');
    const route = routes[url];
    if (route === undefined) {
      log.push({ url, range, bytes: 0 });
      return new Response('missing', { status: 404, statusText: 'Not Found' });
    }
    if (route.reject || (route.rejectRange && range !== null))
      throw new TypeError('Failed to fetch');
    if (route.status !== undefined) {
      log.push({ url, range, bytes: 0 });
      return new Response('error', { status: route.status });
    }
    const all = route.body ?? new Uint8Array(0);
    let body = all;
    let status = 200;
    const headers = new Headers();
    if (route.contentType) headers.set('Content-Type', route.contentType);
    const m = range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
    if (m && route.ranges) {
      const a = Number(m[1]);
      const b = Math.min(Number(m[2]) + 1, all.length);
      body = all.subarray(a, b);
      status = 206;
      if (route.exposeContentRange !== false)
        headers.set('Content-Range', `bytes ${a}-${b - 1}/${all.length}`);
    }
    if (!route.noLength) headers.set('Content-Length', String(body.length));
    log.push({ url, range, bytes: body.length });
    const chunk = route.chunk ?? 1 << 20;
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) return controller.close();
        controller.enqueue(body.slice(at, at + chunk));
        at += chunk;
      },
    });
    return new Response(stream, { status, headers });
  };
  vi.stubGlobal('fetch', vi.fn(fetchImpl));
  return log;
}

afterEach(() => {
  vi.unstubAllGlobals();
  clearDataCache();
});

const CSV = 'x,y,z\n1,2,3\n4,5,6\n';

describe('loadUrl', () => {
  it('loads a CSV with download progress, then a parse step', async () => {
    serve({ 'https://d.org/m.csv': { body: utf8(CSV), chunk: 5 } });
    const events: LoadProgress[] = [];
    const t = await loadUrl('https://d.org/m.csv', { onProgress: (p) => events.push(p) });
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const downloads = events.filter((e) => e.phase === 'download');
    expect(downloads.map((e) => e.loaded)).toEqual([5, 10, 15, CSV.length]);
    expect(downloads.every((e) => e.total === CSV.length)).toBe(true);
    expect(events.at(-1)).toEqual({ phase: 'parse', loaded: CSV.length, total: CSV.length });
  });

  it('caches by URL: one fetch for concurrent and later calls', async () => {
    const log = serve({ 'https://d.org/m.csv': { body: utf8(CSV) } });
    const [a, b] = await Promise.all([
      loadUrl('https://d.org/m.csv'),
      loadUrl('https://d.org/m.csv'),
    ]);
    const c = await loadUrl('https://d.org/m.csv');
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(log.length).toBe(1);
    clearDataCache();
    await loadUrl('https://d.org/m.csv');
    expect(log.length).toBe(2);
  });

  it('does not cache failures', async () => {
    const routes: Record<string, Route> = { 'https://d.org/m.csv': { status: 503 } };
    serve(routes);
    const e = await rejection(loadUrl('https://d.org/m.csv'));
    expect(e.message).toBe('503 Service Unavailable for https://d.org/m.csv');
    routes['https://d.org/m.csv'] = { body: utf8(CSV) };
    expect((await loadUrl('https://d.org/m.csv')).shape).toEqual([2, 3]);
  });

  it('reports 404s, CORS refusals and parse errors as DataErrors', async () => {
    serve({
      'https://d.org/cors.csv': { reject: true },
      'https://d.org/bad.csv': { body: utf8('1,2\n3,4,5\n') },
    });
    const notFound = await rejection(loadUrl('https://d.org/none.csv'));
    expect([notFound.kind, notFound.message]).toEqual([
      'http',
      '404 Not Found for https://d.org/none.csv',
    ]);
    const cors = await rejection(loadUrl('https://d.org/cors.csv'));
    expect([cors.kind, cors.message]).toEqual([
      'cors',
      'the server refused the request (CORS or network) for https://d.org/cors.csv',
    ]);
    const bad = await rejection(loadUrl('https://d.org/bad.csv'));
    expect([bad.kind, bad.message]).toEqual(['shape', 'row 2 has 3 cells, expected 2']);
  });

  it('refuses files over the limit, by Content-Length or while streaming', async () => {
    serve({
      'https://d.org/a.csv': { body: utf8(CSV) },
      'https://d.org/b.csv': { body: utf8(CSV), noLength: true, chunk: 4 },
    });
    const a = await rejection(loadUrl('https://d.org/a.csv', { maxBytes: 10 }));
    expect(a.kind).toBe('too-large');
    const b = await rejection(loadUrl('https://d.org/b.csv', { maxBytes: 10 }));
    expect(b.kind).toBe('too-large');
    expect(b.detail.found).toBe(12);
  });

  it('reads .npy, and sniffs files without a known extension', async () => {
    const npy = new Uint8Array(
      npyFile({ descr: '<f4', shape: [1, 2], payload: pack([3, 4], 4, writeF32) }),
    );
    serve({
      'https://d.org/w.npy': { body: npy },
      'https://d.org/raw': { body: npy },
      'https://d.org/text': { body: utf8('1\t2\n') },
      'https://d.org/bin': { body: new Uint8Array([0, 1, 2, 3]) },
    });
    expect(Array.from((await loadUrl('https://d.org/w.npy')).data)).toEqual([3, 4]);
    expect(Array.from((await loadUrl('https://d.org/raw')).data)).toEqual([3, 4]);
    expect((await loadUrl('https://d.org/text')).shape).toEqual([1, 2]);
    expect((await rejection(loadUrl('https://d.org/bin'))).kind).toBe('format');
  });

  it('parses a large CSV (over the inline limit) correctly', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 300; i++)
      rows.push(Array.from({ length: 200 }, (_, j) => String(i + j / 1000)).join(','));
    const body = utf8(rows.join('\n'));
    expect(body.length).toBeGreaterThan(256 * 1024);
    serve({ 'https://d.org/big.csv': { body } });
    const t = await loadUrl('https://d.org/big.csv');
    expect(t.shape).toEqual([300, 200]);
    expect(t.data[299 * 200 + 199]).toBe(Math.fround(299.199));
  });
});

describe('safetensors over HTTP', () => {
  // A 1 MiB tensor first, then a small one: reading the small one must not download the big one.
  const big = new Float32Array(512 * 512).map((_, k) => k);
  const file = new Uint8Array(
    safetensorsFile([
      { name: 'big', dtype: 'F32', shape: [512, 512], bytes: new Uint8Array(big.buffer) },
      { name: 'small', dtype: 'F32', shape: [1, 3], bytes: pack([10, 20, 30], 4, writeF32) },
    ]),
  );
  const URL_ = 'https://hf.example/model.safetensors';
  const sent = (log: { bytes: number }[]) => log.reduce((n, r) => n + r.bytes, 0);

  it('reads one tensor with Range requests', async () => {
    const log = serve({ [URL_]: { body: file, ranges: true } });
    const t = await loadUrl(URL_, { tensor: 'small' });
    expect(Array.from(t.data)).toEqual([10, 20, 30]);
    expect(log.every((r) => r.range !== null)).toBe(true);
    expect(sent(log)).toBeLessThanOrEqual(64 * 1024 + 12);
    expect(log.at(-1)!.bytes).toBe(12);
  });

  it('opens a handle that lists tensors and reads each once', async () => {
    const log = serve({ [URL_]: { body: file, ranges: true } });
    const handle = await openSafetensorsUrl(URL_);
    expect(handle.header.tensors.map((t) => t.name)).toEqual(['big', 'small']);
    const events: LoadProgress[] = [];
    const b = await handle.readTensor('big', { onProgress: (p) => events.push(p) });
    expect(b.shape).toEqual([512, 512]);
    expect(b.data[512 * 512 - 1]).toBe(512 * 512 - 1);
    expect(log.at(-1)!.bytes).toBe(512 * 512 * 4);
    expect(events.some((e) => e.phase === 'download' && e.total === 512 * 512 * 4)).toBe(true);
    const again = await handle.readTensor('big');
    expect(again).toBe(b);
    expect(log.length).toBe(2); // the prefix and the big tensor
    expect(await openSafetensorsUrl(URL_)).toBe(handle);
  });

  it('works when the size is not exposed', async () => {
    serve({ [URL_]: { body: file, ranges: true, exposeContentRange: false } });
    const t = await loadUrl(URL_, { tensor: 'small' });
    expect(Array.from(t.data)).toEqual([10, 20, 30]);
  });

  it('falls back to one full download when ranges are ignored or refused', async () => {
    for (const route of [{ body: file }, { body: file, ranges: true, rejectRange: true }]) {
      clearDataCache();
      const log = serve({ [URL_]: route });
      const t = await loadUrl(URL_, { tensor: 'small' });
      expect(Array.from(t.data)).toEqual([10, 20, 30]);
      expect(log.length).toBe(1);
      expect(log[0].bytes).toBe(file.length);
    }
  });

  it('asks for a tensor name when there are several, and names a missing one', async () => {
    serve({ [URL_]: { body: file, ranges: true } });
    expect((await rejection(loadUrl(URL_))).message).toBe(
      'the file has 2 tensors; pick one (big, small)',
    );
    expect((await rejection(loadUrl(URL_, { tensor: 'w' }))).message).toMatch(
      /^no tensor named 'w'/,
    );
  });

  it('reports a tensor over the limit without downloading it', async () => {
    const log = serve({ [URL_]: { body: file, ranges: true } });
    const e = await rejection(loadUrl(URL_, { tensor: 'big', maxBytes: 100_000 }));
    expect(e.kind).toBe('too-large');
    expect(log.length).toBe(1);
  });

  it('reports HTTP errors of the first request', async () => {
    serve({});
    const e = await rejection(openSafetensorsUrl(URL_));
    expect(e.message).toBe(`404 Not Found for ${URL_}`);
  });
});

describe('loadFile', () => {
  it('reads CSV, TSV and .npy files', async () => {
    expect((await loadFile(new File([CSV], 'm.csv'))).shape).toEqual([2, 3]);
    expect(Array.from((await loadFile(new File(['1\t2\n'], 'm.tsv'))).data)).toEqual([1, 2]);
    const npy = npyFile({ descr: '<f4', shape: [2], payload: pack([5, 6], 4, writeF32) });
    expect(Array.from((await loadFile(new File([npy], 'w.npy'))).data)).toEqual([5, 6]);
    expect(Array.from((await loadFile(new File([npy], 'w.bin'))).data)).toEqual([5, 6]);
  });

  it('reads a tensor of a .safetensors file', async () => {
    const st = safetensorsFile([
      { name: 'a', dtype: 'F32', shape: [1], bytes: pack([1], 4, writeF32) },
      { name: 'b', dtype: 'F32', shape: [2], bytes: pack([2, 3], 4, writeF32) },
    ]);
    const f = new File([st], 'm.safetensors');
    expect(Array.from((await loadFile(f, { tensor: 'b' })).data)).toEqual([2, 3]);
    expect((await rejection(loadFile(f))).message).toMatch(/pick one \(a, b\)/);
  });

  it('refuses files over the limit and files of unknown format', async () => {
    expect((await rejection(loadFile(new File([CSV], 'm.csv'), { maxBytes: 4 }))).kind).toBe(
      'too-large',
    );
    expect((await rejection(loadFile(new File([new Uint8Array([0, 0, 1])], 'm.bin')))).kind).toBe(
      'format',
    );
  });
});
