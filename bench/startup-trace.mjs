#!/usr/bin/env node
// Where a page's start-up goes, in CPU time (which a busy machine inflates far less than wall
// time): opens a page of dist/ in headless Chromium under a Chromium trace, from navigation to
// the page's ready mark (`mm3d:ready`, or `mm3d:page-ready` for the guide, tour and gallery, or
// `floor:ready` for the bench's bare WebGL page), and prints per thread (renderer main thread,
// GPU thread, compositor…) the CPU time its tasks took in that window, the events that took most
// of it, and the page's own marks. Each page is opened twice in one browser context (cold, then
// warm from the HTTP cache); the warm one is traced unless `--cold` is given.
//
// Usage: node bench/startup-trace.mjs [--cold] [--top N] [--keep trace.json] [--dist DIR] [page ...]
//   (--keep: a copy of the last page's trace, for chrome://tracing or Perfetto)
//   page: a path with query under dist/ ("/", "/?left.h=256&...", "explorer.html",
//   "reference.html") or "floor". Default: floor and /.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage } from '../test/browser/harness.mjs';
import { FLOOR_HTML } from './common.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
};
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const COLD = flag('--cold');
const TOP = opt('--top', 14);
const KEEP = (() => {
  const i = args.indexOf('--keep');
  if (i < 0) return null;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
})();
const DIST = (() => {
  const i = args.indexOf('--dist');
  if (i < 0) return path.join(root, 'dist');
  const v = path.resolve(args[i + 1]);
  args.splice(i, 2);
  return v;
})();
const pages = args.length ? args : ['floor', '/'];

const CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'v8',
  'v8.execute',
  'gpu',
  'loading',
  'navigation',
  'blink',
];

const READY_MARKS = ['mm3d:ready', 'mm3d:page-ready', 'floor:ready'];

/** Opens `url` and waits for one of the ready marks (in any frame of the page). */
async function openAndWait(page, url) {
  await page.goto(url, { waitUntil: 'commit', timeout: 120000 });
  const has = () =>
    page
      .frames()
      .map((f) =>
        f
          .evaluate(
            (names) => names.some((n) => performance.getEntriesByName(n).length > 0),
            READY_MARKS,
          )
          .catch(() => false),
      );
  const t0 = Date.now();
  for (;;) {
    const r = await Promise.all(has());
    if (r.some(Boolean)) break;
    if (Date.now() - t0 > 120000) throw new Error(`${url}: not ready within 120 s`);
    await new Promise((res) => setTimeout(res, 30));
  }
  // The marks of every frame, in ms from that frame's navigation.
  const marks = [];
  for (const f of page.frames())
    marks.push(
      await f
        .evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const out = Object.fromEntries(
            performance
              .getEntriesByType('mark')
              .concat(performance.getEntriesByType('measure'))
              .filter((m) => /^(mm3d|floor):/.test(m.name))
              .map((m) => [m.name.replace(/^mm3d:/, ''), Math.round(m.startTime)]),
          );
          if (nav) {
            out.responseEnd = Math.round(nav.responseEnd);
            out.domContentLoaded = Math.round(nav.domContentLoadedEventEnd);
            out.load = Math.round(nav.loadEventEnd);
          }
          return { url: location.pathname, marks: out };
        })
        .catch(() => null),
    );
  return marks.filter(Boolean);
}

/** Sums the trace: per thread, CPU of top-level tasks in [start, end] and the costliest events. */
function summarize(trace) {
  const events = trace.traceEvents ?? trace;
  const threadName = new Map();
  const procName = new Map();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.name === 'process_name') procName.set(e.pid, e.args.name);
  }
  // Window: the (last) navigation start to the first ready mark after it.
  const navs = events.filter(
    (e) => e.name === 'navigationStart' && e.cat.includes('blink.user_timing'),
  );
  const readies = events.filter((e) => READY_MARKS.includes(e.name) && e.ph !== 'M');
  const start = Math.min(...navs.map((e) => e.ts));
  const end = Math.min(...readies.filter((e) => e.ts >= start).map((e) => e.ts));
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const perThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.ts < start || e.ts > end) continue;
    const key = `${e.pid}:${e.tid}`;
    let t = perThread.get(key);
    if (!t) {
      t = {
        name: `${procName.get(e.pid) ?? e.pid} / ${threadName.get(key) ?? e.tid}`,
        cpu: 0,
        wall: 0,
        byName: new Map(),
      };
      perThread.set(key, t);
    }
    const cpu = e.tdur ?? e.dur ?? 0;
    if (e.cat.includes('toplevel') && /RunTask|RunNextTask/.test(e.name)) {
      t.cpu += cpu / 1000;
      t.wall += (e.dur ?? 0) / 1000;
    } else {
      // Events inside tasks, by name (nested ones count again inside their parents).
      const label =
        e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'v8.compile'
          ? `${e.name} ${String(e.args?.data?.url ?? e.args?.data?.functionName ?? '')
              .split('/')
              .pop()}`
          : e.name;
      const b = t.byName.get(label) ?? { cpu: 0, wall: 0, n: 0 };
      b.cpu += cpu / 1000;
      b.wall += (e.dur ?? 0) / 1000;
      b.n++;
      t.byName.set(label, b);
    }
  }
  return { windowMs: (end - start) / 1000, threads: [...perThread.values()] };
}

async function main() {
  const { server, base } = await serve(
    DIST,
    {
      '/floor.html': (req, res) => {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'max-age=3600',
        });
        res.end(FLOOR_HTML);
      },
    },
    { cacheSeconds: 3600 },
  );
  const browser = await launch();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-trace-'));
  try {
    for (const p of pages) {
      const url = p === 'floor' ? `${base}/floor.html` : `${base}/${p.replace(/^\//, '')}`;
      const { page, context } = await newPage(browser, 1200, 800);
      let tab = page;
      const file = path.join(tmp, 'trace.json');
      if (!COLD) {
        await openAndWait(tab, url);
        await tab.close();
        tab = await context.newPage();
      }
      await browser.startTracing(tab, { path: file, categories: CATEGORIES });
      const marks = await openAndWait(tab, url);
      await tab.waitForTimeout(100);
      await browser.stopTracing();
      await context.close();
      if (KEEP) fs.copyFileSync(file, KEEP);
      const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')));
      console.log(
        `\n== ${p} (${COLD ? 'cold' : 'warm'}; load average ${os.loadavg()[0].toFixed(1)})`,
      );
      for (const m of marks) console.log(`marks ${m.url}: ${JSON.stringify(m.marks)}`);
      if (!s) {
        console.log('(no navigation or ready mark in the trace)');
        continue;
      }
      console.log(`navigation -> ready: ${s.windowMs.toFixed(0)} ms`);
      for (const t of s.threads.filter((t) => t.cpu > 5).sort((a, b) => b.cpu - a.cpu)) {
        console.log(`  ${t.name}: tasks ${t.cpu.toFixed(0)} ms CPU (${t.wall.toFixed(0)} ms wall)`);
        const top = [...t.byName.entries()].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, TOP);
        for (const [name, b] of top)
          if (b.cpu >= 2)
            console.log(
              `      ${b.cpu.toFixed(1).padStart(7)} ms CPU ${b.wall.toFixed(1).padStart(7)} ms wall  x${b.n}  ${name}`,
            );
      }
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
