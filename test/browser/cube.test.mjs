// Issue 2: the cube in the browser. The default picture, the 16 layouts, menu edits and history,
// the original's ?params links, embedding by postMessage, hostile links, camera persistence.
import {
  decodePng,
  classify,
  countColors,
  contactSheet,
  parentRoute,
  recordPrograms,
  waitMsg,
  msgCount,
} from './lib.mjs';
import { layoutCombinations, paramsQuery } from '../../scenes/scenes.mjs';

const params = (page) => page.evaluate(() => window.mm3d.app.params);
const status = (page) => page.evaluate(() => window.mm3d.status());
const search = (page) => page.evaluate(() => location.search);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Region of the viewport as fractions: {x, y, w, h} in 0..1. */
const region = (img, fx, fy, fw, fh) =>
  countColors(img, {
    x: Math.round(fx * img.width),
    y: Math.round(fy * img.height),
    w: Math.round(fw * img.width),
    h: Math.round(fh * img.height),
  });
const coloured = (n) => n.blue + n.red;

async function noticeTexts(page) {
  return page.evaluate(() => ({
    visible:
      !document.getElementById('notice-box').hidden &&
      document.getElementById('notice-box').getBoundingClientRect().height > 0,
    items: [...document.querySelectorAll('#notices li')].map((li) => li.textContent),
  }));
}

// ---- messages through a parent page ---------------------------------------------------------

const isReady = (m) => m && m.status && m.status.ready === true;
const hasParams = (m) => m && typeof m.params === 'object' && m.params !== null;

/** Asks the tool for its params through postMessage, from the parent page. */
async function getParams(page) {
  const from = await msgCount(page);
  await page.evaluate(() => window.send({ getParams: 1 }));
  return (await waitMsg(page, hasParams, from)).params;
}

async function openParent(t, toolQuery) {
  const r = await t.page({ width: 900, height: 700 });
  await r.page.goto(`${t.base}/parent.html?src=${encodeURIComponent(`/index.html${toolQuery}`)}`);
  await waitMsg(r.page, isReady, 0, 60000);
  return r;
}

// ---- the tests ------------------------------------------------------------------------------

const layoutShots = [];

