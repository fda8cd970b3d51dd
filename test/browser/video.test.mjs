// Video export: `{exportVideo}` from a parent page gives a WebM that a <video> element decodes,
// with the asked duration and size, whose frames show the animation moving; bad requests get
// {error}; the menu's "save WebM" shows progress and can be cancelled.
import { parentRoute, waitMsg, msgCount } from './lib.mjs';

const isReady = (m) => m && m.status && m.status.ready === true;

export async function run(t) {
  t.route('/parent.html', parentRoute);

  t.test(
    'exportVideo: a WebM that plays, of the asked duration and size',
    async (t) => {
      const { page, errors } = await t.page({ width: 900, height: 700 });
      // 32 rows: vmprod takes 32 steps, so the 20 frames (one step each) do not wrap around.
      const tool =
        '/index.html?expr=A%20%40%20B&left.h=32&left.w=8&right.w=8&anim.alg=vmprod&anim.speed=100';
      await page.goto(`${t.base}/parent.html?src=${encodeURIComponent(tool)}`);
      await waitMsg(page, isReady, 0, 60000);
      const from = await msgCount(page);
      const t0 = Date.now();
      await page.evaluate(() => window.send({ exportVideo: { seconds: 2, fps: 10 } }));
      const m = await waitMsg(
        page,
        (m) => m && (typeof m.video === 'string' || typeof m.error === 'string'),
        from,
        120000,
      );
      t.assert(!m.error, `error: ${m.error}`);
      t.log(
        `20 frames 800x600 (${m.codec}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${Math.round((m.video.length * 0.75) / 1024)} KiB`,
      );
      t.deepEqual([m.width, m.height, m.frames], [800, 600, 20], 'reply');
      const progress = await page.evaluate(
        (from) =>
          window.msgs
            .slice(from)
            .filter((x) => typeof x.export_progress === 'number')
            .map((x) => x.export_progress),
        from,
      );
      t.assert(
        progress.length === 20 &&
          progress[19] === 1 &&
          progress.every((p, i) => i === 0 || p > progress[i - 1]),
        `progress: ${progress}`,
      );
      t.assert(m.video.startsWith('data:video/webm;base64,'), 'a WebM data URL');

      // Decode it in the page: a <video> element, frames read back through a canvas.
      const info = await page.evaluate(async (src) => {
        const v = document.createElement('video');
        v.muted = true;
        v.src = src;
        document.body.appendChild(v);
        await new Promise((resolve, reject) => {
          v.onloadeddata = resolve;
          v.onerror = () => reject(new Error(`video error ${v.error?.code} ${v.error?.message}`));
        });
        const grab = async (time) => {
          await new Promise((r) => {
            v.onseeked = r;
            v.currentTime = time;
          });
          const c = document.createElement('canvas');
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          const ctx = c.getContext('2d');
          ctx.drawImage(v, 0, 0);
          return ctx.getImageData(0, 0, c.width, c.height).data;
        };
        // (headless Chromium hands the canvas an empty picture for the first frame drawn after load)
        await grab(1.0);
        const a = await grab(0.05);
        const b = await grab(1.85);
        let lit = 0,
          changed = 0;
        for (let i = 0; i < a.length; i += 4) {
          if (a[i] + a[i + 1] + a[i + 2] > 120) lit++;
          if (
            Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) >
            60
          )
            changed++;
        }
        return {
          duration: v.duration,
          width: v.videoWidth,
          height: v.videoHeight,
          lit,
          changed,
          pixels: a.length / 4,
        };
      }, m.video);
      t.log(`video: ${JSON.stringify(info)}`);
      t.deepEqual([info.width, info.height], [800, 600], 'video size');
      t.assert(Math.abs(info.duration - 2) < 0.15, `duration ${info.duration}`);
      t.assert(info.lit > 2000, `the first frame shows the matrices (${info.lit} lit pixels)`);
      t.assert(
        info.changed > 200,
        `the animation moves between first and last frame (${info.changed} pixels changed)`,
      );

      for (const [bad, re] of [
        [{ seconds: 0 }, /seconds/],
        [{ fps: 7 }, /fps must be/],
        [{ motion: 'x' }, /motion/],
      ]) {
        const f = await msgCount(page);
        await page.evaluate((b) => window.send({ exportVideo: b }), bad);
        const r = await waitMsg(
          page,
          (m) => m && (typeof m.video === 'string' || typeof m.error === 'string'),
          f,
        );
        t.assert(
          re.test(r.error ?? ''),
          `${JSON.stringify(bad)}: ${JSON.stringify(r).slice(0, 120)}`,
        );
      }
      t.noErrors(errors);
    },
    { timeout: 200000 },
  );

  t.test(
    'menu: save WebM shows progress and cancel stops it; the view comes back',
    async (t) => {
      const { page, errors } = await t.open('?expr=A%20%40%20B&anim.spin=1', {
        width: 800,
        height: 600,
      });
      const cam0 = await page.evaluate(() => JSON.stringify(window.mm3d.app.scene.cameraState()));
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
      await page.click('#menu .lil-root > .lil-title');
      await page.click('#menu .lil-title:text-is("export")');
      await page
        .locator('#menu .lil-controller:has(.lil-name:text-is("video seconds")) input')
        .fill('60');
      await page
        .locator('#menu .lil-controller:has(.lil-name:text-is("video seconds")) input')
        .press('Enter');
      const downloads = [];
      page.on('download', (d) => downloads.push(d));
      await page
        .locator('#menu .lil-controller:has(.lil-name:text-is("save WebM")) button')
        .click();
      await page.waitForSelector('#export-progress progress', { timeout: 20000 });
      await page.waitForFunction(
        () => document.querySelector('#export-progress progress')?.value > 0,
        null,
        { timeout: 60000 },
      );
      const shown = await page.textContent('#export-progress span');
      t.assert(/^video \d+%$/.test(shown), `progress label: ${shown}`);
      await page.click('#export-progress button:text-is("cancel")');
      await page.waitForSelector('#export-progress', { state: 'detached', timeout: 30000 });
      await page.waitForTimeout(500);
      t.equal(downloads.length, 0, 'nothing downloaded after cancel');
      t.equal(
        await page.evaluate(() => window.mm3d.app.scene.hold),
        false,
        'the live view draws again',
      );
      // The live spin goes on from where it was (the export's own turning is undone).
      const cam1 = await page.evaluate(() => JSON.stringify(window.mm3d.app.scene.cameraState()));
      t.assert(cam1 !== cam0, 'the view spins again');
      t.noErrors(errors);
    },
    { timeout: 150000 },
  );
}
