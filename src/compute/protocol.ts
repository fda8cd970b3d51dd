/** What the page asks of the compute worker and what it answers (through compute/rpc.ts). */
import type { MatrixValues, LeafData, ProductResult } from '../core/model/values';
import type { FarBlock } from '../core/model/split';
import type { Arg, Params } from '../core/params/schema';

export interface ComputeRequest {
  params: Params;
  /** Content keys the page already holds (the worker sends only a reference for those). */
  have: string[];
  leafData: [string, LeafData extends Map<string, infer V> ? V : never][];
}

export interface ComputeReply {
  entries: { path: string; key: string; values?: MatrixValues }[];
}

/**
 * What the compute worker asks of its helper thread: the first row block of a product
 * (core/model/split.ts; answered with the block, finished when asked), or the values of plain
 * matrices from their settings (answered with their values, in order).
 */
export type HelperRequest =
  ({ kind: 'multiply' } & FarBlock) | { kind: 'leaves'; leaves: (Arg & { matmul: false })[] };
export type HelperReply = ProductResult | { key: string; values: MatrixValues }[];
