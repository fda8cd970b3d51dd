#!/usr/bin/env node
// How fast a page reads back a GPT-2-small-sized set of weights kept in the browser (not part of
// `npm run bench`; alone: `node bench/cache-read.mjs [--runs N] [--mb N]`). In a worker of a page
// served from 127.0.0.1, twelve buffers of 28 MiB (one GPT-2 small block each, ~336 MiB in all)
// are written to Cache Storage and to the origin-private file system, then read back:
//   cache, fresh      Cache Storage, `response.arrayBuffer()` (what src/data/byte-cache.ts does)
//   cache, reused     Cache Storage, the body read into one buffer reused for every block (BYOB)
//   opfs, fresh       the origin-private file system, `file.arrayBuffer()`
// and, in Node, the time to touch that many bytes of freshly allocated memory. On this machine
// first-touch page faults cost about as much as the reads themselves: reading weights into new
// memory has a floor set by the memory, not by the storage (docs/performance.md).
import os from 'node:os';
import { launch, serve } from '../test/browser/harness.mjs';
import { numberOption } from './common.mjs';

const args = process.argv.slice(2);
const RUNS = numberOption(args, '--runs', 3);
const BLOCK_MB = numberOption(args, '--mb', 28);
const BLOCKS = 12;

/** The worker: writes the blocks once ('write'), then times each way of reading them ('read'). */
const WORKER = `
const N = ${BLOCKS}, SIZE = ${BLOCK_MB} * 1024 * 1024;
const block = (i) => { const a = new Uint8Array(SIZE); for (let j = 0; j < SIZE; j += 4096) a[j] = (i + j) & 255; return a; };
const req = (i) => new Request('https://cache-read.invalid/' + i);
onmessage = (e) => run(e).catch((err) => { setTimeout(() => { throw err; }); });
const run = async (e) => {
  const cache = await caches.open('mm3d-cache-read-bench');
  const root = await navigator.storage.getDirectory();
  if (e.data === 'write') {
    for (let i = 0; i < N; i++) {
      const b = block(i);
      await cache.put(req(i), new Response(b));
      const w = await (await root.getFileHandle('block' + i, { create: true })).createWritable();
      await w.write(b);
      await w.close();
    }
    postMessage('written');
    return;
  }
  let check = 0;
  const out = {};
  let t0 = performance.now();
  for (let i = 0; i < N; i++) check += new Uint8Array(await (await cache.match(req(i))).arrayBuffer())[4096];
  out.cacheFresh = performance.now() - t0;
  t0 = performance.now();
  let buf = new ArrayBuffer(SIZE);
  for (let i = 0; i < N; i++) {
    const reader = (await cache.match(req(i))).body.getReader({ mode: 'byob' });
    let off = 0;
    for (;;) {
      // Full: one more read (into a byte of its own) to see the end of the body.
      const view = off < SIZE ? new Uint8Array(buf, off, SIZE - off) : new Uint8Array(1);
      const { done, value } = await reader.read(view);
      if (value && off < SIZE) { buf = value.buffer; off += value.byteLength; }
      if (done) break;
    }
    check += new Uint8Array(buf)[4096];
  }
  out.cacheReused = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < N; i++) check += new Uint8Array(await (await (await root.getFileHandle('block' + i)).getFile()).arrayBuffer())[4096];
  out.opfsFresh = performance.now() - t0;
  out.check = check;
  postMessage(out);
};`;

/** Node: milliseconds to allocate and touch (one byte per 4 KiB page) `bytes` of new memory. */
function firstTouchMs(bytes) {
  const t0 = performance.now();
  const a = new Uint8Array(bytes);
  for (let j = 0; j < a.length; j += 4096) a[j] = 1;
  return performance.now() - t0;
}

// A blank page on 127.0.0.1 (a secure context, where workers have Cache Storage and OPFS).
const { server, base } = await serve(os.tmpdir(), {
  '/': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>cache read</title>');
  },
});
const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/`);
  const results = await page.evaluate(
    async ({ src, runs }) => {
      const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const ask = (m) =>
        new Promise((resolve, reject) => {
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => reject(new Error(e.message));
          w.postMessage(m);
        });
      await ask('write');
      const out = [];
      for (let i = 0; i < runs; i++) out.push(await ask('read'));
      return out;
    },
    { src: WORKER, runs: RUNS },
  );
  const total = BLOCKS * BLOCK_MB * 1024 * 1024;
  const node = Array.from({ length: RUNS }, () => firstTouchMs(total));
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const mib = total / 1048576;
  const row = (name, ms) =>
    `| ${name.padEnd(44)} | ${ms.toFixed(0).padStart(7)} | ${(mib / (ms / 1000)).toFixed(0).padStart(7)} |`;
  console.log(
    `| read ${mib} MiB (${BLOCKS} x ${BLOCK_MB} MiB), median of ${RUNS}`.padEnd(47) +
      ' | ms      | MiB/s   |',
  );
  console.log(`|${'-'.repeat(46)}|---------|---------|`);
  console.log(
    row('Cache Storage, arrayBuffer() (new memory)', median(results.map((r) => r.cacheFresh))),
  );
  console.log(
    row('Cache Storage, into one reused buffer (BYOB)', median(results.map((r) => r.cacheReused))),
  );
  console.log(row('origin-private files, arrayBuffer()', median(results.map((r) => r.opfsFresh))));
  console.log(row('Node: touch that much new memory', median(node)));
} finally {
  await browser.close();
  server.close();
}
