#!/usr/bin/env node
// `npm run figures`: draws every named figure of scenes/scenes.mjs with the built tool (dist/) in
// headless Chromium and writes public/figures/<name>.webp (committed; the tour and the gallery
// show them). A figure that shows a notice or an error is reported and fails the run: a picture
// of a broken state must not be committed.
//
// Usage: node scripts/figures.mjs [name-filter ...]   (after `npx vite build`)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch } from '../test/browser/harness.mjs';
import { FIGURES } from '../scenes/scenes.mjs';
import { imagePage, renderFigure, toWebp } from '../scenes/render.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const out = path.join(root, 'public/figures');
const filters = process.argv.slice(2);

if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('dist/index.html is missing: run `npx vite build` first (npm run figures does)');
  process.exit(1);
}
fs.mkdirSync(out, { recursive: true });
const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-figures-'));
fs.cpSync(dist, snapshot, { recursive: true });
process.on('exit', () => fs.rmSync(snapshot, { recursive: true, force: true }));
const { server, base } = await serve(snapshot);
const browser = await launch();
const img = await imagePage(browser);
let failed = 0;
let total = 0;
for (const fig of FIGURES) {
  if (filters.length && !filters.some((f) => fig.name.includes(f))) continue;
  const t0 = Date.now();
  try {
    const r = await renderFigure(browser, base, fig);
    const problems = [...r.notices, ...(r.error ? [r.error] : []), ...r.errors];
    if (problems.length) {
      failed++;
      console.log(`FAIL ${fig.name}: ${problems.join(' | ')}`);
      continue;
    }
    const webp = await toWebp(img.page, r.png);
    fs.writeFileSync(path.join(out, `${fig.name}.webp`), webp);
    total += webp.length;
    console.log(`ok   ${fig.name} (${(webp.length / 1024).toFixed(1)} KB, ${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${fig.name}: ${String(e).split('\n')[0]}`);
  }
}
await img.close();
await browser.close();
server.close();
console.log(`${(total / 1024).toFixed(0)} KB written to public/figures; ${failed} failed`);
process.exit(failed ? 1 : 0);
