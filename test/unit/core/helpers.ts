// Shared by the core unit tests: the examples of docs/expressions.md and the structure of trees and
// expressions as text (e.g. "(A (B C))", leaf names only), walked independently of
// src/core/params/tree.
import type { ExprNode } from '../../../src/core/expr/parse';
import type { Arg, Params } from '../../../src/core/params/schema';
import { normalize } from '../../../src/core/params/normalize';

export const SPEC3_EXAMPLES = [
  'out = (attn = Q @ K) @ V',
  'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
  'out = (x1 = (x0 = batch @ w0) @ w1) @ w2',
  'out = batch @ (w0 = w0_L @ w0_R) @ (w1 = w1_L @ w1_R) @ (w2 = w2_L @ w2_R)',
  '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = (RRL @ RRR)))',
];

export function shapeOfArg(a: Arg): string {
  return a.matmul ? `(${shapeOfArg(a.left)} ${shapeOfArg(a.right)})` : a.name;
}
export function shapeOfParams(p: Params): string {
  return `(${shapeOfArg(p.left)} ${shapeOfArg(p.right)})`;
}
export function shapeOfExpr(e: ExprNode): string {
  return e.kind === 'leaf' ? e.name : `(${shapeOfExpr(e.left)} ${shapeOfExpr(e.right)})`;
}

/** Deterministic values in [lo, hi) (xorshift), independent of the code under test. */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[p] = lo + (s / 4294967296) * (hi - lo);
  }
  return out;
}

/** A small attention-like state with an epilog at every level (layernorm, causal softmax, relu, x/k, tanh). */
export function attentionState(): Params {
  return normalize({
    name: 'out',
    epilog: 'layernorm',
    left: {
      name: 'attn',
      matmul: true,
      epilog: 'softmax(tril(x/sqrt(k)))',
      left: {
        name: 'Q',
        matmul: true,
        epilog: 'relu',
        left: { name: 'x', h: 6, w: 5, init: 'gaussian', seed: 1 },
        right: { name: 'wQ', w: 4, init: 'uniform', seed: 2 },
      },
      right: {
        name: 'K',
        matmul: true,
        epilog: 'x/k',
        left: { name: 'wK', h: 4, w: 5, init: 'pt linear', seed: 3 },
        right: { name: 'xt', w: 6, init: 'cols' },
      },
    },
    right: {
      name: 'V',
      matmul: true,
      epilog: 'tanh',
      left: { name: 'x', init: 'gaussian', seed: 1 },
      right: { name: 'wV', w: 3, init: 'row major', min: -2, max: 0.5 },
    },
  }).params;
}
