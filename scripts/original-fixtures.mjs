#!/usr/bin/env node
// Regenerates test/fixtures/original/: links written by the original tool itself, what it shows
// for them, and its picture. Not part of `npm test` (the original is not in the repository; the
// tests read only the committed fixtures). Run from the project's root:
//
//   nice node scripts/original-fixtures.mjs [--original ../shared/original] [--only ID,ID] [--wait MS]
//
// For each state below, the original is opened with no query, the state is sent to it with its
// own `setParams` message (the way an embedding page or its menu changes it), and its own
// `getUrlInfo` answer gives the links it writes for that state: the URL bar's form, the numbered
// (flattened) form and the JSON tree. From these three link forms are kept: `?params=<JSON>`,
// the numbered form, and `?config=<url>` (the JSON tree saved as a file beside the fixture).
// Each form is then opened fresh in the original, and its `getParams` answer, its title and the
// statistics of its picture (1200x800, the same numbers as ../shared/tools/compare.mjs) are
// saved. One picture per fixture (from the `params` form, downscaled to 600x400) is kept as PNG.
import { createRequire } from 'node:module';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../test/browser/harness.mjs';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i < 0 ? d : args[i + 1];
};
const root = path.resolve(opt('--original', '../shared/original'));
const only = opt('--only', '') ? new Set(opt('--only', '').split(',')) : null;
const settle = Number(opt('--wait', 1500));
/**
 * Where an animated state's picture is taken: paused after this many single steps from its first
 * step (so that step, counted from 0, is the one shown): half of the 32 steps of a 32x32
 * vector algorithm, half of the 1024 of a dot-product one.
 */
