// Types for the training scripts' tfjs model (scripts/gpt-tf.mjs), as the unit tests use it.
import type * as tf from '@tensorflow/tfjs';

export const CONFIG: Readonly<{
  nLayer: number;
  nHead: number;
  dModel: number;
  nCtx: number;
  dMlp: number;
  lnEps: number;
}>;
export const VOCAB: string[];
export function encode(text: string): number[];
export function forward(
  params: Record<string, tf.Tensor>,
  tokens: tf.Tensor2D,
  cfg?: typeof CONFIG,
  trace?: boolean,
): { logits: tf.Tensor3D; hidden: tf.Tensor3D[] | null; attns: tf.Tensor4D[] | null };
export function readSafetensors(path: string): {
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
};
/** Re-registers tfjs's WebAssembly BatchMatMul so transposed operands are copied before a plain product (same numbers, faster). */
export function plainProductsOnWasm(): void;
