#!/usr/bin/env node
// Draw trace: where the time of one full-resolution frame goes, per bench scene.
//
// For each named scene with a camera (scenes/scenes.mjs, the same links the bench opens): open it
// at 1200x800, turn the camera about the target by the angle the bench's spin reaches (--angle
// degrees, 36 by default: `anim.spin=2` for the bench's 3 s), then measure the draw the way the
// bench's "draw" column does (scene.measureDraw: draw, read back a pixel; here the fastest of
// --repeats draws, since on a busy machine a median measures the wait for a core) at full and at
// half resolution, and again with each part of the picture hidden in turn: the balls drawn as
// geometry, the ray-cast near pieces, the disc pieces, the flat pieces, the legends, and the
// rest (guides, arrows). What a part costs is the full draw minus the draw without it. Also
// counts the pixels each program covers (drawn alone into the canvas, read back whole).
//
// Usage: node bench/draw-trace.mjs [--angle DEG] [--repeats N] [--dist DIR ...] [filter ...]
// (after `npx vite build`). With several --dist directories (builds to compare, e.g. one from
// before a change), each scene is traced in each build in turn, so that all see the same load. Prints a table; no assertions: this is a measuring tool.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, newPage } from '../test/browser/harness.mjs';
import { SCENES } from '../scenes/scenes.mjs';
import { numberOption } from './common.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => numberOption(args, name, def);
const ANGLE = opt('--angle', 36);
const REPEATS = opt('--repeats', 25);
const dists = [];
for (let i = args.indexOf('--dist'); i >= 0; i = args.indexOf('--dist')) {
  dists.push(path.resolve(args[i + 1]));
  args.splice(i, 2);
}
const filters = args;

const root = path.resolve(import.meta.dirname, '..');

/** Runs in the page: the draw times with each part hidden, and each part's pixel count. */
function traceInPage({ angle, repeats }) {
  const scene = window.mm3d.app.scene;
  // The bench's spin, as a fixed turn about the target (the vertical axis), so runs agree.
  const cam = scene.camera;
  const t = scene.controls.target;
  const off = cam.position.clone().sub(t);
  const a = (angle * Math.PI) / 180;
  const x = off.x * Math.cos(a) + off.z * Math.sin(a);
  const z = -off.x * Math.sin(a) + off.z * Math.cos(a);
  cam.position.set(t.x + x, t.y + off.y, t.z + z);
  scene.controls.update();
  scene.measureDraw([1], 1);
  // On a loaded machine the median of a few draws mostly measures waiting for a core: the
  // fastest of many is the nearer to what the drawing itself costs.
  const time = (ratio) => {
    let best = Infinity;
    for (let k = 0; k < repeats; k++) best = Math.min(best, scene.measureDraw([ratio], 1)[0]);
    return best;
  };
  // The parts: each a way to hide it and to show it again.
  const byMaterial = (test) => {
    const mats = new Set();
    scene.scene.traverse((o) => {
      if (o.material && test(o.material, o)) mats.add(o.material);
    });
    return {
      hide: () => mats.forEach((m) => (m.visible = false)),
      show: () => mats.forEach((m) => (m.visible = true)),
      count: mats.size,
    };
  };
  const mode = (m) => (m.defines && 'MODE' in m.defines ? m.defines.MODE : -1);
  const isBalls = (m) => typeof m.vertexShader === 'string' && m.vertexShader.includes('uCells');
  const legends = scene.legends.group;
  const inLegends = (o) => {
    for (let p = o; p; p = p.parent) if (p === legends) return true;
    return false;
  };
  const parts = {
    balls: byMaterial((m) => isBalls(m)),
    'ray-cast': byMaterial((m) => mode(m) === 0),
    discs: byMaterial((m) => mode(m) === 1),
    flat: byMaterial((m) => mode(m) === 2),
    legends: {
      hide: () => (legends.visible = false),
      show: () => (legends.visible = true),
      count: 1,
    },
    rest: byMaterial((m, o) => !isBalls(m) && mode(m) < 0 && !inLegends(o)),
  };
  const info = scene.renderer.info.render;
  const full = time(1);
  const half = time(0.5);
  const calls = info.calls;
  const triangles = info.triangles;
  const out = { full, half, calls, triangles, without: {}, pixels: {} };
  const gl = scene.renderer.getContext();
  const w = gl.drawingBufferWidth;
  const h = gl.drawingBufferHeight;
  const buf = new Uint8Array(w * h * 4);
  const lit = () => {
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, buf);
    let n = 0;
    for (let k = 0; k < buf.length; k += 4) if (buf[k] | buf[k + 1] | buf[k + 2]) n++;
    return n;
  };
  for (const [name, p] of Object.entries(parts)) {
    if (!p.count) continue;
    p.hide();
    out.without[name] = time(1);
    p.show();
    // Pixels this part covers: everything else hidden.
    for (const [other, q] of Object.entries(parts)) if (other !== name) q.hide();
    scene.measureDraw([1], 1);
    out.pixels[name] = lit();
    for (const q of Object.values(parts)) q.show();
  }
  for (const p of Object.values(parts)) p.hide();
  out.empty = time(1);
  for (const p of Object.values(parts)) p.show();
  scene.invalidate();
  return out;
}

async function main() {
  if (!dists.length) dists.push(path.join(root, 'dist'));
  for (const d of dists)
    if (!fs.existsSync(path.join(d, 'index.html'))) {
      console.error(`${d}/index.html is missing: run \`npx vite build\` first`);
      process.exit(1);
    }
  const servers = await Promise.all(dists.map((d) => serve(d)));
  const browser = await launch();
  const scenes = SCENES.filter(
    (s) => s.kind === undefined && (!filters.length || filters.some((f) => s.name.includes(f))),
  );
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1))}`);
  for (const s of scenes)
    for (const [n, { base }] of servers.entries()) {
      const label = dists.length > 1 ? ` [${path.relative(process.cwd(), dists[n]) || '.'}]` : '';
      await traceScene(browser, base, s, label);
    }
  console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(1))}`);
  await browser.close();
  for (const { server } of servers) server.close();
}

async function traceScene(browser, base, s, label) {
  const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const { page, context } = await newPage(browser, 1200, 800);
  try {
    await page.goto(`${base}/${s.query}`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => window.mm3d && (window.mm3d.status().ready === true || window.mm3d.status().error),
      null,
      { timeout: s.timeout ?? 60000, polling: 50 },
    );
    const r = await page.evaluate(traceInPage, { angle: ANGLE, repeats: REPEATS });
    const parts = Object.keys(r.without)
      .filter((k) => r.pixels[k] > 0)
      .map((k) => `${k} ${f1(r.full - r.without[k])} ms (${(r.pixels[k] / 1000).toFixed(0)}k px)`)
      .join(', ');
    console.log(
      `${s.name}${label}: full ${f1(r.full)} / half ${f1(r.half)} ms; nothing drawn ${f1(r.empty)} ms; ${r.calls} calls, ${r.triangles} triangles; cost of: ${parts}`,
    );
  } catch (e) {
    console.log(`${s.name}${label}: ${String(e).split('\n')[0]}`);
  } finally {
    await context.close();
  }
}

await main();
