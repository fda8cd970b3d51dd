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
  // The floor page that also links and draws (with nothing to rasterize) the programs the default
  // page's first frame drew: what those programs alone add to any page (bench/common.mjs).
  {
    name: 'floor + first-frame programs',
    kind: 'floor',
    programs: true,
    query: '',
    targets: null,
  },
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
  // A whole GPT-2 layer at full size, 8.9 G multiply-adds (issue 16: ready in < 3 s cold).
  {
    name: 'gpt2 layer',
    query: paramsQuery(gpt2LayerTree()),
    expr: GPT2_LAYER_EXPR,
    targets: { openMs: 3000, fps: 20 },
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

// The pages around the tool: ready (first picture drawn, text in) < 1 s; the tour and the
// gallery show pictures only, no WebGL until a figure is opened.
SCENES.push(
  { name: 'guide page', kind: 'page', query: 'reference.html', targets: { openMs: 1000 } },
  { name: 'tour page', kind: 'page', query: 'tour.html', targets: { openMs: 1000 }, noWebgl: true },
  {
    name: 'gallery page',
    kind: 'page',
    query: 'gallery.html',
    targets: { openMs: 1000 },
    noWebgl: true,
  },
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

// ---- Figures: the named scenes of the tour and the gallery ---------------------------------
//
// Each figure is a state of the tool (`query` starts with `?`) or of the head explorer
// (`explorer.html?...`), with a title and one line for the gallery's card. `npm run figures`
// (scripts/figures.mjs) draws every one headless and writes `public/figures/<name>.webp`; the
// tour (site/tour.md) places them by name, the gallery shows them all, and the browser test
// (test/browser/pages.test.mjs) opens each in the tool. `still` (0..1) is where in its animation
// an animated figure's picture is taken (the live view plays it).

/** A readable tool link (`?expr=...&left.h=...`) from a flat object of properties. */
export const readable = (props) => `?${new URLSearchParams(props).toString()}`;

/** A tool link for a tree, with the menu closed (figures are small). */
const treeQuery = (tree) => paramsQuery({ ...tree, folder: 'closed' });

/** The three-layer MLP `out = (h = x @ w1) @ w2`, gelu after the first layer. */
export function mlpTree({ n = 48, d = 32, f = 96, anim } = {}) {
  const h = mm('h', mat('x', n, d), mat('w1', d, f), 'gelu');
  return rootTree('out', h, mat('w2', f, d), {
    viz: { sensitivity: 'local' },
    ...(anim ? { anim } : {}),
  });
}

/** A low-rank weight `U @ V` (rank r) applied to x, associated to the left or to the right. */
export function lowRankTree(assoc, { n = 48, d = 48, r = 4 } = {}) {
  const x = mat('x', n, d);
  const U = mat('U', d, r);
  const V = mat('V', r, d);
  return assoc === 'right'
    ? rootTree('out', x, mm('W', U, V), { viz: { sensitivity: 'local' } })
    : rootTree('out', mm('xU', x, U), V, { viz: { sensitivity: 'local' } });
}

/** `input @ (wQ @ wK_t) @ input_t`: the QK form of an attention pattern, random weights. */
export function qkTree({ n = 32, d = 48, dh = 8 } = {}) {
  const wqk = mm('wQK', mat('wQ', d, dh), mat('wK_t', dh, d));
  const xqk = mm('xQK', mat('input', n, d), wqk);
  return rootTree('attn', xqk, mat('input_t', d, n), {
    epilog: 'softmax(tril(x/sqrt(k)))',
    viz: { sensitivity: 'local' },
  });
}

/** `(attn @ input) @ (wV @ wO)`: the OV form, the head's output as one weight. */
export function ovTree({ n = 32, d = 48, dh = 8 } = {}) {
  const attn = mat('attn', n, n, 'tril mask');
  const z = mm('z', attn, mat('input', n, d));
  return rootTree('out', z, mm('wOV', mat('wV', d, dh), mat('wO', dh, d)), {
    viz: { sensitivity: 'local' },
  });
}

const ALG_LINES = {
  'dotprod (row major)': 'one result element at a time: a row of L meets a column of R',
  'dotprod (col major)': 'the same dot products, taken column by column',
  axpy: 'a column of L scaled by one value of R, added into a column of the result',
  vmprod: 'a row of L times all of R: a horizontal plane sweeps down',
  mvprod: 'all of L times a column of R: a vertical plane sweeps across',
  vvprod: 'outer products of a column of L and a row of R, summed toward the result',
};

const algFigure = (alg) => ({
  name: `alg-${alg.replace(/[^a-z]+/g, '-').replace(/-$/, '')}`,
  title: alg,
  line: ALG_LINES[alg],
  query: readable({
    expr: 'L @ R',
    'left.h': 16,
    'left.w': 16,
    'right.w': 16,
    'anim.alg': alg,
    'anim.speed': 30,
    folder: 'closed',
  }),
  still: 0.4,
});

/** The head explorer on its default text (the head heads.json scores best as induction). */
const explorer = (props) => `explorer.html${readable(props)}`;

export const FIGURES = [
  {
    name: 'one-matmul',
    title: 'One matmul',
    line: 'L @ R around a cube: L on the left, R on top, the result in front',
    query: readable({ expr: 'L @ R', folder: 'closed' }),
  },
  {
    name: 'shapes',
    title: 'Shapes',
    line: 'a 24 x 48 matrix times a 48 x 16 one: the shared depth k runs into the cube',
    query: readable({ expr: 'L @ R', 'left.h': 24, 'left.w': 48, 'right.w': 16, folder: 'closed' }),
  },
  {
    name: 'random-values',
    title: 'Random values',
    line: 'gaussian arguments: size is magnitude, hue is sign',
    query: readable({
      expr: 'A @ B',
      'left.init': 'gaussian',
      'right.init': 'gaussian',
      folder: 'closed',
    }),
  },
  ...Object.keys(ALG_LINES).map(algFigure),
  {
    name: 'left-assoc',
    title: '(A @ B) @ C',
    line: 'a chain associated to the left: the first product becomes the next left argument',
    query: readable({ expr: 'A @ B @ C', folder: 'closed' }),
  },
  {
    name: 'right-assoc',
    title: 'A @ (B @ C)',
    line: 'the same chain associated to the right: the product feeds in from above',
    query: readable({ expr: 'A @ (B @ C)', folder: 'closed' }),
  },
  {
    name: 'binary',
    title: '(A @ B) @ (C @ D)',
    line: 'both arguments are products: a binary tree of cubes',
    query: readable({ expr: '(A @ B) @ (C @ D)', folder: 'closed' }),
  },
  {
    name: 'mlp',
    title: 'An MLP',
    line: 'out = (h = x @ w1) @ w2, gelu after the first layer',
    query: treeQuery(mlpTree()),
  },
  {
    name: 'mlp-animated',
    title: 'An MLP, animated',
    line: 'both layers as one fused vmprod: each row of h feeds the next layer at once',
    query: treeQuery(mlpTree({ anim: { alg: 'vmprod', speed: 30, fuse: 'sync' } })),
    still: 0.5,
  },
  {
    name: 'low-rank-right',
    title: 'Low rank: x @ (U @ V)',
    line: 'a rank-4 weight made first, then applied',
    query: treeQuery(lowRankTree('right')),
  },
  {
    name: 'low-rank-left',
    title: 'Low rank: (x @ U) @ V',
    line: 'the same product through the narrow middle: far fewer products',
    query: treeQuery(lowRankTree('left')),
  },
  {
    name: 'blocks-i',
    title: 'Row blocks',
    line: 'i blocks = 4: four independent slabs of rows, four workers',
    query: readable({ expr: 'L @ R', 'block.i blocks': 4, folder: 'closed' }),
  },
  {
    name: 'blocks-ij',
    title: 'Row and column blocks',
    line: '2 x 2 blocks of the result, each its own vmprod, all at once',
    query: readable({
      expr: 'L @ R',
      'block.i blocks': 2,
      'block.j blocks': 2,
      'anim.alg': 'vmprod',
      folder: 'closed',
    }),
    still: 0.5,
  },
  {
    name: 'blocks-k',
    title: 'Depth blocks',
    line: 'k blocks = 4: partial sums in four planes, added at the end',
    query: readable({
      expr: 'L @ R',
      'block.k blocks': 4,
      'anim.alg': 'vvprod',
      folder: 'closed',
    }),
    still: 0.5,
  },
  {
    name: 'blocks-mlp',
    title: 'Blocks through an MLP',
    line: 'a partition of a shared dimension reaches every matmul that has it',
    query: treeQuery({ ...mlpTree(), block: { 'i blocks': 3 } }),
  },
  {
    name: 'attention-random',
    title: 'An attention head',
    line: 'softmax(tril(Q @ K_t / sqrt(d))) @ V @ wO with random weights',
    query: treeQuery(attentionHeadTree({ n: 48, d: 64, dh: 16 })),
  },
  {
    name: 'head-real',
    title: 'A trained head',
    line: 'the built-in model, the head it scores best at induction, on a repeated text',
    query: explorer({ variant: 'usual', anim: 'none' }),
  },
  {
    name: 'head-real-animated',
    title: 'A trained head, animated',
    line: 'Q, K_t, the attention pattern and the output computed in one fused sweep',
    query: explorer({ variant: 'usual', anim: 'Q @ K_t @ V @ wO' }),
    still: 0.6,
  },
  {
    name: 'head-qkov',
    title: 'The QK/OV form',
    line: 'the same head as input @ wQK @ input_t and input @ wOV',
    query: explorer({ variant: 'qkov', anim: 'none' }),
  },
  {
    name: 'qk-random',
    title: 'QK: one bilinear form',
    line: 'input @ (wQ @ wK_t) @ input_t: the pattern needs only the product wQK',
    query: treeQuery(qkTree()),
  },
  {
    name: 'ov-random',
    title: 'OV: one linear map',
    line: 'what a head writes is (attn @ input) @ (wV @ wO)',
    query: treeQuery(ovTree()),
  },
  {
    name: 'layer',
    title: 'A whole layer',
    line: 'attention then the MLP, one expression',
    query: treeQuery(gpt2LayerTree({ seq: 48, emb: 64, ffn: 192 })),
  },
  {
    name: 'layer-scattered',
    title: 'A layer, pulled apart',
    line: 'scatter moves each sub-expression away from its parent',
    query: treeQuery({
      ...gpt2LayerTree({ seq: 48, emb: 64, ffn: 192 }),
      layout: { gap: 8, scatter: 24, blast: 0.5 },
    }),
  },
  {
    name: 'scheme-zigzag',
    title: 'Zigzag',
    line: 'a chain of five matmuls laid out by the zigzag scheme',
    query: readable({
      expr: 'A @ B @ C @ D @ E @ F',
      'layout.scheme': 'zigzag',
      folder: 'closed',
    }),
  },
  {
    name: 'sensitivity-local',
    title: 'Local sensitivity',
    line: 'each matrix scaled on its own: small weights stay visible next to large activations',
    query: readable({
      expr: 'A @ B',
      'left.init': 'gaussian',
      'left.max': 10,
      'left.min': -10,
      'right.init': 'gaussian',
      'viz.sensitivity': 'local',
      folder: 'closed',
    }),
  },
];

export const figureByName = (name) => FIGURES.find((f) => f.name === name);

/** The page a figure opens in (relative to the site's root). */
export const figureHref = (f) => (f.query.startsWith('?') ? `index.html${f.query}` : f.query);
