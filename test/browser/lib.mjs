// Small helpers shared by the browser tests and the bench: PNG decoding and pixel counting (no
// image library needed), a contact sheet built by the browser itself, and a parent page that
// iframes the tool for the embedding tests.
import zlib from 'node:zlib';

/** Decodes an 8-bit, non-interlaced PNG (what Chromium screenshots are) to RGBA. */
export function decodePng(buf) {
  const sig = '89504e470d0a1a0a';
  if (buf.subarray(0, 8).toString('hex') !== sig) throw new Error('not a PNG');
  let off = 8;
  let width = 0,
    height = 0,
    depth = 0,
    ctype = 0,
    interlace = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      ctype = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[ctype];
  if (depth !== 8 || !channels || interlace)
    throw new Error(`unsupported PNG (depth ${depth}, type ${ctype}, interlace ${interlace})`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const cur = Buffer.alloc(stride),
    prev = Buffer.alloc(stride);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? cur[x - channels] : 0,
        b = prev[x],
        c = x >= channels ? prev[x - channels] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c,
          pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[x] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4,
        i = x * channels;
      if (channels >= 3) {
        out[o] = cur[i];
        out[o + 1] = cur[i + 1];
        out[o + 2] = cur[i + 2];
        out[o + 3] = channels === 4 ? cur[i + 3] : 255;
      } else {
        out[o] = out[o + 1] = out[o + 2] = cur[i];
        out[o + 3] = channels === 2 ? cur[i + 1] : 255;
      }
    }
    cur.copy(prev);
  }
  return { width, height, data: out };
}

/** Colour class of one pixel: 'blue' (blue/cyan: positives), 'red' (negatives), 'other' or 'dark'. */
export function classify(r, g, b) {
  if (Math.max(r, g, b) < 40) return 'dark';
  if (b >= 110 && b > r + 50) return 'blue'; // blue or cyan
  if (r >= 110 && r > g + 50 && r > b + 50) return 'red';
  return 'other';
}

/** Counts colour classes in a rectangle {x, y, w, h} (whole image by default). */
export function countColors(img, rect = { x: 0, y: 0, w: img.width, h: img.height }) {
  const n = { blue: 0, red: 0, other: 0, dark: 0, total: 0 };
  const x1 = Math.min(img.width, rect.x + rect.w),
    y1 = Math.min(img.height, rect.y + rect.h);
  for (let y = Math.max(0, rect.y); y < y1; y++) {
    for (let x = Math.max(0, rect.x); x < x1; x++) {
      const o = (y * img.width + x) * 4;
      n[classify(img.data[o], img.data[o + 1], img.data[o + 2])]++;
      n.total++;
    }
  }
  return n;
}

/** Lays out PNG buffers with captions in a grid, rendered and screenshotted by the browser. */
export async function contactSheet(
  browser,
  items,
  file,
  { cols = 4, cellW = 300, cellH = 200 } = {},
) {
  const context = await browser.newContext({
    viewport: { width: cols * (cellW + 8) + 8, height: 400 },
    deviceScaleFactor: 1,
  });
  try {
    const page = await context.newPage();
    const cells = items
      .map(
        ({ png, caption }) =>
          `<figure><img src="data:image/png;base64,${png.toString('base64')}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`,
      )
      .join('');
    await page.setContent(`<!doctype html><style>
      body{margin:0;padding:4px;background:#222;color:#ddd;font:11px sans-serif;display:grid;grid-template-columns:repeat(${cols},${cellW}px);gap:8px}
      figure{margin:0} img{width:${cellW}px;height:${cellH}px;display:block;background:#000} figcaption{padding:2px 0}
    </style>${cells}`);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await context.close();
  }
  return file;
}

function escapeHtml(s) {
  return String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
}

/**
 * A parent page for the embedding tests: `/parent.html?src=<url of the tool>` iframes the tool,
 * records every message the frame posts in `window.msgs`, and offers `send(msg)`.
 */
