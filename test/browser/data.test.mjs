// Issue 5: values in and out in the browser. CSV from a URL (wrap-around, 404, unparsable cells),
// safetensors dropped or picked (F32 and F16, with a column slice and a transpose), the magnifier
// and the hover readout on a known cell, formula initializers (and hostile formulas that must not
// run), reseeding.
import fs from 'node:fs';
import { decodePng, countColors, cellScreen } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const params = (page) => page.evaluate(() => window.mm3d.app.params);
const noticeItems = (page) =>
  page.evaluate(() => [...document.querySelectorAll('#notices li')].map((li) => li.textContent));
const valuesOf = (page, key) =>
  page.evaluate((key) => {
    const v = window.mm3d.app.values?.get(key);
    return v ? { h: v.h, w: v.w, data: Array.from(v.data), error: v.error ?? null } : null;
  }, key);

/** Waits until matrix `key` holds data that is not all zeros, or carries an error. */
async function waitLoaded(page, key, timeout = 20000) {
  await page.waitForFunction(
    (key) => {
      const v = window.mm3d.app.values?.get(key);
      return window.mm3d.status().ready && v && (v.error || v.data.some((x) => x !== 0));
    },
    key,
    { timeout, polling: 50 },
  );
}

// ---- fixtures ------------------------------------------------------------------------------
const CSV = [
  [0.5, -1, 2, 3.25],
  [-0.75, 1.5, 0, 4],
  [2.5, -3, 1, -0.125],
];
const csvText = CSV.map((r) => r.join(',')).join('\n') + '\n';
const BAD_CSV = '1,2,3\n4,x7,6\n';

/** A safetensors file with one tensor `w` of shape [4, 6]: value(r, c) = f(r, c). */
function safetensors(dtype, f) {
  const rows = 4,
    cols = 6,
    n = rows * cols;
  const width = dtype === 'F32' ? 4 : 2;
  const header = JSON.stringify({
    w: { dtype, shape: [rows, cols], data_offsets: [0, n * width] },
  });
  const hb = Buffer.from(header, 'utf8');
  const buf = Buffer.alloc(8 + hb.length + n * width);
  buf.writeBigUInt64LE(BigInt(hb.length), 0);
  hb.copy(buf, 8);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const at = 8 + hb.length + (r * cols + c) * width;
      if (dtype === 'F32') buf.writeFloatLE(f(r, c), at);
      else buf.writeUInt16LE(toHalf(f(r, c)), at);
    }
  return buf;
}

/** IEEE half bits of a value that half represents exactly (normal numbers and zero). */
function toHalf(x) {
  if (x === 0) return Object.is(x, -0) ? 0x8000 : 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  const m = Math.round((a / 2 ** e - 1) * 1024);
  if (e < -14 || e > 15 || m > 1023 || Math.abs((1 + m / 1024) * 2 ** e - a) > 0)
    throw new Error(`${x} is not an exact half`);
  return sign | ((e + 15) << 10) | m;
}

const F32 = (r, c) => (r * 6 + c) * 0.5 - 3;
const F16 = (r, c) => (r * 6 + c) * 0.25 - 2.5;

/** The parts of a data reference `LOCATION#tensor=…&rows=a:b&cols=a:b&t=1`. */
function refParts(url) {
  const hash = url.indexOf('#');
  const sp = new URLSearchParams(hash < 0 ? '' : url.slice(hash + 1));
  return {
    location: hash < 0 ? url : url.slice(0, hash),
    tensor: sp.get('tensor'),
    rows: sp.get('rows'),
    cols: sp.get('cols'),
    t: sp.get('t'),
  };
}

