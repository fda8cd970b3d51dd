// Links the original tool wrote (test/fixtures/original): the page opens them with an empty
// notice box, the original's title, and nothing listed as ignored; a `?config=` link fetches the
// original's JSON tree and keeps its camera. The decoding of every fixture is checked in
// test/unit/links/original.test.ts; this checks the page's wiring on a few (docs/links.md,
// "Properties mm3d does not use").
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.resolve(import.meta.dirname, '../fixtures/original');
const load = (id) => JSON.parse(fs.readFileSync(path.join(DIR, `${id}.json`), 'utf8'));

const state = (page) =>
  page.evaluate(() => {
    const s = window.mm3d.status();
    return {
      notices: s.notices,
      ignored: s.ignored,
      title: document.getElementById('title')?.textContent ?? '',
      box: [...document.querySelectorAll('#notices li')].map((li) => li.textContent),
      cam: window.mm3d.app.params.cam,
    };
  });

export async function run(t) {
  // Matmuls with leftover matrix properties and a generated name (`attn @ V`), in the numbered
  // form the original's URL bar holds, and one with its own camera.
  for (const [id, form] of [
    ['head-unnamed', 'numbered'],
    ['layer', 'numbered'],
    ['camera', 'params'],
  ]) {
    t.test(`${id}, ${form} form: no notice, the original's title`, async (t) => {
      if (!fs.existsSync(path.join(DIR, `${id}.json`))) return t.log(`no fixture ${id}`);
      const f = load(id);
      const { page, errors } = await t.open(`?${f.queries[form]}`);
      const s = await state(page);
      t.deepEqual(s.notices, [], 'status.notices');
      t.deepEqual(s.box, [], 'notice box');
      t.deepEqual(s.ignored, [], 'status.ignored');
      t.equal(s.title, f.title, 'title');
      t.noErrors(errors);
    });
  }

  t.test('config form: the tree is fetched, its camera kept, no notice', async (t) => {
    const id = fs.existsSync(path.join(DIR, 'camera.json')) ? 'camera' : 'default';
    const f = load(id);
    const text = fs.readFileSync(path.join(DIR, `${id}.config.json`), 'utf8');
    t.route(`/original/${id}.config.json`, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    const query = f.queries.config.replace('%7BBASE%7D', encodeURIComponent(`${t.base}/original`));
    const { page, errors } = await t.open(`?${query}`);
    await page.waitForFunction(
      (title) => document.getElementById('title')?.textContent === title,
      f.title,
      { timeout: 20000 },
    );
    const s = await state(page);
    t.deepEqual(s.notices, [], 'status.notices');
    t.equal(s.title, f.title, 'title');
    const cam = f.params.cam;
    for (const k of ['x', 'y', 'z'])
      t.assert(Math.abs(s.cam[k] - cam[k]) < 1e-6, `cam.${k}: ${s.cam[k]} vs ${cam[k]}`);
    t.noErrors(errors);
  });

  t.test('a property neither tool knows: listed as ignored, not in the notice box', async (t) => {
    const { page, errors } = await t.open(
      `?params=${encodeURIComponent(JSON.stringify({ expr: 'L @ R', compress: false, bogus: 1, left: { sparkle: 2 } }))}`,
    );
    const s = await state(page);
    t.deepEqual(s.notices, [], 'status.notices');
    t.deepEqual(s.ignored, ['left.sparkle', 'bogus'], 'status.ignored');
    t.noErrors(errors);
  });
}
