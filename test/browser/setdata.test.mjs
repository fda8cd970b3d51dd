// The `{setData: {path, npy}}` embedding message: a parent page hands .npy bytes (raw or base64)
// to matrices named by name or path; the tool shows exactly those values and their product
// (checked against a triple loop here), and bad payloads get an {error} reply with the state kept.
import { parentRoute, waitMsg, msgCount } from './lib.mjs';

/** A .npy file as numpy writes version 1.0: header padded with spaces and '\n' to 64 bytes. */
export function npy(descr, shape, values) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const size = { '<f4': 4, '<f8': 8, '<i8': 8, '<c8': 8 }[descr];
  const body = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (descr === '<f4') body.writeFloatLE(v, i * 4);
    else if (descr === '<f8') body.writeDoubleLE(v, i * 8);
    else body.writeBigInt64LE(BigInt(v), i * 8);
  });
  const pre = Buffer.from([
    0x93,
    0x4e,
    0x55,
    0x4d,
    0x50,
    0x59,
    1,
    0,
    header.length & 255,
    header.length >> 8,
  ]);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

const isReady = (m) => m && m.status && m.status.ready === true;

/** Reads a matrix's values from the tool in the frame (the app's own value map). */
async function valuesOf(frame, key) {
  return frame.evaluate((k) => {
    const v = window.mm3d.app.values.get(k);
    return v ? { h: v.h, w: v.w, data: [...v.data], error: v.error ?? null } : null;
  }, key);
}

function matmul(a, b, n, k, m) {
  const out = new Array(n * m).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      for (let x = 0; x < k; x++) out[i * m + j] += a[i * k + x] * b[x * m + j];
  return out;
}

export async function run(t) {
  t.route('/parent.html', parentRoute);

  t.test(
    'setData puts .npy values on matrices by name and by path; the product follows',
    async (t) => {
      const r = await t.page({ width: 900, height: 700 });
      const { page, errors } = r;
      await page.goto(
        `${t.base}/parent.html?src=${encodeURIComponent('/index.html?expr=out%20%3D%20A%20%40%20B')}`,
      );
      await waitMsg(page, isReady, 0, 60000);
      const frame = await (await page.$('#frame')).contentFrame();
      const A = [1, -2, 3.5, 0.25, 4, -1]; // 2x3
      const B = [2, 0, -1, 1, 0.5, 3]; // 3x2
      let from = await msgCount(page);
      // A as raw bytes (float32), B as base64 (float64), B addressed by its path.
      await page.evaluate(
        (bytes) => window.send({ setData: { path: 'A', npy: new Uint8Array(bytes).buffer } }),
        [...npy('<f4', [2, 3], A)],
      );
      const okA = await waitMsg(page, (m) => m && (m.data_set || m.error), from);
      t.deepEqual(
        okA,
        {
          data_set: { path: 'A', paths: ['left'], name: 'A.npy', shape: [2, 3], dtype: 'float32' },
        },
        'reply to setData A',
      );
      from = await msgCount(page);
      await page.evaluate(
        (b64) => window.send({ setData: { path: 'right', npy: b64 } }),
        npy('<f8', [3, 2], B).toString('base64'),
      );
      const okB = await waitMsg(page, (m) => m && (m.data_set || m.error), from);
      t.equal(okB.data_set?.dtype, 'float64', `reply to setData B: ${JSON.stringify(okB)}`);
      await waitMsg(page, isReady, from, 60000);
      const a = await valuesOf(frame, 'left');
      const b = await valuesOf(frame, 'right');
      const out = await valuesOf(frame, 'root');
      t.deepEqual([a.h, a.w, a.data], [2, 3, A], 'A values');
      t.deepEqual([b.h, b.w, b.data], [3, 2, B], 'B values');
      const want = matmul(A, B, 2, 3, 2);
      t.deepEqual([out.h, out.w], [2, 2], 'result shape');
      t.assert(
        out.data.every((v, i) => Math.abs(v - want[i]) < 1e-5),
        `A @ B: ${out.data} vs ${want}`,
      );
      const p = await frame.evaluate(() => window.mm3d.app.params);
      t.equal(p.left.init, 'url', 'A init');
      t.equal(p.left.url, 'file:A.npy', 'A url');
      await t.screenshot(page, 'setdata-AB');
      t.noErrors(errors);
    },
  );

  t.test('setData refuses bad payloads with {error} and keeps the state', async (t) => {
    const { page, errors } = await t.page({ width: 900, height: 700 });
    await page.goto(
      `${t.base}/parent.html?src=${encodeURIComponent('/index.html?expr=A%20%40%20B&left.h=4&left.w=4&right.w=4')}`,
    );
    await waitMsg(page, isReady, 0, 60000);
    const frame = await (await page.$('#frame')).contentFrame();
    const before = await frame.evaluate(() => JSON.stringify(window.mm3d.app.params));
    const good = npy('<f4', [2, 2], [1, 2, 3, 4]);
    const cases = [
      [{ path: 'Z', npy: [...good] }, /no matrix "Z"/],
      [
        { path: 'A', npy: [...npy('<c8', [1], [0])] },
        /unsupported dtype '<c8' \(complex numbers\)/,
      ],
      [{ path: 'A', npy: [...good.subarray(0, good.length - 3)] }, /truncated/],
      [{ path: 'A', npy: [...Buffer.from('a,b\n1,2\n')] }, /not a \.npy file/],
      [{ path: 'A', npy: 'not base64!' }, /not base64/],
      [{ path: 'A' }, /bytes of a \.npy file/],
      ['A', /expected \{path, npy\}/],
    ];
    for (const [msg, re] of cases) {
      const from = await msgCount(page);
      await page.evaluate((m) => {
        // byte arrays travel as Uint8Array
        const x =
          typeof m === 'object' && Array.isArray(m.npy) ? { ...m, npy: new Uint8Array(m.npy) } : m;
        window.send({ setData: x });
      }, msg);
      const reply = await waitMsg(page, (m) => m && (m.data_set || m.error), from);
      t.assert(
        typeof reply.error === 'string' && re.test(reply.error),
        `${JSON.stringify(msg).slice(0, 80)}: ${JSON.stringify(reply)}`,
      );
    }
    t.equal(
      await frame.evaluate(() => JSON.stringify(window.mm3d.app.params)),
      before,
      'state kept',
    );
    t.noErrors(errors);
  });
}