const animSteps = (props) => (String(props.anim?.alg).startsWith('dotprod') ? 512 : 16);
const outDir = path.resolve('test/fixtures/original');
const [W, H] = [1200, 800];
if (!fs.existsSync(path.join(root, 'index.html'))) {
  console.error(`the original is not at ${root} (use --original DIR)`);
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// Every state is one the original's menu can make: values within its ranges, sizes that agree
// along every shared dimension and partitions carried to the matmuls that share them (its
// setParams message repairs neither).
const head = (extra = {}) => ({
  expr: 'out = (attn = Q @ K_t) @ V',
  sync_expr: true,
  ...extra,
});
const layer = 'out = ((attn = (Q = X @ Wq) @ (K_t = Wk_t @ X_t)) @ (V = X @ Wv)) @ Wo';

/** The states: id, the feature it shows, and the properties sent with setParams. */
const STATES = [
  ['default', 'single matmul, defaults (row major @ col major)', {}],
  ['init-rows', 'initializer rows', { left: { init: 'rows' } }],
  ['init-cols', 'initializer cols', { left: { init: 'cols' }, right: { init: 'rows' } }],
  ['init-col-major', 'initializer col major', { left: { init: 'col major' } }],
  [
    'init-pt-linear',
    'initializer pt linear',
    { left: { init: 'pt linear' }, right: { init: 'pt linear' } },
  ],
  [
    'init-uniform',
    'initializer uniform',
    { left: { init: 'uniform' }, right: { init: 'uniform' } },
  ],
  [
    'init-gaussian',
    'initializer gaussian',
    { left: { init: 'gaussian' }, right: { init: 'gaussian' } },
  ],
  ['init-tril', 'initializer tril mask', { left: { init: 'tril mask' } }],
  ['init-triu', 'initializer triu mask', { right: { init: 'triu mask' } }],
  ['init-eye', 'initializer eye', { left: { init: 'eye' } }],
  ['init-diff', 'initializer diff', { right: { init: 'diff' } }],
  ['init-expr', 'initializer expr (a formula)', { left: { init: 'expr', expr: '(i - j) / 32' } }],
  [
    'init-range-dropout',
    'uniform with a range and dropout',
    { left: { init: 'uniform', min: -0.5, max: 0.5, dropout: 0.5 } },
  ],
  ['shape', 'non-square shapes', { left: { h: 48, w: 16 }, right: { h: 16, w: 24 } }],
  ['names', 'named result and arguments', { name: 'C', left: { name: 'A' }, right: { name: 'B' } }],
  [
    'anim-dotprod-row',
    'animation dotprod (row major), mid-way',
    { anim: { alg: 'dotprod (row major)' } },
  ],
  [
    'anim-dotprod-col',
    'animation dotprod (col major), mid-way',
    { anim: { alg: 'dotprod (col major)' } },
  ],
  ['anim-axpy', 'animation axpy, mid-way', { anim: { alg: 'axpy' } }],
  ['anim-vmprod', 'animation vmprod, mid-way', { anim: { alg: 'vmprod' } }],
  ['anim-mvprod', 'animation mvprod, mid-way', { anim: { alg: 'mvprod' } }],
  ['anim-vvprod', 'animation vvprod, mid-way', { anim: { alg: 'vvprod', speed: 40 } }],
  [
    'anim-hide-inputs',
    'animation with hidden inputs',
    { anim: { alg: 'vmprod', 'hide inputs': true } },
  ],
  [
    'anim-fuse-sync',
    'fused animation over an expression',
    { expr: '(A @ B) @ C', sync_expr: true, anim: { alg: 'vmprod', fuse: 'sync' } },
  ],
  [
    'anim-fuse-async',
    'async fused animation',
    { expr: 'A @ (B @ C)', sync_expr: true, anim: { alg: 'mvprod', fuse: 'async' } },
  ],
  ['epilog-relu', 'epilog relu', { epilog: 'relu', left: { min: -1 } }],
  ['epilog-softmax', 'epilog softmax', { epilog: 'softmax' }],
  ['epilog-layernorm', 'epilog layernorm', { epilog: 'layernorm', left: { init: 'gaussian' } }],
  [
    'blocks',
    'blocks (partitions) on a single matmul',
    { block: { 'i blocks': 4, 'j blocks': 2, 'k blocks': 4 } },
  ],
  ['expr-left', 'expression, left-associated chain', { expr: 'A @ B @ C', sync_expr: true }],
  ['expr-right', 'expression, right-nested', { expr: 'A @ (B @ C)', sync_expr: true }],
  [
    'scheme-blocks',
    'layout scheme blocks',
    { expr: '(A @ B) @ (C @ D)', sync_expr: true, layout: { scheme: 'blocks' } },
  ],
  [
    'scheme-zigzag',
    'layout scheme zigzag',
    { expr: '(A @ B) @ (C @ D)', sync_expr: true, layout: { scheme: 'zigzag' } },
  ],
  [
    'scheme-wheel',
    'layout scheme wheel',
    { expr: '(A @ B) @ (C @ D)', sync_expr: true, layout: { scheme: 'wheel' } },
  ],
  [
    'layout-placement',
    'placements and polarity',
    {
      layout: {
        polarity: 'positive',
        'left placement': 'right',
        'right placement': 'bottom',
        'result placement': 'back',
      },
    },
  ],
  ['layout-gap-scatter', 'gap and scatter', { layout: { gap: 12, scatter: 10 } }],
  [
    'expr-blocks',
    'blocks over an expression',
    // As the original's menu sets them: its fixBlocks carries i and k (as the child's j) down.
    {
      expr: 'A @ B @ C',
      sync_expr: true,
      block: { 'i blocks': 2, 'j blocks': 2, 'k blocks': 2 },
      left: { block: { 'i blocks': 2, 'j blocks': 2 } },
    },
  ],
  [
    'head-unnamed',
    'attention head, generated name attn @ V',
    { expr: '(attn = Q @ K_t) @ V', sync_expr: true },
  ],
  [
    'head',
    'attention head with softmax',
    head({
      left: {
        epilog: 'softmax(x/sqrt(k))',
        left: { h: 64, w: 16, init: 'gaussian' },
        right: { h: 16, w: 64, init: 'gaussian' },
      },
      right: { h: 64, w: 16, init: 'gaussian' },
    }),
  ],
  [
    'layer',
    'attention layer (projections, head, output)',
    { expr: layer, sync_expr: true, left: { left: { epilog: 'softmax(x/sqrt(k))' } } },
  ],
  [
    'mlp',
    'MLP with gelu',
    { expr: 'y = (h = x @ W1) @ W2', sync_expr: true, left: { epilog: 'gelu' } },
  ],
  ['sens-semilocal', 'sensitivity semilocal', head({ viz: { sensitivity: 'semilocal' } })],
  ['sens-local', 'sensitivity local', head({ viz: { sensitivity: 'local' } })],
  ['sens-superlocal', 'sensitivity superlocal', head({ viz: { sensitivity: 'superlocal' } })],
  [
    'viz-look',
    'viz sizes, lightness and hues',
    {
      viz: {
        'min size': 0.5,
        'min light': 0.2,
        'max light': 0.9,
        'elem scale': 2,
        'zero hue': 0.3,
        'hue gap': 0.5,
        'hue spread': 0.2,
      },
    },
  ],
  [
    'deco-off',
    'legends, shape, guides and spotlight off',
    { deco: { legends: 0, shape: false, spotlight: 0, 'row guides': 0, 'flow guides': 0 } },
  ],
  [
    'deco-axes',
    'axes on, most legends (its menu stops at 10)',
    { deco: { axes: true, legends: 10 } },
  ],
  [
    'camera',
    'a camera of its own',
    { cam: { x: 70, y: 10, z: 90, target: { x: 16, y: 0, z: 0 } } },
  ],
];

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.json': 'application/json',
};
function serve(dir) {
  return new Promise((res) => {
    const s = http
      .createServer((req, rsp) => {
        const p = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
        if (!p.startsWith(dir) || !fs.existsSync(p) || fs.statSync(p).isDirectory()) {
          rsp.writeHead(404);
          rsp.end();
          return;
        }
        rsp.writeHead(200, {
          'content-type': TYPES[path.extname(p)] ?? 'application/octet-stream',
          'access-control-allow-origin': '*',
        });
        fs.createReadStream(p).pipe(rsp);
      })
      .listen(0, '127.0.0.1', () => res(s));
  });
}

