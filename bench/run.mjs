#!/usr/bin/env node
// Bench (`npm run bench` builds first, then runs this).
//
// For each named scene of scenes/scenes.mjs: several runs, each in a fresh browser context at
// 1200x800 (the first run is a warm-up and is discarded when there is more than one). Per run:
//   open ms   navigation start -> the tool reports ready (the page's own `mm3d:ready` mark;
//             wall clock from goto as a fallback), cold (first visit in the fresh context: no
//             HTTP cache) and warm (the same link again in that context: files from the cache);
//             "x floor" divides them by the floor page's open times measured in the same run;
//             a second floor row opens the floor page that also links and draws the programs
//             the default page's first frame drew (read from that page at the run's start):
//             what those programs alone cost any page on this machine (bench/common.mjs)
//   frames    the camera spins (scene.setSpin(2), what `anim.spin=2` does) for ~3 s while the
//             page records requestAnimationFrame timestamps; we report the median and 90th
//             percentile interval over the measured runs
//   draw      after the spin, the time to draw the view at full and at half resolution with the
//             GPU's work included (scene.measureDraw: draw, then read back a pixel); frame times
//             above it are spent outside our drawing (mostly the browser's compositor here)
//   heap      performance.memory.usedJSHeapSize after the spin
// Prints a table with the targets beside the numbers and writes bench-output/bench-<time>.json
// and a screenshot per scene (bench-output/<scene>.png, last run, at ready).
//
// Usage: node bench/run.mjs [--runs N] [--spin-ms N] [scene-name-filter ...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage, waitReady } from '../test/browser/harness.mjs';
import { SCENES, makeCsv } from '../scenes/scenes.mjs';
import { kernelInChromium, kernelRows, kernelTable } from './kernel.mjs';
import { gpt2Bench, gpt2Table } from './gpt2.mjs';
import { explorerSwitchRuns, explorerSwitchTable } from './explorer.mjs';
import { FLOOR_HTML, numberOption, programsFloorHtml } from './common.mjs';
import { recordPrograms } from '../test/browser/lib.mjs';

// Fixtures for the data scenes, made once.
const CSV = makeCsv(256, 768);

/** How long the browser may keep served files (warm opens read them from its cache). */
const CACHE_SECONDS = 3600;

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name, def) => numberOption(args, name, def);
const RUNS = opt('--runs', 5);
const SPIN_MS = opt('--spin-ms', 3000);
const filters = args;

