// Issue 4: animation in the browser. Every algorithm runs and shows products inside the cube;
// pause / single step / space; pausing is not part of the state; k-blocked partial planes and the
// full product at the end; i blocks reveal per block; a fused attention-head chain runs several
// matmuls in the same step.
import fs from 'node:fs';
import { decodePng, classify, countColors, contactSheet } from './lib.mjs';
import { attentionHeadTree, paramsQuery } from '../../scenes/scenes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const REF = '/work/shared/reference';

const animState = (page) =>
  page.evaluate(() => {
    const a = window.mm3d.app.animator;
    return {
      step: a.step,
      paused: a.paused,
      active: a.active,
      alg: window.mm3d.app.params.anim.alg,
    };
  });

/** Result reveal uniforms of the given matrix keys: {key: [mode, count]}. */
const reveals = (page, keys) =>
  page.evaluate((keys) => {
    const out = {};
    for (const k of keys) {
      const mv = window.mm3d.app.scene.matrixView(k);
      out[k] = mv ? [mv.uniforms.uReveal.value.x, mv.uniforms.uReveal.value.y] : null;
    }
    return out;
  }, keys);

const interiorInfo = (page) =>
  page.evaluate(() =>
    window.mm3d.app.scene.interior.map((x) => ({
      matmul: x.plane.matmul,
      plane: x.plane.plane,
      fixed: x.plane.fixed,
      rows: x.plane.rows,
      cols: x.plane.cols,
    })),
  );

/** Screen rectangle (CSS px) covered by the interior planes shown now. */
const interiorRect = (page) =>
  page.evaluate(() => {
    const s = window.mm3d.app.scene;
    const cam = s.camera;
    cam.updateMatrixWorld();
    const V = cam.position.constructor;
    const el = s.renderer.domElement;
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (const { placement: p } of s.interior) {
      for (const [r, c] of [
        [-0.5, -0.5],
        [p.h - 0.5, -0.5],
        [-0.5, p.w - 0.5],
        [p.h - 0.5, p.w - 0.5],
      ]) {
        const w = [0, 1, 2].map((a) => p.origin[a] + p.rowDir[a] * r + p.colDir[a] * c);
        const v = new V(w[0], w[1], w[2]).project(cam);
        const x = ((v.x + 1) / 2) * el.clientWidth,
          y = ((1 - v.y) / 2) * el.clientHeight;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    return Number.isFinite(x0)
      ? { x: Math.floor(x0), y: Math.floor(y0), w: Math.ceil(x1 - x0), h: Math.ceil(y1 - y0) }
      : null;
  });

/** Pixels in `rect` that are dark in `base` and blue or red in `img`: new coloured things. */
function newColoured(base, img, rect) {
  let n = 0;
  const xe = Math.min(img.width, rect.x + rect.w),
    ye = Math.min(img.height, rect.y + rect.h);
  for (let y = Math.max(0, rect.y); y < ye; y++)
    for (let x = Math.max(0, rect.x); x < xe; x++) {
      const o = (y * img.width + x) * 4;
      const was = classify(base.data[o], base.data[o + 1], base.data[o + 2]);
      const now = classify(img.data[o], img.data[o + 1], img.data[o + 2]);
      if (was === 'dark' && (now === 'blue' || now === 'red')) n++;
    }
  return n;
}

/** Pauses (if running) and goes to step `n` through the `s` key. */
async function gotoStep(page, n) {
  const st = await animState(page);
  if (!st.paused) await page.keyboard.press('p');
  await page.evaluate((n) => {
    window.mm3d.app.animator.step = n - 1;
  }, n);
  await page.keyboard.press('s');
  await page.waitForFunction((n) => window.mm3d.app.animator.step === n, n, { timeout: 5000 });
  await sleep(600); // a frame or two, and the full resolution back (it drops while animating)
}

/** Steps (paused) through one whole loop from step 0; calls `probe(step)` at every step. */
async function walkLoop(page, probe, max = 200) {
  const st = await animState(page);
  if (!st.paused) await page.keyboard.press('p');
  await page.evaluate(() => {
    const a = window.mm3d.app.animator;
    a.step = -1;
    a.stepOnce();
  });
  let prev = -1;
  for (let i = 0; i < max; i++) {
    const s = (await animState(page)).step;
    if (s <= prev) return prev + 1; // wrapped: loop length
    await probe(s);
    prev = s;
    await page.keyboard.press('s');
  }
  throw new Error(`the animation did not loop within ${max} steps`);
}

function matmulPlain(A, B, I, K, J) {
  const out = new Float64Array(I * J);
  for (let i = 0; i < I; i++)
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      for (let j = 0; j < J; j++) out[i * J + j] += a * B[k * J + j];
    }
  return out;
}
const maxRel = (a, b) => {
  let scale = 0,
    worst = 0;
  for (const x of b) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (scale || 1));
  return worst;
};