export const PARENT_HTML = `<!doctype html><meta charset="utf-8"><title>mm3d embed test parent</title><link rel="icon" href="data:,">
<body style="margin:0;background:#333">
<iframe id="frame" style="width:800px;height:600px;border:0"></iframe>
<script>
  window.msgs = [];
  const frame = document.getElementById('frame');
  window.addEventListener('message', (e) => {
    if (e.source === frame.contentWindow) window.msgs.push(e.data);
  });
  window.send = (m) => frame.contentWindow.postMessage(m, '*');
  frame.src = new URLSearchParams(location.search).get('src') || '/index.html';
</script></body>`;

export function parentRoute(req, res) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(PARENT_HTML);
}

// ---- messages that the tool (in an iframe) posted to the parent page of PARENT_HTML ----------

/**
 * Waits for a message at index >= from that satisfies `pred`. The predicate is test code that runs
 * in the test's own parent page (it is passed as source text because it must run there).
 */
export async function waitMsg(page, pred, from = 0, timeout = 30000) {
  const h = await page.waitForFunction(
    ([src, from]) => {
      // The test's own predicate, passed as source because it runs in the test's parent page.
      // eslint-disable-next-line no-new-func
      const f = new Function('m', `return (${src})(m)`);
      return (
        window.msgs.slice(from).find((m) => {
          try {
            return f(m);
          } catch {
            return false;
          }
        }) ?? false
      );
    },
    [pred.toString(), from],
    { timeout, polling: 50 },
  );
  return h.jsonValue();
}

export const msgCount = (page) => page.evaluate(() => window.msgs.length);

/** Screen position (CSS px) of cell (r, c) of the matrix at layout key `key`. */
export const cellScreen = (page, key, r, c) =>
  page.evaluate(
    ([key, r, c]) => {
      const app = window.mm3d.app;
      const p = app.layout.matrices.get(key);
      const cam = app.scene.camera;
      cam.updateMatrixWorld();
      const w = [0, 1, 2].map((a) => p.origin[a] + p.rowDir[a] * r + p.colDir[a] * c);
      const v = new cam.position.constructor(w[0], w[1], w[2]).project(cam);
      const el = app.scene.renderer.domElement.getBoundingClientRect();
      return { x: el.left + ((v.x + 1) / 2) * el.width, y: el.top + ((1 - v.y) / 2) * el.height };
    },
    [key, r, c],
  );

/**
 * Runs in a page before its scripts (an init script): records every WebGL2 program the page links
 * (its two shaders' sources) and how many draws used it, in `window.__programs`.
 */
export function recordPrograms() {
  const P = WebGL2RenderingContext.prototype;
  const programs = [];
  window.__programs = programs;
  const sources = new WeakMap();
  const shaders = new WeakMap();
  const byProgram = new WeakMap();
  const shaderSource = P.shaderSource;
  P.shaderSource = function (shader, text) {
    sources.set(shader, text);
    return shaderSource.call(this, shader, text);
  };
  const attachShader = P.attachShader;
  P.attachShader = function (program, shader) {
    if (!shaders.has(program)) shaders.set(program, []);
    shaders.get(program).push(shader);
    return attachShader.call(this, program, shader);
  };
  const linkProgram = P.linkProgram;
  P.linkProgram = function (program) {
    const entry = { sources: (shaders.get(program) ?? []).map((sh) => sources.get(sh)), draws: 0 };
    programs.push(entry);
    byProgram.set(program, entry);
    return linkProgram.call(this, program);
  };
  let current = null;
  const useProgram = P.useProgram;
  P.useProgram = function (program) {
    current = program;
    return useProgram.call(this, program);
  };
  for (const name of [
    'drawArrays',
    'drawElements',
    'drawArraysInstanced',
    'drawElementsInstanced',
  ]) {
    const draw = P[name];
    P[name] = function (...args) {
      const entry = current && byProgram.get(current);
      if (entry) entry.draws++;
      return draw.apply(this, args);
    };
  }
}
