// Share: "copy link" puts a link on the clipboard that opens the same state; "copy embed" gives an
// iframe snippet of that link and a Python line that, run by the real mm3d package, opens the
// same state too.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

async function menuClick(page, folder, button) {
  if (!(await page.locator('#menu .lil-root:not(.lil-closed)').count()))
    await page.click('#menu .lil-root > .lil-title');
  const f = page.locator(`#menu .lil-title:text-is("${folder}")`);
  if (await page.locator(`#menu .lil-gui.lil-closed > .lil-title:text-is("${folder}")`).count())
    await f.click();
  await page.locator(`#menu .lil-controller:has(.lil-name:text-is("${button}")) button`).click();
}

/** The state a query opens, as the tool itself decodes it (a fresh page, ready). */
async function stateOf(t, url) {
  const { page } = await t.open(new URL(url).search);
  return page.evaluate(() => {
    const p = window.mm3d.app.params;
    return JSON.stringify({ ...p, cam: null });
  });
}

export async function run(t) {
  t.test(
    'copy link and copy embed reproduce the view',
    async (t) => {
      const query =
        '?expr=out%20%3D%20(A%20%40%20B)%20%40%20C&left.left.h=8&anim.alg=vmprod&viz.sensitivity=local';
      const { page, context, errors } = await t.open(query, { width: 1000, height: 700 });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.base });
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });

      await menuClick(page, 'share', 'copy link');
      // (after opening the menu: whether it is open is part of the state)
      const want = await page.evaluate(() => {
        const p = window.mm3d.app.params;
        return JSON.stringify({ ...p, cam: null });
      });
      await page.waitForSelector('#share-toast:text("link copied")', { timeout: 5000 });
      const link = await page.evaluate(() => navigator.clipboard.readText());
      t.assert(link.startsWith(`${t.base}/`), `link: ${link}`);
      const readable = await page.evaluate(() => window.mm3d.app.urlInfo());
      t.assert(
        link.length <= Math.min(readable.url.length, readable.compressed.length),
        `the shorter form: ${link.length} vs ${readable.url.length}/${readable.compressed.length}`,
      );
      t.equal(await stateOf(t, link), want, 'the link opens the same state');

      await menuClick(page, 'share', 'copy embed');
      await page.waitForSelector('#share-toast:text("embed copied")', { timeout: 5000 });
      const embed = await page.evaluate(() => navigator.clipboard.readText());
      const src = /<iframe src="([^"]+)"/.exec(embed)?.[1]?.replace(/&amp;/g, '&');
      t.equal(src, link, 'the iframe shows the link');
      const line = embed.split('\n').find((l) => l.startsWith('mm3d.show('));
      t.assert(line, `a Python line in: ${embed}`);
      // Run the line with the real package, pointed at this server.
      const script =
        'import functools, sys, mm3d\nclass M: show = functools.partial(mm3d.show, base_url=sys.argv[1])\nprint(eval(sys.argv[2], {"mm3d": M}).src)';
      const pySrc = execFileSync(PYTHON, ['-c', script, t.base, line], {
        env: { ...process.env, PYTHONPATH: path.join(root, 'python') },
      })
        .toString()
        .trim();
      t.log(`python: ${line} -> ${pySrc}`);
      t.equal(await stateOf(t, pySrc), want, 'the Python line opens the same state');
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );
}
