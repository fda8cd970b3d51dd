// Bench section for the head explorer: switching the head (and the layer) once a layer is computed.
//
// The explorer caches every layer's activations in its worker, so a head switch within a computed
// layer should only slice the cached Q/K/V and redraw (issue 11's target: under 150 ms). Per run, in
// a fresh browser context: open explorer.html, wait until ready, then for every head of the opened
// layer in turn, change the head select in the page and time (in the page's own clock) from the
// change event to the status reporting the new head ready, plus one animation frame so that the
// picture is on screen. A layer switch (first visit: the worker computes it) and a switch back (the
// cache answers) are timed the same way, for comparison.
import { newPage, waitReady } from '../test/browser/harness.mjs';

/** Times one change of a select in the page until the explorer reports the new state drawn. */
function timeChange(page, id, value) {
  return page.evaluate(
    ({ id, value }) =>
      new Promise((resolve, reject) => {
        const sel = document.getElementById(id);
        const t0 = performance.now();
        sel.value = value;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
        const giveUp = t0 + 30000;
        const poll = () => {
          const s = window.mm3d.status();
          if (s.ready && String(s.explorer?.[id]) === value)
            requestAnimationFrame(() => resolve(performance.now() - t0));
          else if (performance.now() > giveUp) reject(new Error(`${id}=${value} never got ready`));
          else requestAnimationFrame(poll);
        };
        // The first poll after a frame: the change handler may answer synchronously.
        requestAnimationFrame(poll);
      }),
    { id, value },
  );
}

export async function explorerSwitchRuns(browser, base, runs) {
  const out = { headMs: [], layerFirstMs: [], layerBackMs: [], errors: [] };
  for (let r = 0; r < runs; r++) {
    const { page, errors, context } = await newPage(browser, 1200, 800);
    try {
      console.log(`  explorer switch run ${r}: opening`);
      await page.goto(`${base}/explorer.html`);
      await waitReady(page, 60000);
      const s = await page.evaluate(() => window.mm3d.status().explorer);
      const heads = await page.$$eval('#head option', (o) => o.map((x) => x.value));
      const layers = await page.$$eval('#layer option', (o) => o.map((x) => x.value));
      const measure = r > 0 || runs === 1;
      for (const h of heads.filter((h) => h !== String(s.head)).concat(String(s.head))) {
        const ms = await timeChange(page, 'head', h);
        if (measure) out.headMs.push(ms);
      }
      const other = layers.find((l) => l !== String(s.layer));
      if (other !== undefined) {
        const first = await timeChange(page, 'layer', other);
        const back = await timeChange(page, 'layer', String(s.layer));
        if (measure) {
          out.layerFirstMs.push(first);
          out.layerBackMs.push(back);
        }
      }
      out.errors.push(...errors);
    } finally {
      await context.close();
    }
  }
  return out;
}

export function explorerSwitchTable(res, median) {
  const f = (a) => (a.length ? `${Math.round(median(a))}` : '-');
  const max = (a) => (a.length ? `${Math.round(Math.max(...a))}` : '-');
  return [
    '| explorer switch (built-in model) | median ms | max ms | samples | target |',
    '|---|---|---|---|---|',
    `| head, within a computed layer | ${f(res.headMs)} | ${max(res.headMs)} | ${res.headMs.length} | < 150 |`,
    `| layer, first visit | ${f(res.layerFirstMs)} | ${max(res.layerFirstMs)} | ${res.layerFirstMs.length} | |`,
    `| layer, back to a computed one | ${f(res.layerBackMs)} | ${max(res.layerBackMs)} | ${res.layerBackMs.length} | < 150 |`,
  ].join('\n');
}
