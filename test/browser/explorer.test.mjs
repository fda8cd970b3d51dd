// Issue 11: the attention-head explorer (explorer.html) with the built-in model, offline. It opens
// on the head with the best induction score; text, layer, head and variant each change the picture; every
// animation preset runs; the hover readout names the right tokens; the page's link and its "open
// in the tool" link reopen the same values; it answers {getStatus}.
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, cellScreen } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const heads = JSON.parse(
  fs.readFileSync(path.join(root, 'public/models/builtin/heads.json'), 'utf8'),
).heads;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens the explorer (query without '?'), waits until its state is drawn; records every request. */
async function openExplorer(t, query = '') {
  const { page, errors, context } = await t.page();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${t.base}/explorer.html${query ? `?${query}` : ''}`);
  await t.waitReady(page, 90000);
  return { page, errors, context, requests };
}

const status = (page) => page.evaluate(() => window.mm3d.status());

/** Values of the matrix named `name` (first match), as a plain array. */
const valuesOf = (page, name) =>
  page.evaluate((name) => {
    const app = window.mm3d.app;
    for (const [key, p] of app.layout.matrices) {
      if (p.name === name) {
        const v = app.values.get(key);
        return { key, h: v.h, w: v.w, data: Array.from(v.data) };
      }
    }
    return null;
  }, name);

/** Changes a control of the panel and waits for the new state to be drawn. */
async function change(t, page, id, value) {
  if (id === 'text') await page.fill('#text', value);
  else await page.selectOption(`#${id}`, value);
  await page
    .waitForFunction(() => window.mm3d.status().ready === false, null, { timeout: 5000 })
    .catch(() => undefined);
  await t.waitReady(page, 60000);
  await sleep(300);
}

/** Fraction of pixels that differ between two PNG screenshots (a change of the picture). */
function pixelChange(a, b) {
  const x = decodePng(a.png),
    y = decodePng(b.png);
  let n = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    if (
      Math.abs(x.data[i] - y.data[i]) +
        Math.abs(x.data[i + 1] - y.data[i + 1]) +
        Math.abs(x.data[i + 2] - y.data[i + 2]) >
      30
    )
      n++;
  }
  return n / (x.width * x.height);
}

