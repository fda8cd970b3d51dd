/**
 * Expression parser (docs/expressions.md). Owns turning the `expr` text, e.g.
 * `out = (attn = Q @ K) @ V`, into a binary tree of matmuls over named matrices, with every node
 * carrying its name and its span in the input, and rejecting malformed text with an ExprError that
 * points at the offending character. Canonical printing lives in print.ts; this module imports it
 * only for the definition of default names, so both agree on what an unnamed node is called.
 *
 * Pure TypeScript: no DOM, no three.js.
 */

import { defaultName, subtreeText } from './print';
import { wellFormed } from '../unicode';

export type ExprNode =
  | { kind: 'leaf'; name: string; start: number; end: number }
  | {
      kind: 'matmul';
      name: string;
      named: boolean;
      left: ExprNode;
      right: ExprNode;
      start: number;
      end: number;
    };

export type MatmulNode = Extract<ExprNode, { kind: 'matmul' }>;
export type LeafNode = Extract<ExprNode, { kind: 'leaf' }>;

/** A malformed expression. `pos` is a 0-based UTF-16 offset into the text that was parsed. */
export class ExprError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.name = 'ExprError';
    this.pos = pos;
  }
}

/** Longest text accepted; expressions are typed by people or carried in URLs, never this big. */
export const MAX_EXPR_LENGTH = 10_000;
/** Deepest parenthesis nesting accepted; keeps recursion far from the engine's stack limit. */
export const MAX_EXPR_DEPTH = 200;

/**
 * Most operands (matrices) in one expression. Every matmul's default name is its own text, so the
 * cost of names grows with the square of the chain; 64 operands is far more than any model shown.
 */
export const MAX_EXPR_OPERANDS = 64;

const PUNCT = '()@=';

/** True when `name` can be a matrix or matmul name, i.e. printing it would parse back as itself. */
export function isValidName(name: string): boolean {
  if (name.trim() !== name || name.length === 0 || wellFormed(name) !== name) return false;
  for (const ch of name) if (PUNCT.includes(ch)) return false;
  return true;
}

type Token =
  | { t: 'name'; text: string; start: number; end: number }
  | { t: '(' | ')' | '@' | '='; start: number; end: number }
  | { t: 'end'; start: number; end: number };

/**
 * Names are whatever lies between punctuation, so whitespace is only significant at their ends;
 * a whitespace-only run between two punctuation marks is just spacing.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let runStart = 0;
  const flush = (runEnd: number): void => {
    const run = text.slice(runStart, runEnd);
    const lead = run.length - run.trimStart().length;
    const trimmed = run.trim();
    if (trimmed.length > 0) {
      const start = runStart + lead;
      tokens.push({ t: 'name', text: trimmed, start, end: start + trimmed.length });
    }
  };
  for (let p = 0; p < text.length; p++) {
    const ch = text[p];
    if (ch === '(' || ch === ')' || ch === '@' || ch === '=') {
      flush(p);
      tokens.push({ t: ch, start: p, end: p + 1 });
      runStart = p + 1;
    }
  }
  flush(text.length);
  tokens.push({ t: 'end', start: text.length, end: text.length });
  return tokens;
}

function describe(tok: Token): string {
  if (tok.t === 'end') return 'the end';
  if (tok.t === 'name') return `'${tok.text}'`;
  return `'${tok.t}'`;
}

/** An operand as it appears in a chain: the node, plus the span including its parentheses. */
interface Operand {
  node: ExprNode;
  start: number;
  end: number;
}

class Parser {
  private readonly tokens: Token[];
  private at = 0;
  /**
   * Canonical text of each matmul's own expression (without its `name =`). Built bottom-up so a
   * chain of n operands costs O(n) string joins instead of re-printing every prefix of the chain.
   */
  private readonly body = new Map<ExprNode, string>();

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  private peek(offset = 0): Token {
    const i = Math.min(this.at + offset, this.tokens.length - 1);
    return this.tokens[i];
  }

  private next(): Token {
    const tok = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return tok;
  }

  parseRoot(): ExprNode {
    const root = this.parseExpr(0, null);
    const tok = this.peek();
    if (tok.t !== 'end') this.unexpectedAfterOperand(tok, null);
    if (root.node.kind === 'leaf') {
      throw new ExprError(
        `an expression needs at least one '@' (at ${root.node.start}): '${root.node.name}' alone is a single matrix`,
        root.node.start,
      );
    }
    return root.node;
  }

