/** What the page asks of the compute worker and what it answers (through compute/rpc.ts). */
import type { MatrixValues, LeafData } from '../core/model/values';
import type { Params } from '../core/params/schema';

export interface ComputeRequest {
  params: Params;
  /** Content keys the page already holds (the worker sends only a reference for those). */
  have: string[];
  leafData: [string, LeafData extends Map<string, infer V> ? V : never][];
}

export interface ComputeReply {
  entries: { path: string; key: string; values?: MatrixValues }[];
}

/** A row block of a product for the multiply helper: `a` (I x K) times B given transposed (J x K). */
export interface MultiplyRequest {
  a: Float32Array;
  bt: Float32Array;
  I: number;
  K: number;
  J: number;
}