export async function run(t) {
  t.route('/parent.html', parentRoute);

  t.test('default page draws L @ R', async (t) => {
    const { page, errors } = await t.open('');
    const st = await status(page);
    t.equal(st.error, null, 'status.error');
    t.equal(st.elements, 3 * 32 * 32, 'status.elements');
    t.deepEqual(st.notices, [], 'status.notices');
    t.equal((await page.textContent('#title')).trim(), 'L @ R', '#title');
    const { png } = await t.screenshot(page, 'default');
    const img = decodePng(png);
    const all = countColors(img);
    const left = region(img, 0.0, 0.3, 0.5, 0.7); // the L face: left half, below the top face
    const top = region(img, 0.2, 0.08, 0.6, 0.35); // the R face
    const result = region(img, 0.5, 0.45, 0.5, 0.55); // the result: right, bottom
    t.log(
      `pixels: blue ${all.blue}, red ${all.red} | L region ${left.blue}/${left.red} | R region ${top.blue}/${top.red} | result region ${result.blue}/${result.red}`,
    );
    t.assert(all.blue > 20000, `too few blue/cyan pixels: ${all.blue}`);
    t.assert(all.red > 20000, `too few red pixels: ${all.red}`);
    for (const [name, n] of [
      ['left (L)', left],
      ['top (R)', top],
      ['right-bottom (result)', result],
    ]) {
      t.assert(
        // Balls are 0.7 of a cell across and dark at the rim (the original's look): a face region
        // holds a few thousand coloured pixels of each sign, an empty one none.
        n.blue > 1500 && n.red > 1500,
        `the ${name} region lacks blue or red: blue ${n.blue}, red ${n.red}`,
      );
    }
    t.noErrors(errors);
  });

  t.test(
    'the baked look texture holds the docs/colors.md colour and size of every cell, and its pooled level',
    async (t) => {
      // Local sensitivity; dropout makes exact zeros (not drawn: size 0).
      const { page, errors } = await t.open(
        '?expr=L+%40+R&left.h=6&left.w=10&right.w=3&left.dropout=0.3&viz.sensitivity=local',
      );
      // The look's level 0 and 1, or (`finest`) only the finest level baked so far.
      const read = (pg = page, finest = false) =>
        pg.evaluate((finest) => {
          const app = window.mm3d.app;
          const key = [...app.layout.matrices].find(([, p]) => p.name === 'L')[0];
          const mv = app.scene.matrixView(key);
          const v = app.values.get(key);
          const gl = app.scene.renderer.getContext();
          const tex = app.scene.renderer.properties.get(mv.look.texture).__webglTexture;
          const fb = gl.createFramebuffer();
          gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
          const levels = [];
          const size = (l) => (l === 0 ? [v.w, v.h] : [v.levels[l - 1].w, v.levels[l - 1].h]);
          for (const level of finest ? [mv.bakedFrom] : [0, 1]) {
            const [w, h] = size(level);
            gl.framebufferTexture2D(
              gl.FRAMEBUFFER,
              gl.COLOR_ATTACHMENT0,
              gl.TEXTURE_2D,
              tex,
              level,
            );
            const px = new Uint8Array(w * h * 4);
            gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
            levels.push({
              level,
              w,
              h,
              px: Array.from(px),
              values: Array.from(level === 0 ? v.data : v.levels[level - 1].data),
            });
          }
          gl.bindFramebuffer(gl.FRAMEBUFFER, null);
          gl.deleteFramebuffer(fb);
          let maxAbs = 0;
          for (const x of v.data) maxAbs = Math.max(maxAbs, Math.abs(x));
          return { levels, viz: app.params.viz, maxAbs };
        }, finest);
      // docs/colors.md by hand: HSL with saturation 1, range [0, max |value| of the matrix].
      const hsl = (h, s, l) => {
        const a = s * Math.min(l, 1 - l);
        const f = (n) => {
          const k = (n + h * 12) % 12;
          return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
        };
        return [f(0), f(8), f(4)];
      };
      const check = (r, label, zerosMade = true) => {
        const z = r.viz;
        t.equal(z.sensitivity, 'local', 'sensitivity from the link');
        let zeros = 0;
        for (const lv of r.levels) {
          for (let c = 0; c < lv.values.length; c++) {
            const x = lv.values[c];
            const got = lv.px.slice(c * 4, c * 4 + 4).map((q) => q / 255);
            if (x === 0) {
              zeros++;
              t.equal(got[3], 0, `${label}: a zero has size 0`);
              continue;
            }
            const tt = Math.min(1, Math.abs(x) / r.maxAbs);
            const sign = Math.sign(x);
            const hue =
              (((z.zeroHue + sign * z.hueGap + (x / r.maxAbs) * z.hueSpread) % 1) + 1) % 1;
            const rgb = hsl(hue, 1, z.minLight + (z.maxLight - z.minLight) * Math.sqrt(tt));
            const size = z.minSize + (1 - z.minSize) * Math.sqrt(tt);
            const want = [...rgb, size];
            for (let q = 0; q < 4; q++)
              t.assert(
                Math.abs(got[q] - want[q]) <= 2.5 / 255,
                `${label} level ${lv.level} cell ${c} (value ${x}): channel ${q} is ${got[q]}, want ${want[q]}`,
              );
          }
        }
        // (pooled cells are means: the dropout's zeros show at level 0)
        if (zerosMade) t.assert(zeros > 0, 'the dropout made some zeros');
      };
      const first = await read();
      check(first, 'defaults');
      t.log(
        `checked ${first.levels[0].values.length} cells and ${first.levels[1].values.length} pooled cells`,
      );
      // A colour setting is a uniform: the look is baked again with it.
      await page.evaluate(() => {
        const app = window.mm3d.app;
        app.applyPartial({ viz: { 'zero hue': 0.3, 'min size': 0.5 } }, false, false);
      });
      await t.waitReady(page);
      const second = await read();
      t.equal(second.viz.zeroHue, 0.3, 'zero hue changed');
      check(second, 'after a colour change');
      t.noErrors(errors);
      // A big matrix seen from afar: only its coarse levels are uploaded, and the look of the
      // finest level baked, from a value texture that starts at that level, is the same.
      const far = await t.open(
        '?expr=L+%40+R&left.h=512&left.w=512&right.w=8&left.dropout=0.3&viz.sensitivity=local&cam.x=-30000&cam.y=30000&cam.z=30000',
      );
      const coarse = await read(far.page, true);
      t.assert(coarse.levels[0].level >= 3, `only coarse levels baked (${coarse.levels[0].level})`);
      check(coarse, 'from afar', false);
      t.log(
        `from afar: checked the ${coarse.levels[0].values.length} cells of level ${coarse.levels[0].level}`,
      );
      t.noErrors(far.errors);
    },
  );

  t.test('near balls drawn as geometry match the per-pixel ray-caster', async (t) => {
    // Two independent ways to draw the same balls: one square per ball (what near views use) and
    // the ray search in the fragment shader over the matrix quad. Seen from close by and at an
    // angle, where every pixel is in the search's ball mode; balls smaller than their cells
    // (elem scale 0.8), since where balls overlap the search looks at only two per pixel.
    const { page, errors } = await t.open('?viz.elem%20scale=0.8');
    const compare = (pg, centreCell, dist) =>
      pg.evaluate(
        async ({ centreCell, dist }) => {
          const app = window.mm3d.app;
          const sc = app.scene;
          const key = [...app.layout.matrices].find(([, p]) => p.name === 'L')[0];
          const p = app.layout.matrices.get(key);
          const at = (c, r) => p.origin.map((o, a) => o + p.colDir[a] * c + p.rowDir[a] * r);
          const n = [
            p.colDir[1] * p.rowDir[2] - p.colDir[2] * p.rowDir[1],
            p.colDir[2] * p.rowDir[0] - p.colDir[0] * p.rowDir[2],
            p.colDir[0] * p.rowDir[1] - p.colDir[1] * p.rowDir[0],
          ];
          const cam = app.params.cam;
          const centre = at(centreCell, centreCell);
          const side =
            Math.sign(
              n[0] * (cam.x - centre[0]) + n[1] * (cam.y - centre[1]) + n[2] * (cam.z - centre[2]),
            ) || 1;
          const pos = centre.map(
            (c, a) => c + side * n[a] * dist + p.colDir[a] * 9 + p.rowDir[a] * 6,
          );
          sc.setCamera({
            x: pos[0],
            y: pos[1],
            z: pos[2],
            target: { x: centre[0], y: centre[1], z: centre[2] },
          });
          const t0 = sc.framesDrawn;
          while (sc.framesDrawn === t0) await new Promise((res) => requestAnimationFrame(res));
          const gl = sc.renderer.getContext();
          const grab = () => {
            sc.renderer.render(sc.scene, sc.camera);
            const w = gl.drawingBufferWidth,
              h = gl.drawingBufferHeight;
            const px = new Uint8Array(w * h * 4);
            gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
            return px;
          };
          sc.hold = true;
          sc.legends.group.visible = false;
          const v = sc.matrixView(key);
          for (const o of sc.scene.children) if (o !== v.mesh) o.visible = false;
          const usingBalls = Boolean(v.balls && v.balls.visible);
          const a = grab();
          v.balls.visible = false;
          v.mesh.material = v.material(0, false, false);
          const attr = v.mesh.geometry.getAttribute('position');
          attr.array.set([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0]);
          attr.needsUpdate = true;
          v.mesh.geometry.setDrawRange(0, 6);
          const b = grab();
          // Compare hues: red (negative), blue/cyan (positive), or neither (background).
          const hue = (px, q) =>
            px[q] > px[q + 2] + 40 ? 'red' : px[q + 2] > px[q] + 40 ? 'blue' : 'none';
          let lit = 0,
            differ = 0;
          for (let q = 0; q < a.length; q += 4) {
            const ha = hue(a, q),
              hb = hue(b, q);
            if (ha !== 'none' || hb !== 'none') lit++;
            if (ha !== hb) differ++;
          }
          const balls = v.balls.geometry.index.count / 6;
          // Back to the view as the app draws it, for the next comparison.
          for (const o of sc.scene.children) o.visible = true;
          sc.legends.group.visible = true;
          sc.hold = false;
          // A digest of the balls' picture (FNV-1a over its bytes), to compare pages.
          let hash = 2166136261;
          for (let q = 0; q < a.length; q++) hash = Math.imul(hash ^ a[q], 16777619) >>> 0;
          return { usingBalls, lit, differ, balls, drawn: v.ballIndices / 6, hash };
        },
        { centreCell, dist },
      );
    const r = await compare(page, 16, 22);
    t.log(JSON.stringify(r));
    t.assert(r.usingBalls, 'the near view draws its balls as geometry');
    // ~16,600 coloured pixels with balls 0.7 of a cell across (the original's size).
    t.assert(r.lit > 12000, `the picture has content: ${r.lit}`);
    t.assert(
      r.differ < 0.03 * r.lit,
      `the two ways differ in hue on ${r.differ} of ${r.lit} coloured pixels`,
    );
    // The balls' shared geometry grows when a view needs more balls than it holds: a bigger L,
    // in the same page, draws through the grown geometry exactly what a page opened on it draws.
    await page.evaluate(() =>
      window.mm3d.app.applyPartial({ left: { h: 96, w: 96 } }, false, false),
    );
    await t.waitReady(page, 30000);
    const big = await compare(page, 48, 30);
    t.log(JSON.stringify(big));
    t.assert(big.usingBalls, 'the bigger view draws its balls as geometry');
    t.assert(
      big.drawn > r.balls && big.balls >= big.drawn,
      `the geometry grew from ${r.balls} balls to hold the ${big.drawn} drawn (holds ${big.balls})`,
    );
    t.assert(big.lit > 8000, `the bigger picture has content: ${big.lit}`);
    const fresh = await t.open('?viz.elem%20scale=0.8&left.h=96&left.w=96');
    const direct = await compare(fresh.page, 48, 30);
    t.log(JSON.stringify(direct));
    t.equal(direct.drawn, big.drawn, 'balls drawn, grown and direct');
    t.equal(
      big.hash,
      direct.hash,
      'the picture through the grown geometry, and on a page opened on it',
    );
    t.noErrors(fresh.errors);
    t.noErrors(errors);
  });

  t.test('a change of drawing resolution never leaves a blank canvas to be shown', async (t) => {
    const { page, errors } = await t.open('');
    const r = await page.evaluate(async () => {
      const sc = window.mm3d.app.scene;
      const gl = sc.renderer.getContext();
      const lit = () => {
        const w = gl.drawingBufferWidth,
          h = gl.drawingBufferHeight;
        const px = new Uint8Array(w * h * 4);
        gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
        let n = 0;
        for (let p = 0; p < px.length; p += 4) if (px[p] + px[p + 1] + px[p + 2] > 60) n++;
        return n;
      };
      const out = {};
      // Slow frames while moving make the view drop its resolution; what the canvas holds right
      // after that decision is what the page shows until the next frame.
      sc.renderer.render(sc.scene, sc.camera);
      out.before = lit();
      sc.frameTimes = [50, 50, 50, 50, 50, 50];
      sc.adapt();
      out.afterDecision = lit();
      const ratio = sc.pixelRatio;
      sc.invalidate();
      const t0 = sc.framesDrawn;
      while (sc.framesDrawn === t0) await new Promise((r) => requestAnimationFrame(r));
      out.ratioBefore = ratio;
      out.ratioAfter = sc.pixelRatio;
      out.afterFrame = lit();
      return out;
    });
    t.log(JSON.stringify(r));
    t.assert(r.before > 5000, `the picture has content: ${r.before}`);
    t.assert(
      r.afterDecision > 0.9 * r.before,
      `the canvas was cleared before the next frame: ${r.afterDecision} lit pixels of ${r.before}`,
    );
    t.assert(
      r.ratioAfter < r.ratioBefore,
      `the resolution dropped at the next frame: ${r.ratioBefore} -> ${r.ratioAfter}`,
    );
    t.assert(r.afterFrame > 1000, `the next frame drew the picture: ${r.afterFrame}`);
    t.noErrors(errors);
  });

  t.test('every program sent ahead of the first frame is one the first frame draws', async (t) => {
    // Programs are compiled ahead (scene.precompile); each is work for the GPU process before the
    // first picture, wasted if the picture does not draw it (three.js compiles hidden objects'
    // programs too: a hidden near piece once brought the ray-caster's).
    for (const query of ['', '?expr=L+%40+R&left.h=256&left.w=256&right.w=256']) {
      const { page, errors } = await t.page();
      await page.addInitScript(recordPrograms);
      await page.goto(`${t.base}/${query}`);
      await t.waitReady(page);
      const programs = await page.evaluate(() =>
        window.__programs.map((p) => ({
          draws: p.draws,
          mode: /#define MODE (\d)/.exec(p.sources[1] ?? '')?.[1] ?? '-',
        })),
      );
      t.log(`${query || 'default'}: ${JSON.stringify(programs)}`);
      t.assert(programs.length >= 4, `${query || 'default'}: only ${programs.length} programs`);
      const unused = programs.filter((p) => p.draws === 0);
      t.deepEqual(unused, [], `${query || 'default'}: programs linked but not drawn`);
      t.noErrors(errors);
    }
  });

  t.test('each matrix is drawn by the cheapest program for its distance', async (t) => {
    // Opened from far away: only coarse pooled levels of the look are baked until the view comes closer.
    const { page, errors } = await t.open(
      '?expr=L+%40+R&left.h=512&left.w=512&right.w=8&cam.x=-30000&cam.y=30000&cam.z=30000',
    );
    const modeAt = (dist) =>
      page.evaluate(async (dist) => {
        const app = window.mm3d.app;
        const cam = app.params.cam;
        const key = [...app.layout.matrices].find(([, p]) => p.name === 'L')[0];
        const mv = app.scene.matrixView(key);
        const before = mv.bakedFrom;
        if (dist) {
          // Straight in front of L's face (its normal is the layout's), at `dist` cells.
          const p = app.layout.matrices.get(key);
          const centre = p.origin.map(
            (o, a) => o + (p.colDir[a] * p.w) / 2 + (p.rowDir[a] * p.h) / 2,
          );
          const n = [
            p.colDir[1] * p.rowDir[2] - p.colDir[2] * p.rowDir[1],
            p.colDir[2] * p.rowDir[0] - p.colDir[0] * p.rowDir[2],
            p.colDir[0] * p.rowDir[1] - p.colDir[1] * p.rowDir[0],
          ];
          const side =
            Math.sign(
              n[0] * (cam.x - centre[0]) + n[1] * (cam.y - centre[1]) + n[2] * (cam.z - centre[2]),
            ) || 1;
          const pos = centre.map((c, a) => c + side * n[a] * dist);
          app.scene.setCamera({
            x: pos[0],
            y: pos[1],
            z: pos[2],
            target: { x: centre[0], y: centre[1], z: centre[2] },
          });
          const t0 = app.scene.framesDrawn;
          while (app.scene.framesDrawn < t0 + 1) await new Promise((r) => requestAnimationFrame(r));
        }
        const mesh = mv.mesh;
        const near = mesh.children[0];
        const balls = mv.balls && mv.balls.visible ? mv.balls.geometry.drawRange.count / 6 : 0;
        return {
          mode: mesh.material.defines.MODE,
          nearMode: near.visible ? near.material.defines.MODE : null,
          pieces: mesh.geometry.drawRange.count / 6,
          balls,
          baked: mv.bakedFrom,
          // The level the value texture starts at (finer levels not uploaded yet), and its size.
          uploaded: mv.textureBase,
          texture: [mv.uniforms.uValues.value.image.width, mv.uniforms.uValues.value.image.height],
          before,
        };
      }, dist);
    const start = await modeAt(0);
    const far = await modeAt(4000);
    const mid = await modeAt(400);
    const near = await modeAt(20);
    t.log(
      `from far away, then 4000, 400, 20 cells away: ${JSON.stringify([start, far, mid, near])}`,
    );
    t.assert(
      start.baked >= 3,
      `far away, only coarse levels are baked (finest baked level ${start.baked})`,
    );
    t.deepEqual(
      { mode: far.mode, nearMode: far.nearMode, pieces: far.pieces, balls: far.balls },
      { mode: 2, nearMode: null, pieces: 1, balls: 0 },
      'flat far away',
    );
    t.assert(
      far.baked >= 1 && far.baked <= start.baked,
      `at 4000 cells, a finer level is baked, not level 0 (${far.baked})`,
    );
    // Only the levels baked were uploaded: the value texture starts at the finest level baked
    // (L is 512 x 512; pooled level l is 512 >> l on a side).
    for (const [name, v] of [
      ['far away', start],
      ['4000 cells', far],
    ])
      t.deepEqual(
        { uploaded: v.uploaded, texture: v.texture },
        { uploaded: v.baked, texture: [512 >> v.baked, 512 >> v.baked] },
        `${name}: the value texture from the finest level baked on`,
      );
    t.deepEqual(
      { uploaded: mid.uploaded, texture: mid.texture },
      { uploaded: 0, texture: [512, 512] },
      'at 400 cells, every level uploaded',
    );
    t.deepEqual(
      {
        mode: mid.mode,
        nearMode: mid.nearMode,
        pieces: mid.pieces,
        balls: mid.balls,
        baked: mid.baked,
      },
      { mode: 1, nearMode: null, pieces: 1, balls: 0, baked: 0 },
      'discs in between, from level 0',
    );
    // L is 512 x 512; the ray-caster is needed within about 190 cells of the camera here.
    t.assert(
      near.balls > 100000 && near.balls < 160000,
      `near: balls as geometry around the camera (${near.balls})`,
    );
    t.deepEqual(
      { mode: near.mode, nearMode: near.nearMode, pieces: near.pieces },
      { mode: 1, nearMode: null, pieces: 4 },
      'near: discs on four strips around the balls',
    );
    t.noErrors(errors);
  });

  t.test('legends: every matrix shows its name, inputs and root result their shapes', async (t) => {
    for (const [query, names, labels] of [
      ['', ['L', 'R', 'L @ R'], ['I = 32', 'K = 32', 'J = 32']],
      // i blocks set on the root only: the partition reaches Q through the chain of left arguments.
      [
        '?expr=out+%3D+(attn+%3D+Q+%40+K)+%40+V&block.i%20blocks=2',
        ['Q', 'K', 'attn', 'V', 'out'],
        ['I = 32 / 2'],
      ],
    ]) {
      const { page, errors } = await t.open(query);
      // Texts that are laid out (glyphs made) and visible.
      const texts = await page.evaluate(() =>
        window.mm3d.app.scene.legends.group.children
          .filter((c) => c.visible && c.glyphs > 0)
          .map((c) => c.text),
      );
      // The glyphs are really drawn in the picture shown at ready (not only laid out): count
      // legend-coloured pixels (light lavender) below the title and left of the help box.
      const shot = decodePng(await page.screenshot());
      let lit = 0;
      for (let y = 50; y < shot.height; y++) {
        for (let x = 0; x < shot.width * 0.75; x++) {
          const o = (y * shot.width + x) * 4;
          if (shot.data[o] > 190 && shot.data[o + 1] > 190 && shot.data[o + 2] > 220) lit++;
        }
      }
      // Drawn with the bundled font, not a system fallback: the face is loaded, and the
      // canvas the glyphs are drawn on measures text differently with it than without it.
      const font = await page.evaluate(() => {
        const face = [...document.fonts].find((f) => f.family.replace(/"/g, '') === 'mm3d-text');
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = '40px "mm3d-text", monospace';
        const ours = ctx.measureText('Wide names 0123').width;
        ctx.font = '40px monospace';
        return { status: face?.status, ours, fallback: ctx.measureText('Wide names 0123').width };
      });
      t.equal(font.status, 'loaded', 'the bundled legend font is loaded');
      t.assert(
        Math.abs(font.ours - font.fallback) > 5,
        `the legend font measures like the fallback: ${JSON.stringify(font)}`,
      );
      t.log(`${query || 'default'}: ${texts.join(' | ')}; ${lit} legend-coloured pixels`);
      t.assert(lit > 1500, `the legends draw almost nothing: ${lit} legend-coloured pixels`);
      for (const n of [...names, ...labels])
        t.assert(texts.includes(n), `no drawn legend "${n}" in ${JSON.stringify(texts)}`);
      if (query)
        t.equal(
          texts.filter((x) => x === 'I = 32 / 2').length,
          2,
          'the root result and Q both show the i partition',
        );
      t.noErrors(errors);
    }
  });

  t.test(
    'names with many different characters: the glyph atlas grows and every glyph is drawn',
    async (t) => {
      // 85 + 84 different letters: more glyphs than the atlas's first 1024 x 256 pixels hold.
      const range = (from, n) => Array.from({ length: n }, (_, i) => String.fromCharCode(from + i));
      const left = [
        ...range(0xc0, 23),
        ...range(0xd8, 31),
        ...range(0xf8, 8),
        ...range(0x3b1, 23),
      ].join('');
      const right = [...range(0x430, 32), ...range(0x41, 26), ...range(0x61, 26)].join('');
      const { page, errors } = await t.open(`?expr=${encodeURIComponent(`${left} @ ${right}`)}`);
      const r = await page.evaluate(() => {
        const kids = window.mm3d.app.scene.legends.group.children;
        return {
          atlas: kids[0].material.uniforms.uAtlas.value.toArray(),
          labels: kids.map((c) => ({ text: c.text, glyphs: c.glyphs })),
        };
      });
      t.assert(r.atlas[1] > 256, `the atlas did not grow: ${r.atlas}`);
      for (const name of [left, right, `${left} @ ${right}`]) {
        const l = r.labels.find((x) => x.text === name);
        t.assert(l, `no label "${name}"`);
        t.equal(
          l.glyphs,
          [...name].filter((c) => c !== ' ').length,
          `glyphs drawn for "${name.slice(0, 12)}…"`,
        );
      }
      t.noErrors(errors);
    },
  );

  t.test(
    'switching expressions back and forth leaves no GPU geometries, textures or programs behind',
    async (t) => {
      const { page, errors } = await t.open('');
      const info = () =>
        page.evaluate(() => {
          const r = window.mm3d.app.scene.renderer.info;
          return {
            geometries: r.memory.geometries,
            textures: r.memory.textures,
            programs: r.programs.length,
          };
        });
      const cycle = async () => {
        for (const expr of ['A @ B @ C', 'L @ R']) {
          await page.evaluate((e) => window.mm3d.app.applyPartial({ expr: e }, false, true), expr);
          await page.waitForFunction(
            (e) => window.mm3d.app.params.expr === e && window.mm3d.status().ready === true,
            expr,
            { timeout: 20000, polling: 50 },
          );
        }
      };
      // Full resolution throughout: a drop to reduced resolution while the camera refits makes its
      // offscreen target and program variants once (kept for reuse), which is not a leak.
      await page.evaluate(() => {
        const s = window.mm3d.app.scene;
        s.fixedRatio = s.pixelRatio;
      });
      // One cycle first: programs and shared buffers made once stay.
      await cycle();
      const before = await info();
      for (let k = 0; k < 3; k++) await cycle();
      t.deepEqual(await info(), before, 'GPU objects after three more cycles');
      t.noErrors(errors);
    },
  );

  t.test('a tool that cannot be fetched says so on the page', async (t) => {
    const { page } = await t.page();
    // The entry imports the tool after the page's load event; that fetch fails here.
    await page.route(/tool-main-[^/]*\.js$/, (r) => r.abort());
    await page.goto(`${t.base}/`);
    await page.waitForSelector('#notice-box:not([hidden])', { timeout: 10000 });
    const text = await page.textContent('#notices');
    t.assert(/mm3d could not start/.test(text), `notice: ${text}`);
  });

  t.test('nothing is fetched from another host, even for names the font lacks', async (t) => {
    const { page, errors } = await t.page();
    const foreign = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(t.base) && !u.startsWith('blob:') && !u.startsWith('data:'))
        foreign.push(u);
    });
    await page.goto(`${t.base}/?expr=${encodeURIComponent('注意 @ Wé')}`);
    await t.waitReady(page);
    const texts = await page.evaluate(() =>
      window.mm3d.app.scene.legends.group.children.map((c) => c.text),
    );
    t.deepEqual(foreign, [], 'requests to other hosts');
    t.assert(texts.includes('Wé'), `the Latin name is drawn as is: ${JSON.stringify(texts)}`);
    t.equal(
      (await page.textContent('#title')).trim(),
      '注意 @ Wé',
      'the title (HTML text) keeps every character',
    );
    t.noErrors(errors);
  });

  t.test(
    '16 layouts open from the URL and draw',
    async (t) => {
      // Inits that vary mostly along k (L col major, R row major) so that polarity (the direction
      // of k) shows in the picture; the defaults vary mostly along i and j and hide it.
      const combos = layoutCombinations(
        '?expr=L+%40+R&left.init=col%20major&right.init=row%20major',
      );
      const failures = [];
      const worker = async (queue) => {
        const { page, errors, context } = await t.page();
        for (let c = queue.shift(); c; c = queue.shift()) {
          try {
            errors.length = 0;
            await page.goto(`${t.base}/${c.query}`);
            await t.waitReady(page, 60000);
            const p = await params(page);
            // The page's own state uses code names (`left placement` -> `leftPlacement`).
            for (const [k, v] of Object.entries(c.layout)) {
              const code = k.replace(/ ([a-z])/g, (_, ch) => ch.toUpperCase());
              if (p.layout[code] !== v)
                failures.push(`${c.name}: layout.${k} is ${p.layout[code]}`);
            }
            const png = await page.screenshot();
            const n = countColors(decodePng(png));
            layoutShots.push({ name: c.name, png, n });
            if (coloured(n) < 20000)
              failures.push(`${c.name}: nearly blank (blue ${n.blue}, red ${n.red})`);
            if (n.blue < 2000 || n.red < 2000)
              failures.push(`${c.name}: lacks a colour (blue ${n.blue}, red ${n.red})`);
            if (errors.length) failures.push(`${c.name}: page errors: ${errors.join(' | ')}`);
          } catch (e) {
            failures.push(`${c.name}: ${String(e).split('\n')[0]}`);
          }
        }
        await context.close();
      };
      const queue = [...combos];
      await Promise.all([worker(queue), worker(queue)]); // 2 at a time: SwiftShader is CPU-bound
      layoutShots.sort(
        (a, b) =>
          combos.findIndex((c) => c.name === a.name) - combos.findIndex((c) => c.name === b.name),
      );
      if (layoutShots.length) {
        await contactSheet(
          t.browser,
          layoutShots.map((s) => ({
            png: s.png,
            caption: `${s.name}  (blue ${s.n.blue}, red ${s.n.red})`,
          })),
          t.file('layouts.png'),
        );
      }
      t.assert(failures.length === 0, failures.join('\n     '));
      t.equal(layoutShots.length, 16, 'layouts drawn');
    },
    { timeout: 180000 },
  );

  t.test('the 16 layouts give 16 different pictures', async (t) => {
    t.assert(layoutShots.length === 16, 'needs the layouts test');
    // Per-pixel colour classes; two pictures count as the same when under 0.25% of pixels differ
    // (the closest pair, a polarity flip, differs on ~0.7% with the original's small dark-rimmed
    // balls; the same picture twice differs on none).
    const CODE = { blue: 1, red: 2, other: 3, dark: 0 };
    const sig = (png) => {
      const img = decodePng(png);
      const out = new Uint8Array(img.width * img.height);
      for (let i = 0; i < out.length; i++)
        out[i] = CODE[classify(img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2])];
      return out;
    };
    const sigs = layoutShots.map((s) => ({ name: s.name, sig: sig(s.png) }));
    const same = [];
    for (let i = 0; i < sigs.length; i++)
      for (let j = i + 1; j < sigs.length; j++) {
        let d = 0;
        const a = sigs[i].sig,
          b = sigs[j].sig;
        for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) d++;
        if (d < a.length * 0.0025)
          same.push(
            `${sigs[i].name} ~ ${sigs[j].name} (${((100 * d) / a.length).toFixed(2)}% of pixels differ)`,
          );
      }
    t.assert(same.length === 0, `pictures that look the same: ${same.join('; ')}`);
  });

  t.test('menu edit updates the URL; back and forward restore it', async (t) => {
    const { page, errors } = await t.open('');
    await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
    await page.click('#menu .lil-root > .lil-title');
    await page.waitForFunction(() => window.mm3d.app.params.folder === 'open', null, {
      timeout: 5000,
    });
    await page.click('#menu .lil-title:text-is("colors and sizes")');
    await page.waitForFunction(() => window.mm3d.app.params.viz.folder === 'open', null, {
      timeout: 5000,
    });
    t.assert(
      (await search(page)).includes('folder=open'),
      `folder state is not in the URL: ${await search(page)}`,
    );
    const before = await search(page);
    const histBefore = await page.evaluate(() => history.length);
    const select = page.locator(
      '#menu .lil-controller:has(.lil-name:text-is("sensitivity")) select',
    );
    t.equal(await select.count(), 1, 'sensitivity selects');
    await select.selectOption('local');
    await page.waitForFunction(() => window.mm3d.app.params.viz.sensitivity === 'local', null, {
      timeout: 5000,
    });
    const after = await search(page);
    t.assert(after !== before, 'location.search did not change');
    t.equal(
      new URLSearchParams(after).get('viz.sensitivity'),
      'local',
      `viz.sensitivity in ${after}`,
    );
    t.equal(
      await page.evaluate(() => history.length),
      histBefore + 1,
      'history entries added by one edit',
    );
    await t.waitReady(page);
    const { png: localPng } = await t.screenshot(page, 'menu-local');

    await page.goBack();
    await page.waitForFunction(() => window.mm3d.app.params.viz.sensitivity === 'global', null, {
      timeout: 10000,
    });
    t.equal(await search(page), before, 'location.search after back');
    await t.waitReady(page);
    t.equal(await select.inputValue(), 'global', 'the menu shows the restored value after back');

    await page.goForward();
    await page.waitForFunction(() => window.mm3d.app.params.viz.sensitivity === 'local', null, {
      timeout: 10000,
    });
    t.equal(await search(page), after, 'location.search after forward');
    await t.waitReady(page);
    t.equal(await select.inputValue(), 'local', 'the menu shows the value after forward');
    void localPng;

    // Folder open/closed state is part of the state: a reload opens the menu as it was.
    await page.reload();
    await t.waitReady(page);
    await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
    const open = await page.evaluate(() => {
      const root = document.querySelector('#menu .lil-root');
      const viz = [...document.querySelectorAll('#menu .lil-title')].find(
        (b) => b.textContent === 'colors and sizes',
      );
      return {
        root: !root.classList.contains('lil-closed'),
        viz: viz ? viz.getAttribute('aria-expanded') === 'true' : null,
      };
    });
    t.deepEqual(open, { root: true, viz: true }, 'menu folders open after a reload');
    t.noErrors(errors);
  });

  t.test('an original numbered link (?0=...&expr=0&left=2&h=3) opens', async (t) => {
    // expr = "L @ R", left.h = 16, viz.sensitivity = "local", in the original's numbered form
    // (docs/links.md).
    const { page, errors } = await t.open(
      '?0=L%20%40%20R&2.3=16&4.5=local&expr=0&left=2&h=3&viz=4&sensitivity=5',
    );
    const p = await params(page);
    t.equal(p.expr, 'L @ R', 'expr');
    t.equal(p.left.h, 16, 'left.h');
    t.equal(p.viz.sensitivity, 'local', 'viz.sensitivity');
    t.deepEqual((await status(page)).notices, [], 'notices');
    t.noErrors(errors);
  });

  t.route('/fixtures/config.json', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        expr: 'A @ B',
        left: { name: 'A', h: 12, w: 20 },
        right: { name: 'B', h: 20, w: 6 },
      }),
    );
  });
  t.test('a ?config=<url> link opens the fetched tree', async (t) => {
    const { page, errors } = await t.open('?config=%2Ffixtures%2Fconfig.json');
    const p = await params(page);
    t.equal(p.expr, 'A @ B', 'expr');
    t.equal(p.left.h, 12, 'left.h');
    t.equal(p.right.w, 6, 'right.w');
    t.equal((await page.textContent('#title')).trim(), 'A @ B', '#title');
    t.noErrors(errors);
  });

  t.test('status().ready turns false while a new state is being computed', async (t) => {
    const { page, errors } = await t.open('?expr=L+%40+R&left.h=256&left.w=256&right.w=256');
    const r = await page.evaluate(() => {
      window.mm3d.app.applyPartial({ left: { init: 'gaussian' } }, false, false);
      return { status: window.mm3d.status().ready, app: window.mm3d.app.status.ready };
    });
    t.equal(r.app, false, 'mm3d.app.status.ready right after a change');
    t.equal(
      r.status,
      false,
      'mm3d.status().ready right after a change (the value tests and getStatus see)',
    );
    await t.waitReady(page);
    t.noErrors(errors);
  });

  // A hand-written tree in the original's JSON form, with its property names.
  const ORIGINAL_TREE = {
    expr: 'L @ R',
    name: 'L @ R',
    epilog: 'none',
    folder: 'closed',
    left: {
      name: 'L',
      matmul: false,
      h: 16,
      w: 24,
      init: 'gaussian',
      min: -1,
      max: 1,
      dropout: 0,
      url: '',
      expr: '',
      folder: 'open',
    },
    right: {
      name: 'R',
      matmul: false,
      h: 24,
      w: 8,
      init: 'col major',
      min: -1,
      max: 1,
      dropout: 0,
      url: '',
      expr: '',
      folder: 'closed',
    },
    anim: { alg: 'none', speed: 20, fuse: 'none', 'hide inputs': false, spin: 0, folder: 'closed' },
    block: { 'i blocks': 1, 'k blocks': 1, 'j blocks': 1, folder: 'closed' },
    layout: {
      scheme: 'blocks',
      gap: 4,
      scatter: 0,
      molecule: 1,
      blast: 0,
      polarity: 'negative',
      'left placement': 'left',
      'right placement': 'top',
      'result placement': 'front',
      folder: 'closed',
    },
    deco: {
      legends: 6,
      shape: true,
      'row guides': 0.6,
      'flow guides': 0.5,
      spotlight: 2,
      'lens size': 0.5,
      magnification: 7,
      'interior spotlight': false,
      axes: false,
      folder: 'closed',
    },
    viz: {
      sensitivity: 'local',
      'min size': 0.2,
      'min light': 0.4,
      'max light': 0.7,
      'elem scale': 1.25,
      'zero hue': 0.77,
      'hue gap': 0.74,
      'hue spread': 0.04,
      folder: 'closed',
    },
  };

  t.test(
    'an original ?params=<JSON> link opens (checked by getParams from a parent)',
    async (t) => {
      const { page, errors } = await openParent(t, paramsQuery(ORIGINAL_TREE));
      const p = await getParams(page);
      t.equal(p.expr, 'L @ R', 'expr');
      t.equal(p.left.h, 16, 'left.h');
      t.equal(p.left.w, 24, 'left.w');
      t.equal(p.left.init, 'gaussian', 'left.init');
      t.equal(p.left.folder, 'open', 'left.folder');
      t.equal(p.right.h, 24, 'right.h');
      t.equal(p.right.w, 8, 'right.w');
      t.equal(p.viz.sensitivity, 'local', 'viz.sensitivity');
      t.equal(p.anim['hide inputs'], false, 'anim["hide inputs"]');
      t.equal(p.block['i blocks'], 1, 'block["i blocks"]');
      t.equal(p.layout['left placement'], 'left', 'layout["left placement"]');
      const from = await msgCount(page);
      await page.evaluate(() => window.send({ getStatus: 1 }));
      const st = (await waitMsg(page, (m) => m && m.status, from)).status;
      t.equal(st.elements, 16 * 24 + 24 * 8 + 16 * 8, 'status.elements');
      t.deepEqual(
        st.notices,
        [],
        'notices for a link that uses only documented names (docs/parameters.md)',
      );
      const from2 = await msgCount(page);
      await page.evaluate(() => window.send({ getUrlInfo: 1 }));
      const ui = (await waitMsg(page, (m) => m && m.url_info, from2)).url_info;
      t.assert(typeof ui.json === 'string' && JSON.parse(ui.json).left.h === 16, 'url_info.json');
      t.assert(typeof ui.url === 'string' && ui.url.includes('?'), 'url_info.url');
      t.assert(
        typeof ui.compressed === 'string' && ui.compressed.includes('z='),
        `url_info.compressed: ${ui.compressed}`,
      );
      t.assert(
        typeof ui.search_params === 'string' &&
          new URLSearchParams(ui.search_params).get('left.h') === '16',
        `url_info.search_params: ${ui.search_params}`,
      );
      t.equal(
        await page.frameLocator('#frame').locator('#title').textContent(),
        'L @ R',
        'title in the frame',
      );
      await t.screenshot(page, 'params-link');
      t.noErrors(errors);
    },
  );

  t.test(
    'setParams from a parent page merges props, posts search_params; sync_expr rebuilds',
    async (t) => {
      const { page, errors } = await openParent(t, '');
      const frame = await (await page.$('#frame')).contentFrame();
      t.assert(frame, 'the tool frame');

      let from = await msgCount(page);
      await page.evaluate(() => window.send({ setParams: { props: { left: { h: 8 } } } }));
      const sp1 = await waitMsg(
        page,
        (m) =>
          m &&
          typeof m.search_params === 'string' &&
          new URLSearchParams(m.search_params).get('left.h') === '8',
        from,
      );
      await waitMsg(page, isReady, from);
      let p = await getParams(page);
      t.equal(p.left.h, 8, 'left.h after setParams');
      t.equal(p.left.w, 32, 'left.w kept');
      t.equal(p.right.w, 32, 'right.w kept');
      t.equal(p.expr, 'L @ R', 'expr kept');
      const frameSearch = await frame.evaluate(() => location.search);
      t.equal(
        new URLSearchParams(frameSearch).get('left.h'),
        '8',
        `the frame URL follows (${frameSearch})`,
      );
      t.log(`search_params after left.h=8: ${sp1.search_params}`);

      from = await msgCount(page);
      await page.evaluate(() =>
        window.send({
          setParams: { props: { expr: 'A @ B @ C', sync_expr: true, right: { w: 16 } } },
        }),
      );
      const sp2 = await waitMsg(
        page,
        (m) =>
          m &&
          typeof m.search_params === 'string' &&
          new URLSearchParams(m.search_params).get('expr') === 'A @ B @ C',
        from,
      );
      await waitMsg(page, isReady, from);
      p = await getParams(page);
      t.equal(p.expr, 'A @ B @ C', 'expr after sync_expr');
      t.equal(p.left.matmul, true, 'left is a matmul');
      t.equal(p.left.left.name, 'A', 'left.left.name');
      t.equal(p.left.right.name, 'B', 'left.right.name');
      t.equal(p.right.name, 'C', 'right.name');
      t.equal(p.right.w, 16, 'props merged over the rebuilt tree (right.w)');
      t.equal(
        await page.frameLocator('#frame').locator('#title').textContent(),
        'A @ B @ C',
        'title in the frame',
      );
      t.log(`search_params after sync_expr: ${sp2.search_params}`);
      await t.screenshot(page, 'setparams-ABC');

      from = await msgCount(page);
      await page.evaluate(() => window.send({ setParams: { props: {}, reset: true } }));
      await waitMsg(page, isReady, from);
      p = await getParams(page);
      t.equal(p.expr, 'L @ R', 'expr after reset');
      t.equal(p.left.h, 32, 'left.h after reset');
      t.noErrors(errors);
    },
  );

  t.test('malformed messages are ignored', async (t) => {
    const { page, errors } = await openParent(t, '');
    const before = await getParams(page);
    await page.evaluate(() => {
      for (const m of [
        'hello',
        42,
        null,
        [1, 2],
        { setParams: 5 },
        { setParams: { props: 'x' } },
        { setParams: null },
        { getParams: undefined, constructor: 1 },
        { __proto__: { getParams: 1 } },
      ])
        window.send(m);
    });
    await sleep(500);
    const after = await getParams(page);
    t.equal(after.expr, before.expr, 'expr');
    t.equal(after.left.h, before.left.h, 'left.h');
    t.noErrors(errors);
  });

  const hostile = [
    {
      name: 'bad JSON in ?params',
      query: '?params={bad json',
      check: (t, p, n) => {
        t.equal(p.expr, 'L @ R', 'expr');
        t.assert(
          n.items.some((s) => /json/i.test(s)),
          `a notice about JSON: ${n.items}`,
        );
      },
    },
    {
      name: 'out-of-range and non-numeric readable values, unknown key',
      query: '?left.h=99999999&viz.min%20size=abc&bogus=1',
      // A 4096-row L seen whole: far away, drawn as its average look (about 1,900 coloured pixels).
      minColoured: 1000,
      check: (t, p, n) => {
        t.equal(p.left.h, 4096, 'left.h clamped');
        t.equal(p.viz.minSize, 0.2, 'viz.minSize defaulted');
        // `bogus` is known to neither tool: listed in the diag panel, not as a notice.
        t.assert(
          n.items.length >= 2 || n.items.some((s) => /more/.test(s)),
          `two notices expected: ${n.items}`,
        );
      },
    },
    {
      name: 'negative and absurd sizes in ?params, prototype keys',
      // Hand-written JSON: an object literal cannot carry a "__proto__" key through JSON.stringify.
      query: `?params=${encodeURIComponent('{"expr":"L @ R","left":{"h":-5,"w":"wide","__proto__":{"polluted":1}},"right":{"w":1e12},"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}')}`,
      minColoured: 1000, // a 1x32 L and a 32x4096 R: a thin strip once the camera frames it
      check: async (t, p, n, page) => {
        t.equal(p.left.h, 1, 'left.h clamped to 1');
        t.equal(p.left.w, 32, 'left.w defaulted');
        t.equal(p.right.w, 4096, 'right.w clamped');
        t.equal(await page.evaluate(() => ({}).polluted), undefined, 'Object.prototype polluted');
        t.assert(n.items.length >= 3, `notices: ${n.items}`);
      },
    },
    {
      name: 'a 1 MB query',
      query: `?expr=L+%40+R&bogus=${'x'.repeat(1 << 20)}`,
      check: (t, p) => {
        t.equal(p.expr, 'L @ R', 'expr');
        t.equal(p.left.h, 32, 'left.h');
      },
    },
    {
      name: 'a malformed expression',
      query: '?expr=L+%40+(',
      check: (t, p, n) => {
        t.equal(p.expr, 'L @ R', 'expr');
        t.assert(
          n.items.some((s) => /expr/.test(s)),
          `a notice about expr: ${n.items}`,
        );
      },
    },
    {
      name: 'garbage ?z=',
      query: '?z=this-is-not-lz-string',
      check: (t, p) => {
        t.equal(p.expr, 'L @ R', 'expr');
      },
    },
  ];
  for (const h of hostile) {
    t.test(`hostile link: ${h.name}`, async (t) => {
      const { page, errors } = await t.open(h.query);
      const n = await noticeTexts(page);
      t.assert(
        n.visible && n.items.length > 0 && n.items.join('').trim().length > 0,
        `#notice-box should be visible with text (visible ${n.visible}, ${n.items.length} items)`,
      );
      const p = await params(page);
      await h.check(t, p, n, page);
      const { png } = await t.screenshot(page, `hostile-${h.name}`);
      const c = countColors(decodePng(png));
      t.assert(
        coloured(c) > (h.minColoured ?? 5000),
        `the page should still draw (blue ${c.blue}, red ${c.red})`,
      );
      t.log(
        `notices: ${n.items.map((s) => (s.length > 100 ? s.slice(0, 97) + '...' : s)).join(' | ')}`,
      );
      t.noErrors(errors);
    });
  }

  t.test('a camera drag is saved to the URL once and a reload restores it', async (t) => {
    const { page, errors } = await t.open('');
    await sleep(300); // let the menu build and the idle page settle
    const s0 = await search(page);
    t.assert(!/cam\./.test(s0), `no camera in the URL before the drag: ${s0}`);
    const h0 = await page.evaluate(() => history.length);
    await page.mouse.move(600, 420);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(600 + i * 15, 420 + i * 4);
    t.assert(!/cam\./.test(await search(page)), 'the camera was saved during the move');
    await page.mouse.up();
    await page.waitForFunction(() => /cam\./.test(location.search), null, { timeout: 5000 });
    await sleep(800);
    t.equal(await page.evaluate(() => history.length), h0 + 1, 'history entries for one move');
    const s1 = await search(page);
    const cam = await page.evaluate(() => window.mm3d.app.params.cam);
    const pos = await page.evaluate(() => window.mm3d.app.scene.camera.position.toArray());
    t.assert(
      Math.hypot(cam.x + 48, cam.y - 48, cam.z - 48) > 5,
      `the camera moved: ${JSON.stringify(cam)}`,
    );
    const { png: a } = await t.screenshot(page, 'camera-moved');
    t.log(`URL after the move: ${s1}`);

    await page.reload();
    await t.waitReady(page);
    await sleep(300);
    t.deepEqual(
      await page.evaluate(() => window.mm3d.app.params.cam),
      cam,
      'params.cam after reload',
    );
    const pos2 = await page.evaluate(() => window.mm3d.app.scene.camera.position.toArray());
    t.assert(
      pos.every((v, i) => Math.abs(v - pos2[i]) < 0.01),
      `camera position after reload ${pos2} vs ${pos}`,
    );
    const { png: b } = await t.screenshot(page, 'camera-reloaded');
    const ia = decodePng(a),
      ib = decodePng(b);
    let diff = 0;
    for (let i = 0; i < ia.data.length; i += 4)
      if (
        Math.abs(ia.data[i] - ib.data[i]) +
          Math.abs(ia.data[i + 1] - ib.data[i + 1]) +
          Math.abs(ia.data[i + 2] - ib.data[i + 2]) >
        60
      )
        diff++;
    t.assert(
      diff < ia.width * ia.height * 0.01,
      `the picture after reload differs in ${diff} pixels`,
    );
    t.noErrors(errors);
  });
}