// Algorithms with a step part-way through the default 32x32x32 cube. For the element-at-a-time
// ones the step is chosen where the products are large enough to see (L row major and R col major
// over [-1, 1] are near zero in the middle row / column): result (8, 4) for dotprod, column 4 at
// depth 16 for axpy. The minimum counts of new pixels follow the original's look (balls 0.7 of a
// cell across, dark at the rim), about half what the earlier, larger balls covered; a step that
// draws no products shows none.
const ALGS = [
  { alg: 'dotprod (row major)', mid: 8 * 32 + 4, ref: '02-dotprod-midway.png', minNew: 50 },
  { alg: 'dotprod (col major)', mid: 4 * 32 + 8, minNew: 50 },
  { alg: 'axpy', mid: 4 * 32 + 16, minNew: 50 },
  { alg: 'vmprod', mid: 16, ref: '03-vmprod-midway.png', minNew: 500 },
  { alg: 'mvprod', mid: 16, ref: '04-mvprod-midway.png', minNew: 500 },
  { alg: 'vvprod', mid: 16, ref: '05-vvprod-midway.png', minNew: 500 },
];

export async function run(t) {
  t.test(
    'each algorithm runs and shows products inside the cube mid-way',
    async (t) => {
      // The reference pictures are 1000x700 with the default camera.
      const { page, errors } = await t.open('?expr=L+%40+R', { width: 1000, height: 700 });
      await page.evaluate(() => {
        document.getElementById('help').hidden = true;
      });
      const { png: nonePng } = await t.screenshot(page, 'none');
      const none = decodePng(nonePng);
      const failures = [];
      const sheet = [];
      for (const a of ALGS) {
        await page.evaluate(
          (alg) => window.mm3d.app.applyPartial({ anim: { alg, speed: 100 } }, false, false),
          a.alg,
        );
        await t.waitReady(page);
        if ((await animState(page)).paused) await page.keyboard.press('p');
        // Runs for 2 s: count the step changes seen when sampling every 100 ms.
        let changes = 0,
          last = (await animState(page)).step;
        for (let i = 0; i < 20; i++) {
          await sleep(100);
          const s = (await animState(page)).step;
          if (s !== last) changes++;
          last = s;
        }
        const s1 = await animState(page);
        if (!s1.active) failures.push(`${a.alg}: animator not active`);
        if (changes < 5) failures.push(`${a.alg}: the step changed only ${changes} times in 2 s`);
        if (s1.alg !== a.alg) failures.push(`${a.alg}: params.anim.alg is ${s1.alg}`);
        // The picture at full resolution: while the animation ran on a busy machine the view may
        // have dropped to reduced resolution, whose stretched balls would blur the pixel counts.
        await gotoStep(page, a.mid);
        await page.evaluate(() => {
          const s = window.mm3d.app.scene;
          s.fixedRatio = 1;
          s.invalidate();
        });
        await page
          .waitForFunction(() => window.mm3d.app.scene.pixelRatio === 1, null, { timeout: 5000 })
          .catch(() => failures.push(`${a.alg}: the paused step is not drawn at full resolution`));
        const planes = await interiorInfo(page);
        const rect = await interiorRect(page);
        const { png } = await t.screenshot(page, a.alg);
        await page.evaluate(() => {
          window.mm3d.app.scene.fixedRatio = null;
        });
        if (!planes.length || !rect) {
          failures.push(`${a.alg}: no interior plane at step ${a.mid}`);
          continue;
        }
        const img = decodePng(png);
        const fresh = newColoured(none, img, rect);
        const all = countColors(img);
        t.log(
          `${a.alg}: step changes seen in 2 s: ${changes}/20; step ${a.mid}: ${planes.length} plane(s) ${JSON.stringify(planes[0])}; new coloured pixels in the interior ${fresh} (rect ${rect.w}x${rect.h}); blue ${all.blue}, red ${all.red}`,
        );
        if (fresh < a.minNew)
          failures.push(
            `${a.alg}: only ${fresh} new coloured pixels inside the cube (expected >= ${a.minNew})`,
          );
        if (a.ref)
          sheet.push(
            { png, caption: `mm3d: ${a.alg}, step ${a.mid}` },
            { png: fs.readFileSync(`${REF}/${a.ref}`), caption: `reference ${a.ref}` },
          );
        if (errors.length)
          failures.push(`${a.alg}: page errors: ${errors.splice(0).slice(0, 3).join(' | ')}`);
      }
      if (sheet.length)
        await contactSheet(t.browser, sheet, t.file('vs-reference.png'), {
          cols: 2,
          cellW: 500,
          cellH: 350,
        });
      t.assert(failures.length === 0, failures.join('\n     '));
      t.noErrors(errors);
    },
    { timeout: 90000 },
  );

  t.test(
    'p pauses, s steps by one, space toggles the algorithm; pause is not in the URL; reload restores',
    async (t) => {
      const { page, errors } = await t.open('?expr=L+%40+R&anim.alg=vmprod&anim.speed=20');
      await page.waitForFunction(() => window.mm3d.app.animator.step > 0, null, { timeout: 10000 });
      const search0 = await page.evaluate(() => location.search);
      const params0 = await page.evaluate(() => window.mm3d.app.params);
      const hist0 = await page.evaluate(() => history.length);
      await page.keyboard.press('p');
      let st = await animState(page);
      t.equal(st.paused, true, 'paused after p');
      await sleep(1000);
      const st2 = await animState(page);
      t.equal(st2.step, st.step, 'step while paused for 1 s');
      t.equal(await page.evaluate(() => location.search), search0, 'location.search after p');
      t.equal(await page.evaluate(() => history.length), hist0, 'history entries after p');
      await page.keyboard.press('s');
      const st3 = await animState(page);
      t.equal(st3.step, (st2.step + 1) % 33, 'step after s (vmprod over 32 rows + 1 hold step)');
      t.equal(st3.paused, true, 'still paused after s');
      await page.keyboard.press('s');
      t.equal((await animState(page)).step, (st2.step + 2) % 33, 'step after a second s');
      t.equal(await page.evaluate(() => location.search), search0, 'location.search after s');

      // Reload: the same state (pause and step are not part of it).
      await page.reload();
      await t.waitReady(page);
      t.equal(await page.evaluate(() => location.search), search0, 'location.search after reload');
      t.deepEqual(
        await page.evaluate(() => window.mm3d.app.params),
        params0,
        'params after pause and reload',
      );
      t.equal((await animState(page)).alg, 'vmprod', 'alg after reload');

      // Space: off and back on (a state change each time).
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.mm3d.app.params.anim.alg === 'none', null, {
        timeout: 5000,
      });
      t.equal(
        new URLSearchParams(await page.evaluate(() => location.search)).get('anim.alg'),
        null,
        'anim.alg leaves the URL (default none)',
      );
      await t.waitReady(page);
      st = await animState(page);
      t.equal(st.active, false, 'animator inactive after space');
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.mm3d.app.params.anim.alg === 'vmprod', null, {
        timeout: 5000,
      });
      await t.waitReady(page);
      await page.waitForFunction(() => window.mm3d.app.animator.step > 0, null, { timeout: 10000 });
      t.equal(
        new URLSearchParams(await page.evaluate(() => location.search)).get('anim.alg'),
        'vmprod',
        'anim.alg back in the URL',
      );
      // Space remembers the spin too.
      await page.evaluate(() =>
        window.mm3d.app.applyPartial({ anim: { alg: 'mvprod', spin: 3 } }, false, false),
      );
      await t.waitReady(page);
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.mm3d.app.params.anim.alg === 'none', null, {
        timeout: 5000,
      });
      t.equal(
        (await page.evaluate(() => window.mm3d.app.params.anim)).spin,
        0,
        'spin off after space',
      );
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.mm3d.app.params.anim.alg !== 'none', null, {
        timeout: 5000,
      });
      const anim = await page.evaluate(() => window.mm3d.app.params.anim);
      t.deepEqual([anim.alg, anim.spin], ['mvprod', 3], 'alg and spin restored by space');
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );

  t.test(
    'k blocks: partial planes while vvprod runs, the full product at the end',
    async (t) => {
      const { page, errors } = await t.open(
        '?expr=L+%40+R&block.k%20blocks=4&left.init=gaussian&right.init=gaussian',
        { width: 1000, height: 700 },
      );
      const meshes = () =>
        page.evaluate(
          () => window.mm3d.app.scene.scene.children.filter((o) => o.isMesh && o.visible).length,
        );
      const m0 = await meshes();
      await page.evaluate(() =>
        window.mm3d.app.applyPartial({ anim: { alg: 'vvprod', speed: 100 } }, false, false),
      );
      await t.waitReady(page);
      await sleep(1000);
      await gotoStep(page, 3);
      const m1 = await meshes();
      const planes = await interiorInfo(page);
      t.log(
        `visible meshes: ${m0} without animation, ${m1} at vvprod step 3; interior planes ${JSON.stringify(planes.map((p) => p.fixed))}`,
      );
      t.equal(planes.length, 4, 'interior planes (one per k block)');
      t.deepEqual(
        planes.map((p) => p.fixed),
        [3, 11, 19, 27],
        'k of the interior planes at step 3',
      );
      t.assert(
        m1 >= m0 + 8,
        `4 partial-sum planes and 4 product planes add meshes (${m0} -> ${m1})`,
      );
      await t.screenshot(page, 'k-blocks-step3');

      const v = await page.evaluate(() => {
        const get = (k) => Array.from(window.mm3d.app.values.get(k).data);
        return { L: get('left'), R: get('right'), root: get('root') };
      });
      const full = matmulPlain(v.L, v.R, 32, 32, 32);
      t.assert(maxRel(v.root, full) < 1e-4, 'computed result equals the plain product');
      const shown = () =>
        page.evaluate(() => {
          const scene = window.mm3d.app.scene;
          const mv = scene.matrixView('root');
          // The partial-sum planes (a private pool of the scene: read only, for the sum check).
          const parts = Array.from(scene.partialViews.values())
            .filter((v) => v.mesh.visible)
            .map((v) => v.uniforms.uValues.value.image.data);
          const sum = parts.length
            ? Array.from(parts[0], (_, x) => parts.reduce((s, d) => s + d[x], 0))
            : null;
          return {
            reveal: [mv.uniforms.uReveal.value.x, mv.uniforms.uReveal.value.y],
            data: Array.from(mv.uniforms.uValues.value.image.data),
            partials: parts.length,
            sum,
          };
        });
      // Walk the loop: 8 steps per k block, then the hold.
      const seen = [];
      const len = await walkLoop(page, async (s) => {
        seen.push({ s, ...(await shown()) });
      });
      t.equal(len, 9, 'loop length (8 vvprod steps + 1 hold)');
      const lastRun = seen[7],
        end = seen[8];
      t.assert(
        maxRel(lastRun.data, full) < 1e-4,
        `after the last vvprod step the result shows the full product (rel err ${maxRel(lastRun.data, full)})`,
      );
      t.equal(end.reveal[0], 0, 'at the end the whole result is revealed (uReveal mode 0)');
      t.assert(
        maxRel(end.data, full) < 1e-4,
        `at the end the result shows the full product (rel err ${maxRel(end.data, full)})`,
      );
      t.assert(
        maxRel(seen[3].data, full) > 0.05,
        'mid-way the result shows partial sums, not the product',
      );
      t.equal(lastRun.partials, 4, 'partial-sum planes at the last vvprod step');
      t.assert(
        lastRun.sum && maxRel(lastRun.sum, full) < 1e-4,
        `the 4 partial-sum planes add up to the product (rel err ${lastRun.sum && maxRel(lastRun.sum, full)})`,
      );
      t.equal(end.partials, 0, 'no partial planes once the animation is done');
      await gotoStep(page, 8);
      await t.screenshot(page, 'k-blocks-end');
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );

  t.test(
    'i blocks: result rows reveal per block',
    async (t) => {
      const { page, errors } = await t.open(
        '?expr=L+%40+R&anim.alg=vmprod&anim.speed=100&block.i%20blocks=2',
        { width: 1000, height: 700 },
      );
      await sleep(500);
      const seen = [];
      const len = await walkLoop(page, async (s) => {
        const r = (await reveals(page, ['root']))['root'];
        const planes = await interiorInfo(page);
        seen.push({ s, mode: r[0], count: r[1], fixed: planes.map((p) => p.fixed) });
      });
      t.equal(len, 17, 'loop length (16 rows per block + 1 hold; 33 without blocks)');
      const bad = seen
        .slice(0, 16)
        .filter(
          (x) => x.mode !== 3 || x.count !== x.s + 1 || x.fixed.join() !== `${x.s},${x.s + 16}`,
        );
      t.assert(
        bad.length === 0,
        `per-block row reveal at steps: ${JSON.stringify(bad.slice(0, 3))}`,
      );
      t.equal(seen[16].mode, 0, 'everything revealed at the end');
      await gotoStep(page, 7);
      const { png } = await t.screenshot(page, 'i-blocks-step7');
      t.assert(countColors(decodePng(png)).blue > 5000, 'the picture is drawn');
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );

  t.test('interior spotlight: the magnifier labels the products of the running step', async (t) => {
    const { page, errors } = await t.open(
      '?expr=L+%40+R&left.h=8&left.w=8&right.w=8&anim.alg=vmprod&deco.interior%20spotlight=true',
      { width: 1000, height: 700 },
    );
    await page.evaluate(() => {
      document.getElementById('help').hidden = true;
    });
    await gotoStep(page, 4); // row 4: the plane of L[4,k] * R[k,j]
    const planes = await interiorInfo(page);
    t.equal(planes.length, 1, 'one interior plane');
    t.deepEqual([planes[0].plane, planes[0].fixed], [1, 4], 'the plane of row i = 4');
    // Point at the plane's cell (k = 3, j = 5).
    const at = await page.evaluate(() => {
      const s = window.mm3d.app.scene;
      const p = s.interior[0].placement;
      const cam = s.camera;
      cam.updateMatrixWorld();
      const w = [0, 1, 2].map((a) => p.origin[a] + p.rowDir[a] * 3 + p.colDir[a] * 5);
      const v = new cam.position.constructor(w[0], w[1], w[2]).project(cam);
      const el = s.renderer.domElement.getBoundingClientRect();
      return { x: el.left + ((v.x + 1) / 2) * el.width, y: el.top + ((1 - v.y) / 2) * el.height };
    });
    await page.mouse.move(at.x + 2, at.y + 2);
    await page.mouse.move(at.x, at.y);
    await page.keyboard.down('Control');
    let labels;
    try {
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('.lens-label')].some(
            (l) => !l.hidden && /\(\d+,\d+,\d+\)$/.test(l.dataset.cell),
          ),
        null,
        { timeout: 10000 },
      );
      labels = await page.evaluate(() =>
        [...document.querySelectorAll('.lens-label')]
          .filter((l) => !l.hidden)
          .map((l) => ({ cell: l.dataset.cell, text: l.textContent })),
      );
      await t.screenshot(page, 'interior-spotlight');
    } finally {
      await page.keyboard.up('Control');
    }
    const v = await page.evaluate(() => ({
      L: Array.from(window.mm3d.app.values.get('left').data),
      R: Array.from(window.mm3d.app.values.get('right').data),
    }));
    const interior = labels.filter((l) => /\(\d+,\d+,\d+\)$/.test(l.cell));
    t.log(`interior labels: ${interior.map((l) => `${l.cell}=${l.text}`).join(' ')}`);
    const wrong = [];
    for (const l of interior) {
      const [, name, i, j, k] = /^(.*)\((\d+),(\d+),(\d+)\)$/.exec(l.cell);
      const want = (v.L[Number(i) * 8 + Number(k)] * v.R[Number(k) * 8 + Number(j)]).toFixed(5);
      if (name !== 'L @ R' || Number(i) !== 4 || l.text !== want)
        wrong.push(`${l.cell}=${l.text} (want ${want})`);
    }
    t.assert(
      interior.some((l) => l.cell === 'L @ R(4,5,3)'),
      `a label for the pointed product L @ R(4,5,3): ${interior.map((l) => l.cell).join(' ')}`,
    );
    t.assert(wrong.length === 0, `wrong interior labels: ${wrong.join(' ')}`);
    t.noErrors(errors);
  });

  t.test(
    'fused attention-head chain (vmprod, sync) runs several matmuls in the same step',
    async (t) => {
      const tree = attentionHeadTree({ n: 16, d: 24, dh: 8 });
      tree.anim = { alg: 'vmprod', fuse: 'sync', speed: 100 };
      const { page, errors } = await t.open(paramsQuery(tree), { width: 1000, height: 700 });
      const p = await page.evaluate(() => window.mm3d.app.params);
      t.equal(
        p.expr,
        'out = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV) @ wO',
        'expr',
      );
      t.equal(p.anim.fuse, 'sync', 'anim.fuse');
      const shape = await page.evaluate(() => {
        const v = window.mm3d.app.values.get('root');
        return [v.h, v.w];
      });
      t.deepEqual(shape, [16, 24], 'result shape');
      await sleep(3000);
      t.noErrors(errors, 'page errors while running');
      const keys = ['root', 'left', 'left.left', 'left.left.left', 'left.left.right', 'left.right'];
      const names = {
        root: 'out',
        left: 'attn @ V',
        'left.left': 'attn',
        'left.left.left': 'Q',
        'left.left.right': 'K_t',
        'left.right': 'V',
      };
      const seen = [];
      const len = await walkLoop(page, async (s) => {
        const r = await reveals(page, keys);
        const running = keys.filter((k) => r[k] && r[k][0] === 3);
        const interior = [...new Set((await interiorInfo(page)).map((x) => x.matmul))];
        seen.push({ s, running, interior });
      });
      const maxRunning = Math.max(...seen.map((x) => x.running.length));
      const timeline = seen
        .filter((x, i) => i === 0 || x.running.join() !== seen[i - 1].running.join())
        .map((x) => `${x.s}: ${x.running.map((k) => names[k]).join('+') || '-'}`);
      t.log(`loop of ${len} steps; running: ${timeline.join(' | ')}`);
      t.assert(maxRunning >= 2, `at most ${maxRunning} matmul(s) run in one step`);
      t.assert(
        seen.some((x) => x.interior.length >= 2),
        'interior planes of two matmuls shown in one step',
      );
      // docs/animation.md, "Fusion": a left-associative vmprod chain fuses along i: attn, attn @ V
      // and out in lockstep.
      t.assert(
        seen.some((x) => ['left.left', 'left', 'root'].every((k) => x.running.includes(k))),
        'attn, attn @ V and out run in the same steps (fused chain)',
      );
      await gotoStep(page, seen.find((x) => x.running.length === maxRunning).s);
      await t.screenshot(page, 'attention-fused');
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );
}
