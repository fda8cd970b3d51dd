// <mm3d-view>: the element from dist/mm3d-view.js on a plain page: two independent views, their
// size, state and status events, and the JS API (setData, setParams, getParams, exportImage).
import { decodePng } from './lib.mjs';
import { npy } from './setdata.test.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>mm3d-view test</title><link rel="icon" href="data:,">
<body style="margin:0;background:#fff">
<script type="module" src="/mm3d-view.js"></script>
<mm3d-view id="one" src="expr=out%20%3D%20A%20%40%20B&left.h=4" height="300" width="500px"></mm3d-view>
<mm3d-view id="two" src="?expr=X%20%40%20Y" height="250"></mm3d-view>
<script>
  window.events = [];
  for (const el of document.querySelectorAll('mm3d-view')) {
    el.addEventListener('state', (e) => window.events.push({ id: el.id, type: 'state', detail: e.detail }));
    el.addEventListener('status', (e) => window.events.push({ id: el.id, type: 'status', detail: e.detail }));
  }
</script></body>`;

const ready = (page, id, from = 0) =>
  page.waitForFunction(
    ([id, from]) =>
      window.events.slice(from).some((e) => e.id === id && e.type === 'status' && e.detail.ready),
    [id, from],
    { timeout: 60000, polling: 100 },
  );

export async function run(t) {
  t.route('/wc.html', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });

  t.test(
    '<mm3d-view> shows the tool and is driven by its JS API',
    async (t) => {
      const { page, errors } = await t.page({ width: 900, height: 700 });
      await page.goto(`${t.base}/wc.html`);
      await Promise.all([ready(page, 'one'), ready(page, 'two')]);
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll('mm3d-view')].map((e) => {
          const r = e.iframe.getBoundingClientRect();
          return [e.id, Math.round(r.width), Math.round(r.height), e.iframe.src];
        }),
      );
      t.deepEqual(
        sizes.map((s) => s.slice(0, 3)),
        [
          ['one', 500, 300],
          ['two', 900, 250],
        ],
        'element sizes',
      );
      t.assert(
        sizes[0][3].startsWith(`${t.base}/index.html?expr=out`),
        `iframe src: ${sizes[0][3]}`,
      );
      const states = await page.evaluate(() =>
        window.events.filter((e) => e.type === 'state').map((e) => [e.id, e.detail.search_params]),
      );
      t.assert(
        states.some(([id, sp]) => id === 'one' && new URLSearchParams(sp).get('left.h') === '4'),
        `state events: ${JSON.stringify(states)}`,
      );

      let p = await page.evaluate(() => document.getElementById('one').getParams());
      t.deepEqual([p.expr, p.left.h], ['out = A @ B', 4], 'getParams');
      p = await page.evaluate(() => document.getElementById('two').getParams());
      t.equal(p.expr, 'X @ Y', 'the second view is its own');

      const bytes = [...npy('<f4', [2, 2], [1, -1, 2, -2])];
      const set = await page.evaluate(
        (b) => document.getElementById('one').setData('A', new Uint8Array(b)),
        bytes,
      );
      t.deepEqual(set.shape, [2, 2], `setData reply: ${JSON.stringify(set)}`);
      const bad = await page.evaluate(() =>
        document
          .getElementById('one')
          .setData('Q', 'AAAA')
          .then(
            () => 'resolved',
            (e) => e.message,
          ),
      );
      t.assert(/no matrix "Q"/.test(bad), `setData error: ${bad}`);

      const from = await page.evaluate(() => window.events.length);
      await page.evaluate(() => document.getElementById('one').setParams({ right: { w: 3 } }));
      await page.waitForFunction(
        (from) =>
          window.events
            .slice(from)
            .some(
              (e) =>
                e.id === 'one' &&
                e.type === 'state' &&
                new URLSearchParams(e.detail.search_params).get('right.w') === '3',
            ),
        from,
        { timeout: 30000 },
      );
      await ready(page, 'one', from);
      p = await page.evaluate(() => document.getElementById('one').getParams());
      t.deepEqual(
        [p.left.h, p.left.w, p.left.init, p.right.h, p.right.w],
        [2, 2, 'url', 2, 3],
        'state after setData and setParams',
      );
      const values = await (
        await page.$('#one')
      ).evaluate((el) => [...el.iframe.contentWindow.mm3d.app.values.get('left').data]);
      t.deepEqual(values, [1, -1, 2, -2], 'A values');

      const image = await page.evaluate(() =>
        document.getElementById('one').exportImage({ scale: 2 }),
      );
      const png = decodePng(Buffer.from(image.split(',')[1], 'base64'));
      t.deepEqual([png.width, png.height], [1000, 600], 'exportImage through the element');
      await t.screenshot(page, 'page');
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );
}
