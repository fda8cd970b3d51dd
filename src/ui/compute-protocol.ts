/** Messages between the page and the compute worker. */
import type { MatrixValues, LeafData } from '../core/model/values';
import type { Params } from '../core/params/schema';

export interface ComputeRequest {
  id: number;
  params: Params;
  /** Content keys the page already holds (the worker sends only a reference for those). */
  have: string[];
  leafData: [string, LeafData extends Map<string, infer V> ? V : never][];
}

export interface ComputeReply {
  id: number;
  progress?: number;
  error?: string;
  entries?: { path: string; key: string; values?: MatrixValues }[];
}