/** Asks the page one question by message and waits for the answer's key. */
const ask = (page, question, key) =>
  page.evaluate(
    ([q, k]) =>
      new Promise((res) => {
        const on = (e) => {
          if (e.data && e.data[k] !== undefined) {
            window.removeEventListener('message', on);
            res(JSON.parse(JSON.stringify(e.data[k])));
          }
        };
        window.addEventListener('message', on);
        window.postMessage(q, '*');
        setTimeout(() => res(null), 20000);
      }),
    [question, key],
  );

// Picture statistics over the whole window, as ../shared/tools/compare.mjs computes them, and
// the picture downscaled to half size for eyeballing.
async function picture(page, shot) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let grey = 0,
      lit = 0,
      R = 0,
      G = 0,
      B = 0,
      x0 = c.width,
      y0 = c.height,
      x1 = -1,
      y1 = -1;
    for (let p = 0, n = 0; p < d.length; p += 4, n++) {
      const v = (d[p] + d[p + 1] + d[p + 2]) / 3;
      grey += v;
      if (v > 30) {
        lit++;
        R += d[p];
        G += d[p + 1];
        B += d[p + 2];
        const x = n % c.width,
          y = (n / c.width) | 0;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    const n = d.length / 4,
      f = (x) => +x.toFixed(3);
    const small = document.createElement('canvas');
    small.width = img.width / 2;
    small.height = img.height / 2;
    const sg = small.getContext('2d');
    sg.imageSmoothingQuality = 'high';
    sg.drawImage(img, 0, 0, small.width, small.height);
    return {
      stats: {
        mean_grey: f(grey / n / 255),
        lit: f(lit / n),
        lit_rgb: lit ? [f(R / lit / 255), f(G / lit / 255), f(B / lit / 255)] : null,
        lit_box: lit ? [x0, y0, x1, y1] : null,
      },
      png: small.toDataURL('image/png').split(',')[1],
    };
  }, shot.toString('base64'));
}

