/** What the page asks of the compute worker and what it answers (through compute/rpc.ts). */
import type { MatrixValues, LeafData } from '../core/model/values';
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
 * What the compute worker asks of its helper thread: a row block of a product (`a`, I x K, times
 * `b`, K x J; answered with the block), or the values of plain matrices from their settings
 * (answered with their values, in order).
 */
export type HelperRequest =
  | ({ kind: 'multiply' } & MultiplyRequest)
  | { kind: 'leaves'; leaves: (Arg & { matmul: false })[] };
export type HelperReply = Float32Array | { key: string; values: MatrixValues }[];

/** A row block of a product for the multiply helper: `a` (I x K) times `b` (K x J). */
export interface MultiplyRequest {
  a: Float32Array;
  b: Float32Array;
  I: number;
  K: number;
  J: number;
}
