// Offline after the first visit: the build's service worker (vite-plugin-pwa) precaches the site;
// with the network cut (Playwright's offline mode) the tool page reloads, with another state in its
// query, and draws.
import { decodePng, countColors } from './lib.mjs';

export async function run(t) {
  t.test(
    'after one visit the tool reloads and draws offline',
    async (t) => {
      const { page, context, errors } = await t.page({ width: 800, height: 600 });
      // Automated browsers get the service worker only when they ask (src/ui/offline.ts).
      await context.addInitScript(() => localStorage.setItem('mm3d.offline', 'on'));
      await page.goto(`${t.base}/?expr=A%20%40%20B&left.h=16`);
      await t.waitReady(page, 60000);
      // Registered once the first picture is up; active once everything is precached.
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      t.equal(scope, `${t.base}/`, 'service worker scope');
      const cached = await page.evaluate(async () => {
        const names = await caches.keys();
        let n = 0;
        for (const name of names) n += (await (await caches.open(name)).keys()).length;
        return n;
      });
      t.assert(cached >= 8, `precached entries: ${cached}`);
      // GPT-2's tokenizer chunk is not fetched at install: only when a GPT-2 checkpoint is opened.
      const tokenizerCached = await page.evaluate(async () => {
        const urls = [];
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
        return urls.filter((u) => /r50k_base/.test(u));
      });
      t.equal(
        tokenizerCached.length,
        0,
        `tokenizer chunk in the cache after install: ${tokenizerCached}`,
      );
      await context.setOffline(true);
      // The network is really gone for this page:
      const direct = await page.evaluate(async () =>
        fetch(`/not-cached-${Date.now()}.txt`).then(
          (r) => `status ${r.status}`,
          (e) => `failed: ${e.message}`,
        ),
      );
      t.assert(direct.startsWith('failed'), `a request outside the cache while offline: ${direct}`);
      // Another state of the tool: the query is not part of the cached page.
      await page.goto(`${t.base}/?expr=out%20%3D%20X%20%40%20Y&left.h=24`);
      await t.waitReady(page, 60000);
      t.equal(
        await page.evaluate(() => navigator.serviceWorker.controller !== null),
        true,
        'served by the service worker',
      );
      t.equal(
        await page.evaluate(() => window.mm3d.app.params.expr),
        'out = X @ Y',
        'the new state',
      );
      const { png } = await t.screenshot(page, 'offline');
      const c = countColors(decodePng(png));
      t.assert(c.blue > 500 && c.red > 500, `drawn offline: ${JSON.stringify(c)}`);
      await context.setOffline(false);
      t.noErrors(errors.filter((e) => !/not-cached|ERR_INTERNET_DISCONNECTED/.test(e)));
    },
    { timeout: 150000 },
  );
}
