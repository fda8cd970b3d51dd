import { describe, it, expect } from 'vitest';
import { parseExpr, type ExprNode } from '../../../src/core/expr/parse';
import { printExpr, subtreeText } from '../../../src/core/expr/print';

const leaf = (name: string): ExprNode => ({ kind: 'leaf', name, start: 0, end: 0 });
const mm = (left: ExprNode, right: ExprNode, name = ''): ExprNode => ({
  kind: 'matmul',
  name,
  named: name !== '',
  left,
  right,
  start: 0,
  end: 0,
});

describe('printExpr', () => {
  const canonical = [
    'L @ R',
    'A @ B @ C @ D',
    'A @ (B @ (C @ D))',
    'A @ B @ (C @ D)',
    'out = (attn = Q @ K) @ V',
    'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
    'out = (x1 = (x0 = batch @ w0) @ w1) @ w2',
    'out = batch @ (w0 = w0_L @ w0_R) @ (w1 = w1_L @ w1_R) @ (w2 = w2_L @ w2_R)',
    '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = RRL @ RRR))',
    'my input @ W.1',
  ];
  for (const text of canonical) {
    it(`round-trips ${text}`, () => {
      expect(printExpr(parseExpr(text))).toBe(text);
    });
  }

  it('normalizes spacing, redundant parentheses and named parenthesized chains', () => {
    expect(printExpr(parseExpr('A@B@C'))).toBe('A @ B @ C');
    expect(printExpr(parseExpr('((A @ B) @ C)'))).toBe('A @ B @ C');
    expect(printExpr(parseExpr('(A) @ (B)'))).toBe('A @ B');
    expect(printExpr(parseExpr(' out=( A@B )'))).toBe('out = A @ B');
    expect(printExpr(parseExpr('(RR = (RRL @ RRR)) @ X'))).toBe('(RR = RRL @ RRR) @ X');
    expect(
      printExpr(
        parseExpr(
          '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = (RRL @ RRR)))',
        ),
      ),
    ).toBe('(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = RRL @ RRR))');
  });

  it('is a fixed point after one normalization', () => {
    for (const text of ['(A@ (B@C))@D', 'x = ((A)) @ (y = B @ C @ (D @ E))', ' ((p @ q)) ']) {
      const once = printExpr(parseExpr(text));
      expect(printExpr(parseExpr(once))).toBe(once);
    }
  });

  it('prints hand-built trees, parenthesizing only right matmuls and named children', () => {
    const abc = mm(mm(leaf('A'), leaf('B')), leaf('C'));
    expect(printExpr(abc)).toBe('A @ B @ C');
    expect(printExpr(mm(leaf('A'), mm(leaf('B'), leaf('C'))))).toBe('A @ (B @ C)');
    expect(printExpr(mm(mm(leaf('A'), leaf('B'), 'AB'), leaf('C')))).toBe('(AB = A @ B) @ C');
    expect(printExpr(mm(leaf('A'), leaf('B'), 'out'))).toBe('out = A @ B');
    expect(printExpr(leaf('A'))).toBe('A');
  });

  it('ignores stale names stored on unnamed matmuls', () => {
    const t = mm(mm(leaf('A'), leaf('B')), leaf('C'));
    if (t.kind !== 'matmul' || t.left.kind !== 'matmul') throw new Error('shape');
    t.left.name = 'stale';
    expect(printExpr(t)).toBe('A @ B @ C');
  });
});

describe('subtreeText', () => {
  it("omits the node's own name but keeps named descendants", () => {
    const t = parseExpr('out = (attn = Q @ K) @ V');
    expect(subtreeText(t)).toBe('(attn = Q @ K) @ V');
    if (t.kind !== 'matmul') throw new Error('shape');
    expect(subtreeText(t.left)).toBe('Q @ K');
    expect(subtreeText(t.right)).toBe('V');
  });

  it('handles a very long left spine iteratively', () => {
    let t: ExprNode = leaf('x0');
    const parts = ['x0'];
    for (let k = 1; k < 50_000; k++) {
      t = mm(t, leaf(`x${k}`));
      parts.push(`x${k}`);
    }
    expect(subtreeText(t)).toBe(parts.join(' @ '));
  });
});