export async function run(t) {
  t.test(
    'opens offline on the head with the best induction score; the weights come from the same origin',
    async (t) => {
      const { page, errors, requests } = await openExplorer(t);
      const s = await status(page);
      const best = [...heads].sort((a, b) => b.scores.induction - a.scores.induction)[0];
      t.deepEqual(
        [s.explorer.layer, s.explorer.head, s.explorer.variant],
        [best.layer, best.head, 'usual'],
        'opens on the best induction-scoring head',
      );
      t.equal(s.error, null, 'no error');
      const foreign = requests.filter(
        (u) => !u.startsWith(t.base) && !u.startsWith('data:') && !u.startsWith('blob:'),
      );
      t.deepEqual(foreign, [], "no request leaves the page's origin");
      t.assert(
        requests.some((u) => u.endsWith('/models/builtin/model.safetensors')),
        'the built-in weights are fetched same-origin',
      );
      // Induction on the default text: attention from a repeated position to the token after the previous occurrence.
      const text = s.explorer.text;
      const attn = await valuesOf(page, 'attn');
      const T = text.length;
      t.equal(attn.h, T, 'attn has one row per token');
      let sum = 0,
        n = 0;
      // A query counts where its token and the one before it occurred before (a repeated span);
      // its attention to every token that followed an earlier occurrence of its own token is
      // summed (with three copies a head may split it between the two earlier ones).
      for (let i = 1; i < T; i++) {
        const prev = text.lastIndexOf(text[i], i - 1);
        if (prev < 1 || text[prev - 1] !== text[i - 1]) continue;
        for (let k = 1; k < i; k++) if (text[k - 1] === text[i]) sum += attn.data[i * T + k];
        n++;
      }
      t.log(
        `attention to the induction target on the default text: ${(sum / n).toFixed(3)} mean over ${n} repeated positions (heads.json: ${best.name}, induction ${best.scores.induction})`,
      );
      t.assert(n >= 10, 'the default text has repeated spans');
      // The page opens on something worth seeing: a named induction head fires on the default text.
      t.equal(best.name, 'induction', 'the best induction-scoring head is named induction');
      t.assert(sum / n > 0.3, `the induction head attends to the induction target (> 0.3)`);
      await t.screenshot(page, 'default');
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );

  t.test(
    'text, layer, head and variant each change the picture and the values',
    async (t) => {
      const { page, errors } = await openExplorer(t);
      const s0 = await status(page);
      let before = await t.screenshot(page, 'before');
      let attnBefore = await valuesOf(page, 'attn');
      const steps = [
        ['text', 'copy and distribute the Program. copy and distribute the Program'],
        ['layer', String(1 - s0.explorer.layer >= 0 ? 1 - s0.explorer.layer : 0)],
        ['head', String((s0.explorer.head + 1) % 4)],
        ['variant', 'qkov'],
      ];
      for (const [id, value] of steps) {
        await change(t, page, id, value);
        const s = await status(page);
        const key = id === 'variant' ? 'variant' : id;
        t.equal(String(s.explorer[key]), value, `${id} is now ${value}`);
        const after = await t.screenshot(page, `${id}`);
        const frac = pixelChange(before, after);
        t.log(`${id}: ${(100 * frac).toFixed(1)}% of pixels changed`);
        t.assert(
          frac > 0.005,
          `${id}: the picture changed (${(100 * frac).toFixed(2)}% of pixels)`,
        );
        const attn = await valuesOf(page, 'attn');
        t.assert(
          JSON.stringify(attn.data) !== JSON.stringify(attnBefore.data),
          `${id}: the attention values changed`,
        );
        before = after;
        attnBefore = attn;
      }
      t.equal(
        (await page.textContent('#title')).includes('wQK'),
        true,
        'the qkov title shows the premultiplied wQK',
      );
      t.noErrors(errors);
    },
    { timeout: 240000 },
  );

  t.test(
    'each animation preset runs',
    async (t) => {
      const { page, errors } = await openExplorer(t);
      for (const preset of ['attn @ V @ wO', 'Q @ K_t @ V @ wO', 'input @ wQ @ K_t @ V @ wO']) {
        await change(t, page, 'preset', preset);
        const a0 = await page.evaluate(() => ({
          active: window.mm3d.app.animator.active,
          step: window.mm3d.app.animator.step,
        }));
        t.assert(a0.active, `${preset}: the animator is active`);
        await sleep(1500);
        const a1 = await page.evaluate(() => window.mm3d.app.animator.step);
        t.assert(a1 !== a0.step, `${preset}: the animation advanced (${a0.step} -> ${a1})`);
        await t.screenshot(page, `anim-${preset.replace(/[^a-zA-Z]+/g, '-')}`);
      }
      await change(t, page, 'preset', 'none');
      t.assert(!(await page.evaluate(() => window.mm3d.app.animator.active)), 'none: no animation');
      t.noErrors(errors);
    },
    { timeout: 180000 },
  );

  t.test(
    'hovering attn names the query and key tokens; hovering a row of V names its token',
    async (t) => {
      const { page, errors } = await openExplorer(t);
      const text = (await status(page)).explorer.text;
      const attnKey = (await valuesOf(page, 'attn')).key;
      const vKey = (await valuesOf(page, 'V')).key;
      for (const [key, r, c, want] of [
        [
          attnKey,
          20,
          9,
          `query ${JSON.stringify(text[20])} (20) → key ${JSON.stringify(text[9])} (9)`,
        ],
        [
          attnKey,
          40,
          33,
          `query ${JSON.stringify(text[40])} (40) → key ${JSON.stringify(text[33])} (33)`,
        ],
        [vKey, 14, 3, `token ${JSON.stringify(text[14])} (14)`],
      ]) {
        const at = await cellScreen(page, key, r, c);
        await page.mouse.move(at.x + 1, at.y + 1);
        await page.mouse.move(at.x, at.y);
        await page.waitForFunction(() => !document.getElementById('readout').hidden, null, {
          timeout: 5000,
        });
        const readout = (await page.textContent('#readout')).trim();
        const panel = (await page.textContent('#token-readout')).trim();
        t.log(`readout: ${readout}`);
        t.assert(
          readout.includes(`[${r}, ${c}]`),
          `the readout is for cell [${r}, ${c}]: ${readout}`,
        );
        t.assert(
          readout.endsWith(want),
          `the readout names the tokens: "${readout}" ends with "${want}"`,
        );
        t.assert(panel.endsWith(want), `the panel names the tokens too: ${panel}`);
      }
      await t.screenshot(page, 'hover');
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );

  t.test(
    'the explorer link and the "open in the tool" link reopen the same values; {getStatus} answers',
    async (t) => {
      const { page, errors } = await openExplorer(
        t,
        'text=abcdefgh%20abcdefgh%20xyz&layer=0&head=2&variant=qkov',
      );
      const s = await status(page);
      t.deepEqual(
        [s.explorer.text, s.explorer.layer, s.explorer.head, s.explorer.variant],
        ['abcdefgh abcdefgh xyz', 0, 2, 'qkov'],
        'state from the link',
      );
      const search = await page.evaluate(() => window.location.search);
      const attn = await valuesOf(page, 'attn');
      const out = await valuesOf(page, 'out');
      const again = await openExplorer(t, search.slice(1));
      t.deepEqual(
        (await status(again.page)).explorer,
        s.explorer,
        'the link reopens the same state',
      );
      t.deepEqual((await valuesOf(again.page, 'attn')).data, attn.data, 'the same attention');
      const href = await page.getAttribute('#open-tool', 'href');
      const tool = await t.page();
      await tool.page.goto(`${t.base}/${href}`);
      await t.waitReady(tool.page, 90000);
      t.deepEqual(
        (await valuesOf(tool.page, 'attn')).data,
        attn.data,
        'the tool shows the same attention',
      );
      t.deepEqual(
        (await valuesOf(tool.page, 'out')).data,
        out.data,
        'the tool shows the same head output',
      );
      await t.screenshot(tool.page, 'in-the-tool');
      const reply = await page.evaluate(
        () =>
          new Promise((resolve) => {
            window.addEventListener('message', (e) => {
              if (e.data && e.data.status) resolve(e.data.status);
            });
            window.postMessage({ getStatus: true }, '*');
          }),
      );
      t.equal(reply.ready, true, '{getStatus} says ready');
      t.equal(reply.error, null, '{getStatus} has no error');
      t.equal(reply.explorer.head, 2, '{getStatus} carries the explorer state');
      t.noErrors(errors);
      t.noErrors(again.errors);
      t.noErrors(tool.errors);
    },
    { timeout: 240000 },
  );

  t.test(
    'a bad link gives notices and the defaults, never an error',
    async (t) => {
      const { page, errors } = await openExplorer(
        t,
        'layer=99&head=-1&variant=evil&text=' + encodeURIComponent('é'.repeat(300)),
      );
      const s = await status(page);
      t.equal(s.error, null, 'no error');
      t.equal(s.explorer.text.length, 64, 'the text is cut to the context');
      t.assert(/^\?+$/.test(s.explorer.text), 'characters outside the vocabulary read as "?"');
      t.equal(s.explorer.variant, 'usual', 'variant falls back');
      t.assert(
        s.notices.some((n) => n.startsWith('layer:')) &&
          s.notices.some((n) => n.startsWith('head:')),
        `notices: ${s.notices.join(' | ')}`,
      );
      t.noErrors(errors);
    },
    { timeout: 120000 },
  );

  t.test(
    "the model worker computes the link's view by itself, before the page asks",
    async (t) => {
      const { page, errors } = await openExplorer(t, 'layer=0&head=3&text=abc%20abc%20abc');
      const s = await status(page);
      const started = await page.evaluate(() => window.mm3d.explorer.client.workerStarted);
      t.assert(started !== null, 'the worker says it started a view from its name');
      t.equal(
        JSON.stringify(started),
        JSON.stringify({ layer: 0, head: 3, text: 'abc abc abc' }),
        "the worker's view is the link's",
      );
      t.equal(s.explorer.layer, 0, 'the page shows that view');
      t.noErrors(errors);
    },
    { timeout: 120000 },
  );
}
