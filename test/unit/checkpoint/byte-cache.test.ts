/**
 * The browser's byte cache (src/data/byte-cache.ts) over a stand-in for Cache Storage: a put
 * copies its bytes at the call (the caller reuses its buffers), writes go one after another, and
 * a pause holds every write back until it ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CacheStorageByteCache } from '../../../src/data/byte-cache';

/** A Cache Storage with one cache, recording the order in which entries were written. */
function fakeCaches(): { written: string[] } {
  const written: string[] = [];
  const store = new Map<string, { bytes: Uint8Array; headers: Headers }>();
  const cache = {
    async put(req: Request, res: Response) {
      const bytes = new Uint8Array(await res.arrayBuffer());
      written.push(req.url);
      store.set(req.url, { bytes, headers: res.headers });
    },
    async match(req: Request) {
      const e = store.get(req.url);
      return e ? new Response(e.bytes as BodyInit, { headers: e.headers }) : undefined;
    },
    async keys() {
      return [...store.keys()].map((u) => new Request(u));
    },
  };
  (globalThis as { caches?: unknown }).caches = {
    open: async () => cache,
    delete: async () => store.clear() === undefined,
  };
  return { written };
}

afterEach(() => {
  delete (globalThis as { caches?: unknown }).caches;
});

describe('CacheStorageByteCache', () => {
  it('copies at put, holds writes during a pause, then writes them in order', async () => {
    const { written } = fakeCaches();
    const c = new CacheStorageByteCache();
    const resume = c.pause();
    const buf = new Uint8Array([1, 2, 3, 4]);
    const a = c.put('a', buf.subarray(1, 3));
    buf.fill(9); // the caller reuses its buffer at once
    const b = c.put('b', new Uint8Array([5]));
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toEqual([]);
    resume();
    resume(); // a second call changes nothing
    await Promise.all([a, b]);
    expect(written.map((u) => decodeURIComponent(u.split('/').pop()!))).toEqual(['a', 'b']);
    expect([...new Uint8Array((await c.get('a'))!)]).toEqual([2, 3]);
    expect(await c.size()).toBe(3);
  });

  it('two pauses: writes wait for the later end', async () => {
    const { written } = fakeCaches();
    const c = new CacheStorageByteCache();
    const r1 = c.pause();
    const r2 = c.pause();
    const p = c.put('x', new Uint8Array([1]));
    r1();
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toEqual([]);
    r2();
    await p;
    expect(written.length).toBe(1);
  });
});
