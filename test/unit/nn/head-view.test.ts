/**
 * Head exactness: the tool state the explorer builds for a head (core/nn/head-view.ts), computed by
 * the tool's own value machinery (core/model/values.ts, the code that fills the picture), shows
 * exactly the forward pass's per-head intermediates: Q, K_t, attn, V, z and out, for two layers
 * and two heads and both variants (qkov shows attn, z and out). The forward pass itself is checked
 * against tfjs in forward.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GptRun, type HeadActs } from '../../../src/core/nn/gpt';
import { VARIANTS, headLeaves, headState, type Variant } from '../../../src/core/nn/head-view';
import { charTokenizer } from '../../../src/core/nn/weights';
import { normalize } from '../../../src/core/params/normalize';
import { leaves, matmuls, pathKey } from '../../../src/core/params/tree';
import { computeValues, type LeafData } from '../../../src/core/model/values';
import { builtinModel, plainProduct, relErr } from './helpers';

const transpose = (m: Float32Array, rows: number, cols: number): Float32Array => {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
};

describe('head view values', () => {
  it('equal the forward pass per-head intermediates (2 layers x 2 heads x 2 variants)', async () => {
    const model = await builtinModel();
    const tokens = charTokenizer(model.vocab!).encode(
      'the code Wq7Kz#Lp3 then Wq7Kz#Lp3 and again',
    );
    const run = new GptRun(model.weights, tokens, plainProduct);
    const { dModel: d, nHead } = model.config;
    const hd = d / nHead;
    for (const variant of VARIANTS as readonly Variant[]) {
      for (const layer of [0, model.config.nLayer - 1]) {
        for (const head of [0, nHead - 1]) {
          const a: HeadActs = run.head(layer, head);
          const mats = headLeaves(run, layer, head, variant, model.weights);
          const raw = headState(
            variant,
            { T: tokens.length, d, hd },
            'none',
            (leaf) => `test:${encodeURIComponent(leaf)}`,
          );
          const n = normalize(raw);
          expect(n.notices).toEqual([]);
          const p = n.params;
          const leafData: LeafData = new Map();
          for (const { path, node } of leaves(p)) {
            const m = mats.get(decodeURIComponent(node.url.slice(5)));
            expect(m, node.url).toBeDefined();
            leafData.set(pathKey(path), m!);
          }
          const { values } = computeValues(p, { leafData });
          const byName = new Map(
            matmuls(p).map(({ path, node }) => [node.name, values.get(pathKey(path))!]),
          );
          const T = tokens.length;
          const want: Record<string, Float32Array> =
            variant === 'usual'
              ? { Q: a.q, K_t: transpose(a.k, T, hd), V: a.v, attn: a.attn, z: a.z, out: a.out }
              : { attn: a.attn, out: a.out };
          for (const [name, expected] of Object.entries(want)) {
            const got = byName.get(name);
            expect(got, `${variant} L${layer}H${head} ${name}`).toBeDefined();
            expect(got!.error).toBeUndefined();
            const e = relErr(got!.data, expected);
            expect(e, `${variant} L${layer}H${head} ${name}: relative error ${e}`).toBeLessThan(
              1e-5,
            );
          }
          if (variant === 'qkov') {
            // In the qkov form z is attn @ input: T x (d + 1), the ones column included.
            expect(byName.get('z')!.w).toBe(d + 1);
          }
        }
      }
    }
  });

  it('presets animate the left spine: none, attn @ V @ wO, Q @ K_t @ V @ wO, input @ wQ @ K_t @ V @ wO', () => {
    const dims = { T: 8, d: 16, hd: 4 };
    const algs = (preset: Parameters<typeof headState>[2]): Record<string, string> => {
      const p = normalize(headState('usual', dims, preset, () => 'x')).params;
      return Object.fromEntries(matmuls(p).map(({ node }) => [node.name, String(node.anim.alg)]));
    };
    expect(algs('none').out).toBe('none');
    const a = algs('attn @ V @ wO');
    expect([a.out, a.z, a.attn, a.Q, a.K_t, a.V]).toEqual([
      'vmprod',
      'inherit',
      'none',
      'none',
      'none',
      'none',
    ]);
    const b = algs('Q @ K_t @ V @ wO');
    expect([b.z, b.attn, b.Q]).toEqual(['inherit', 'inherit', 'none']);
    const c = algs('input @ wQ @ K_t @ V @ wO');
    expect([c.z, c.attn, c.Q, c.K_t, c.V]).toEqual([
      'inherit',
      'inherit',
      'inherit',
      'none',
      'none',
    ]);
  });
});