const median = (a) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (a, p) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f0 = (x) => (Number.isFinite(x) ? String(Math.round(x)) : '-');

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Frame intervals (and animation step costs) over `ms` of animation, measured in the page. */
async function animFrames(page, ms) {
  return page.evaluate(async (ms) => {
    const anim = window.mm3d.app.animator;
    const stamps = [];
    const steps = [];
    await new Promise((resolve) => {
      const start = performance.now();
      const tick = (now) => {
        stamps.push(now);
        steps.push(anim.lastStepMs);
        if (now - start < ms || stamps.length < 6) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    return {
      intervals: stamps.slice(1).map((t, i) => t - stamps[i]),
      stepMs: steps,
      heap: performance.memory ? performance.memory.usedJSHeapSize : null,
      moved: 1,
    };
  }, ms);
}

/** The longest main-thread task (ms) that started since `window.__since` (0 when none over 50 ms). */
function longestTask(page) {
  return page.evaluate(() =>
    Math.max(0, ...window.__longTasks.filter(([t]) => t >= window.__since).map(([, d]) => d)),
  );
}

/** Opens the tool at `url` and waits until it is ready: its open time and marks, or an error. */
async function openTool(page, url, timeout) {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit', timeout });
  try {
    await page.waitForFunction(
      () => window.mm3d && (window.mm3d.status().ready === true || window.mm3d.status().error),
      null,
      { timeout, polling: 50 },
    );
  } catch {
    return { error: `not ready within ${timeout / 1000} s` };
  }
  const wall = Date.now() - t0;
  const st = await page.evaluate(() => window.mm3d.status());
  if (st.error) return { error: `status.error: ${st.error}` };
  const info = await page.evaluate(() => {
    const mark = performance.getEntriesByName('mm3d:ready')[0];
    const marks = Object.fromEntries(
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('mm3d:'))
        .map((m) => [m.name.slice(5), Math.round(m.startTime)]),
    );
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) {
      marks.domContentLoaded = Math.round(nav.domContentLoadedEventEnd);
      marks.load = Math.round(nav.loadEventEnd);
    }
    return {
      openMs: mark ? mark.startTime : null,
      expr: window.mm3d.app.params.expr,
      elements: window.mm3d.status().elements,
      marks,
    };
  });
  return { wall, info };
}

/** Filled before the scenes run: see firstFrameProgramsOf. */
let firstFramePrograms = [];

/**
 * Opens the default page (its own browser context) and returns the programs its first frame drew
 * (vertex and fragment sources, in the order linked), read when the page reports ready.
 */
async function firstFrameProgramsOf(browser, base) {
  const { page, context } = await newPage(browser, 1200, 800);
  try {
    await page.addInitScript(recordPrograms);
    await page.goto(`${base}/`);
    await waitReady(page);
    const programs = await page.evaluate(() =>
      window.__programs.filter((p) => p.draws > 0).map((p) => p.sources),
    );
    if (!programs.length) throw new Error('the default page drew no program');
    return programs;
  } finally {
    await context.close();
  }
}

async function oneRun(browser, base, scene, shot = null) {
  const timeout = scene.timeout ?? 60000;
  const first = await newPage(browser, 1200, 800);
  const { errors, context } = first;
  let page = first.page;
  let crashed = false;
  const watch = (p) =>
    p.on('crash', () => {
      crashed = true;
    });
  watch(page);
  // The warm open: a new tab in the same context (its HTTP cache), the cold page closed first so
  // that its teardown is not counted in the new page's navigation.
  const newTab = async () => {
    await page.close();
    page = await context.newPage();
    watch(page);
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  };
  // Main-thread tasks over 50 ms, recorded from the start of each page.
  await context.addInitScript(() => {
    window.__longTasks = [];
    window.__since = 0;
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      /* not supported */
    }
  });
  try {
    if (scene.kind === 'floor') {
      const openFloor = async () => {
        await page.goto(`${base}/${scene.programs ? 'floor-programs' : 'floor'}.html`, {
          waitUntil: 'commit',
          timeout,
        });
        await page.waitForFunction(
          () => performance.getEntriesByName('floor:ready').length > 0,
          null,
          {
            timeout,
            polling: 20,
          },
        );
        return page.evaluate(() => performance.getEntriesByName('floor:ready')[0].startTime);
      };
      const openMs = await openFloor();
      await newTab();
      const openWarmMs = await openFloor();
      await page.waitForTimeout(500);
      const intervals = await page.evaluate(async (ms) => {
        window.stamps.length = 0;
        await new Promise((r) => setTimeout(r, ms));
        const s = window.stamps;
        return s.slice(1).map((t, i) => t - s[i]);
      }, SPIN_MS);
      return {
        wall: NaN,
        openMs,
        openWarmMs,
        intervals,
        moved: 1,
        heap: null,
        longest: 0,
        elements: undefined,
        errors,
        marks: {},
      };
    }
    if (scene.kind === 'page') {
      // A page around the tool (guide, tour, gallery): ready when its first picture is drawn and
      // its text is in (its own `mm3d:page-ready` mark); WebGL contexts counted in the page itself.
      await page.addInitScript(() => {
        window.__webgl = 0;
        const get = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          if (String(type).startsWith('webgl')) window.__webgl++;
          return get.call(this, type, ...rest);
        };
      });
      const t0 = Date.now();
      await page.goto(`${base}/${scene.query}`, { waitUntil: 'commit', timeout });
      await page.waitForFunction(() => window.mm3dPage?.ready === true, null, {
        timeout,
        polling: 20,
      });
      const wall = Date.now() - t0;
      const r = await page.evaluate(() => ({
        openMs: performance.getEntriesByName('mm3d:page-ready')[0]?.startTime ?? null,
        webgl: window.__webgl,
      }));
      if (shot) await page.screenshot({ path: shot }).catch(() => undefined);
      return {
        wall,
        openMs: r.openMs,
        webgl: r.webgl,
        intervals: [],
        moved: 1,
        heap: null,
        longest: await longestTask(page),
        elements: undefined,
        errors,
        marks: {},
      };
    }
    if (scene.kind === 'csv') {
      // The page is up first; the clock (and the long-task record) starts when the data is asked for.
      await page.goto(`${base}/`, { timeout });
      await page.waitForFunction(() => window.mm3d && window.mm3d.status().ready === true, null, {
        timeout,
        polling: 50,
      });
      const t0 = await page.evaluate((url) => {
        // Tasks from here on (one that ran before the request is reported late, not caused by it).
        window.__since = performance.now();
        const start = performance.now();
        window.mm3d.app.applyPartial({ left: { init: 'url', url, h: 256, w: 768 } }, false, false);
        return start;
      }, scene.url);
      await page.waitForFunction(
        () =>
          window.mm3d.app.params.left.w === 768 &&
          window.mm3d.status().ready === true &&
          window.mm3d.app.values?.get('left')?.data[0] !== 0,
        null,
        { timeout, polling: 20 },
      );
      const loadMs = (await page.evaluate(() => performance.now())) - t0;
      const longest = await longestTask(page);
      if (shot) await page.screenshot({ path: shot }).catch(() => undefined);
      return {
        wall: loadMs,
        openMs: loadMs,
        longest,
        intervals: [],
        moved: 1,
        heap: null,
        elements: await page.evaluate(() => window.mm3d.status().elements),
        errors,
        marks: {},
      };
    }
    if (scene.kind === 'file') {
      await page.goto(`${base}/${scene.query}`, { timeout });
      await page.waitForFunction(() => window.mm3d && window.mm3d.status().ready === true, null, {
        timeout,
        polling: 50,
      });
      // The file is made inside the page (handing 12 MB to the page through the driver would cost
      // seconds of base64 decoding that no user pays); the clock starts when the file is dropped.
      const t0 = await page.evaluate(
        ({ rows, cols }) => {
          const bytes = rows * cols * 4;
          let header = JSON.stringify({
            w: { dtype: 'F32', shape: [rows, cols], data_offsets: [0, bytes] },
          });
          while ((8 + header.length) % 8) header += ' ';
          const buf = new ArrayBuffer(8 + header.length + bytes);
          new DataView(buf).setBigUint64(0, BigInt(header.length), true);
          new Uint8Array(buf, 8, header.length).set(new TextEncoder().encode(header));
          const data = new Float32Array(buf, 8 + header.length, rows * cols);
          for (let x = 0; x < data.length; x++) data[x] = Math.sin(x * 0.001);
          const file = new File([buf], 'weights.safetensors');
          window.__since = performance.now();
          const start = performance.now();
          void window.mm3d.dataDialog.open(file, ['left']);
          return start;
        },
        { rows: 1024, cols: 3072 },
      );
      await page.waitForSelector('#data-dialog button[type=submit]', { timeout });
      await page.click('#data-dialog button[type=submit]');
      await page.waitForFunction(
        () => window.mm3d.app.params.left.w === 3072 && window.mm3d.status().ready === true,
        null,
        { timeout, polling: 20 },
      );
      const loadMs = (await page.evaluate(() => performance.now())) - t0;
      const longest = await longestTask(page);
      if (shot) await page.screenshot({ path: shot }).catch(() => undefined);
      return {
        wall: loadMs,
        openMs: loadMs,
        loadMs,
        longest,
        intervals: [],
        moved: 1,
        heap: null,
        elements: await page.evaluate(() => window.mm3d.status().elements),
        errors,
        marks: {},
      };
    }
    // Cold: the first visit in a fresh context (no HTTP cache, no compiled code kept); warm: the
    // same link opened again in that context (files from the cache, as on a second visit). The
    // rest of the run (frames, draw) uses the warm page.
    const cold = await openTool(page, `${base}/${scene.query}`, timeout);
    if (cold.error)
      return { error: crashed ? 'the page crashed while opening' : cold.error, errors };
    await newTab();
    const warm = await openTool(page, `${base}/${scene.query}`, timeout);
    if (warm.error)
      return { error: crashed ? 'the page crashed while opening' : warm.error, errors };
    const wall = cold.wall;
    const info = { ...cold.info, openWarmMs: warm.info.openMs, marksWarm: warm.info.marks };
    if (shot) await page.screenshot({ path: shot }).catch(() => undefined);
    const longest = await longestTask(page);
    if (scene.kind === 'anim')
      return { wall, ...info, ...(await animFrames(page, SPIN_MS)), longest, errors };
    if (scene.kind === 'csv')
      return { wall, ...info, intervals: [], moved: 1, heap: null, longest, errors };
    // Spin the camera and record frame intervals inside the page.
    const spin = await withTimeout(
      page.evaluate(async (spinMs) => {
        const scene = window.mm3d.app.scene;
        const stamps = [];
        const before = scene.camera.position.clone();
        scene.setSpin(2);
        await new Promise((resolve) => {
          const start = performance.now();
          const tick = (now) => {
            stamps.push(now);
            // At least spinMs, and at least 6 frames (slow scenes), but never more than 30 s.
            if ((now - start < spinMs || stamps.length < 6) && now - start < 30000)
              requestAnimationFrame(tick);
            else resolve();
          };
          requestAnimationFrame(tick);
        });
        scene.setSpin(0);
        // What the drawing itself costs (GPU included), at full and at half resolution.
        const draw = scene.measureDraw([1, 0.5]);
        const moved = scene.camera.position.distanceTo(before);
        const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
        const r = scene.renderer.info.render;
        return {
          intervals,
          moved,
          draw,
          calls: r.calls,
          triangles: r.triangles,
          heap: performance.memory ? performance.memory.usedJSHeapSize : null,
        };
      }, SPIN_MS),
      SPIN_MS + 45000,
      'spinning',
    );
    return { wall, ...info, ...spin, longest, errors };
  } finally {
    await withTimeout(context.close(), 15000, 'closing').catch(() => undefined);
  }
}

