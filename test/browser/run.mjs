#!/usr/bin/env node
// Browser test runner (`npm run test:browser` builds first, then runs this).
//
// One static server over dist/ and one headless Chromium for the whole run; every
// `test/browser/*.test.mjs` file is imported and its tests run one after another, each with a
// timeout, each closing the browser contexts it opened. A failing or hanging test never stops the
// others. Prints one line per test, screenshot paths under it, and finally `N passed, N failed`;
// exits 1 when anything failed.
//
// A test file either exports `async function run(t)` that registers tests with `t.test(name, fn,
// {timeout})`, or exports an array (default export or `tests`) of `{name, fn, timeout}`. Each `fn`
// receives `t`:
//   t.base, t.browser, t.outDir           server URL, the shared browser, screenshot directory
//   t.page({width, height})               new context + page: {page, errors, context}; closed after the test
//   t.open(query, {width, height, timeout}) t.page() + goto(base + '/' + query) + wait until ready
//   t.waitReady(page, timeout)            wait for mm3d.status().ready
//   t.assert(cond, msg), t.equal(a, b, msg), t.deepEqual(a, b, msg), t.fail(msg)   throw on failure
//   t.noErrors(errors, msg)               assert that no page error / console error was seen
//   t.screenshot(page, name)              saves test-output/<file>-<name>.png, returns {path, png}
//   t.file(name)                          a path in test-output/ for other artefacts (listed too)
//   t.route(path, handler)                adds a server route (node req, res) for fixtures
//   t.log(msg)                            a note printed under the test line
//
// Usage: node test/browser/run.mjs [filter ...]   (runs tests whose "file: name" contains a filter)
// Env: TEST_TIMEOUT (ms per test, default 90000), TEST_BUDGET (ms for the whole run, default 900000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve, launch, newPage, waitReady } from './harness.mjs';

const here = import.meta.dirname;
const root = path.resolve(here, '../..');
const dist = path.join(root, 'dist');
const outDir = path.join(root, 'test-output');
const DEFAULT_TIMEOUT = Number(process.env.TEST_TIMEOUT ?? 90000);
const BUDGET = Number(process.env.TEST_BUDGET ?? 900000);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));

class AssertionError extends Error {}

function fmt(v, max = 300) {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > max ? s.slice(0, max - 3) + '...' : s;
  } catch {
    return String(v);
  }
}

