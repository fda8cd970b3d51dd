#!/usr/bin/env node
// The GPT-2 rows of the bench (called by bench/run.mjs; alone: `node bench/gpt2.mjs` after
// `npx vite build`). A GPT-2-small-sized checkpoint (12 layers, width 768, vocabulary 50257,
// float32, ~500 MB, seeded; scripts/make-gpt2-fixture.mjs, kept in the temp folder between runs)
// is served locally with Range support by test/lib/range-server.mjs, on another origin than the
// pages. Measured in headless Chromium, per run:
//   cold     a fresh browser context (empty cache) opens the explorer on layer 11 of a 128-token
//            text: navigation -> ready (the head drawn), and the bytes the server sent
//   warm     a new page in the same context, same link: everything comes from the cache
//   layer 0  a fresh context, the same text at layer 0: the bytes sent
//   forward  the worker's time computing blocks 0..11 (the `forwardMs` of its head reply), as
//            GMAC/s over the multiply-adds of 12 blocks on 128 tokens
// Each open also prints where its time went: the CPU seconds of the browser's processes (from
// /proc: on a shared machine wall time mostly measures waiting for a core), and the page's
// measures for opening the checkpoint (header, tokenizer), tokenizing and loading the weights.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeGpt2Fixture } from '../scripts/make-gpt2-fixture.mjs';
import { rangeServer } from '../test/lib/range-server.mjs';
import { waitReady } from '../test/browser/harness.mjs';

const MB = 1024 * 1024;
export const GPT2_TARGETS = { coldMs: 10000, warmMs: 3000, layer0Bytes: 40 * 1e6 };

/** The bench's checkpoint, written once per machine (renamed into place only when complete). */
function benchFile() {
  const file = path.join(os.tmpdir(), 'mm3d-bench-gpt2-12l-seed5.safetensors');
  if (!fs.existsSync(file)) {
    makeGpt2Fixture(`${file}.part`, { layers: 12, seed: 5 });
    fs.renameSync(`${file}.part`, file);
  }
  return file;
}

/** A text of exactly 128 GPT-2 tokens (the package the page uses, in Node). */
async function text128() {
  const { encode, decode } = await import('gpt-tokenizer/encoding/r50k_base');
  const base =
    'The head explorer reads a checkpoint straight from its file, fetching only the rows and blocks that one view needs. ';
  let long = base;
  while (encode(long).length < 200) long += base;
  return decode(encode(long).slice(0, 128));
}

/** Multiply-adds of blocks 0..L-1 on T tokens (width d): projections, MLP and causal attention. */
function forwardMacs(T, d, L) {
  return L * (T * 12 * d * d + T * (T + 1) * d);
}

/**
 * CPU seconds used so far by this process's descendants (the browser's processes: renderers,
 * GPU, network, storage), from /proc (Linux; null elsewhere). On a machine shared with other work
 * an open's wall time says mostly how long it waited for a core; its CPU time does not.
 */
function browserCpu() {
  try {
    const parent = new Map();
    const ticks = new Map();
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        // Fields after the command (which may hold spaces) in its parentheses.
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        parent.set(Number(d), Number(f[1]));
        ticks.set(Number(d), Number(f[11]) + Number(f[12]));
      } catch {
        // the process ended meanwhile
      }
    }
    const byType = {};
    let sum = 0;
    for (const [pid, t] of ticks) {
      let p = parent.get(pid);
      while (p !== undefined && p > 1 && p !== process.pid) p = parent.get(p);
      if (p !== process.pid) continue;
      sum += t;
      let type = 'browser';
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        type =
          /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ?? /--type=([\w-]+)/.exec(cmd)?.[1] ?? type;
      } catch {
        // ended
      }
      byType[type] = (byType[type] ?? 0) + t / 100;
    }
    return { s: sum / 100, byType }; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** The explorer page's own measures (ms): open (header and tokenizer), tokens, prepare (weights). */
async function pageMeasures(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('mm3d:explorer-'))
        .map((m) => [m.name.slice('mm3d:explorer-'.length), Math.round(m.duration)]),
    ),
  );
}

async function openOnce(context, url, timeout) {
  const page = await context.newPage();
  const cpu0 = browserCpu();
  const t0 = Date.now();
  await page.goto(url, { timeout });
  await waitReady(page, timeout);
  const ms = Date.now() - t0;
  const cpu1 = browserCpu();
  const s = await page.evaluate(() => window.mm3d.status());
  const cpuS = cpu0 === null || cpu1 === null ? null : cpu1.s - cpu0.s;
  // Per kind of process (renderer, gpu-process, network, storage, the browser itself).
  const cpuBy =
    cpu0 && cpu1
      ? Object.entries(cpu1.byType)
          .map(([k, v]) => `${k} ${(v - (cpu0.byType[k] ?? 0)).toFixed(1)}`)
          .join(', ')
      : '';
  return { page, ms, status: s, cpuS, cpuBy, measures: await pageMeasures(page) };
}

const stages = (o) =>
  `${o.cpuS === null ? '' : `browser CPU ${o.cpuS.toFixed(1)} s (${o.cpuBy}); `}open ${o.measures.open ?? '-'} ms, tokens ${o.measures.tokens ?? '-'} ms, weights ${o.measures.prepare ?? '-'} ms`;

