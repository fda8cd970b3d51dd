/**
 * Opens a GPT-2-layout `.safetensors` checkpoint through a ByteSource: reads the header, checks
 * the key layout and shapes (core/nn/weights.ts), and fetches tensors by name, each by its own
 * byte range, only when asked (`ensure`), so a view of layer l needs the embeddings and blocks
 * 0..l only. Works on an in-memory buffer (the built-in model, tests), a Blob or, later, a URL
 * with Range requests.
 */
import {
  type ByteSource,
  type SafetensorsHeader,
  readSafetensorsHeader,
  readSafetensorsTensor,
} from './safetensors';
import {
  type GptConfig,
  type GptWeights,
  builtinMeta,
  configFromShapes,
  detectLayout,
  makeWeights,
} from '../core/nn/weights';
import { DataError } from './types';

export interface GptModel {
  config: GptConfig;
  /** The built-in model's character vocabulary; null for checkpoints that need another tokenizer. */
  vocab: string[] | null;
  header: SafetensorsHeader;
  /** Fetches the named tensors not loaded yet. */
  ensure(names: readonly string[]): Promise<void>;
  weights: GptWeights;
}

export async function openGptModel(src: ByteSource): Promise<GptModel> {
  const header = await readSafetensorsHeader(src);
  const names = header.tensors.map((t) => t.name);
  const layout = detectLayout(names);
  if (layout.kind !== 'gpt2') throw new DataError('format', layout.message);
  const meta = builtinMeta(header.metadata);
  const shapes = new Map(header.tensors.map((t) => [t.name, t.shape]));
  const config = configFromShapes(shapes, layout.prefix, meta?.nHead);
  const loaded = new Map<string, Float32Array>();
  return {
    config,
    vocab: meta?.vocab ?? null,
    header,
    weights: makeWeights(config, layout.prefix, loaded),
    async ensure(want) {
      for (const n of want) {
        const full = layout.prefix + n;
        if (loaded.has(full)) continue;
        loaded.set(full, (await readSafetensorsTensor(src, header, full)).data);
      }
    },
  };
}
