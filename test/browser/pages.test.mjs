// The pages around the tool (reference.html, tour.html, gallery.html; made by site/build.ts):
// every live example of the guide sets the tool in its iframe to what it says (read back with
// `getParams`), without a notice and without scrolling the guide; the divider moves by pointer
// and keyboard; the tour starts no WebGL until a figure is opened, and an opened figure is the
// live tool; every named figure opens in the tool without an error or a notice; a sample of the
// committed pictures is what the current code draws; the gallery has a card for every figure.
import { FIGURES, figureHref } from '../../scenes/scenes.mjs';
import { imageDiff, imagePage, renderFigure, toWebp } from '../../scenes/render.mjs';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Every leaf of a props tree with its path. */
function leaves(o, p = []) {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? leaves(v, [...p, k])
      : [[[...p, k], v]],
  );
}
const at = (o, p) => p.reduce((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o);

/** Asks the tool in the guide's iframe (an embedding request) and resolves to the reply's `key`. */
const ask = (page, request, key) =>
  page.evaluate(
    ([request, key]) =>
      new Promise((resolve, reject) => {
        const frame = document.getElementById('tool-frame').contentWindow;
        const timer = setTimeout(() => reject(new Error(`no ${key} reply`)), 20000);
        const on = (e) => {
          if (e.source !== frame || !e.data || !(key in e.data)) return;
          removeEventListener('message', on);
          clearTimeout(timer);
          resolve(e.data[key]);
        };
        addEventListener('message', on);
        frame.postMessage(request, '*');
      }),
    [request, key],
  );

async function toolReady(page, timeout = 60000) {
  const t0 = Date.now();
  for (;;) {
    const st = await ask(page, { getStatus: true }, 'status');
    if (st.ready) return st;
    if (Date.now() - t0 > timeout) throw new Error(`the tool is not ready: ${JSON.stringify(st)}`);
    await page.waitForTimeout(100);
  }
}

/** Counts WebGL contexts made in each frame of the page (window.__webgl per frame). */
const countWebgl = () => {
  window.__webgl = 0;
  const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    if (String(type).startsWith('webgl')) window.__webgl++;
    return get.call(this, type, ...rest);
  };
};

