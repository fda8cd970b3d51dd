// End to end from a notebook: python/tests/e2e/show.ipynb is executed headless (nbclient, Debian's
// /usr/bin/python3 with the package from python/), its cell output is opened in Chromium, and the
// tool in the output's iframe shows the notebook's arrays (read back from the tool) and their
// product (checked against a triple loop here), with every request staying on 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// The arrays the notebook makes (written here again, by hand).
const A = [1, -2, 3.5, 0.25, 4, -1]; // 2x3 float32
const B = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]; // 3x2: arange(6) - 2.5

/** Runs the notebook; resolves with {html, proc} once the output page is written (kernel still up). */
function executeNotebook(out) {
  const proc = spawn(
    PYTHON,
    [
      path.join(root, 'python/tests/e2e/run_notebook.py'),
      path.join(root, 'python/tests/e2e/show.ipynb'),
      out,
    ],
    {
      env: {
        ...process.env,
        PYTHONPATH: path.join(root, 'python'),
        PYDEVD_DISABLE_FILE_VALIDATION: '1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ info: JSON.parse(line), proc });
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    proc.on('exit', (code) =>
      reject(new Error(`the notebook runner exited (${code}): ${stderr.slice(-1500)}`)),
    );
    proc.on('error', reject);
  });
}

function matmul(a, b, n, k, m) {
  const out = new Array(n * m).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      for (let x = 0; x < k; x++) out[i * m + j] += a[i * k + x] * b[x * m + j];
  return out;
}

export async function run(t) {
  t.test(
    'a notebook cell shows its arrays in the tool, offline',
    async (t) => {
      if (!fs.existsSync(path.join(root, 'python/mm3d/static/index.html')))
        t.fail('python/mm3d/static is missing: the build copies dist/ there (vite build)');
      const out = t.file('output.html');
      const { info, proc } = await executeNotebook(out);
      try {
        t.equal(info.outputs, 1, 'HTML outputs in the notebook');
        const html = fs.readFileSync(out, 'utf8');
        const src = /<iframe[^>]* src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
        t.assert(
          src && /^http:\/\/127\.0\.0\.1:\d+\/index\.html\?/.test(src),
          `iframe src: ${src}`,
        );
        t.route('/notebook-output.html', (req, res) => {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(html);
        });
        const { page, context, errors } = await t.page({ width: 900, height: 600 });
        const requests = [];
        const outside = [];
        await context.route('**/*', (route) => {
          const u = new URL(route.request().url());
          requests.push(u.href);
          if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1')
            return route.continue();
          outside.push(u.href);
          return route.abort();
        });
        await page.goto(`${t.base}/notebook-output.html`);
        const frame = await (await page.$('iframe')).contentFrame();
        // Ready with the notebook's data on both matrices (setData arrives after the first state).
        await frame.waitForFunction(
          () => {
            const m = window.mm3d;
            return (
              m &&
              m.status().ready &&
              m.app.params.left.init === 'url' &&
              m.app.params.right.init === 'url' &&
              m.app.values?.get('right')?.h === 3
            );
          },
          null,
          { timeout: 60000, polling: 100 },
        );
        const got = await frame.evaluate(() => {
          const v = (k) => {
            const x = window.mm3d.app.values.get(k);
            return { h: x.h, w: x.w, data: [...x.data] };
          };
          return { A: v('left'), B: v('right'), out: v('root'), params: window.mm3d.app.params };
        });
        t.deepEqual([got.A.h, got.A.w, got.A.data], [2, 3, A], 'A in the tool');
        t.deepEqual([got.B.h, got.B.w, got.B.data], [3, 2, B], 'B in the tool');
        const want = matmul(A, B, 2, 3, 2);
        t.assert(
          got.out.data.length === 4 && got.out.data.every((v, i) => Math.abs(v - want[i]) < 1e-5),
          `out = A @ B: ${got.out.data} vs ${want}`,
        );
        t.equal(got.params.expr, 'out = A @ B', 'expr');
        t.deepEqual(
          [got.params.left.url, got.params.right.url],
          ['file:A.npy', 'file:B.npy'],
          'data references',
        );
        t.deepEqual(outside, [], 'requests that left the machine');
        t.assert(
          requests.some((r) => r.startsWith(src.slice(0, src.indexOf('/index.html')))),
          "the tool came from the kernel's server",
        );
        t.log(
          `${requests.length} requests, all to 127.0.0.1; tool from ${src.slice(0, src.indexOf('?'))}`,
        );
        await t.screenshot(page, 'cell');
        t.noErrors(errors);
      } finally {
        proc.stdin.end();
        setTimeout(() => proc.kill(), 10000).unref();
      }
    },
    { timeout: 240000 },
  );
}
