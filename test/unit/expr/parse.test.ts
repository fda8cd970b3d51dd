import { describe, it, expect } from 'vitest';
import {
  parseExpr,
  ExprError,
  isValidName,
  MAX_EXPR_OPERANDS,
  type ExprNode,
} from '../../../src/core/expr/parse';
import { subtreeText } from '../../../src/core/expr/print';

// A compact view of a tree: a leaf is its name; a matmul is [name, named, left, right].
type Shape = string | [string, boolean, Shape, Shape];
function shape(n: ExprNode): Shape {
  return n.kind === 'leaf' ? n.name : [n.name, n.named, shape(n.left), shape(n.right)];
}

function expectError(text: string, pos: number, fragment: RegExp): void {
  let caught: unknown;
  try {
    parseExpr(text);
  } catch (e) {
    caught = e;
  }
  expect(caught, `no error for ${JSON.stringify(text)}`).toBeInstanceOf(ExprError);
  const err = caught as ExprError;
  expect(err.pos).toBe(pos);
  expect(err.message).toMatch(fragment);
  expect(err.message).toContain(`at ${pos}`);
}

function allNodes(n: ExprNode, out: ExprNode[] = []): ExprNode[] {
  out.push(n);
  if (n.kind === 'matmul') {
    allNodes(n.left, out);
    allNodes(n.right, out);
  }
  return out;
}

describe('parseExpr: structure', () => {
  it('parses the default L @ R', () => {
    expect(shape(parseExpr('L @ R'))).toEqual(['L @ R', false, 'L', 'R']);
  });

  it('folds chains to the left and names unnamed matmuls by their text', () => {
    expect(shape(parseExpr('A @ B @ C'))).toEqual([
      'A @ B @ C',
      false,
      ['A @ B', false, 'A', 'B'],
      'C',
    ]);
    expect(shape(parseExpr('A @ B @ C @ D'))).toEqual([
      'A @ B @ C @ D',
      false,
      ['A @ B @ C', false, ['A @ B', false, 'A', 'B'], 'C'],
      'D',
    ]);
  });

  it('honours parentheses for right-associative chains', () => {
    expect(shape(parseExpr('A @ (B @ (C @ D))'))).toEqual([
      'A @ (B @ (C @ D))',
      false,
      'A',
      ['B @ (C @ D)', false, 'B', ['C @ D', false, 'C', 'D']],
    ]);
  });

  it('docs example: out = (attn = Q @ K) @ V', () => {
    expect(shape(parseExpr('out = (attn = Q @ K) @ V'))).toEqual([
      'out',
      true,
      ['attn', true, 'Q', 'K'],
      'V',
    ]);
  });

  it('docs example: attention head with named projections', () => {
    const t = parseExpr(
      'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
    );
    expect(shape(t)).toEqual([
      'out',
      true,
      [
        // An unnamed matmul is called after its arguments' names (docs/expressions.md, Names).
        'attn @ V',
        false,
        ['attn', true, ['Q', true, 'input', 'wQ'], ['K', true, 'wK', 'input_t']],
        ['V', true, 'input', 'wV'],
      ],
      'wO',
    ]);
  });

  it('docs example: out = (x1 = (x0 = batch @ w0) @ w1) @ w2', () => {
    expect(shape(parseExpr('out = (x1 = (x0 = batch @ w0) @ w1) @ w2'))).toEqual([
      'out',
      true,
      ['x1', true, ['x0', true, 'batch', 'w0'], 'w1'],
      'w2',
    ]);
  });

  it('docs example: low-rank MLP chain', () => {
    const t = parseExpr(
      'out = batch @ (w0 = w0_L @ w0_R) @ (w1 = w1_L @ w1_R) @ (w2 = w2_L @ w2_R)',
    );
    expect(shape(t)).toEqual([
      'out',
      true,
      [
        'batch @ w0 @ w1',
        false,
        ['batch @ w0', false, 'batch', ['w0', true, 'w0_L', 'w0_R']],
        ['w1', true, 'w1_L', 'w1_R'],
      ],
      ['w2', true, 'w2_L', 'w2_R'],
    ]);
  });

  it('docs example: binary tree, with RR naming a parenthesized matmul', () => {
    const text =
      '(L = (LL = LLL @ LLR) @ (LR = LRL @ LRR)) @ (R = (RL = RLL @ RLR) @ (RR = (RRL @ RRR)))';
    const t = parseExpr(text);
    expect(shape(t)).toEqual([
      'L @ R',
      false,
      ['L', true, ['LL', true, 'LLL', 'LLR'], ['LR', true, 'LRL', 'LRR']],
      ['R', true, ['RL', true, 'RLL', 'RLR'], ['RR', true, 'RRL', 'RRR']],
    ]);
  });

  it('accepts a root wrapped in parentheses and a named root wrapped in parentheses', () => {
    expect(shape(parseExpr('((A @ B))'))).toEqual(['A @ B', false, 'A', 'B']);
    expect(shape(parseExpr('(out = A @ B)'))).toEqual(['out', true, 'A', 'B']);
    expect(shape(parseExpr('out = (A @ B)'))).toEqual(['out', true, 'A', 'B']);
  });

  it('accepts a parenthesized single matrix as an operand', () => {
    expect(shape(parseExpr('(A) @ ((B))'))).toEqual(['A @ B', false, 'A', 'B']);
  });

  it('trims names but keeps inner spaces and any other characters', () => {
    expect(shape(parseExpr('  my input\t@W_q.1 '))).toEqual([
      'my input @ W_q.1',
      false,
      'my input',
      'W_q.1',
    ]);
    expect(shape(parseExpr('α@β'))).toEqual(['α @ β', false, 'α', 'β']);
    expect(shape(parseExpr('out=A@B'))).toEqual(['out', true, 'A', 'B']);
  });

  it('names every unnamed matmul after its arguments, as the original tool does', () => {
    const t = parseExpr(
      'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO @ (x @ (y @ z)) @ q',
    );
    const unnamed = allNodes(t)
      .filter((n) => n.kind === 'matmul' && !n.named)
      .map((n) => n.name);
    // Written by hand from the rule in docs/expressions.md (Names).
    expect(unnamed.sort()).toEqual(
      ['attn @ V', 'attn @ V @ wO', 'attn @ V @ wO @ (x @ (y @ z))', 'x @ (y @ z)', 'y @ z'].sort(),
    );
    // The whole text of each is still what subtreeText prints (and what the title shows).
    const root = t.kind === 'matmul' ? t.left : t;
    expect(subtreeText(root)).toBe(
      '(attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO @ (x @ (y @ z))',
    );
  });
});

