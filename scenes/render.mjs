// Drawing the named figures (scenes.mjs, FIGURES) as still pictures, headless: used by
// `npm run figures` (scripts/figures.mjs) to write public/figures/*.webp and by the browser test
// (test/browser/pages.test.mjs) to check that the committed pictures are what the code draws.
// The page is the tool (or the head explorer) at 600x400 with its menu and panels hidden; an
// animated figure is paused at `still` of its animation, so every picture is reproducible.
import { newPage, waitReady } from '../test/browser/harness.mjs';
import { figureHref } from './scenes.mjs';

export const FIGURE_WIDTH = 600;
export const FIGURE_HEIGHT = 400;
/** WebP quality of the committed pictures (a few tens of KB each). */
export const FIGURE_QUALITY = 0.8;

/** Draws one figure; resolves to its PNG and the page's notices and errors. */
export async function renderFigure(browser, base, fig, { timeout = 60000 } = {}) {
  const { page, errors, context } = await newPage(browser, FIGURE_WIDTH, FIGURE_HEIGHT);
  try {
    await page.goto(`${base}/${figureHref(fig)}`);
    await waitReady(page, timeout);
    await page.addStyleTag({
      content:
        '#menu, #help, #explorer-panel, #notice-box, #progress, #lens-labels { display: none !important; }',
    });
    await page.evaluate(async (still) => {
      const anim = window.mm3d.app.animator;
      if (still !== null && anim.active) {
        if (!anim.paused) anim.togglePause();
        // The animation's own step counter; stepOnce draws that step and stays paused.
        anim.step = Math.max(0, Math.round(still * anim.schedule.totalSteps) - 1);
        anim.stepOnce();
      }
      // Two frames: the last step (or the state) is on the canvas.
      for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    }, fig.still ?? null);
    const status = await page.evaluate(() => window.mm3d.status());
    const png = await page.screenshot({ type: 'png' });
    return { png, notices: status.notices ?? [], error: status.error ?? null, errors };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** A page for image work done by the browser itself (WebP encoding, pixel comparison). */
export async function imagePage(browser) {
  const { page, context } = await newPage(browser, 100, 100);
  await page.setContent('<!doctype html><title>images</title>');
  return { page, close: () => context.close().catch(() => undefined) };
}

/** Re-encodes a PNG as WebP (the browser's encoder). */
export async function toWebp(imgPage, png, quality = FIGURE_QUALITY) {
  const b64 = await imgPage.evaluate(
    async ([src, quality]) => {
      const bmp = await createImageBitmap(await (await fetch(src)).blob());
      const c = document.createElement('canvas');
      c.width = bmp.width;
      c.height = bmp.height;
      c.getContext('2d').drawImage(bmp, 0, 0);
      return c.toDataURL('image/webp', quality).split(',')[1];
    },
    [`data:image/png;base64,${png.toString('base64')}`, quality],
  );
  return Buffer.from(b64, 'base64');
}

/**
 * How far apart two pictures are: the mean absolute difference of their RGB channels (0..255),
 * and the share of pixels that differ by more than 48 in some channel. Different sizes count as
 * entirely different.
 */
export async function imageDiff(imgPage, a, b) {
  return imgPage.evaluate(
    async ([a, b]) => {
      const pixels = async (src) => {
        const bmp = await createImageBitmap(await (await fetch(src)).blob());
        const c = document.createElement('canvas');
        c.width = bmp.width;
        c.height = bmp.height;
        const g = c.getContext('2d');
        g.drawImage(bmp, 0, 0);
        return g.getImageData(0, 0, c.width, c.height);
      };
      const [x, y] = await Promise.all([pixels(a), pixels(b)]);
      if (x.width !== y.width || x.height !== y.height) return { mean: 255, changed: 1 };
      let sum = 0;
      let changed = 0;
      for (let p = 0; p < x.data.length; p += 4) {
        let worst = 0;
        for (let ch = 0; ch < 3; ch++) {
          const d = Math.abs(x.data[p + ch] - y.data[p + ch]);
          sum += d;
          worst = Math.max(worst, d);
        }
        if (worst > 48) changed++;
      }
      const n = x.data.length / 4;
      return { mean: sum / (3 * n), changed: changed / n };
    },
    [a, b].map(
      (buf) => `data:image/${isWebp(buf) ? 'webp' : 'png'};base64,${buf.toString('base64')}`,
    ),
  );
}

const isWebp = (buf) => buf.subarray(8, 12).toString('latin1') === 'WEBP';