function deepEq(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a),
    kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEq(a[k], b[k]));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new AssertionError(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error(
      'dist/index.html is missing: run `npx vite build` first (npm run test:browser does)',
    );
    process.exit(1);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const routes = {};
  // Serve a snapshot of dist/: another build (vite empties dist/) during the run must not pull
  // the files from under the pages.
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-dist-'));
  fs.cpSync(dist, snapshot, { recursive: true });
  process.on('exit', () => fs.rmSync(snapshot, { recursive: true, force: true }));
  const { server, base } = await serve(snapshot, routes);
  let browser = await launch();

  // Collect the tests of every file.
  const files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort();
  const tests = [];
  const loadErrors = [];
  for (const f of files) {
    const stem = f.replace(/\.test\.mjs$/, '');
    try {
      const mod = await import(pathToFileURL(path.join(here, f)).href);
      const reg = [];
      const list = Array.isArray(mod.default)
        ? mod.default
        : Array.isArray(mod.tests)
          ? mod.tests
          : null;
      if (list) for (const x of list) reg.push({ name: x.name, fn: x.fn, timeout: x.timeout });
      if (typeof mod.run === 'function') {
        await mod.run({
          test: (name, fn, opts = {}) => reg.push({ name, fn, timeout: opts.timeout }),
          get base() {
            return base;
          },
          get browser() {
            return browser;
          },
          route: (p, h) => {
            routes[p] = h;
          },
          outDir,
        });
      }
      if (!reg.length) loadErrors.push({ name: `${stem}: (file)`, error: 'exports no tests' });
      for (const r of reg) tests.push({ ...r, stem, full: `${stem}: ${r.name}` });
    } catch (e) {
      loadErrors.push({ name: `${stem}: (load)`, error: e?.stack ?? String(e) });
    }
  }
  const selected = filters.length
    ? tests.filter((x) => filters.some((f) => x.full.includes(f)))
    : tests;

  let passed = 0,
    failed = 0;
  for (const le of loadErrors) {
    failed++;
    console.log(`FAIL ${le.name}\n     ${le.error.split('\n').join('\n     ')}`);
  }

  for (const test of selected) {
    const t0 = Date.now();
    if (t0 - started > BUDGET) {
      failed++;
      console.log(`FAIL ${test.full} (not run: the run's time budget of ${BUDGET} ms is spent)`);
      continue;
    }
    if (!browser.isConnected()) {
      console.log('     (browser was gone: relaunching)');
      browser = await launch();
    }
    const contexts = [];
    let finished = false;
    const notes = [];
    const artefacts = [];
    const safe = (s) =>
      s
        .replace(/[^a-z0-9._-]+/gi, '-')
        .replace(/^-|-$/g, '')
        .toLowerCase();
    const t = {
      base,
      browser,
      outDir,
      route: (p, h) => {
        routes[p] = h;
      },
      log: (m) => notes.push(String(m)),
      async page({ width = 1200, height = 800 } = {}) {
        if (finished) throw new Error('the test has already ended');
        const r = await newPage(browser, width, height);
        contexts.push(r.context);
        if (finished) await r.context.close().catch(() => undefined);
        return r;
      },
      async open(query = '', { width, height, timeout = 60000 } = {}) {
        const r = await t.page({ width, height });
        const q =
          query === '' || query.startsWith('?') || query.startsWith('/') ? query : `?${query}`;
        await r.page.goto(q.startsWith('/') ? base + q : `${base}/${q}`, {
          timeout: Math.max(30000, timeout),
        });
        try {
          await waitReady(r.page, timeout);
        } catch (e) {
          // Say why: the page's own status, marks and errors (a hang must explain itself).
          const why = await r.page
            .evaluate(() => ({
              status: window.mm3d ? window.mm3d.app.status : 'no window.mm3d',
              marks: performance
                .getEntriesByType('mark')
                .map((m) => `${m.name}:${Math.round(m.startTime)}`)
                .join(' '),
              progress: document.getElementById('progress')?.textContent ?? null,
            }))
            .catch((x) => String(x));
          throw new AssertionError(
            `not ready within ${timeout} ms (${String(e).split('\n')[0]}); page: ${fmt(why, 1200)}; errors: ${r.errors.slice(0, 5).join(' | ') || 'none'}`,
          );
        }
        return r;
      },
      waitReady,
      assert(cond, msg = 'assertion failed') {
        if (!cond) throw new AssertionError(msg);
      },
      equal(a, b, msg = '') {
        if (!Object.is(a, b))
          throw new AssertionError(`${msg ? msg + ': ' : ''}expected ${fmt(b)}, got ${fmt(a)}`);
      },
      deepEqual(a, b, msg = '') {
        if (!deepEq(a, b))
          throw new AssertionError(`${msg ? msg + ': ' : ''}expected ${fmt(b)}, got ${fmt(a)}`);
      },
      fail(msg) {
        throw new AssertionError(msg);
      },
      noErrors(errors, msg = 'page errors') {
        if (errors.length) throw new AssertionError(`${msg}: ${errors.slice(0, 5).join(' | ')}`);
      },
      file(name) {
        const p = path.join(outDir, `${safe(test.stem)}-${safe(name)}`);
        artefacts.push(p);
        return p;
      },
      async screenshot(page, name, opts = {}) {
        const p = t.file(`${name}.png`);
        const png = await page.screenshot({ path: p, ...opts });
        return { path: p, png };
      },
    };
    let error = null;
    const ms = test.timeout ?? DEFAULT_TIMEOUT;
    try {
      await withTimeout(
        Promise.resolve().then(() => test.fn(t)),
        ms,
        'test',
      );
    } catch (e) {
      error = e;
    }
    finished = true;
    // Close what the test opened (this also unblocks anything still pending after a timeout).
    for (const c of contexts)
      await withTimeout(c.close(), 15000, 'closing a context').catch(() => undefined);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (error) {
      failed++;
      let msg =
        error instanceof AssertionError
          ? error.message
          : (error?.stack ?? String(error)).split('\n').slice(0, 6).join('\n     ');
      msg = msg.replace(/[^\s]{200,}/g, (w) => `${w.slice(0, 120)}…(${w.length} chars)`);
      if (msg.length > 2000) msg = `${msg.slice(0, 2000)}…`;
      console.log(`FAIL ${test.full} (${secs}s)\n     ${msg}`);
    } else {
      passed++;
      console.log(`ok   ${test.full} (${secs}s)`);
    }
    for (const n of notes) console.log(`     ${n}`);
    for (const a of artefacts)
      if (fs.existsSync(a)) console.log(`     output: ${path.relative(process.cwd(), a)}`);
  }

  await withTimeout(browser.close(), 15000, 'closing the browser').catch(() => undefined);
  server.close();
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)}s)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  console.log('0 passed, 1 failed');
  process.exit(1);
});