describe('parseExpr: spans', () => {
  it('records half-open offsets of names and sub-expressions', () => {
    //          0         1         2
    //          012345678901234567890123
    const text = 'out = (attn = Q @ K) @ V';
    const t = parseExpr(text);
    if (t.kind !== 'matmul' || t.left.kind !== 'matmul' || t.left.left.kind !== 'leaf') {
      throw new Error('unexpected shape');
    }
    expect([t.start, t.end]).toEqual([0, 24]);
    expect([t.left.start, t.left.end]).toEqual([7, 19]);
    expect(text.slice(t.left.start, t.left.end)).toBe('attn = Q @ K');
    expect([t.left.left.start, t.left.left.end]).toEqual([14, 15]);
    expect([t.left.right.start, t.left.right.end]).toEqual([18, 19]);
    expect([t.right.start, t.right.end]).toEqual([23, 24]);
  });

  it('spans a chain prefix from its first operand, parentheses included', () => {
    //            0123456789012345
    const text = ' (A @ B) @ C @ D';
    const t = parseExpr(text);
    if (t.kind !== 'matmul' || t.left.kind !== 'matmul' || t.left.left.kind !== 'matmul') {
      throw new Error('unexpected shape');
    }
    expect(text.slice(t.start, t.end)).toBe('(A @ B) @ C @ D');
    expect(text.slice(t.left.start, t.left.end)).toBe('(A @ B) @ C');
    expect(text.slice(t.left.left.start, t.left.left.end)).toBe('A @ B');
  });

  it('spans a trimmed name with inner spaces', () => {
    const t = parseExpr('  big  name  @ B');
    if (t.kind !== 'matmul') throw new Error('unexpected shape');
    expect([t.left.start, t.left.end]).toEqual([2, 11]);
  });
});