const original = await serve(root);
const fixtures = await serve(outDir);
const base = `http://127.0.0.1:${original.address().port}`;
const fixBase = `http://127.0.0.1:${fixtures.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // The tests' flags (playwright adds --headless itself).
  args: CHROMIUM_ARGS.filter((a) => a !== '--headless'),
});
const newPage = async () => {
  const page = await (await browser.newContext({ viewport: { width: W, height: H } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message.slice(0, 160)));
  page.on('dialog', (d) => d.dismiss());
  return { page, errors };
};

// Where two answers differ, as dotted paths. The forms differ by design in `compress` (false
// after a `params` or `config` link, true after a numbered one), and the numbered form drops
// empty strings and what the original adds to its tree after writing the link.
const flat = (o, pre = '', out = {}) => {
  if (typeof o !== 'object' || o === null) out[pre] = o;
  else for (const [k, v] of Object.entries(o)) flat(v, pre ? `${pre}.${k}` : k, out);
  return out;
};
const differences = (a, b) => {
  const [fa, fb] = [flat(a), flat(b)];
  return [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((k) => fa[k] !== fb[k]);
};

const animated = (props) =>
  !!props.anim && props.anim.alg !== undefined && props.anim.alg !== 'none';

/** The original's picture of a link with an animation paused at step `n` (see animSteps). */
async function animatedPicture(page, query, n, speed) {
  // The original steps at most once per 1000 / speed ms of its clock, even when stepped by key.
  const frame = Math.ceil(1000 / speed) + 20;
  await page.clock.install({ time: 0 });
  await page.clock.pauseAt(1000);
  await page.goto(`${base}/index.html?${query}`, { waitUntil: 'load', timeout: 180000 });
  await page.keyboard.press('KeyP');
  await page.clock.runFor(20);
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('KeyS');
    await page.clock.runFor(frame);
  }
  await page.clock.runFor(20);
  return picture(page, await page.screenshot());
}

// One page of the original sets every state in turn (`reset: true` starts each from its defaults).
const { page: setter } = await newPage();
await setter.goto(`${base}/index.html`, { waitUntil: 'load', timeout: 180000 });

const index = [];
for (const [id, feature, props] of STATES) {
  if (only && !only.has(id)) continue;
  const t0 = Date.now();
  // 1. The state, set the way the original's own message interface sets it; its links.
  await setter.evaluate(
    (p) => window.postMessage({ setParams: { props: p, reset: true } }, '*'),
    props,
  );
  await setter.waitForTimeout(300);
  const info = await ask(setter, { getUrlInfo: true }, 'url_info');
  const urlbar = new URL(info.url).search.slice(1);
  const numbered = new URL(info.compressed).search.slice(1);
  const json = info.json;
  fs.writeFileSync(path.join(outDir, `${id}.config.json`), json + '\n');
  const forms = {
    params: new URLSearchParams({ params: json }).toString(),
    numbered,
    config: `config=${encodeURIComponent(`${fixBase}/${id}.config.json`)}`,
  };
  // 2. Each form opened fresh: what the original shows for it.
  const opened = {};
  for (const [form, query] of Object.entries(forms)) {
    const { page, errors } = await newPage();
    // Only the `params` form's picture is kept and measured (the forms draw the same state).
    let pic = null;
    if (form === 'params' && animated(props)) {
      // An animation, at a known step: the page's clock is paused from the start (no step happens
      // on its own), the animation paused with its own key (p), then stepped N times with its own
      // key (s), one step per key press.
      pic = await animatedPicture(page, query, animSteps(props), props.anim.speed ?? 20);
    } else if (form === 'params') {
      await page.goto(`${base}/index.html?${query}`, { waitUntil: 'load', timeout: 180000 });
      await page.waitForTimeout(settle);
      pic = await picture(page, await page.screenshot());
    } else {
      await page.goto(`${base}/index.html?${query}`, { waitUntil: 'load', timeout: 180000 });
    }
    const params = await ask(page, { getParams: true }, 'params');
    const title = await page.evaluate(() => document.getElementById('info')?.textContent ?? '');
    if (form === 'params')
      fs.writeFileSync(path.join(outDir, `${id}.png`), Buffer.from(pic.png, 'base64'));
    opened[form] = { params, title, stats: pic?.stats, errors };
    await page.context().close();
  }
  const fixture = {
    id,
    feature,
    set: props,
    urlbar_form: urlbar.startsWith('params=') ? 'params' : 'numbered',
    queries: {
      params: forms.params,
      numbered: forms.numbered,
      // The fetched address is the fixture's JSON file; `{BASE}` stands for wherever it is served.
      config: `config=${encodeURIComponent('{BASE}/')}${id}.config.json`,
    },
    title: opened.params.title,
    stats: opened.params.stats,
    params: opened.params.params,
    opened: Object.fromEntries(
      Object.entries(opened).map(([f, o]) => [
        f,
        {
          title: o.title,
          errors: o.errors,
          differs_from_params_form: differences(o.params, opened.params.params),
        },
      ]),
    ),
    picture: `${id}.png`,
    window: [W, H],
    settle_ms: settle,
    animated: animated(props),
    ...(animated(props) ? { anim_step: animSteps(props) } : {}),
  };
  fs.writeFileSync(path.join(outDir, `${id}.json`), JSON.stringify(fixture, null, 2) + '\n');
  index.push(id);
  console.log(
    `${id}: ${Date.now() - t0} ms, title "${fixture.title}", differences: ${Object.values(
      fixture.opened,
    )
      .map((o) => o.differs_from_params_form.join(' '))
      .join(' | ')}`,
  );
}
await setter.context().close();
await browser.close();
original.close();
fixtures.close();
if (!only) fs.writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
