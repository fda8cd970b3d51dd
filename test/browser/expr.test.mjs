// Issue 3: expressions in the browser. Every example of docs/expressions.md opens from ?expr= with
// the right structure and canonical text; left/right-associative, binary and 4-chains draw (zigzag
// and wheel too); a malformed edit keeps the last good picture and says where the mistake is;
// settings follow a matrix by name through an expression edit; nested values with epilogs match an
// independent computation; a bigger expression moves the camera back along the same direction.
import { decodePng, classify, countColors, parentRoute, waitMsg, msgCount } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const params = (page) => page.evaluate(() => window.mm3d.app.params);
const q = (expr, extra = '') => `?expr=${encodeURIComponent(expr)}${extra}`;

async function noticeItems(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#notices li')].map((li) => li.textContent),
  );
}

// ---- an independent reading of the grammar in docs/expressions.md ----------------------------
// expr := [name "="] chain;  chain := operand ("@" operand)*;  operand := name | "(" expr ")"
// Gives {kind:'leaf', name} or {kind:'matmul', name|null, left, right} (name null = unnamed).
function parseSpec(text) {
  const toks = [];
  let run = '';
  const flush = () => {
    if (run.trim()) toks.push({ t: 'name', v: run.trim() });
    run = '';
  };
  for (const ch of text) {
    if ('()@='.includes(ch)) {
      flush();
      toks.push({ t: ch });
    } else run += ch;
  }
  flush();
  let at = 0;
  const peek = (o = 0) => toks[at + o] ?? { t: 'end' };
  const expect = (t) => {
    if (peek().t !== t) throw new Error(`expected ${t} at token ${at}`);
    at++;
  };
  const expr = () => {
    if (peek().t === 'name' && peek(1).t === '=') {
      const name = peek().v;
      at += 2;
      const c = chain();
      return { ...c, name };
    }
    return chain();
  };
  const chain = () => {
    let left = operand();
    while (peek().t === '@') {
      at++;
      left = { kind: 'matmul', name: null, left, right: operand() };
    }
    return left;
  };
  const operand = () => {
    if (peek().t === 'name') return { kind: 'leaf', name: toks[at++].v };
    expect('(');
    const e = expr();
    expect(')');
    return e;
  };
  const root = expr();
  if (peek().t !== 'end') throw new Error('trailing tokens');
  return root;
}

/** Differences between a tree parsed here and the app's parameter tree (empty when they match). */
function structureDiffs(spec, arg, path, out = []) {
  const where = path || 'root';
  if (spec.kind === 'leaf') {
    if (arg.matmul !== false) out.push(`${where}: expected a matrix, got matmul=${arg.matmul}`);
    if (arg.name !== spec.name)
      out.push(
        `${where}: expected name ${JSON.stringify(spec.name)}, got ${JSON.stringify(arg.name)}`,
      );
    return out;
  }
  if (path && arg.matmul !== true)
    out.push(`${where}: expected a matmul, got matmul=${arg.matmul}`);
  if (!arg.left || !arg.right) {
    out.push(`${where}: no left/right`);
    return out;
  }
  if (spec.name !== null && arg.name !== spec.name)
    out.push(
      `${where}: expected name ${JSON.stringify(spec.name)}, got ${JSON.stringify(arg.name)}`,
    );
  structureDiffs(spec.left, arg.left, path ? `${path}.left` : 'left', out);
  structureDiffs(spec.right, arg.right, path ? `${path}.right` : 'right', out);
  return out;
}