describe('parseExpr: errors', () => {
  it('rejects an empty operand', () => {
    expectError('A @', 3, /expected a name or '\(' after '@'.*found the end/);
    expectError('A @   ', 6, /after '@'/);
    expectError('@ B', 0, /expected a name or '\('.*found '@'/);
    expectError('()', 1, /expected a name or '\(' after '\('.*found '\)'/);
    expectError('A @ @ B', 4, /after '@'.*found '@'/);
    expectError('A @ () @ B', 5, /found '\)'/);
    expectError('', 0, /expected a name/);
    expectError('   ', 3, /expected a name/);
  });

  it('rejects unbalanced parentheses', () => {
    expectError('(A @ B', 0, /unclosed '\('/);
    expectError('((A @ B) @ C', 0, /unclosed '\('/);
    expectError('A @ (B @ (C @ D)', 4, /unclosed '\('/);
    expectError('A @ B)', 5, /unmatched '\)'/);
    expectError('(A @ B)) @ C', 7, /unmatched '\)'/);
  });

  it('rejects misplaced names and =', () => {
    expectError('= A @ B', 0, /expected a name before '='/);
    expectError('A = ', 4, /after '='.*found the end/);
    expectError('A = B', 4, /single matrix/);
    expectError('(X = A) @ B', 5, /single matrix/);
    expectError('A @ B = C', 6, /unexpected '='/);
    expectError('A = B = C @ D', 6, /unexpected '='/);
    expectError('(A = B @ C = D)', 11, /unexpected '='/);
    expectError('(X = (Y = A @ B)) @ C', 6, /named twice/);
  });

  it('rejects operands that are not joined by @', () => {
    expectError('A @ B (C @ D)', 6, /expected '@' or the end.*found '\('/);
    expectError('(A @ B)(C @ D)', 7, /found '\('/);
    expectError('(A @ B) C', 8, /found 'C'/);
    expectError('(A @ B C(D))', 8, /expected '@' or '\)'/);
  });

  it('requires the root to be a matmul', () => {
    expectError('A', 0, /needs at least one '@'/);
    expectError('  A  ', 2, /needs at least one '@'/);
    expectError('((A))', 2, /needs at least one '@'/);
  });

  it('limits length without failing at the limit', () => {
    const atLimit = 'A @ ' + 'x'.repeat(10_000 - 4);
    expect(atLimit.length).toBe(10_000);
    expect(parseExpr(atLimit).kind).toBe('matmul');
    expectError(atLimit + 'y', 10_000, /at most 10000/);
  });

  it('limits nesting to 200 levels of parentheses', () => {
    const nest = (n: number): string => '('.repeat(n) + 'A @ B' + ')'.repeat(n);
    expect(parseExpr(nest(200)).name).toBe('A @ B');
    expectError(nest(201), 200, /nested deeper than 200/);
    // Far beyond the limit must still be an ExprError, not a stack overflow.
    expectError('('.repeat(5000) + 'A', 200, /nested deeper than 200/);
  });

  it('parses a maximal left-associative chain without deep recursion', () => {
    // At most MAX_EXPR_OPERANDS operands (issue 17: default names make long chains quadratic).
    const n = MAX_EXPR_OPERANDS;
    const text = Array.from({ length: n }, (_, k) => `m${k % 10}`).join('@');
    const t = parseExpr(text);
    let depth = 0;
    let node: ExprNode = t;
    while (node.kind === 'matmul') {
      depth++;
      node = node.left;
    }
    const operands = text.split('@').length;
    expect(depth).toBe(operands - 1);
    expect(t.name).toBe(text.split('@').join(' @ '));
  });

  it('ExprError is an Error with its own name', () => {
    try {
      parseExpr('A @');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('ExprError');
    }
  });
});

describe('isValidName', () => {
  it('accepts what a leaf can be named and rejects the rest', () => {
    expect(isValidName('w0_L')).toBe(true);
    expect(isValidName('my input')).toBe(true);
    expect(isValidName('')).toBe(false);
    expect(isValidName(' A')).toBe(false);
    expect(isValidName('A@B')).toBe(false);
    expect(isValidName('a=b')).toBe(false);
    expect(isValidName('f(x)')).toBe(false);
  });
});
