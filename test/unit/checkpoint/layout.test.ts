/**
 * Model families by key layout (src/data/checkpoint.ts, checkCheckpoint) on hand-made headers, no
 * file needed: GPT-2 with and without the `transformer.` prefix, the built-in model's metadata, a
 * missing block tensor (listed), another vocabulary, absurd shapes and headers over the limit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Checkpoint, CheckpointError, checkCheckpoint } from '../../../src/data/checkpoint';
import type { SafetensorsHeader } from '../../../src/data/safetensors';
import { MODEL_FILE } from '../nn/helpers';

/** A header with GPT-2's names and the shapes of a model of width d (offsets do not matter here). */
function header(
  opts: { prefix?: string; layers?: number; d?: number; vocab?: number; drop?: string[] } = {},
): SafetensorsHeader {
  const { prefix = '', layers = 2, d = 768, vocab = 50257 } = opts;
  const shapes: [string, number[]][] = [
    ['wte.weight', [vocab, d]],
    ['wpe.weight', [1024, d]],
    ['ln_f.weight', [d]],
    ['ln_f.bias', [d]],
  ];
  for (let l = 0; l < layers; l++) {
    shapes.push(
      [`h.${l}.ln_1.weight`, [d]],
      [`h.${l}.ln_1.bias`, [d]],
      [`h.${l}.attn.c_attn.weight`, [d, 3 * d]],
      [`h.${l}.attn.c_attn.bias`, [3 * d]],
      [`h.${l}.attn.c_proj.weight`, [d, d]],
      [`h.${l}.attn.c_proj.bias`, [d]],
      [`h.${l}.ln_2.weight`, [d]],
      [`h.${l}.ln_2.bias`, [d]],
      [`h.${l}.mlp.c_fc.weight`, [d, 4 * d]],
      [`h.${l}.mlp.c_fc.bias`, [4 * d]],
      [`h.${l}.mlp.c_proj.weight`, [4 * d, d]],
      [`h.${l}.mlp.c_proj.bias`, [d]],
    );
  }
  return {
    tensors: shapes
      .filter(([n]) => !opts.drop?.includes(n))
      .map(([n, shape]) => ({ name: prefix + n, dtype: 'F32', shape, begin: 0, end: 0 })),
    metadata: {},
    dataStart: 8,
  };
}

function refused(h: SafetensorsHeader): CheckpointError {
  try {
    checkCheckpoint(h);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a refusal');
}

describe('model families by key layout', () => {
  it('GPT-2 with and without the transformer. prefix', () => {
    for (const prefix of ['', 'transformer.'] as const) {
      const s = checkCheckpoint(header({ prefix }));
      expect(s).toMatchObject({ family: 'gpt2', prefix, vocab: null });
      expect(s.config).toMatchObject({ nLayer: 2, nHead: 12, dModel: 768, dMlp: 3072 });
    }
    expect(checkCheckpoint(header({ d: 1600, layers: 1 })).config.nHead).toBe(25);
  });

  it('the built-in model: its vocabulary and head count from the metadata', async () => {
    const buf = readFileSync(MODEL_FILE);
    const ck = await Checkpoint.open({ kind: 'blob', blob: new Blob([buf]), name: 'model' });
    expect(ck.shape.family).toBe('builtin');
    expect(ck.shape.vocab?.length).toBe(ck.config.vocabSize);
    expect(ck.config.nHead).toBe(4);
  });

  it('a missing tensor is listed with what was expected and found', () => {
    const e = refused(header({ prefix: 'transformer.', drop: ['h.1.mlp.c_fc.bias'] }));
    expect(e.kind).toBe('layout');
    expect(e.message).toMatch(/missing transformer\.h\.1\.mlp\.c_fc\.bias; expected 28 tensors/);
    expect(e.message).toMatch(/found 27/);
  });

  it('another layout, another vocabulary, absurd shapes', () => {
    const llama = header();
    llama.tensors = [
      { name: 'model.embed_tokens.weight', dtype: 'F16', shape: [32000, 4096], begin: 0, end: 0 },
      {
        name: 'model.layers.0.self_attn.q_proj.weight',
        dtype: 'F16',
        shape: [4096, 4096],
        begin: 0,
        end: 0,
      },
    ];
    const other = refused(llama);
    expect(other.kind).toBe('layout');
    expect(other.message).toMatch(/expected wte\.weight.*found model\.embed_tokens\.weight/);
    const vocab = refused(header({ vocab: 32000 }));
    expect([vocab.kind, vocab.message]).toEqual([
      'layout',
      expect.stringMatching(/vocabulary of 32000 tokens: GPT-2's tokenizer has 50257/),
    ]);
    const wide = refused(header({ d: 100_000, layers: 1 }));
    expect([wide.kind, wide.message]).toEqual(['shape', expect.stringMatching(/width 16384/)]);
    const odd = header();
    odd.tensors.find((t) => t.name === 'h.1.attn.c_proj.weight')!.shape = [768, 700];
    expect(refused(odd).kind).toBe('shape');
  });

  it('a header over 16 MiB is refused before it is read', async () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(20n * 1024n * 1024n);
    const blob = new Blob([len, '{}']);
    try {
      await Checkpoint.open({ kind: 'blob', blob, name: 'big' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as CheckpointError).kind).toBe('header');
      expect((e as Error).message).toMatch(/claims 20 MiB; headers over 16 MiB are refused/);
    }
  });
});
