// Issue 12: GPT-2-layout checkpoints in the explorer, straight from their .safetensors file. A
// second local server (another origin, so CORS applies) serves a generated checkpoint with GPT-2
// small's key names and shapes, 2 layers and seeded values (scripts/make-gpt2-fixture.mjs, written
// into a temporary folder on first use), with and without Range support and CORS, and counts the
// bytes it sends. Checked: a link with `model=<url>` opens layer 0 transferring under 30 MB of the
// 214 MB file, with GPT-2's tokens in the readout; reopening it in the same browser transfers 0
// bytes; the cache control shows the size and clears it; no-Range (with the whole-download offer,
// which then works), CORS refusal, 404 and a header that is not JSON each give their own message
// and leave the previous model and state; a local file picked in the page opens too, and its link
// does not carry the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeGpt2Fixture } from '../../scripts/make-gpt2-fixture.mjs';
import { rangeServer } from '../lib/range-server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

let setup = null;
/** The fixture and its server, made on first use (test files are imported even when filtered out). */
function fixture() {
  setup ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-ckpt-browser-'));
    const file = path.join(dir, 'gpt2-2l.safetensors');
    const layout = makeGpt2Fixture(file, { layers: 2, seed: 11 });
    const notJson = path.join(dir, 'notjson.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(16n);
    fs.writeFileSync(notJson, Buffer.concat([len, Buffer.from('{"wte.weight": [')]));
    const server = await rangeServer({
      '/gpt2.safetensors': { file },
      '/norange.safetensors': { file, range: false },
      '/nocors.safetensors': { file, cors: false },
      '/notjson.safetensors': { file: notJson },
      '/gone.safetensors': { file, status: 404 },
    });
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return { file, layout, server };
  })();
  return setup;
}

const TEXT = 'Hello world, this is GPT-2 reading a test.';
const status = (page) => page.evaluate(() => window.mm3d.status());

/** Waits until the explorer is ready again after an action (or reports a model error). */
async function settle(t, page, timeout = 180000) {
  await page
    .waitForFunction(() => window.mm3d.status().ready === false, null, { timeout: 3000 })
    .catch(() => undefined);
  await page.waitForFunction(
    () => {
      const s = window.mm3d.status();
      return s.ready === true || (s.checkpoint && !s.checkpoint.loading && s.checkpoint.lastError);
    },
    null,
    { timeout, polling: 100 },
  );
  await sleep(200);
}

async function openModelField(t, page, url) {
  await page.fill('#model', url);
  await page.click('#model-open');
  await settle(t, page);
}

