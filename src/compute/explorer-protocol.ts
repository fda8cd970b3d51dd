/** Requests and replies between the explorer's page side (ui/explorer-client.ts) and its worker (over compute/rpc.ts). */
import type { GptConfig } from '../core/nn/weights';
import type { Variant } from '../core/nn/head-view';

export interface HeadName {
  layer: number;
  head: number;
  name: string;
  scores: Record<string, number>;
}

export interface ModelInfo {
  config: GptConfig;
  vocab: string[];
  heads: HeadName[];
}

export interface HeadQuery {
  model: string;
  base: string;
  text: string;
  layer: number;
  head: number;
  variant: Variant;
}

export type ExplorerRequest =
  /** `base`: the absolute URL of the built-in model's folder, as the page resolves it. */
  { kind: 'open'; model: string; base: string } | { kind: 'head'; query: HeadQuery };

export type ExplorerReply =
  | { kind: 'open'; info: ModelInfo }
  | {
      kind: 'head';
      tokens: number[];
      leaves: [string, { h: number; w: number; data: Float32Array }][];
      ms: number;
    };
