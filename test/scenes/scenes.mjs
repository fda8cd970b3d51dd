// Named scenes shared by the browser tests, the bench and (later) example pages. A scene is a
// query string for the tool page (`/?...`) plus what it should achieve. Trees follow
// docs/parameters.md: a matmul argument is `{name, matmul: true, epilog, left, right}`, a matrix
// `{name, h, w, init}`.

/** A matrix argument. */
export const mat = (name, h, w, init = 'gaussian', extra = {}) => ({
  name,
  matmul: false,
  h,
  w,
  init,
  ...extra,
});
/** A matmul argument (or, for the root, the tree's top level without `matmul`). */
export const mm = (name, left, right, epilog = 'none', extra = {}) => ({
  name,
  matmul: true,
  epilog,
  left,
  right,
  ...extra,
});

/** `?params=<JSON>` for a tree (the original tool's JSON link form). */
export const paramsQuery = (tree) => `?params=${encodeURIComponent(JSON.stringify(tree))}`;

/** The root of a tree: like a matmul argument, without `matmul`, plus top-level groups. */
export function rootTree(name, left, right, groups = {}) {
  return { name, epilog: 'none', left, right, ...groups };
}

// out = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV) @ wO
// with one 64-wide head over a 256-token, 768-wide input.
export function attentionHeadTree({ n = 256, d = 768, dh = 64 } = {}) {
  const attn = mm(
    'attn',
    mm('Q', mat('input', n, d), mat('wQ', d, dh)),
    mm('K_t', mat('wK_t', dh, d), mat('input_t', d, n)),
    'softmax(tril(x/sqrt(k)))',
  );
  const attnV = mm('', attn, mm('V', mat('input', n, d), mat('wV', d, dh)));
  return rootTree('out', attnV, mat('wO', dh, d), {
    viz: { sensitivity: 'local' },
    layout: { gap: 24 },
  });
}
export const ATTENTION_HEAD_EXPR =
  'out = (attn = (Q = input @ wQ) @ (K_t = wK_t @ input_t)) @ (V = input @ wV) @ wO';

// A GPT-2 small layer as one expression (all heads as one 768-wide projection):
// out = (ffn = (h = (attn = (Q = x @ wQ) @ (K_t = wK_t @ x_t)) @ (V = x @ wV) @ wO) @ w1) @ w2
// x: seq x emb; attention is causal; the FFN goes up to 4*emb with gelu and back down.
export function gpt2LayerTree({ seq = 1024, emb = 768, ffn = 3072 } = {}) {
  const attn = mm(
    'attn',
    mm('Q', mat('x', seq, emb), mat('wQ', emb, emb)),
    mm('K_t', mat('wK_t', emb, emb), mat('x_t', emb, seq)),
    'softmax(tril(x/sqrt(k)))',
  );
  const attnV = mm('', attn, mm('V', mat('x', seq, emb), mat('wV', emb, emb)));
  const h = mm('h', attnV, mat('wO', emb, emb));
  const up = mm('ffn', h, mat('w1', emb, ffn), 'gelu');
  return rootTree('out', up, mat('w2', ffn, emb), {
    viz: { sensitivity: 'local' },
    layout: { gap: 48 },
  });
}
export const GPT2_LAYER_EXPR =
  'out = (ffn = (h = (attn = (Q = x @ wQ) @ (K_t = wK_t @ x_t)) @ (V = x @ wV) @ wO) @ w1) @ w2';

const square = (n) => `?expr=L+%40+R&left.h=${n}&left.w=${n}&right.w=${n}`;

/**
 * Bench scenes. `targets.openMs`: time from navigation to ready; `targets.fps`: frame rate while
 * the camera spins. `runs` (optional) overrides the bench's run count for slow scenes.
 */
export const SCENES = [
  // Not mm3d: a bare WebGL page, the machine's floor for frame times (see bench/run.mjs).
  { name: 'floor: one WebGL quad', kind: 'floor', query: '', targets: null },
  { name: 'default 32', query: '', targets: null },
  { name: '256 @ 256', query: square(256), targets: { openMs: 800, fps: 60 } },
  { name: '1024 @ 1024', query: square(1024), targets: { openMs: 3000, fps: 30 } },
  {
    name: 'attention head',
    query: paramsQuery(attentionHeadTree()),
    expr: ATTENTION_HEAD_EXPR,
    targets: { openMs: 2500, fps: 60 },
  },
  // The head explorer with its built-in model on its default text (issue 11: ready in < 1.5 s).
  { name: 'explorer ready', query: 'explorer.html', targets: { openMs: 1500, fps: 60 } },
  {
    name: 'gpt2 layer',
    query: paramsQuery(gpt2LayerTree()),
    expr: GPT2_LAYER_EXPR,
    targets: { openMs: 10000, fps: 20 },
    runs: 3,
    timeout: 120000,
  },
];

/** A gaussian-ish CSV of `rows` x `cols` values (the size of GPT-2 activations in the blog: 256 x 768). */
export function makeCsv(rows, cols) {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = [];
  for (let i = 0; i < rows; i++) {
    const cells = [];
    for (let j = 0; j < cols; j++) cells.push(rnd().toFixed(6));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/** A .safetensors file with one F32 tensor `w` of the given shape (values i * cols + j, scaled). */
export function makeSafetensors(rows, cols, name = 'w') {
  const bytes = rows * cols * 4;
  let header = JSON.stringify({
    [name]: { dtype: 'F32', shape: [rows, cols], data_offsets: [0, bytes] },
  });
  while ((8 + header.length) % 8) header += ' ';
  const buf = Buffer.alloc(8 + header.length + bytes);
  buf.writeBigUInt64LE(BigInt(header.length), 0);
  buf.write(header, 8, 'latin1');
  const data = new Float32Array(buf.buffer, buf.byteOffset + 8 + header.length, rows * cols);
  for (let x = 0; x < data.length; x++) data[x] = Math.sin(x * 0.001);
  return buf;
}

/** The attention head animated as a fused vmprod chain (issue: animation bench). */
export function attentionAnimTree() {
  const t = attentionHeadTree();
  t.anim = { alg: 'vmprod', speed: 100, fuse: 'sync' };
  return t;
}

// Scenes measured differently from "open, then spin" (see bench/run.mjs `kind`).
SCENES.push(
  {
    name: 'attention fused vmprod',
    kind: 'anim',
    query: paramsQuery(attentionAnimTree()),
    expr: ATTENTION_HEAD_EXPR,
    targets: { fps: 50, stepMs: 2 },
  },
  {
    name: 'csv 256x768',
    kind: 'csv',
    url: 'data/act.csv',
    targets: { openMs: 1000, longTaskMs: 100 },
  },
  { name: 'safetensors 1024x3072 file', kind: 'file', query: '', targets: { loadMs: 1500 } },
);

export const sceneByName = (name) => SCENES.find((s) => s.name === name);

/** The 16 combinations of the four binary layout choices (docs/layout.md), as readable queries. */
export function layoutCombinations(base = '?expr=L+%40+R') {
  const out = [];
  for (const polarity of ['negative', 'positive'])
    for (const left of ['left', 'right'])
      for (const right of ['top', 'bottom'])
        for (const result of ['front', 'back']) {
          const q = `${base}&layout.polarity=${polarity}&layout.left%20placement=${left}&layout.right%20placement=${right}&layout.result%20placement=${result}`;
          out.push({
            name: `${polarity}/${left}/${right}/${result}`,
            query: q,
            layout: {
              polarity,
              'left placement': left,
              'right placement': right,
              'result placement': result,
            },
          });
        }
  return out;
}
