/** Requests and replies between the explorer's page side (ui/explorer-client.ts) and its worker (over compute/rpc.ts). */
import type { GptConfig } from '../core/nn/weights';
import type { Variant } from '../core/nn/head-view';
import type { CheckpointErrorKind, LoadProgress } from '../data/checkpoint';

export interface HeadName {
  layer: number;
  head: number;
  name: string;
  scores: Record<string, number>;
}

export interface ModelInfo {
  config: GptConfig;
  /** The built-in family's character vocabulary; empty for GPT-2 (BPE, tokenized in the worker). */
  vocab: string[];
  heads: HeadName[];
  /** 'builtin' for the shipped model and checkpoints of its layout; 'gpt2' for GPT-2's. */
  family: 'builtin' | 'gpt2';
  /** The model id: 'builtin', a URL, or `file:NAME` for a local file. */
  model: string;
  /** The checkpoint file's size in bytes (0 for the shipped model). */
  size: number;
  /** Things the user should know about how it was opened (whole download, cached copy). */
  notices: string[];
  /** The most tokens a view reads (texts are cut there). */
  maxTokens: number;
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
  /** `base`: the absolute URL of the built-in model's folder, as the page resolves it. `file`: a local checkpoint; `whole`: download all from a server without Range support. */
  | {
      kind: 'open';
      model: string;
      base: string;
      file?: Blob;
      whole?: boolean;
      /** The layer the page will show first: a checkpoint reads that block from the cache while it opens. */
      layer?: number;
    }
  | { kind: 'head'; query: HeadQuery }
  /** The text as the model reads it. */
  | { kind: 'tokens'; model: string; base: string; text: string }
  /** Fetches what a view needs (progress as `CheckpointProgressMessage`s). */
  | { kind: 'prepare'; query: HeadQuery }
  /** Aborts the loads in progress. */
  | { kind: 'cancel' }
  | { kind: 'cache'; clear: boolean };

export interface OpenFailure {
  kind: CheckpointErrorKind | 'other';
  message: string;
  size?: number;
}

export type ExplorerReply =
  | { kind: 'open'; info: ModelInfo }
  | { kind: 'open-error'; error: OpenFailure }
  | {
      kind: 'head';
      tokens: number[];
      leaves: [string, { h: number; w: number; data: Float32Array }][];
      /** Worker time for the leaves, and for the forward pass's blocks of this run so far. */
      ms: number;
      forwardMs: number;
    }
  | { kind: 'tokens'; ids: number[]; pieces: string[]; text: string; cut: boolean }
  | { kind: 'prepared'; transferred: number; total: number }
  | { kind: 'prepare-error'; error: OpenFailure }
  | { kind: 'done' }
  | { kind: 'cache'; bytes: number };

/** Posted by the worker outside the request/answer protocol while a checkpoint loads. */
export interface CheckpointProgressMessage {
  checkpointProgress: LoadProgress & { model: string };
}

/**
 * The model worker's name, set by the page (ExplorerClient.startWith): the explorer's link and
 * the built-in model's base URL, so that the worker starts the link's first view at once.
 */
export interface WorkerStart {
  mm3dExplorer: { search: string; base: string };
}

/** Posted by the worker once it has computed the view its name asked for (see WorkerStart). */
export interface StartedMessage {
  explorerStarted: { layer: number; head: number; text: string };
}