export async function run(t) {
  t.test(
    'a GPT-2 checkpoint by URL: layer 0 transfers a fraction of the file; reopening transfers nothing',
    async (t) => {
      const { server, layout } = await fixture();
      const { page, errors, context } = await t.page();
      const url = server.url('/gpt2.safetensors');
      const q = new URLSearchParams({ model: url, text: TEXT, layer: '0', head: '1' });
      server.reset();
      await page.goto(`${t.base}/explorer.html?${q}`, { timeout: 120000 });
      await t.waitReady(page, 240000);
      await sleep(300);
      const s = await status(page);
      const sent = server.sent();
      t.log(
        `first open, layer 0: ${(sent / MB).toFixed(1)} MiB sent of ${(layout.size / MB).toFixed(1)} MiB (${((100 * sent) / layout.size).toFixed(1)} %), ${server.requests.length} requests`,
      );
      t.equal(s.error, null, 'no error');
      t.assert(/\(GPT-2\): 2 layers, 12 heads, d_model 768/.test(s.model), `model: ${s.model}`);
      t.deepEqual([s.explorer.layer, s.explorer.head, s.explorer.model], [0, 1, url], 'state');
      t.assert(sent < 30 * MB, 'under 30 MiB for layer 0');
      t.assert(sent / layout.size < 0.15, 'under 15 % of the file');
      t.assert(
        s.checkpoint.lastLoad.total > 27 * MB,
        `the view needed one block (${s.checkpoint.lastLoad.total} bytes)`,
      );
      // GPT-2's tokens in the readout: "Hello", " world", ","...
      const pieces = await page.$$eval('#tokens span', (els) => els.map((e) => e.textContent));
      t.equal(pieces.slice(0, 3).join('|'), 'Hello| world|,', 'BPE tokens shown as text');
      t.equal(pieces.join(''), TEXT, 'the pieces spell the text');
      const attn = await page.evaluate(() => {
        for (const [key, p] of window.mm3d.app.layout.matrices)
          if (p.name === 'attn') return window.mm3d.app.values.get(key).h;
        return null;
      });
      t.equal(attn, pieces.length, 'attn has one row per token');
      await t.screenshot(page, 'gpt2-layer0');
      await page.waitForFunction(() =>
        /MiB/.test(document.getElementById('cache-size').textContent),
      );
      const cacheText = await page.textContent('#cache-size');
      t.assert(/MiB/.test(cacheText) && parseFloat(cacheText) > 27, `cache shows ${cacheText}`);

      // The same link again in this browser: everything from the cache.
      server.reset();
      const again = await context.newPage();
      await again.goto(`${t.base}/explorer.html?${q}`, { timeout: 120000 });
      await t.waitReady(again, 120000);
      await sleep(300);
      t.log(
        `second open: ${server.sent()} bytes sent, requests: ${server.requests.map((r) => r.method).join(', ')}`,
      );
      t.equal(server.sent(), 0, 'the second open transfers 0 bytes');
      t.equal((await status(again)).checkpoint.lastLoad.transferred, 0, 'the page says so too');
      await again.click('#cache-clear');
      await again.waitForFunction(
        () => document.getElementById('cache-size').textContent === '0 bytes',
      );
      t.noErrors(errors);
    },
    { timeout: 420000 },
  );

  t.test(
    'failures leave the previous model: no Range (then the whole download), CORS, 404, bad header',
    async (t) => {
      const { server, layout } = await fixture();
      const { page } = await t.page();
      await page.goto(`${t.base}/explorer.html?layer=1&head=2`, { timeout: 120000 });
      await t.waitReady(page, 90000);
      const before = await status(page);
      t.equal(before.explorer.model, 'builtin', 'starts on the built-in model');
      const cases = [
        ['/norange.safetensors', 'no-range', /does not serve byte ranges.*204\.3 MiB/],
        ['/nocors.safetensors', 'cors', /CORS/],
        ['/gone.safetensors', 'http', /404 not found/],
        ['/notjson.safetensors', 'header', /unreadable safetensors header/],
      ];
      for (const [route, kind, message] of cases) {
        await openModelField(t, page, server.url(route));
        const s = await status(page);
        t.equal(s.checkpoint.lastError?.kind, kind, `${route}: kind`);
        t.assert(
          message.test(s.checkpoint.lastError.message),
          `${route}: ${s.checkpoint.lastError.message}`,
        );
        const shown = await page.textContent('#notices');
        t.assert(shown.includes(s.checkpoint.lastError.message.slice(0, 40)), `${route}: shown`);
        t.deepEqual(s.explorer, before.explorer, `${route}: the previous state stays`);
        t.equal(s.model, before.model, `${route}: the previous model stays`);
        t.equal(await page.inputValue('#model'), 'built-in', `${route}: the field shows it`);
      }
      // The offer to download the whole file, taken.
      await openModelField(t, page, server.url('/norange.safetensors'));
      server.reset();
      await page.click('#download-whole');
      await settle(t, page, 240000);
      const s = await status(page);
      t.equal(s.error, null, 'no error');
      t.assert(/GPT-2/.test(s.model), 'GPT-2 opened after the whole download');
      t.assert(server.sent() >= layout.size, 'the whole file was sent');
      t.assert(
        s.notices.some((n) => /ignores byte ranges: the whole file/.test(n)),
        'and the page warns about it',
      );
      t.deepEqual([s.explorer.layer, s.explorer.head], [1, 2], 'layer and head kept');
    },
    { timeout: 480000 },
  );

  t.test(
    'a local file opens in slices; a link to it does not carry the file',
    async (t) => {
      const { file } = await fixture();
      const { page, context } = await t.page();
      await page.goto(`${t.base}/explorer.html`, { timeout: 120000 });
      await t.waitReady(page, 90000);
      await page.setInputFiles('#model-file', file);
      await settle(t, page, 240000);
      const s = await status(page);
      t.equal(s.checkpoint.lastError, null, 'no model error');
      t.assert(/^gpt2-2l\.safetensors \(GPT-2\)/.test(s.model), `model: ${s.model}`);
      const search = await page.evaluate(() => window.mm3d.explorer.search());
      t.assert(search.includes('model=file%3Agpt2-2l.safetensors'), `link: ${search}`);
      t.assert(search.length < 400, 'the link holds a name, not bytes');
      // Opened elsewhere, the link asks for the file and shows the built-in model meanwhile.
      const other = await context.newPage();
      await other.goto(`${t.base}/explorer.html?${search}`, { timeout: 120000 });
      await t.waitReady(other, 90000);
      const o = await status(other);
      t.equal(o.explorer.model, 'builtin', 'falls back to the built-in model');
      t.assert(
        o.notices.some((n) => /has to be picked again/.test(n)),
        'and says the file must be picked again',
      );
    },
    { timeout: 420000 },
  );
}
