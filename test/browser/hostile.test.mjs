// Hostile links and messages (issue 17): the tool, in an iframe of a parent page, is opened with
// links that used to stop it from starting or froze it (a throwing decompressor, prototype keys,
// deep nesting, long operand chains, heavy formulas, a CSV cell that backtracked) and is sent
// messages that used to hang or crash it (deep, shared and cyclic objects, objects that cannot
// become text, bad values). After each, the page must answer `{getStatus}` within 1 s: a
// responsiveness bound, generous on purpose (the page and its parent share one thread, so a
// frozen tool shows as a late answer).
import LZString from 'lz-string';
import { parentRoute, waitMsg, msgCount } from './lib.mjs';

const chain = (n) => Array.from({ length: n }, () => 'A').join(' @ ');
const heavyFormula = Array(154).fill('Math.sin(i*j)').join('+').slice(0, 1999) + '1';
const longCell = '1'.repeat(200_000) + 'x\n';

const LINKS = [
  ['z=y3 (threw inside the decompressor)', '?z=y3'],
  ['epilog.toString=x (threw)', '?epilog.toString=x'],
  [
    'z of a 100,000-deep array',
    `?z=${LZString.compressToEncodedURIComponent('['.repeat(100_000) + ']'.repeat(100_000))}`,
  ],
  [
    'z of a 300,000-character string',
    `?z=${LZString.compressToEncodedURIComponent(JSON.stringify({ expr: 'L @ R', name: 'a'.repeat(300_000) }))}`,
  ],
  ['800-operand chain', `?expr=${encodeURIComponent(chain(800))}`],
  ['params= of 50,000 open brackets', `?params=${'['.repeat(50_000)}`],
  ['prototype keys', '?__proto__.x=1&constructor.prototype.y=2&left.__proto__.h=3&toString=4'],
  ['invalid UTF-8 in a name', '?left.name=A%ED%A0%80'],
  [
    'heavy formula on 1024 x 1024',
    `?left.init=expr&left.h=1024&left.w=1024&left.expr=${encodeURIComponent(heavyFormula)}`,
  ],
  ['CSV with one 200,000-digit cell', '?left.init=url&left.url=/hostile/long-cell.csv'],
];

/** Sends `{getStatus}` and measures, in the page, how long the answer takes (at most `ms` + polling). */
async function statusWithin(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const n = window.msgs.length;
        const t0 = performance.now();
        window.send({ getStatus: 1 });
        const poll = () => {
          const m = window.msgs.slice(n).find((x) => x && x.status);
          if (m)
            resolve({
              ok: performance.now() - t0 <= ms,
              ms: Math.round(performance.now() - t0),
              status: m.status,
            });
          else if (performance.now() - t0 > ms)
            resolve({ ok: false, ms: Math.round(performance.now() - t0) });
          else setTimeout(poll, 10);
        };
        poll();
      }),
    ms,
  );
}

/** Opens the tool with `query` in the parent page and waits until it answers at all (it has started). */
async function openTool(t, query) {
  const r = await t.page({ width: 800, height: 600 });
  await r.page.goto(`${t.base}/parent.html?src=${encodeURIComponent(`/index.html${query}`)}`);
  const until = Date.now() + 60_000;
  for (;;) {
    const s = await statusWithin(r.page, 500);
    if (s.status) return r;
    if (Date.now() > until)
      t.fail(`the tool never answered {getStatus} (it did not start) for ${query.slice(0, 80)}`);
  }
}

async function keepsAnswering(t, page, what) {
  for (let i = 0; i < 3; i++) {
    const s = await statusWithin(page, 1000);
    t.assert(s.ok, `${what}: {getStatus} answered in ${s.ms} ms (bound 1000 ms)`);
  }
}

export async function run(t) {
  t.route('/parent.html', parentRoute);
  t.route('/hostile/long-cell.csv', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end(longCell);
  });

  for (const [name, query] of LINKS) {
    t.test(
      `hostile link: ${name}`,
      async (t) => {
        const { page } = await openTool(t, query);
        await keepsAnswering(t, page, name);
      },
      { timeout: 120_000 },
    );
  }

  t.test(
    'hostile messages: refused or applied, the page keeps answering',
    async (t) => {
      const { page } = await openTool(t, '?left.h=7&anim.alg=axpy');
      await waitMsg(page, (m) => m && m.status && m.status.ready === true, 0, 60_000);
      const sends = [
        [
          '100-level shared object',
          () => {
            let v = { name: 'A' };
            for (let i = 0; i < 100; i++) v = { matmul: true, left: v, right: v };
            window.send({ setParams: { props: { left: v } } });
          },
        ],
        [
          'two-object cycle',
          () => {
            const a = { matmul: true };
            const b = { matmul: true, left: a, right: {} };
            a.left = b;
            a.right = {};
            window.send({ setParams: { props: { left: a } } });
          },
        ],
        [
          '1000-deep object',
          () => {
            let v = 1;
            for (let i = 0; i < 1000; i++) v = { left: v };
            window.send({ setParams: { props: v } });
          },
        ],
        [
          'objects that cannot become text',
          () =>
            window.send({
              setParams: {
                props: { epilog: { toString: 'x' }, anim: { alg: Object.create(null) } },
              },
            }),
        ],
        [
          '1000-operand chain',
          () =>
            window.send({
              setParams: {
                props: {
                  expr: Array.from({ length: 1000 }, () => 'A').join(' @ '),
                  sync_expr: true,
                },
              },
            }),
        ],
        [
          'not plain data',
          () => {
            window.send({ setParams: { props: new Map([['h', 1]]) } });
            window.send({ setParams: { props: { left: new Date(0) } } });
            window.send({ setParams: null });
          },
        ],
      ];
      for (const [what, fn] of sends) {
        await page.evaluate(fn);
        await keepsAnswering(t, page, what);
      }
      // One bad field keeps its current value.
      let from = await msgCount(page);
      await page.evaluate(() =>
        window.send({ setParams: { props: { left: { h: 'tall' }, anim: { alg: 'sideways' } } } }),
      );
      await keepsAnswering(t, page, 'bad field values');
      from = await msgCount(page);
      await page.evaluate(() => window.send({ getParams: 1 }));
      const p = (await waitMsg(page, (m) => m && m.params, from)).params;
      t.equal(p.left.h, 7, 'left.h keeps its current value after a bad one');
      t.equal(p.anim.alg, 'axpy', 'anim.alg keeps its current value after a bad one');
    },
    { timeout: 240_000 },
  );

  t.test(
    'a heavy formula does not freeze the page, and a new state cancels it',
    async (t) => {
      const { page } = await openTool(t, '');
      await page.evaluate(
        (expr) =>
          window.send({ setParams: { props: { left: { init: 'expr', h: 2048, w: 2048, expr } } } }),
        heavyFormula,
      );
      await keepsAnswering(t, page, 'heavy formula on 2048 x 2048');
      const from = await msgCount(page);
      await page.evaluate(() =>
        window.send({ setParams: { props: { expr: 'A @ B' }, reset: true } }),
      );
      // Done evaluating, the heavy formula would take minutes here; the new state is drawn long before.
      const st = await waitMsg(page, (m) => m && m.status && m.status.ready === true, from, 60_000);
      t.assert(
        st.status.elements === 3 * 32 * 32,
        `the new state is drawn (${st.status.elements} elements)`,
      );
      await keepsAnswering(t, page, 'after cancelling');
    },
    { timeout: 180_000 },
  );
}