/** Fills and submits the data dialog; returns what it offered. */
async function useDialog(page, { cols = '', rows = '', transpose = false } = {}) {
  await page.waitForSelector('#data-dialog', { timeout: 10000 });
  const offered = await page.evaluate(() => {
    const d = document.getElementById('data-dialog');
    const sel = (n) => d.querySelector(`select[name=${n}]`);
    return {
      tensors: sel('tensor') ? [...sel('tensor').options].map((o) => o.value) : null,
      target: sel('target')?.value ?? null,
      targets: sel('target') ? [...sel('target').options].map((o) => o.value) : [],
    };
  });
  if (rows) await page.fill('#data-dialog input[name=rows]', rows);
  if (cols) await page.fill('#data-dialog input[name=cols]', cols);
  if (transpose) await page.check('#data-dialog input[name=transpose]');
  await page.click('#data-dialog button[type=submit]');
  return offered;
}

export async function run(t) {
  const hits = {};
  const csvRoute =
    (body, status = 200, delay = 0) =>
    (req, res) => {
      hits[req.url] = (hits[req.url] ?? 0) + 1;
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'text/csv' });
        res.end(body);
      }, delay);
    };
  t.route('/data/m.csv', csvRoute(csvText));
  t.route('/data/slow.csv', csvRoute(csvText, 200, 4000));
  t.route('/data/bad.csv', csvRoute(BAD_CSV));
  t.route('/data/missing.csv', csvRoute('not found', 404));

  t.test(
    'a CSV from a URL fills a matrix, wrapping around when the matrix is larger',
    async (t) => {
      const { page, errors } = await t.open(
        '?expr=L+%40+R&left.init=url&left.url=%2Fdata%2Fm.csv&left.h=5&left.w=6&right.w=4',
      );
      await waitLoaded(page, 'left');
      const v = await valuesOf(page, 'left');
      t.equal(v.error, null, 'error');
      t.deepEqual([v.h, v.w], [5, 6], 'shape (the matrix keeps its size)');
      const want = [];
      for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) want.push(CSV[i % 3][j % 4]);
      t.deepEqual(v.data, want, 'values (data[i % 3][j % 4])');
      // The product uses them.
      const R = await valuesOf(page, 'right');
      const root = await valuesOf(page, 'root');
      let s = 0;
      for (let k = 0; k < 6; k++) s += want[4 * 6 + k] * R.data[k * 4 + 3];
      t.assert(
        Math.abs(root.data[4 * 4 + 3] - s) < 1e-4,
        `root[4,3] = ${root.data[4 * 4 + 3]}, expected ${s}`,
      );
      t.deepEqual(await noticeItems(page), [], 'notices');
      t.equal((await params(page)).left.url, '/data/m.csv', 'left.url');
      await t.screenshot(page, 'csv');
      t.noErrors(errors);
    },
  );

  t.test('status().ready waits for URL data (a slow server)', async (t) => {
    // The product of an unloaded matrix is zeros: "ready" must not be reported before the data is in.
    const { page, errors } = await t.open(
      '?expr=L+%40+R&left.init=url&left.url=%2Fdata%2Fslow.csv&left.h=3&left.w=4&right.w=4',
    );
    const v = await valuesOf(page, 'left');
    const loaded = v.data.some((x) => x !== 0);
    t.assert(
      loaded,
      `status().ready was true while /data/slow.csv was still loading (left is ${v.data.every((x) => x === 0) ? 'all zeros' : 'partial'})`,
    );
    t.noErrors(errors);
  });

  t.test(
    'a 404 and an unparsable cell give notices naming the problem; the page stays responsive',
    async (t) => {
      const { page, errors } = await t.open(
        '?expr=L+%40+R&left.init=url&left.url=%2Fdata%2Fmissing.csv',
      );
      await waitLoaded(page, 'left');
      let items = await noticeItems(page);
      t.log(`404: ${items.join(' | ')}`);
      t.assert(
        items.some((s) => /404/.test(s) && /missing\.csv/.test(s)),
        `a notice naming the 404 and the file: ${JSON.stringify(items)}`,
      );
      const L = await valuesOf(page, 'left');
      t.assert(L.error && /404/.test(L.error), `the matrix carries the error: ${L.error}`);
      t.equal((await page.evaluate(() => window.mm3d.status())).ready, true, 'ready');
      const { png } = await t.screenshot(page, '404');
      const n = countColors(decodePng(png));
      t.assert(n.blue + n.red > 5000, `R is still drawn (blue ${n.blue}, red ${n.red})`);
      // L is all zeros (nothing drawn), so red on its lower part (rows 12..31, clear of R) is the error text.
      const corners = await Promise.all(
        [
          [12, 0],
          [31, 0],
          [12, 31],
          [31, 31],
        ].map(([r, c]) => cellScreen(page, 'left', r, c)),
      );
      const xs = corners.map((c) => c.x),
        ys = corners.map((c) => c.y);
      const face = countColors(decodePng(png), {
        x: Math.round(Math.min(...xs)),
        y: Math.round(Math.min(...ys)),
        w: Math.round(Math.max(...xs) - Math.min(...xs)),
        h: Math.round(Math.max(...ys) - Math.min(...ys)),
      });
      t.log(`red pixels on the L face: ${face.red}`);
      t.assert(face.red > 150, `red error text on the L face (${face.red} red pixels)`);
      t.assert(
        await page.evaluate(() => !document.getElementById('notice-box').hidden),
        '#notice-box shown',
      );

      // An unparsable cell (row 2, column 2), on the other matrix, through an edit.
      await page.evaluate(() =>
        window.mm3d.app.applyPartial(
          { left: { init: 'row major' }, right: { init: 'url', url: '/data/bad.csv' } },
          false,
          false,
        ),
      );
      await waitLoaded(page, 'right');
      items = await noticeItems(page);
      t.log(`bad cell: ${items.join(' | ')}`);
      t.assert(
        items.some((s) => /row 2/.test(s) && /column 2/.test(s)),
        `a notice naming row 2, column 2: ${JSON.stringify(items)}`,
      );
      const R = await valuesOf(page, 'right');
      t.assert(R.error && /not a number/.test(R.error), `the matrix carries the error: ${R.error}`);
      const { png: png2 } = await t.screenshot(page, 'bad-cell');
      const n2 = countColors(decodePng(png2));
      t.assert(n2.blue + n2.red > 5000, `L is still drawn (blue ${n2.blue}, red ${n2.red})`);

      // Still responsive: a good URL on the same matrix loads.
      const t0 = Date.now();
      t.equal(await page.evaluate(() => 1 + 1), 2, 'page evaluates');
      t.assert(Date.now() - t0 < 2000, 'the page answers quickly');
      await page.evaluate(() =>
        window.mm3d.app.applyPartial({ right: { url: '/data/m.csv', h: 32, w: 4 } }, false, false),
      );
      await page.waitForFunction(
        () => {
          const v = window.mm3d.app.values?.get('right');
          return window.mm3d.status().ready && v && !v.error && v.data[0] === 0.5;
        },
        null,
        { timeout: 20000 },
      );
      t.noErrors(errors.filter((e) => !/404|Failed to load resource/.test(e)));
    },
  );

  t.test('a safetensors file dropped on L loads a column slice (F32)', async (t) => {
    const file = safetensors('F32', F32);
    fs.writeFileSync(t.file('w-f32.safetensors'), file);
    const { page, errors } = await t.open('?expr=L+%40+R');
    const at = await cellScreen(page, 'left', 16, 16);
    await page.evaluate(
      ([b64, x, y]) => {
        const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'w.safetensors', { type: 'application/octet-stream' }));
        const canvas = window.mm3d.app.scene.renderer.domElement;
        canvas.dispatchEvent(
          new DragEvent('dragover', {
            dataTransfer: dt,
            clientX: x,
            clientY: y,
            bubbles: true,
            cancelable: true,
          }),
        );
        canvas.dispatchEvent(
          new DragEvent('drop', {
            dataTransfer: dt,
            clientX: x,
            clientY: y,
            bubbles: true,
            cancelable: true,
          }),
        );
      },
      [file.toString('base64'), at.x, at.y],
    );
    const offered = await useDialog(page, { cols: '2:5' });
    t.log(`dialog: ${JSON.stringify(offered)}`);
    t.deepEqual(offered.tensors, ['w'], 'tensors offered');
    t.equal(offered.target, 'left', 'the dialog targets the matrix it was dropped on');
    await page.waitForFunction(() => window.mm3d.app.params.left.url.startsWith('file:'), null, {
      timeout: 10000,
    });
    await waitLoaded(page, 'left');
    const p = await params(page);
    t.equal(p.left.init, 'url', 'left.init');
    t.deepEqual(
      refParts(p.left.url),
      { location: 'file:w.safetensors', tensor: 'w', rows: null, cols: '2:5', t: null },
      `left.url ${p.left.url}`,
    );
    t.deepEqual([p.left.h, p.left.w, p.right.h], [4, 3, 3], 'shapes follow the slice');
    const v = await valuesOf(page, 'left');
    const want = [];
    for (let r = 0; r < 4; r++) for (let c = 2; c < 5; c++) want.push(F32(r, c));
    t.equal(v.error, null, 'error');
    t.deepEqual(v.data, want, 'values = w[:, 2:5]');
    await t.screenshot(page, 'safetensors-f32');
    t.noErrors(errors);
  });

  t.test(
    'a safetensors file picked for R via "load file…" loads a transposed slice (F16)',
    async (t) => {
      const file = safetensors('F16', F16);
      fs.writeFileSync(t.file('w-f16.safetensors'), file);
      const { page, errors } = await t.open('?expr=L+%40+R');
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
      if (
        await page.evaluate(() =>
          document.querySelector('#menu .lil-root').classList.contains('lil-closed'),
        )
      )
        await page.click('#menu .lil-root > .lil-title');
      await page.click('#menu .lil-title:text-is("right: R")');
      const button = page.locator(
        '#menu .lil-controller:has(.lil-name:text-is("load file…")):visible button, #menu .lil-controller.lil-function:visible:has-text("load file…") button',
      );
      // The folder opens on the next animation frame (lil-gui animates it): wait for the button.
      await button
        .first()
        .waitFor({ state: 'visible', timeout: 5000 })
        .catch(() => undefined);
      t.assert((await button.count()) >= 1, 'a visible "load file…" button');
      await button.first().click();
      t.equal(await page.locator('input[type=file]').count(), 1, 'one file input on the page');
      await page.setInputFiles('input[type=file]', {
        name: 'h.safetensors',
        mimeType: 'application/octet-stream',
        buffer: file,
      });
      const offered = await useDialog(page, { cols: '2:5', transpose: true });
      t.log(`dialog: ${JSON.stringify(offered)}`);
      t.equal(offered.target, 'right', 'the dialog targets the matrix whose button was clicked');
      await page.waitForFunction(() => window.mm3d.app.params.right.url.startsWith('file:'), null, {
        timeout: 10000,
      });
      await waitLoaded(page, 'right');
      const p = await params(page);
      t.deepEqual(
        refParts(p.right.url),
        { location: 'file:h.safetensors', tensor: 'w', rows: null, cols: '2:5', t: '1' },
        `right.url ${p.right.url}`,
      );
      t.deepEqual(
        [p.right.h, p.right.w, p.left.w],
        [3, 4, 3],
        'shapes follow the transposed slice',
      );
      const v = await valuesOf(page, 'right');
      const want = [];
      for (let c = 2; c < 5; c++) for (let r = 0; r < 4; r++) want.push(F16(r, c));
      t.equal(v.error, null, 'error');
      t.deepEqual(v.data, want, 'values = w[:, 2:5].T');
      t.noErrors(errors);
    },
  );

  t.test('the magnifier labels L @ R[4,4] with 0.17133; the hover readout agrees', async (t) => {
    // docs/parameters.md, "Initializers": L row major, R col major over [-1, 1], both 8x8.
    const n = 8;
    const Lv = (i, k) => -1 + 2 * ((i * n + k) / (n * n - 1));
    const Rv = (k, j) => -1 + 2 * ((j * n + k) / (n * n - 1));
    let want = 0;
    for (let k = 0; k < n; k++) want += Lv(4, k) * Rv(k, 4);
    const wantText = want.toFixed(5);
    t.equal(wantText, '0.17133', 'the expected value computed here');
    const { page, errors } = await t.open(
      '?expr=L+%40+R&left.h=8&left.w=8&right.w=8&cam.x=0&cam.y=0&cam.z=40&cam.target.x=0&cam.target.y=0&cam.target.z=0',
    );
    await page.evaluate(() => {
      document.getElementById('help').hidden = true;
    });
    const vp = page.viewportSize();
    await page.mouse.move(vp.width / 2 - 3, vp.height / 2 - 3);
    await page.mouse.move(vp.width / 2, vp.height / 2);
    await page.keyboard.down('Control');
    try {
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('.lens-label')].some(
            (l) => !l.hidden && l.dataset.cell === 'L @ R[4,4]',
          ),
        null,
        { timeout: 10000 },
      );
      const labels = await page.evaluate(() =>
        [...document.querySelectorAll('.lens-label')]
          .filter((l) => !l.hidden)
          .map((l) => ({ cell: l.dataset.cell, text: l.textContent })),
      );
      t.log(`labels: ${labels.map((l) => `${l.cell}=${l.text}`).join(' ')}`);
      const l44 = labels.find((l) => l.cell === 'L @ R[4,4]');
      t.equal(l44.text, wantText, 'label of L @ R[4,4]');
      t.assert(
        await page.evaluate(() => !document.getElementById('lens').hidden),
        'the lens box is shown',
      );
      await t.screenshot(page, 'lens');
    } finally {
      await page.keyboard.up('Control');
    }
    await page.waitForFunction(
      () => [...document.querySelectorAll('.lens-label')].every((l) => l.hidden),
      null,
      { timeout: 5000 },
    );
    // Hover over the cell itself.
    const at = await cellScreen(page, 'root', 4, 4);
    await page.mouse.move(at.x + 1, at.y + 1);
    await page.mouse.move(at.x, at.y);
    await page.waitForFunction(() => !document.getElementById('readout').hidden, null, {
      timeout: 5000,
    });
    t.equal((await page.textContent('#readout')).trim(), `L @ R [4, 4] = ${wantText}`, '#readout');
    t.noErrors(errors);
  });

  t.test(
    'a formula initializer gives ±1 by rows of 8; hostile formulas give notices and zeros, never run',
    async (t) => {
      const { page, errors } = await t.open(
        '?expr=L+%40+R&left.init=expr&left.expr=-2%20*%20(Math.trunc(i%20/%208)%20%25%202)%20%2B%201',
      );
      const p = await params(page);
      t.equal(p.left.expr, '-2 * (Math.trunc(i / 8) % 2) + 1', 'left.expr');
      let v = await valuesOf(page, 'left');
      const bad = [];
      for (let i = 0; i < 32; i++)
        for (let j = 0; j < 32; j++) {
          const want = Math.floor(i / 8) % 2 === 0 ? 1 : -1;
          if (v.data[i * 32 + j] !== want) bad.push(`[${i},${j}]=${v.data[i * 32 + j]}`);
        }
      t.assert(bad.length === 0, `values not ±1 by rows of 8: ${bad.slice(0, 5).join(' ')}`);
      t.deepEqual(await noticeItems(page), [], 'notices for a good formula');

      const hostile = [
        "constructor.constructor('return this')()",
        "constructor.constructor('window.__pwned = 1')()",
        "Math.constructor.constructor('window.__pwned = 2')()",
        "Math['constructor']['constructor']('window.__pwned = 3')()",
        "(i).constructor.constructor('window.__pwned = 4')()",
        "Math.abs.constructor('window.__pwned = 5')()",
        "eval('window.__pwned = 6')",
        "Function('window.__pwned = 7')()",
        'Math.__proto__.__pwned = 8',
        'this.__pwned = 9',
        'window.__pwned = 10',
        'i.toString.call.call(i)',
        '`${window.__pwned = 11}`',
        '(() => (window.__pwned = 12))()',
        "import('data:text/javascript,window.__pwned=13')",
      ];
      const failures = [];
      for (const f of hostile) {
        await page.evaluate(
          (f) => window.mm3d.app.applyPartial({ left: { expr: f } }, false, false),
          f,
        );
        await t.waitReady(page);
        await sleep(50);
        v = await valuesOf(page, 'left');
        const items = await noticeItems(page);
        const pwned = await page.evaluate(() => [
          window.__pwned,
          {}.__pwned,
          Object.prototype.__pwned,
          Math.__pwned,
        ]);
        if (pwned.some((x) => x !== undefined))
          failures.push(`${f}: window.__pwned etc. = ${JSON.stringify(pwned)}`);
        if (!v.data.every((x) => x === 0))
          failures.push(`${f}: not a zero matrix (first values ${v.data.slice(0, 3)})`);
        if (!items.some((s) => /formula|expr/i.test(s)))
          failures.push(`${f}: no notice (${JSON.stringify(items)})`);
        if (!v.error) failures.push(`${f}: no error on the matrix`);
        t.log(`${f} -> ${v.error ?? '(no error)'}`);
      }
      t.equal(await page.evaluate(() => window.__pwned), undefined, 'window.__pwned');
      t.assert(failures.length === 0, failures.join('\n     '));
      t.noErrors(errors);
    },
  );

  t.test(
    'reseed changes a gaussian matrix; the same seed gives the same values after reload',
    async (t) => {
      const { page, errors } = await t.open('?expr=L+%40+R&left.init=gaussian&left.seed=1');
      const a = (await valuesOf(page, 'left')).data;
      const mean = a.reduce((s, x) => s + x, 0) / a.length;
      const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
      t.log(`seed 1: mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)}`);
      t.assert(
        Math.abs(mean) < 0.15 && sd > 0.85 && sd < 1.15,
        `N(0, 1) for the defaults: mean ${mean}, sd ${sd}`,
      );

      // The menu's reseed button.
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
      if (
        await page.evaluate(() =>
          document.querySelector('#menu .lil-root').classList.contains('lil-closed'),
        )
      )
        await page.click('#menu .lil-root > .lil-title');
      await page.click('#menu .lil-title:text-is("left: L")');
      await page.locator('#menu .lil-controller:visible:has-text("reseed") button').first().click();
      await page.waitForFunction(() => window.mm3d.app.params.left.seed !== 1, null, {
        timeout: 5000,
      });
      await t.waitReady(page);
      const seed = (await params(page)).left.seed;
      const search = await page.evaluate(() => location.search);
      t.equal(
        new URLSearchParams(search).get('left.seed'),
        String(seed),
        `the new seed is in the URL (${search})`,
      );
      const b = (await valuesOf(page, 'left')).data;
      let same = 0;
      for (let x = 0; x < a.length; x++) if (a[x] === b[x]) same++;
      t.assert(same < a.length / 10, `reseeding changed the values (${same} of ${a.length} equal)`);

      await page.reload();
      await t.waitReady(page);
      t.equal((await params(page)).left.seed, seed, 'seed after reload');
      t.deepEqual((await valuesOf(page, 'left')).data, b, 'values after reload');

      // A fresh page with seed 1 again gives the first values; back restores them too.
      await page.goBack();
      await page.waitForFunction(() => window.mm3d.app.params.left.seed === 1, null, {
        timeout: 10000,
      });
      await t.waitReady(page);
      t.deepEqual((await valuesOf(page, 'left')).data, a, 'values after back (seed 1)');
      const { page: page2 } = await t.open('?expr=L+%40+R&left.init=gaussian&left.seed=1');
      t.deepEqual((await valuesOf(page2, 'left')).data, a, 'values on another page with seed 1');
      t.noErrors(errors);
    },
  );
}