async function main() {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error('dist/index.html is missing: run `npx vite build` first (npm run bench does)');
    process.exit(1);
  }
  const loadStart = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  // Serve a snapshot of dist/, so that a concurrent build cannot pull files from under the pages.
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-dist-'));
  fs.cpSync(dist, snapshot, { recursive: true });
  process.on('exit', () => fs.rmSync(snapshot, { recursive: true, force: true }));
  const { server, base } = await serve(
    snapshot,
    {
      '/data/act.csv': (req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.end(CSV);
      },
      '/floor.html': (req, res) => {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': `max-age=${CACHE_SECONDS}`,
        });
        res.end(FLOOR_HTML);
      },
      '/floor-programs.html': (req, res) => {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': `max-age=${CACHE_SECONDS}`,
        });
        res.end(programsFloorHtml(firstFramePrograms));
      },
    },
    { cacheSeconds: CACHE_SECONDS },
  );
  let browser = await launch();
  const scenes = filters.length
    ? SCENES.filter((s) => filters.some((f) => s.name.includes(f)))
    : SCENES;
  // The programs the default page's first frame drew, for the floor page that draws them too.
  if (scenes.some((s) => s.programs)) {
    firstFramePrograms = await firstFrameProgramsOf(browser, base);
    console.log(
      `  the default page's first frame drew ${firstFramePrograms.length} programs (${firstFramePrograms.map(([v, f]) => `${v.length}+${f.length}`).join(', ')} characters)`,
    );
  }
  const results = [];
  const outDir = path.join(root, 'bench-output');
  fs.mkdirSync(outDir, { recursive: true });
  for (const scene of scenes) {
    const runs = Math.max(1, Math.min(RUNS, scene.runs ?? RUNS));
    const measured = [];
    let error = null;
    const notes = [];
    for (let r = 0; r < runs; r++) {
      if (!browser.isConnected()) browser = await launch();
      let res;
      try {
        const shot =
          r === runs - 1
            ? path.join(outDir, `${scene.name.replace(/[^a-z0-9]+/gi, '-')}.png`)
            : null;
        res = await oneRun(browser, base, scene, shot);
      } catch (e) {
        res = { error: String(e).split('\n')[0], errors: [] };
      }
      const tag = runs > 1 && r === 0 ? 'warm-up' : `run ${r}`;
      if (res.error) {
        error = res.error;
        console.log(`  ${scene.name} ${tag}: ${res.error}`);
        break; // a scene that cannot open will not open on the next run either
      }
      if (res.errors.length) notes.push(`page errors: ${res.errors.slice(0, 3).join(' | ')}`);
      if (scene.expr && res.expr !== scene.expr)
        notes.push(`expr is "${res.expr}", expected "${scene.expr}"`);
      if (res.moved < 1e-3) notes.push('the camera did not move during the spin');
      if (scene.noWebgl && res.webgl) notes.push(`${res.webgl} WebGL contexts before any click`);
      console.log(
        `  ${scene.name} ${tag}: open ${f0(res.openMs)} ms cold (wall ${res.wall}), ${f0(res.openWarmMs)} ms warm, frame median ${f1(median(res.intervals))} ms over ${res.intervals.length} frames, heap ${f1(res.heap / 2 ** 20)} MB, ${res.elements} elements; marks ${JSON.stringify(res.marks)}${res.marksWarm ? `; warm marks ${JSON.stringify(res.marksWarm)}` : ''}`,
      );
      if (runs === 1 || r > 0) measured.push(res);
    }
    const intervals = measured.flatMap((m) => m.intervals);
    const row = {
      scene: scene.name,
      runs: measured.length,
      kind: scene.kind,
      openMs: median(measured.map((m) => m.openMs ?? m.wall)),
      openWarmMs: median(measured.map((m) => m.openWarmMs ?? NaN)),
      frameMedian: median(intervals),
      frameP90: pct(intervals, 90),
      heapMB: median(measured.map((m) => (m.heap ?? NaN) / 2 ** 20)),
      stepMs: median(measured.flatMap((m) => m.stepMs ?? [])),
      longestTaskMs: Math.max(0, ...measured.map((m) => m.longest ?? 0)),
      drawFullMs: median(measured.filter((m) => m.draw).map((m) => m.draw[0])),
      drawHalfMs: median(measured.filter((m) => m.draw).map((m) => m.draw[1])),
      elements: measured[0]?.elements,
      targets: scene.targets,
      error,
      notes: [...new Set(notes)],
    };
    results.push(row);
  }
  // The kernel section: the product kernel against the bare SIMD loop, in this browser, now.
  let kernel = null;
  if (!filters.length || filters.some((f) => 'kernel'.includes(f))) {
    if (!browser.isConnected()) browser = await launch();
    try {
      kernel = await withTimeout(
        kernelInChromium(browser, [768, 1024], RUNS),
        600000,
        'the kernel section',
      );
    } catch (e) {
      kernel = { error: String(e).split('\n')[0] };
    }
  }
  // The GPT-2 section: a GPT-2-small-sized checkpoint opened in the explorer (bench/gpt2.mjs).
  let gpt2 = null;
  if (!filters.length || filters.some((f) => 'gpt2'.includes(f))) {
    if (!browser.isConnected()) browser = await launch();
    try {
      gpt2 = await withTimeout(gpt2Bench(browser, base, Math.min(RUNS, 3)), 1200000, 'gpt2');
    } catch (e) {
      gpt2 = { error: String(e).split('\n')[0] };
    }
  }
  // The explorer section: switching head and layer once the explorer is open.
  let switches = null;
  if (!filters.length || filters.some((f) => 'explorer switch'.includes(f))) {
    if (!browser.isConnected()) browser = await launch();
    try {
      switches = await withTimeout(
        explorerSwitchRuns(browser, base, Math.min(RUNS, 3)),
        300000,
        'the explorer switch section',
      );
    } catch (e) {
      switches = { error: String(e).split('\n')[0] };
    }
  }
  await withTimeout(browser.close(), 15000, 'closing the browser').catch(() => undefined);
  server.close();

  // The table.
  const verdict = (r) => {
    if (r.error) return `FAILED: ${r.error}`;
    if (!r.targets) return '';
    const t = r.targets;
    if (t.stepMs !== undefined) {
      const fps = 1000 / r.frameMedian;
      return `>= ${t.fps} fps: ${fps >= t.fps ? 'ok' : 'MISSED'} (${f1(fps)} fps); step < ${t.stepMs} ms: ${r.stepMs < t.stepMs ? 'ok' : 'MISSED'} (median ${r.stepMs.toFixed(2)} ms)`;
    }
    if (t.longTaskMs !== undefined)
      return `open < ${t.openMs} ms: ${r.openMs < t.openMs ? 'ok' : 'MISSED'}; no task > ${t.longTaskMs} ms: ${r.longestTaskMs <= t.longTaskMs ? 'ok' : 'MISSED'} (longest ${f0(r.longestTaskMs)} ms)`;
    if (t.fps === undefined && t.openMs !== undefined)
      return `ready < ${t.openMs} ms: ${r.openMs < t.openMs ? 'ok' : 'MISSED'}`;
    if (t.loadMs !== undefined)
      return `load + show < ${t.loadMs} ms: ${r.openMs < t.loadMs ? 'ok' : 'MISSED'}`;
    const openOk = r.openMs < r.targets.openMs;
    const fps = 1000 / r.frameMedian;
    // 60 fps means frames at the display rate: allow the jitter of a 16.7 ms cadence.
    const fpsOk = fps >= r.targets.fps * 0.95;
    return `open < ${r.targets.openMs} ms: ${openOk ? 'ok' : 'MISSED'}; >= ${r.targets.fps} fps: ${fpsOk ? 'ok' : 'MISSED'} (${f1(fps)} fps)`;
  };
  // Open times against the floor page's, measured in the same run (cold with cold, warm with warm).
  const floor = results.find((r) => r.kind === 'floor');
  const ratio = (r) =>
    floor &&
    r !== floor &&
    (r.kind === undefined || r.kind === 'floor') &&
    Number.isFinite(r.openWarmMs)
      ? `${(r.openMs / floor.openMs).toFixed(1)} / ${(r.openWarmMs / floor.openWarmMs).toFixed(1)}`
      : '-';
  const header = [
    'scene',
    'open ms cold / warm (median)',
    'x floor cold / warm',
    'frame ms median',
    'frame ms p90',
    'draw ms full / half res',
    'longest task ms',
    'heap MB',
    'elements',
    'target',
  ];
  const rows = results.map((r) => [
    r.scene,
    Number.isFinite(r.openWarmMs) ? `${f0(r.openMs)} / ${f0(r.openWarmMs)}` : f0(r.openMs),
    ratio(r),
    f1(r.frameMedian),
    f1(r.frameP90),
    Number.isFinite(r.drawFullMs) ? `${f1(r.drawFullMs)} / ${f1(r.drawHalfMs)}` : '-',
    f0(r.longestTaskMs),
    f1(r.heapMB),
    r.elements ?? '-',
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const r of results) for (const n of r.notes) console.log(`note (${r.scene}): ${n}`);
  console.log(
    `\n(${RUNS} runs per scene unless the scene says fewer, the first discarded when there are several; spin ${SPIN_MS} ms; headless Chromium with SwiftShader, i.e. CPU rendering on ${os.cpus().length} cores; load average at start ${loadStart}, at end ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );

  if (switches?.error) console.log(`\nexplorer switch section FAILED: ${switches.error}`);
  else if (switches) {
    console.log('');
    console.log(explorerSwitchTable(switches, median));
    if (switches.errors.length)
      console.log(`explorer page errors: ${switches.errors.slice(0, 3).join(' | ')}`);
  }
  if (kernel?.error) console.log(`\nkernel section FAILED: ${kernel.error}`);
  else if (kernel) {
    console.log('');
    console.log(
      kernelTable(
        kernelRows(kernel, 'wallS'),
        `Kernel (headless Chromium, main thread, ${kernel.kind} kernel, medians of ${RUNS} runs; the ceiling is the faster of wasm/ceiling.ts's bare loops, built as the kernel is, run just before each product)`,
      ),
    );
  }
  if (gpt2?.error) console.log(`\ngpt2 section FAILED: ${gpt2.error}`);
  else if (gpt2) console.log(`\n${gpt2Table(gpt2)}`);
  console.log(
    `screenshots (last run of each scene, at ready): ${path.relative(process.cwd(), outDir)}/<scene>.png`,
  );
  const file = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        runs: RUNS,
        spinMs: SPIN_MS,
        cpus: os.cpus().length,
        loadStart,
        loadEnd: os.loadavg(),
        results,
        kernel: kernel && !kernel.error ? kernelRows(kernel, 'wallS') : kernel,
        gpt2,
        explorerSwitch: switches,
      },
      null,
      2,
    ),
  );
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
