// Pictures of the view: `{exportImage: {scale, transparent}}` from a parent page (size, content
// compared with the canvas as shown, transparency, errors) and the menu's "export" → "save PNG".
import fs from 'node:fs';
import { decodePng, countColors, parentRoute, waitMsg, msgCount } from './lib.mjs';

const isReady = (m) => m && m.status && m.status.ready === true;

async function exportImage(page, req) {
  const from = await msgCount(page);
  await page.evaluate((r) => window.send({ exportImage: r }), req);
  const m = await waitMsg(
    page,
    (m) => m && (typeof m.image === 'string' || typeof m.error === 'string'),
    from,
    60000,
  );
  if (m.error) return m;
  const prefix = 'data:image/png;base64,';
  if (!m.image.startsWith(prefix)) throw new Error(`not a PNG data URL: ${m.image.slice(0, 40)}`);
  return { ...m, png: decodePng(Buffer.from(m.image.slice(prefix.length), 'base64')) };
}

const alphaAt = (img, x, y) => img.data[(y * img.width + x) * 4 + 3];

export async function run(t) {
  t.route('/parent.html', parentRoute);

  t.test(
    'exportImage answers PNGs of the asked size with the view in them',
    async (t) => {
      const { page, errors } = await t.page({ width: 900, height: 700 });
      await page.goto(
        `${t.base}/parent.html?src=${encodeURIComponent('/index.html?expr=A%20%40%20B&left.h=24&right.w=16')}`,
      );
      await waitMsg(page, isReady, 0, 60000);
      const frame = await (await page.$('#frame')).contentFrame();
      // The canvas as shown, without the page's HTML overlays.
      await frame.evaluate(() => {
        for (const id of ['title', 'help', 'menu', 'notice-box']) {
          const e = document.getElementById(id);
          if (e) e.style.display = 'none';
        }
      });
      await page.waitForTimeout(300);
      const shown = decodePng(await frame.locator('canvas').screenshot());

      const one = await exportImage(page, { scale: 1 });
      t.deepEqual(
        [one.width, one.height, one.png.width, one.png.height],
        [800, 600, 800, 600],
        '1x size (the frame is 800x600)',
      );
      // Same picture as on screen: colour classes agree pixel by pixel almost everywhere.
      let same = 0;
      let diff = 0;
      for (let i = 0; i < shown.data.length; i += 4) {
        const d =
          Math.abs(shown.data[i] - one.png.data[i]) +
          Math.abs(shown.data[i + 1] - one.png.data[i + 1]) +
          Math.abs(shown.data[i + 2] - one.png.data[i + 2]);
        if (d < 48) same++;
        else diff++;
      }
      t.assert(
        diff / (same + diff) < 0.02,
        `1x export differs from the canvas in ${diff} of ${same + diff} pixels`,
      );
      const c1 = countColors(one.png);
      t.assert(
        c1.blue > 300 && c1.red > 300,
        `positives and negatives in the picture: ${JSON.stringify(c1)}`,
      );
      t.equal(alphaAt(one.png, 0, 0), 255, 'opaque background');
      fs.writeFileSync(t.file('1x.png'), Buffer.from(one.image.split(',')[1], 'base64'));

      const two = await exportImage(page, { scale: 2, transparent: true });
      t.deepEqual([two.png.width, two.png.height], [1600, 1200], '2x size');
      t.equal(alphaAt(two.png, 0, 0), 0, 'transparent corner');
      let opaque = 0;
      for (let i = 3; i < two.png.data.length; i += 4) if (two.png.data[i] === 255) opaque++;
      const c2 = countColors(two.png);
      // The same content at twice the size: about four times the coloured pixels, all of them opaque.
      t.assert(
        c2.blue > 2.5 * c1.blue && c2.blue < 6 * c1.blue,
        `2x blue ${c2.blue} vs 1x ${c1.blue}`,
      );
      t.assert(
        opaque > c2.blue + c2.red && opaque < 0.5 * two.png.width * two.png.height,
        `opaque pixels ${opaque}`,
      );
      fs.writeFileSync(
        t.file('2x-transparent.png'),
        Buffer.from(two.image.split(',')[1], 'base64'),
      );

      const four = await exportImage(page, { scale: 4 });
      t.deepEqual([four.png.width, four.png.height], [3200, 2400], '4x size');

      for (const bad of [{ scale: 3 }, { scale: 'x' }, { scale: -1 }]) {
        const r = await exportImage(page, bad);
        t.assert(
          /scale must be 1, 2 or 4/.test(r.error ?? ''),
          `${JSON.stringify(bad)}: ${JSON.stringify(r).slice(0, 100)}`,
        );
      }
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );

  t.test(
    'menu: export → save PNG downloads the picture at the chosen size',
    async (t) => {
      const { page, errors } = await t.open('?expr=A%20%40%20B', { width: 1000, height: 700 });
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
      await page.click('#menu .lil-root > .lil-title');
      await page.click('#menu .lil-title:text-is("export")');
      await page
        .locator('#menu .lil-controller:has(.lil-name:text-is("picture size")) select')
        .selectOption('1x');
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#menu .lil-controller:has(.lil-name:text-is("save PNG")) button').click(),
      ]);
      t.equal(dl.suggestedFilename(), 'mm3d-A-B.png', 'file name');
      const file = t.file('menu.png');
      await dl.saveAs(file);
      const img = decodePng(fs.readFileSync(file));
      t.deepEqual([img.width, img.height], [1000, 700], 'size at 1x');
      const c = countColors(img);
      t.assert(c.blue > 300 && c.red > 300, `content: ${JSON.stringify(c)}`);
      t.noErrors(errors);
    },
    { timeout: 120000 },
  );
}
