/**
 * The project's forward pass (src/core/nn/gpt.ts) against the training library's: the built-in
 * model's weights are read from its .safetensors file twice, by the project's reader for ours and
 * by the training scripts' own reader for a tfjs model (scripts/gpt-tf.mjs, the code that trained
 * it), and both run the same tokens. Every layer's residual stream, every head's attention and
 * the logits must agree within a relative error of 1e-4 (max |ours - tfjs| / max |tfjs|).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CONFIG, forward, readSafetensors } from '../../../scripts/gpt-tf.mjs';
import { GptRun, type Product } from '../../../src/core/nn/gpt';
import { matmul } from '../../../src/core/tensor/matmul';
import { kernelKind } from '../../../src/core/tensor/wasm-kernel';
import { useWasmKernel } from '../../../src/compute/kernel';
import { charTokenizer } from '../../../src/core/nn/weights';
import { MODEL_FILE, builtinModel, lcg, plainProduct, relErr } from './helpers';

const TOL = 1e-4;
useWasmKernel();
/** The product the browser's worker uses (WebAssembly SIMD where available, as here under Node). */
const kernelProduct: Product = (a, b, I, K, J) => matmul(a, b, I, K, J);

describe('forward pass vs tfjs', () => {
  it('hidden states, attention and logits match on a text and on random tokens', async () => {
    await tf.setBackend('cpu');
    const model = await builtinModel();
    const { tensors } = readSafetensors(MODEL_FILE);
    const params: Record<string, tf.Tensor> = {};
    for (const [n, t] of Object.entries(tensors)) params[n] = tf.tensor(t.data, t.shape);
    const tok = charTokenizer(model.vocab!);
    const rnd = lcg(424242);
    const inputs = [
      tok.encode('Everyone is permitted to copy and distribute verbatim copies.'),
      Array.from({ length: model.config.nCtx }, () => Math.floor(rnd() * model.config.vocabSize)),
      [5],
    ];
    console.log(`project kernel: ${kernelKind()}`);
    for (const [tokens, product] of inputs.flatMap(
      (t) =>
        [
          [t, plainProduct],
          [t, kernelProduct],
        ] as const,
    )) {
      const ours = new GptRun(model.weights, tokens, product);
      const ref = forward(params, tf.tensor2d([tokens], undefined, 'int32'), CONFIG, true);
      const errs: string[] = [];
      for (let l = 0; l <= model.config.nLayer; l++) {
        const e = relErr(ours.hidden(l - 1), ref.hidden![l]!.dataSync());
        errs.push(`hidden ${l}: ${e.toExponential(2)}`);
        expect(e).toBeLessThan(TOL);
      }
      for (let l = 0; l < model.config.nLayer; l++) {
        const all = ref.attns![l]!.dataSync();
        const T = tokens.length;
        for (let h = 0; h < model.config.nHead; h++) {
          const e = relErr(ours.layer(l).attn[h]!, all.subarray(h * T * T, (h + 1) * T * T));
          expect(e).toBeLessThan(TOL);
        }
      }
      const e = relErr(ours.logits(), ref.logits.dataSync());
      errs.push(`logits: ${e.toExponential(2)}`);
      console.log(
        `T=${tokens.length}, ${product === plainProduct ? 'plain loop' : 'project kernel'}: ${errs.join(', ')} (tolerance ${TOL})`,
      );
      expect(e).toBeLessThan(TOL);
    }
  });

  it('the heads add up to the attention block: sum of head outputs + c_proj bias = residMid - resid', async () => {
    const model = await builtinModel();
    const tokens = charTokenizer(model.vocab!).encode('abc abc abc');
    const run = new GptRun(model.weights, tokens, plainProduct);
    const { dModel: d } = model.config;
    for (let l = 0; l < model.config.nLayer; l++) {
      const a = run.layer(l);
      const bias = model.weights.get(`h.${l}.attn.c_proj.bias`);
      const sum = new Float32Array(tokens.length * d);
      for (let h = 0; h < model.config.nHead; h++) {
        const out = run.head(l, h).out;
        for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + out[i]!;
      }
      for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + bias[i % d]!;
      const delta = a.residMid.map((x, i) => x - a.resid[i]!);
      expect(relErr(sum, delta)).toBeLessThan(TOL);
    }
  });

  it('refuses tokens outside the vocabulary and texts longer than the context', async () => {
    const model = await builtinModel();
    expect(() => new GptRun(model.weights, [model.config.vocabSize], plainProduct)).toThrow(
      /outside the vocabulary/,
    );
    expect(
      () => new GptRun(model.weights, new Array(model.config.nCtx + 1).fill(1), plainProduct),
    ).toThrow(/1 to/);
    expect(() => new GptRun(model.weights, [], plainProduct)).toThrow(/1 to/);
  });
});
