/** Shared by the model tests: the built-in model from its file, a plain-loop product, error measures. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bytesFromArrayBuffer } from '../../../src/data/safetensors';
import { openGptModel, type GptModel } from '../../../src/data/gpt-load';
import { tensorNames } from '../../../src/core/nn/weights';
import type { Product } from '../../../src/core/nn/gpt';

export const MODEL_FILE = resolve(
  import.meta.dirname,
  '../../../public/models/builtin/model.safetensors',
);
export const HEADS_FILE = resolve(import.meta.dirname, '../../../public/models/builtin/heads.json');

export async function builtinModel(): Promise<GptModel> {
  const buf = readFileSync(MODEL_FILE);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const m = await openGptModel(bytesFromArrayBuffer(ab));
  await m.ensure(tensorNames(m.config, m.config.nLayer - 1, true));
  return m;
}

/** The textbook triple loop in float64: the reference product, independent of the kernels. */
export const plainProduct: Product = (a, b, I, K, J) => {
  const out = new Float32Array(I * J);
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * J + j]!;
      out[i * J + j] = s;
    }
  }
  return out;
};

/** max |a - b| / max |b|: the error relative to the reference's scale (elementwise ratios blow up near zero). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** A seeded generator for test inputs (not the one the scripts use). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