// docs/expressions.md examples and the canonical form each must come back as (single spaces around
// @ and =, no parentheses for left-associative chains, redundant parentheses dropped).
const EXAMPLES = [
  ['A @ B @ C @ D', 'A @ B @ C @ D'],
  ['A @ (B @ (C @ D))', 'A @ (B @ (C @ D))'],
  ['(L = LL @ LR) @ (R = RL @ RR)', '(L = LL @ LR) @ (R = RL @ RR)'],
  ['out = (attn = Q @ K) @ V', 'out = (attn = Q @ K) @ V'],
  [
    'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
    'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
  ],
  ['out = (x1 = (x0 = batch @ w0) @ w1) @ w2', 'out = (x1 = (x0 = batch @ w0) @ w1) @ w2'],
  [
    'out = batch @ (w0 = w0_L @ w0_R) @ (w1 = w1_L @ w1_R) @ (w2 = w2_L @ w2_R)',
    'out = batch @ (w0 = w0_L @ w0_R) @ (w1 = w1_L @ w1_R) @ (w2 = w2_L @ w2_R)',
  ],
  [
    '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = (RRL @ RRR)))',
    '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = RRL @ RRR))',
  ],
  // The same, typed loosely: whitespace and redundant parentheses do not matter.
  ['(A@B)@C', 'A @ B @ C'],
];

// ---- postMessage helpers (the tool in an iframe) ----------------------------------------------
async function getParams(page) {
  const from = await msgCount(page);
  await page.evaluate(() => window.send({ getParams: 1 }));
  return (await waitMsg(page, (m) => m && typeof m.params === 'object' && m.params !== null, from))
    .params;
}

// ---- plain math for the value check ----------------------------------------------------------
function matmulPlain(A, B, I, K, J) {
  const out = new Float64Array(I * J);
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[i * K + k] * B[k * J + j];
      out[i * J + j] = s;
    }
  return out;
}
const relu = (d) => d.map((x) => (x < 0 ? 0 : x));
function softmaxRows(d, h, w) {
  const out = new Float64Array(d.length);
  for (let i = 0; i < h; i++) {
    let m = -Infinity;
    for (let j = 0; j < w; j++) m = Math.max(m, d[i * w + j]);
    let s = 0;
    for (let j = 0; j < w; j++) s += Math.exp(d[i * w + j] - m);
    for (let j = 0; j < w; j++) out[i * w + j] = Math.exp(d[i * w + j] - m) / s;
  }
  return out;
}
/** Largest |a - b| relative to the largest |b| (0 when equal); also the first offending index. */
function relErr(a, b) {
  let scale = 0;
  for (const x of b) scale = Math.max(scale, Math.abs(x));
  let worst = 0,
    at = -1;
  for (let x = 0; x < b.length; x++) {
    const e = Math.abs(a[x] - b[x]) / (scale || 1);
    if (!(e <= worst)) {
      worst = e;
      at = x;
    }
  }
  return { worst, at };
}

/**
 * In the page: pairs of matmul cubes that share volume (beyond the one face a child shares with its
 * parent), from the layout. A cube is the box around its three matrices (cells are 1 unit).
 */
function collisionProbe() {
  const L = window.mm3d.app.layout;
  const rect = (p) => {
    const lo = [0, 1, 2].map((a) => p.origin[a]),
      hi = [...lo];
    for (const [r, c] of [
      [p.h - 1, 0],
      [0, p.w - 1],
      [p.h - 1, p.w - 1],
    ]) {
      for (let a = 0; a < 3; a++) {
        const x = p.origin[a] + p.rowDir[a] * r + p.colDir[a] * c;
        lo[a] = Math.min(lo[a], x);
        hi[a] = Math.max(hi[a], x);
      }
    }
    return { lo: lo.map((x) => x - 0.5), hi: hi.map((x) => x + 0.5) };
  };
  const boxes = L.matmuls.map((m) => {
    const keys =
      m.key === 'root' ? ['root', 'left', 'right'] : [m.key, `${m.key}.left`, `${m.key}.right`];
    const rs = keys.map((k) => rect(L.matrices.get(k)));
    return {
      key: m.key,
      lo: [0, 1, 2].map((a) => Math.min(...rs.map((r) => r.lo[a]))),
      hi: [0, 1, 2].map((a) => Math.max(...rs.map((r) => r.hi[a]))),
    };
  });
  const out = [];
  for (let x = 0; x < boxes.length; x++)
    for (let y = x + 1; y < boxes.length; y++) {
      const a = boxes[x],
        b = boxes[y];
      const ov = [0, 1, 2].map((i) => Math.min(a.hi[i], b.hi[i]) - Math.max(a.lo[i], b.lo[i]));
      if (ov.every((v) => v > 2))
        out.push(`${a.key} and ${b.key} overlap by ${ov.map((v) => v.toFixed(0)).join('x')}`);
    }
  // Matrices drawn on top of each other: coplanar rectangles that share area.
  const mats = [...L.matrices.entries()].map(([k, p]) => ({ k, ...rect(p) }));
  for (let x = 0; x < mats.length; x++)
    for (let y = x + 1; y < mats.length; y++) {
      const a = mats[x],
        b = mats[y];
      const ov = [0, 1, 2].map((i) => Math.min(a.hi[i], b.hi[i]) - Math.max(a.lo[i], b.lo[i]));
      if (ov.filter((v) => v > 1.5).length >= 2 && ov.every((v) => v > 0))
        out.push(`matrices ${a.k} and ${b.k} lie on top of each other`);
    }
  return out;
}

