#!/usr/bin/env node
// Video export bench (`npm run bench:video` builds first, then runs this): the attention head's
// fused vmprod animation (scenes/scenes.mjs) at 1200x800, exported as a 10 s, 30 fps WebM
// through the `{exportVideo}` message; prints the wall time and its ratio to the video's length
// (target: under 3x real time) and writes the file to bench-output/attention-fused.webm.
//
// Usage: node bench/video.mjs [--seconds N] [--fps N]
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, waitReady } from '../test/browser/harness.mjs';
import { paramsQuery, attentionAnimTree } from '../scenes/scenes.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && Number.isFinite(Number(args[i + 1])) ? Number(args[i + 1]) : def;
};
const SECONDS = opt('--seconds', 10);
const FPS = opt('--fps', 30);

const { server, base } = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  const { page, errors } = await newPage(browser, 1200, 800);
  await page.goto(`${base}/${paramsQuery(attentionAnimTree())}`);
  await waitReady(page, 120000);
  const t0 = Date.now();
  const r = await page.evaluate(
    ([seconds, fps]) =>
      new Promise((resolve) => {
        window.addEventListener('message', (e) => {
          if (e.data && (typeof e.data.video === 'string' || typeof e.data.error === 'string'))
            resolve(e.data);
        });
        window.postMessage({ exportVideo: { seconds, fps, motion: 'animation' } }, '*');
      }),
    [SECONDS, FPS],
  );
  const wall = (Date.now() - t0) / 1000;
  if (r.error) throw new Error(r.error);
  fs.mkdirSync(path.join(root, 'bench-output'), { recursive: true });
  const file = path.join(root, 'bench-output', 'attention-fused.webm');
  fs.writeFileSync(file, Buffer.from(r.video.split(',')[1], 'base64'));
  console.log(
    `video export: ${r.frames} frames ${r.width}x${r.height} ${r.codec}, ${SECONDS} s at ${FPS} fps, in ${wall.toFixed(1)} s = ${(wall / SECONDS).toFixed(2)}x real time [target < 3x]; ${(fs.statSync(file).size / 1024).toFixed(0)} KiB -> ${path.relative(root, file)}`,
  );
  console.log(
    `  per frame: drawing and reading back ${(r.drawMs / r.frames).toFixed(1)} ms, waiting for the encoder ${(r.encodeMs / r.frames).toFixed(1)} ms`,
  );
  if (errors.length) console.log(`page errors: ${errors.slice(0, 3).join(' | ')}`);
} finally {
  await browser.close();
  server.close();
}