export async function run(t) {
  t.test(
    'guide: every example sets the tool without a notice and scrolls nothing; the divider moves',
    async (t) => {
      const { page, errors } = await t.page({ width: 1200, height: 900 });
      // The tool's page is held back for two seconds, so that the guide is ready (text and poster
      // drawn) while the tool is not yet live, and an example can be clicked meanwhile.
      await page.route(/\/index\.html(\?.*)?$/, async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.continue().catch(() => undefined);
      });
      // Not until "load": that waits for the tool in the iframe too.
      await page.goto(`${t.base}/reference.html`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.mm3dPage?.ready === true, null, { timeout: 120000 });
      t.assert(
        await page.evaluate(() => performance.getEntriesByName('mm3d:page-ready').length === 1),
        'the page marks mm3d:page-ready',
      );
      // Ready means a picture is drawn: the poster (the tool's own still of its default view) or
      // the live tool. An example clicked while the poster shows is sent once the tool listens.
      const early = await page.evaluate(() => {
        const poster = document.getElementById('tool-poster');
        const live = performance.getEntriesByName('mm3d:tool-live').length === 1;
        if (poster && !live) {
          const b = [...document.querySelectorAll('button.example-run[data-props]')].find(
            (b) => b.dataset.mode === 'reset' && JSON.parse(b.dataset.props).expr,
          );
          b.click();
          return {
            poster: poster.complete && poster.naturalWidth > 0,
            live,
            expr: JSON.parse(b.dataset.props).expr,
          };
        }
        return { poster: !!poster, live, expr: null };
      });
      t.assert(early.poster && !early.live, `at ready: poster ${early.poster}, live ${early.live}`);
      await page.waitForFunction(() => !document.getElementById('tool-poster'), null, {
        timeout: 120000,
      });
      await page.unroute(/\/index\.html(\?.*)?$/);
      t.assert(
        await page.evaluate(() => performance.getEntriesByName('mm3d:tool-live').length === 1),
        'the poster goes when the tool is live',
      );
      await toolReady(page);
      const p = await ask(page, { getParams: true }, 'params');
      t.equal(p.expr, early.expr, 'an example clicked before the tool was live is applied');

      // The divider: keyboard, then pointer.
      const paneH = () =>
        page.evaluate(() => document.getElementById('tool-pane').getBoundingClientRect().height);
      const h0 = await paneH();
      await page.focus('#divider');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const h1 = await paneH();
      t.assert(Math.abs(h1 - h0 - 0.1 * 900) < 3, `two ArrowDown presses: ${h0} -> ${h1}`);
      const bar = await page.evaluate(() => {
        const r = document.getElementById('divider').getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      });
      await page.mouse.move(bar.x, bar.y);
      await page.mouse.down();
      await page.mouse.move(bar.x, 300, { steps: 5 });
      await page.mouse.up();
      const h2 = await paneH();
      const top = await page.evaluate(
        () => document.getElementById('tool-pane').getBoundingClientRect().top,
      );
      t.assert(Math.abs(top + h2 - 300) < 4, `dragged to y=300: pane from ${top}, height ${h2}`);
      await page.keyboard.press('Home');
      t.equal(await page.$eval('#divider', (d) => d.getAttribute('aria-valuenow')), '10', 'Home');
      await page.keyboard.press('End');
      t.equal(await page.$eval('#divider', (d) => d.getAttribute('aria-valuenow')), '90', 'End');
      await page.focus('#divider');
      for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowUp'); // back to 45 %

      const examples = await page.$$eval('button.example-run[data-props]', (bs) =>
        bs.map((b) => ({
          mode: b.dataset.mode,
          props: JSON.parse(b.dataset.props),
          title: b.textContent.trim(),
        })),
      );
      t.assert(examples.length >= 40, `${examples.length} examples`);
      const bad = [];
      for (let i = 0; i < examples.length; i++) {
        const ex = examples[i];
        const sel = `button.example-run[data-props] >> nth=${i}`;
        await page.$eval(
          `#guide-text`,
          (g, i) => {
            g.querySelectorAll('button.example-run[data-props]')[i].scrollIntoView({
              block: 'center',
            });
          },
          i,
        );
        const before = await page.evaluate(() => [
          document.getElementById('guide').scrollTop,
          window.scrollY,
        ]);
        await page.click(sel);
        const st = await toolReady(page);
        const after = await page.evaluate(() => [
          document.getElementById('guide').scrollTop,
          window.scrollY,
        ]);
        if (after[0] !== before[0] || after[1] !== before[1])
          bad.push(`${ex.title}: scrolled ${before} -> ${after}`);
        if (st.notices.length || st.error)
          bad.push(`${ex.title}: ${[...st.notices, st.error].filter(Boolean).join(' | ')}`);
        const params = await ask(page, { getParams: true }, 'params');
        for (const [p, v] of leaves(ex.props))
          if (JSON.stringify(at(params, p)) !== JSON.stringify(v))
            bad.push(
              `${ex.title}: ${p.join('.')} is ${JSON.stringify(at(params, p))}, not ${JSON.stringify(v)}`,
            );
        // A reset example leaves nothing of the state before it (checked on one property that
        // the examples before it change and it does not name).
        if (ex.mode === 'reset' && !('deco' in ex.props) && params.deco.legends !== 6)
          bad.push(`${ex.title}: reset kept deco.legends = ${params.deco.legends}`);
      }
      t.deepEqual(bad, [], 'examples');
      t.equal(
        await page.evaluate(() => window.mm3dPage.sent),
        examples.length + 1,
        'examples sent',
      );
      t.noErrors(errors);
      t.log(`${examples.length} examples in one page load`);
    },
    { timeout: 600000 },
  );

  t.test(
    'tour: no WebGL before a click; a clicked figure is the live tool in place',
    async (t) => {
      const { page, errors } = await t.page({ width: 1000, height: 800 });
      await page.addInitScript(countWebgl);
      await page.goto(`${t.base}/tour.html`, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.mm3dPage?.ready === true, null, { timeout: 30000 });
      const figs = await page.$$eval('figure.fig', (fs) => fs.length);
      t.assert(figs >= 25, `${figs} figures`);
      // Every picture loads (scrolling through the page, so the lazy ones come in too).
      await page.evaluate(async () => {
        for (const img of document.querySelectorAll('figure.fig img')) {
          img.scrollIntoView();
          await img.decode().catch(() => undefined);
        }
        window.scrollTo(0, 0);
      });
      const broken = await page.$$eval('figure.fig img', (is) =>
        is.filter((i) => i.naturalWidth !== 600 || i.naturalHeight !== 400).map((i) => i.src),
      );
      t.deepEqual(broken, [], 'pictures that did not load at 600x400');
      t.equal(await page.evaluate(() => window.__webgl), 0, 'WebGL contexts before a click');
      t.equal(await page.$$eval('canvas, iframe', (c) => c.length), 0, 'canvases and frames');

      // "open in the tool" is the figure's own state.
      const links = await page.$$eval('figure.fig', (fs) =>
        fs.map((f) => [f.dataset.href, f.querySelector('a.fig-tool').getAttribute('href')]),
      );
      t.deepEqual(
        links.filter(([a, b]) => a !== b),
        [],
        'open-in-the-tool links',
      );

      await page.click('figure.fig >> nth=1 >> button.fig-open');
      const frame = await page.waitForSelector('figure.fig >> nth=1 >> iframe.fig-live');
      const src = await frame.getAttribute('src');
      t.assert(src.endsWith(links[1][0]), `iframe src ${src}`);
      const inner = await frame.contentFrame();
      await inner.waitForFunction(() => window.mm3d?.status().ready === true, null, {
        timeout: 60000,
      });
      t.assert((await inner.evaluate(() => window.__webgl)) > 0, 'the opened figure draws');
      t.equal(await page.evaluate(() => window.__webgl), 0, 'the tour itself still has none');
      t.equal(await page.evaluate(() => window.mm3dPage.opened), 1, 'opened');
      await t.screenshot(page, 'tour-opened', { fullPage: false });
      t.noErrors(errors);
    },
    { timeout: 120000 },
  );

  t.test(
    'every named figure opens without an error or a notice',
    async (t) => {
      const bad = [];
      const tool = FIGURES.filter((f) => f.query.startsWith('?'));
      const other = FIGURES.filter((f) => !f.query.startsWith('?'));
      // The tool's figures in one page load: each is a link, opened as back/forward would.
      const { page, errors } = await t.open(tool[0].query, { width: 600, height: 400 });
      for (const f of tool) {
        await page.evaluate((q) => {
          history.pushState(null, '', q);
          dispatchEvent(new PopStateEvent('popstate'));
        }, f.query);
        await t.waitReady(page, 60000);
        const st = await page.evaluate(() => window.mm3d.status());
        if (st.notices.length || st.error)
          bad.push(`${f.name}: ${[...st.notices, st.error].filter(Boolean).join(' | ')}`);
      }
      t.noErrors(errors, 'tool figures');
      // The explorer's figures, each its own page.
      for (const f of other) {
        const r = await t.open(`/${figureHref(f)}`, { width: 600, height: 400 });
        const st = await r.page.evaluate(() => window.mm3d.status());
        if (st.notices.length || st.error)
          bad.push(`${f.name}: ${[...st.notices, st.error].filter(Boolean).join(' | ')}`);
        t.noErrors(r.errors, f.name);
        await r.context.close();
      }
      t.deepEqual(bad, [], 'figures with problems');
      t.log(`${tool.length} tool figures in one page load, ${other.length} explorer figures`);
    },
    { timeout: 600000 },
  );

  t.test(
    'committed figures are what the code draws (a sample)',
    async (t) => {
      // A still, an animation's still, a compound expression and the trained head. The limit is
      // checked against the nearest other figure too, so that it catches a wrong scene. SwiftShader
      // draws the same pixels run after run; the margin is for another machine's rounding.
      const sample = [
        ['one-matmul', 'shapes'],
        ['alg-vmprod', 'alg-mvprod'],
        ['mlp', 'mlp-animated'],
        ['head-real', 'head-qkov'],
      ];
      const MAX_MEAN = 2;
      const img = await imagePage(t.browser);
      const rows = [];
      try {
        for (const [name, other] of sample) {
          const fig = FIGURES.find((f) => f.name === name);
          const r = await renderFigure(t.browser, t.base, fig);
          const committed = fs.readFileSync(path.join(root, 'public/figures', `${name}.webp`));
          const wrong = fs.readFileSync(path.join(root, 'public/figures', `${other}.webp`));
          // Through the same encoder as the committed pictures, so that only the scene differs.
          const fresh = await toWebp(img.page, r.png);
          const same = await imageDiff(img.page, fresh, committed);
          const diff = await imageDiff(img.page, fresh, wrong);
          rows.push({ name, other, same, diff });
        }
      } finally {
        await img.close();
        for (const { name, other, same, diff } of rows)
          t.log(
            `${name}: mean ${same.mean.toFixed(2)} (vs ${other}: ${diff.mean.toFixed(2)}), changed ${(100 * same.changed).toFixed(2)} % (vs ${(100 * diff.changed).toFixed(2)} %)`,
          );
      }
      for (const { name, other, same, diff } of rows) {
        t.assert(
          same.mean < MAX_MEAN,
          `${name} differs from its committed picture (mean ${same.mean.toFixed(2)} >= ${MAX_MEAN}): run npm run figures`,
        );
        t.assert(diff.mean >= MAX_MEAN, `the limit does not tell ${name} from ${other}`);
      }
    },
    { timeout: 240000 },
  );

  t.test('gallery: a card for every named figure, each opening its scene', async (t) => {
    const { page, errors } = await t.page({ width: 1200, height: 800 });
    await page.addInitScript(countWebgl);
    await page.goto(`${t.base}/gallery.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.mm3dPage?.ready === true, null, { timeout: 30000 });
    const cards = await page.$$eval('#cards .card a', (as) =>
      as.map((a) => [a.getAttribute('href'), a.querySelector('b').textContent]),
    );
    t.deepEqual(
      cards,
      FIGURES.map((f) => [figureHref(f), f.title]),
      'cards',
    );
    t.equal(await page.evaluate(() => window.__webgl), 0, 'WebGL contexts');
    t.noErrors(errors);
  });
}