const collisions = {};

export async function run(t) {
  t.route('/parent.html', parentRoute);

  t.test(
    'every docs/expressions.md example opens from ?expr= with its structure and canonical text',
    async (t) => {
      const failures = [];
      const queue = [...EXAMPLES];
      const worker = async () => {
        const { page, errors } = await t.page({ width: 800, height: 600 });
        for (let ex = queue.shift(); ex; ex = queue.shift()) {
          const [text, canonical] = ex;
          try {
            errors.length = 0;
            await page.goto(`${t.base}/${q(text)}`);
            await t.waitReady(page, 60000);
            const p = await params(page);
            if (p.expr !== canonical)
              failures.push(
                `${text}: params.expr is ${JSON.stringify(p.expr)}, expected ${JSON.stringify(canonical)}`,
              );
            const title = (await page.textContent('#title')).trim();
            if (title !== canonical) failures.push(`${text}: #title is ${JSON.stringify(title)}`);
            const diffs = structureDiffs(parseSpec(text), p, '');
            if (diffs.length) failures.push(`${text}: structure: ${diffs.slice(0, 4).join('; ')}`);
            const st = await page.evaluate(() => window.mm3d.status());
            if (st.error) failures.push(`${text}: status.error ${st.error}`);
            if (st.notices.length) failures.push(`${text}: notices ${JSON.stringify(st.notices)}`);
            if (errors.length)
              failures.push(`${text}: page errors: ${errors.slice(0, 3).join(' | ')}`);
          } catch (e) {
            failures.push(`${text}: ${String(e).split('\n')[0]}`);
          }
        }
      };
      await Promise.all([worker(), worker()]);
      t.assert(failures.length === 0, failures.join('\n     '));
    },
    { timeout: 120000 },
  );

  t.test(
    'left-assoc, right-assoc, binary and 4-chains (zigzag, wheel) draw non-blank faces',
    async (t) => {
      const shots = [
        ['ABC', q('A @ B @ C')],
        ['A-BC', q('A @ (B @ C)')],
        ['binary', q('(L = LL @ LR) @ (R = RL @ RR)')],
        ['ABCD-zigzag', q('A @ B @ C @ D', '&layout.scheme=zigzag')],
        ['ABCD-wheel', q('A @ B @ C @ D', '&layout.scheme=wheel')],
      ];
      const { page, errors } = await t.page();
      const failures = [];
      const sigs = {};
      for (const [name, query] of shots) {
        await page.goto(`${t.base}/${query}`);
        await t.waitReady(page, 60000);
        const p = await params(page);
        if (name.endsWith('zigzag') && p.layout.scheme !== 'zigzag')
          failures.push(`${name}: scheme ${p.layout.scheme}`);
        if (name.endsWith('wheel') && p.layout.scheme !== 'wheel')
          failures.push(`${name}: scheme ${p.layout.scheme}`);
        const { png } = await t.screenshot(page, name);
        const img = decodePng(png);
        const n = countColors(img);
        t.log(`${name}: blue ${n.blue}, red ${n.red}, other ${n.other}`);
        if (n.blue < 3000 || n.red < 3000 || n.blue + n.red < 10000)
          failures.push(`${name}: too few coloured pixels (blue ${n.blue}, red ${n.red})`);
        const sig = new Uint8Array(img.width * img.height);
        for (let i = 0; i < sig.length; i++)
          sig[i] = { dark: 0, blue: 1, red: 2, other: 3 }[
            classify(img.data[4 * i], img.data[4 * i + 1], img.data[4 * i + 2])
          ];
        sigs[name] = sig;
        collisions[name] = await page.evaluate(collisionProbe);
      }
      // Zigzag and wheel must give different arrangements of the same chain.
      const a = sigs['ABCD-zigzag'],
        b = sigs['ABCD-wheel'];
      let d = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
      t.log(`zigzag vs wheel: ${((100 * d) / a.length).toFixed(1)}% of pixels differ`);
      if (d < a.length * 0.01) failures.push('zigzag and wheel pictures are the same');
      t.assert(failures.length === 0, failures.join('\n     '));
      t.noErrors(errors);
    },
    { timeout: 90000 },
  );

  // The reference pictures (06, 07, 08, 12, 13) show separate cubes at the default spacing.
  t.test(
    'no two cubes occupy the same space (ABC, A(BC), binary, zigzag and wheel ABCD)',
    async (t) => {
      t.assert(Object.keys(collisions).length === 5, 'needs the drawing test');
      const bad = Object.entries(collisions)
        .filter(([, c]) => c.length)
        .map(
          ([n, c]) =>
            `${n}: ${c.slice(0, 6).join('; ')}${c.length > 6 ? ` (+${c.length - 6})` : ''}`,
        );
      t.assert(bad.length === 0, bad.join('\n     '));
    },
  );

  t.test(
    'a malformed expression keeps the last good state and says where the mistake is',
    async (t) => {
      const { page, errors } = await t.open(q('A @ B @ C'));
      const before = await params(page);
      const search0 = await page.evaluate(() => location.search);
      // Through the app, as the embedding API does.
      await page.evaluate(() => window.mm3d.app.applyPartial({ expr: 'A @ (B' }, false, true));
      await t.waitReady(page);
      let p = await params(page);
      t.equal(p.expr, 'A @ B @ C', 'params.expr after "A @ (B"');
      t.deepEqual(p.left, before.left, 'the tree after "A @ (B"');
      let items = await noticeItems(page);
      t.log(`notice for "A @ (B": ${items.join(' | ')}`);
      t.assert(
        items.some((s) => /expr/i.test(s) && /\b(at|position|col(umn)?)\s*\d+/i.test(s)),
        `a notice naming a position: ${JSON.stringify(items)}`,
      );
      t.assert(
        await page.evaluate(() => !document.getElementById('notice-box').hidden),
        '#notice-box is shown',
      );
      t.equal(await page.evaluate(() => location.search), search0, 'location.search unchanged');
      const { png } = await t.screenshot(page, 'malformed-kept');
      const n = countColors(decodePng(png));
      t.assert(
        n.blue + n.red > 10000,
        `the last good picture is still drawn (blue ${n.blue}, red ${n.red})`,
      );

      // Through the menu's expr field, as a user types it.
      await page.waitForSelector('#menu .lil-root > .lil-title', { timeout: 10000 });
      if (
        await page.evaluate(() =>
          document.querySelector('#menu .lil-root').classList.contains('lil-closed'),
        )
      )
        await page.click('#menu .lil-root > .lil-title');
      const input = page.locator(
        '#menu .lil-root > .lil-children > .lil-controller:has(.lil-name:text-is("expr")) input',
      );
      t.equal(await input.count(), 1, 'the menu expr field');
      for (const [bad, pos] of [
        ['A @', 3],
        ['A @ @ B', 4],
        ['(A @ B', 0],
        ['A @ B)', 5],
      ]) {
        await input.fill(bad);
        await input.press('Enter');
        await sleep(200);
        await t.waitReady(page);
        p = await params(page);
        t.equal(p.expr, 'A @ B @ C', `params.expr after typing ${JSON.stringify(bad)}`);
        items = await noticeItems(page);
        t.assert(
          items.some((s) => new RegExp(`\\b${pos}\\b`).test(s)),
          `typing ${JSON.stringify(bad)}: a notice naming position ${pos}: ${JSON.stringify(items)}`,
        );
        t.log(`notice for ${JSON.stringify(bad)}: ${items.join(' | ')}`);
      }
      // The field shows the last good expression again (not the rejected text).
      t.equal(await input.inputValue(), 'A @ B @ C', 'the menu expr field after a rejected edit');
      // And a good edit still works afterwards.
      await input.fill('A @ B @ C @ D');
      await input.press('Enter');
      await page.waitForFunction(() => window.mm3d.app.params.expr === 'A @ B @ C @ D', null, {
        timeout: 10000,
      });
      await t.waitReady(page);
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );

  t.test(
    'settings follow a matrix by name through a sync_expr edit (postMessage)',
    async (t) => {
      const { page, errors } = await t.page({ width: 900, height: 700 });
      const tool = `/index.html${q('A @ B', '&left.h=16&left.init=gaussian&right.init=eye')}`;
      await page.goto(`${t.base}/parent.html?src=${encodeURIComponent(tool)}`);
      await waitMsg(page, (m) => m && m.status && m.status.ready === true, 0, 60000);
      let p = await getParams(page);
      t.equal(p.left.name, 'A', 'left.name');
      t.equal(p.left.h, 16, 'A.h before');
      t.equal(p.left.init, 'gaussian', 'A.init before');
      t.equal(p.right.init, 'eye', 'B.init before');

      const from = await msgCount(page);
      await page.evaluate(() =>
        window.send({ setParams: { props: { expr: 'A @ B @ C', sync_expr: true } } }),
      );
      await waitMsg(
        page,
        (m) =>
          m &&
          typeof m.search_params === 'string' &&
          new URLSearchParams(m.search_params).get('expr') === 'A @ B @ C',
        from,
      );
      await waitMsg(page, (m) => m && m.status && m.status.ready === true, from);
      p = await getParams(page);
      t.equal(p.expr, 'A @ B @ C', 'expr');
      t.equal(p.left.matmul, true, 'left is the matmul A @ B');
      t.equal(p.left.left.name, 'A', 'left.left.name');
      t.equal(p.left.left.h, 16, 'A keeps h');
      t.equal(p.left.left.init, 'gaussian', 'A keeps init');
      t.equal(p.left.right.name, 'B', 'left.right.name');
      t.equal(p.left.right.init, 'eye', 'B keeps init');
      t.equal(p.right.name, 'C', 'right.name');
      t.equal(p.right.h, p.left.right.w, 'C.h fits B.w');
      t.noErrors(errors);
    },
    { timeout: 60000 },
  );

  t.test(
    'values of a nested expression with epilogs equal an independent computation',
    async (t) => {
      // out = (x1 = (x0 = batch @ w0) @ w1) @ w2 with x0 relu, x1 softmax by row, out x/sqrt(k).
      const query = q(
        'out = (x1 = (x0 = batch @ w0) @ w1) @ w2',
        [
          '&left.left.left.h=8&left.left.left.w=12&left.left.right.w=10&left.right.w=6&right.w=5',
          '&left.left.left.init=gaussian&left.left.right.init=gaussian&left.right.init=gaussian&right.init=uniform',
          '&left.left.epilog=relu&left.epilog=softmax&epilog=x%2Fsqrt(k)',
        ].join(''),
      );
      const { page, errors } = await t.open(query);
      const p = await params(page);
      t.equal(p.left.left.epilog, 'relu', 'x0 epilog');
      t.equal(p.left.epilog, 'softmax', 'x1 epilog');
      t.equal(p.epilog, 'x/sqrt(k)', 'out epilog');
      const v = await page.evaluate(() => {
        const out = {};
        for (const [k, m] of window.mm3d.app.values)
          out[k] = { h: m.h, w: m.w, data: Array.from(m.data) };
        return out;
      });
      for (const k of [
        'left.left.left',
        'left.left.right',
        'left.right',
        'right',
        'left.left',
        'left',
        'root',
      ])
        t.assert(v[k], `values of ${k}`);
      t.deepEqual(
        [
          v['left.left.left'].h,
          v['left.left.left'].w,
          v['left.left.right'].w,
          v['left.right'].w,
          v.right.w,
        ],
        [8, 12, 10, 6, 5],
        'shapes',
      );
      const batch = v['left.left.left'].data,
        w0 = v['left.left.right'].data,
        w1 = v['left.right'].data,
        w2 = v.right.data;
      t.assert(
        batch.some((x) => x < 0) && batch.some((x) => x > 0),
        'gaussian batch has both signs',
      );
      const x0 = relu(matmulPlain(batch, w0, 8, 12, 10));
      const x1 = softmaxRows(matmulPlain(x0, w1, 8, 10, 6), 8, 6);
      const out = matmulPlain(x1, w2, 8, 6, 5).map((x) => x / Math.sqrt(6));
      for (const [key, want] of [
        ['left.left', x0],
        ['left', x1],
        ['root', out],
      ]) {
        const got = v[key].data;
        t.equal(got.length, want.length, `${key} length`);
        const e = relErr(got, want);
        t.assert(
          e.worst <= 1e-4,
          `${key}: relative error ${e.worst.toExponential(2)} at ${e.at} (got ${got[e.at]}, want ${want[e.at]})`,
        );
      }
      t.assert(
        x0.some((x) => x === 0),
        'relu zeroed something (the check means something)',
      );
      t.noErrors(errors);
    },
  );

  t.test('a much larger expression moves the camera back along the same direction', async (t) => {
    const { page, errors } = await t.open(q('L @ R'));
    const cam = () =>
      page.evaluate(() => {
        const s = window.mm3d.app.scene;
        return {
          pos: s.camera.position.toArray(),
          target: s.controls.target.toArray(),
          params: window.mm3d.app.params.cam,
        };
      });
    const c0 = await cam();
    await page.evaluate(() =>
      window.mm3d.app.applyPartial({ expr: 'A @ B @ C @ D @ E @ F @ G @ H' }, false, true),
    );
    await t.waitReady(page);
    const c1 = await cam();
    const off = (c) => c.pos.map((x, i) => x - c.target[i]);
    const d0 = off(c0),
      d1 = off(c1);
    const len = (d) => Math.hypot(...d);
    const cos = d0.reduce((s, x, i) => s + x * d1[i], 0) / (len(d0) * len(d1));
    t.log(
      `distance ${len(d0).toFixed(1)} -> ${len(d1).toFixed(1)}, direction cos ${cos.toFixed(5)}, target ${c0.target.map((x) => x.toFixed(1))} -> ${c1.target.map((x) => x.toFixed(1))}`,
    );
    t.assert(
      len(d1) > 1.5 * len(d0),
      `the camera distance grows (${len(d0).toFixed(1)} -> ${len(d1).toFixed(1)})`,
    );
    t.assert(cos > 0.999, `the camera keeps its direction (cos ${cos})`);
    t.deepEqual(
      [c1.params.x, c1.params.y, c1.params.z],
      c1.pos.map((x) => Math.round(x * 1000) / 1000),
      'params.cam follows the camera',
    );
    // The whole expression is in view: every matrix's corners project inside the viewport.
    const outside = await page.evaluate(() => {
      const app = window.mm3d.app;
      const camera = app.scene.camera;
      camera.updateMatrixWorld();
      const V = camera.position.constructor;
      const bad = [];
      for (const [key, p] of app.layout.matrices) {
        for (const [r, c] of [
          [0, 0],
          [p.h - 1, 0],
          [0, p.w - 1],
          [p.h - 1, p.w - 1],
        ]) {
          const w = [0, 1, 2].map((a) => p.origin[a] + p.rowDir[a] * r + p.colDir[a] * c);
          const v = new V(w[0], w[1], w[2]).project(camera);
          if (Math.abs(v.x) > 1 || Math.abs(v.y) > 1) bad.push(`${key}[${r},${c}]`);
        }
      }
      return bad;
    });
    t.assert(
      outside.length === 0,
      `matrix corners outside the view: ${outside.slice(0, 8).join(' ')}`,
    );
    await t.screenshot(page, 'camera-larger');
    t.noErrors(errors);
  });
}