/** Runs the GPT-2 rows; `base` serves dist/. Returns {rows, notes}. */
export async function gpt2Bench(browser, base, runs = 3) {
  const file = benchFile();
  const server = await rangeServer({ '/gpt2-small.safetensors': { file } });
  const size = fs.statSync(file).size;
  const text = await text128();
  const model = server.url('/gpt2-small.safetensors');
  const link = (layer) =>
    `${base}/explorer.html?${new URLSearchParams({ model, text, layer: String(layer), head: '0' })}`;
  const res = {
    cold: [],
    warm: [],
    coldBytes: [],
    warmBytes: [],
    layer0: [],
    gmacs: [],
    cpu: [],
    warmCpu: [],
    cached: [],
    notes: [],
  };
  try {
    for (let r = 0; r < runs; r++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      try {
        server.reset();
        const cold = await openOnce(context, link(11), 600000);
        res.cold.push(cold.ms);
        res.coldBytes.push(server.sent());
        const T = await cold.page.evaluate(() => document.querySelectorAll('#tokens span').length);
        if (T !== 128) res.notes.push(`the text read as ${T} tokens, not 128`);
        const q = { model, text, layer: 11, head: 0, variant: 'usual' };
        const head = await cold.page.evaluate((q) => window.mm3d.explorer.client.head(q), q);
        res.gmacs.push(forwardMacs(T, 768, 12) / ((head.forwardMs ?? head.ms) * 1e6));
        res.cpu.push(cold.cpuS);
        console.log(
          `  gpt2 run ${r} cold: ${stages(cold)}, forward ${Math.round(head.forwardMs ?? NaN)} ms, head ${Math.round(head.ms)} ms`,
        );
        // The cache is written in the background: let it finish before the page goes away.
        res.cached.push(await cold.page.evaluate(() => window.mm3d.explorer.client.cacheSize()));
        await cold.page.close();
        server.reset();
        const warm = await openOnce(context, link(11), 600000);
        res.warm.push(warm.ms);
        res.warmBytes.push(server.sent());
        res.warmCpu.push(warm.cpuS);
        const wHead = await warm.page.evaluate((q) => window.mm3d.explorer.client.head(q), q);
        console.log(
          `  gpt2 run ${r} warm: ${stages(warm)}, forward ${Math.round(wHead.forwardMs ?? NaN)} ms, head ${Math.round(wHead.ms)} ms`,
        );
        await warm.page.close();
      } finally {
        await context.close();
      }
      const fresh = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      try {
        server.reset();
        const l0 = await openOnce(fresh, link(0), 600000);
        res.layer0.push(server.sent());
        await l0.page.close();
      } finally {
        await fresh.close();
      }
      console.log(
        `  gpt2 run ${r}: cold ${res.cold[r]} ms (${(res.coldBytes[r] / MB).toFixed(1)} MiB), warm ${res.warm[r]} ms (${res.warmBytes[r]} bytes), layer 0 ${(res.layer0[r] / MB).toFixed(1)} MiB, forward ${res.gmacs[r].toFixed(2)} GMAC/s`,
      );
    }
  } finally {
    await server.close();
  }
  return { ...res, size };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The rows as a Markdown table with the targets. */
export function gpt2Table(r) {
  const t = GPT2_TARGETS;
  const ok = (x) => (x ? 'ok' : 'MISSED');
  const rows = [
    [
      'layer 11, 128 tokens, cold cache',
      `${median(r.cold)} ms`,
      `${(median(r.coldBytes) / MB).toFixed(1)} MiB`,
      `< ${t.coldMs} ms: ${ok(median(r.cold) < t.coldMs)}`,
    ],
    [
      'layer 11, 128 tokens, warm cache',
      `${median(r.warm)} ms`,
      `${median(r.warmBytes)} bytes`,
      `< ${t.warmMs} ms: ${ok(median(r.warm) < t.warmMs)}`,
    ],
    [
      'layer 0, 128 tokens, cold cache',
      '-',
      `${(median(r.layer0) / 1e6).toFixed(1)} MB of ${(r.size / 1e6).toFixed(0)} MB`,
      `< 40 MB: ${ok(median(r.layer0) < t.layer0Bytes)}`,
    ],
    [
      'forward pass to layer 11 (worker, WebAssembly kernel)',
      '-',
      '-',
      `${median(r.gmacs).toFixed(2)} GMAC/s`,
    ],
  ];
  const header = [
    'GPT-2 small-sized checkpoint, served locally with Range',
    'ready (median)',
    'transferred',
    'target',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    ...[...new Set(r.notes)].map((n) => `note: ${n}`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve, launch } = await import('../test/browser/harness.mjs');
  const root = path.resolve(import.meta.dirname, '..');
  const { server, base } = await serve(path.join(root, 'dist'));
  const browser = await launch();
  try {
    const runs = Number(process.argv[2] ?? 3);
    console.log(gpt2Table(await gpt2Bench(browser, base, runs)));
    console.log(
      `(load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}, ${os.cpus().length} cores)`,
    );
  } finally {
    await browser.close();
    server.close();
  }
}