  /** expr := [name "="] chain */
  private parseExpr(depth: number, context: string | null): Operand {
    const first = this.peek();
    if (first.t === '=') {
      throw new ExprError(`expected a name before '=' at ${first.start}`, first.start);
    }
    if (first.t === 'name' && this.peek(1).t === '=') {
      this.next();
      this.next();
      const chain = this.parseChain(depth, "after '='");
      // `A = B = C @ D`: the stray '=' is the real mistake, not that B alone is a matrix.
      if (this.peek().t === '=') this.unexpectedAfterOperand(this.peek(), null);
      const node = chain.node;
      if (node.kind === 'leaf') {
        throw new ExprError(
          `'${first.text} =' must name a matmul, but '${node.name}' at ${node.start} is a single matrix (expected an '@')`,
          node.start,
        );
      }
      if (node.named) {
        throw new ExprError(
          `the matmul at ${node.start} is named twice ('${first.text}' and '${node.name}')`,
          node.start,
        );
      }
      // `(RR = (RRL @ RRR))`: the name applies to the parenthesized matmul itself.
      const named: ExprNode = {
        ...node,
        name: first.text,
        named: true,
        start: first.start,
        end: chain.end,
      };
      this.body.set(named, this.bodyOf(node));
      return { node: named, start: first.start, end: chain.end };
    }
    return this.parseChain(depth, context);
  }

  /** chain := operand ("@" operand)*, folded to the left. */
  private parseChain(depth: number, context: string | null): Operand {
    const first = this.parseOperand(depth, context);
    let left = first.node;
    let end = first.end;
    while (this.peek().t === '@') {
      this.next();
      const right = this.parseOperand(depth, "after '@'");
      const body = this.operandText(left, 'left') + ' @ ' + this.operandText(right.node, 'right');
      const node: ExprNode = {
        kind: 'matmul',
        name: defaultName(left, right.node),
        named: false,
        left,
        right: right.node,
        start: first.start,
        end: right.end,
      };
      this.body.set(node, body);
      left = node;
      end = right.end;
    }
    if (left === first.node) return first;
    return { node: left, start: first.start, end };
  }

  /** operand := name | "(" expr ")" */
  private parseOperand(depth: number, context: string | null): Operand {
    const tok = this.peek();
    if (tok.t === 'name') {
      this.next();
      const node: ExprNode = { kind: 'leaf', name: tok.text, start: tok.start, end: tok.end };
      return { node, start: tok.start, end: tok.end };
    }
    if (tok.t === '(') {
      if (depth >= MAX_EXPR_DEPTH) {
        throw new ExprError(
          `parentheses nested deeper than ${MAX_EXPR_DEPTH} levels at ${tok.start}`,
          tok.start,
        );
      }
      this.next();
      const inner = this.parseExpr(depth + 1, "after '('");
      const close = this.peek();
      if (close.t === 'end') {
        throw new ExprError(`unclosed '(' at ${tok.start}: expected ')' before the end`, tok.start);
      }
      if (close.t !== ')') this.unexpectedAfterOperand(close, tok.start);
      this.next();
      return { node: inner.node, start: tok.start, end: close.end };
    }
    const where = context === null ? '' : ` ${context}`;
    throw new ExprError(
      `expected a name or '('${where} at ${tok.start}, found ${describe(tok)}`,
      tok.start,
    );
  }

  /** Reports what may not follow a complete operand; `openParen` is the enclosing '(' if any. */
  private unexpectedAfterOperand(tok: Token, openParen: number | null): never {
    if (tok.t === ')') {
      throw new ExprError(`unmatched ')' at ${tok.start}: there is no '(' to close`, tok.start);
    }
    if (tok.t === '=') {
      throw new ExprError(
        `unexpected '=' at ${tok.start}: a name goes first, as in 'name = A @ B' or '(name = A @ B)'`,
        tok.start,
      );
    }
    const expected = openParen === null ? "'@' or the end" : "'@' or ')'";
    throw new ExprError(`expected ${expected} at ${tok.start}, found ${describe(tok)}`, tok.start);
  }

  private bodyOf(node: ExprNode): string {
    if (node.kind === 'leaf') return node.name;
    return this.body.get(node) ?? subtreeText(node);
  }

  /** Must agree with print.ts: the tests check parse-time text against subtreeText. */
  private operandText(node: ExprNode, side: 'left' | 'right'): string {
    if (node.kind === 'leaf') return node.name;
    if (node.named) return `(${node.name} = ${this.bodyOf(node)})`;
    return side === 'left' ? this.bodyOf(node) : `(${this.bodyOf(node)})`;
  }
}

/**
 * Parses an expression. The root is always a matmul; its `name` is the text before `=`, or else
 * its canonical text. Throws ExprError on malformed input.
 */
export function parseExpr(text: string): ExprNode {
  if (text.length > MAX_EXPR_LENGTH) {
    throw new ExprError(
      `the expression is ${text.length} characters long; at most ${MAX_EXPR_LENGTH} are accepted (at ${MAX_EXPR_LENGTH})`,
      MAX_EXPR_LENGTH,
    );
  }
  // A lone surrogate could not survive a link; it reads as U+FFFD, as the link would (same length).
  const clean = wellFormed(text);
  // Counted before parsing: the work below must stay bounded whatever the text.
  let operands = 1;
  for (let p = 0; p < clean.length; p++) {
    if (clean.charCodeAt(p) === 64 /* @ */ && ++operands > MAX_EXPR_OPERANDS) {
      throw new ExprError(
        `more than ${MAX_EXPR_OPERANDS} operands: the '@' at ${p} is one too many`,
        p,
      );
    }
  }
  return new Parser(clean).parseRoot();
}
