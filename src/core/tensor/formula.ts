/**
 * Safe formula evaluator for `init: expr` (docs/expressions.md, "Formulas for init: expr"). Owns
 * turning a user formula of `i` (row), `j` (column), `h` and `w`, written in JavaScript expression
 * syntax, into numbers, without ever handing the text to the JavaScript engine: formulas arrive in
 * shared links, so a link must not be able to run code. The text is tokenized and parsed here into
 * a small tree, and the tree is compiled into nested closures over an allow-list of operators, Math
 * constants and Math functions. Nothing else (names, member access, strings, calls, assignment)
 * exists in the language, so there is nothing to escape to.
 *
 * Values inside a formula are numbers or booleans, exactly as in JavaScript (so `i == j` is a
 * boolean and `(i == j) * 2` is 0 or 2); a final boolean counts as 1 or 0. NaN and Infinity pass
 * through. Math.random is excluded on purpose: a shared link must show the same values everywhere.
 *
 * Pure TypeScript: no DOM, no three.js.
 */

export class FormulaError extends Error {
  readonly pos?: number;
  constructor(message: string, pos?: number) {
    super(message);
    this.name = 'FormulaError';
    if (pos !== undefined) this.pos = pos;
  }
}

export type Formula = (i: number, j: number, h: number, w: number) => number;

/** Longest formula accepted; real formulas are a line long, and this bounds parsing and evaluation work. */
export const MAX_FORMULA_LENGTH = 2000;
/** Deepest nesting (parentheses, unary operators, `**`, `?:` branches, call arguments). */
export const MAX_FORMULA_DEPTH = 100;

type Val = number | boolean;
type Ev = (i: number, j: number, h: number, w: number) => Val;

// ---------------------------------------------------------------------------------------------
// Allow-lists. Lookups go through Maps, never through property access on Math or on an object
// literal, so names like `constructor` or `__proto__` can never reach an inherited property.

const MATH_CONSTANTS = new Map<string, number>([
  ['PI', Math.PI],
  ['E', Math.E],
  ['LN2', Math.LN2],
  ['LN10', Math.LN10],
  ['LOG2E', Math.LOG2E],
  ['LOG10E', Math.LOG10E],
  ['SQRT2', Math.SQRT2],
  ['SQRT1_2', Math.SQRT1_2],
]);

/** arity -1: any number of arguments (min, max, hypot). */
interface MathFn {
  fn: (...args: number[]) => number;
  arity: number;
}

const MATH_FUNCTIONS = new Map<string, MathFn>([
  ['abs', { fn: Math.abs, arity: 1 }],
  ['sign', { fn: Math.sign, arity: 1 }],
  ['floor', { fn: Math.floor, arity: 1 }],
  ['ceil', { fn: Math.ceil, arity: 1 }],
  ['round', { fn: Math.round, arity: 1 }],
  ['trunc', { fn: Math.trunc, arity: 1 }],
  ['fround', { fn: Math.fround, arity: 1 }],
  ['sqrt', { fn: Math.sqrt, arity: 1 }],
  ['cbrt', { fn: Math.cbrt, arity: 1 }],
  ['exp', { fn: Math.exp, arity: 1 }],
  ['expm1', { fn: Math.expm1, arity: 1 }],
  ['log', { fn: Math.log, arity: 1 }],
  ['log2', { fn: Math.log2, arity: 1 }],
  ['log10', { fn: Math.log10, arity: 1 }],
  ['log1p', { fn: Math.log1p, arity: 1 }],
  ['sin', { fn: Math.sin, arity: 1 }],
  ['cos', { fn: Math.cos, arity: 1 }],
  ['tan', { fn: Math.tan, arity: 1 }],
  ['asin', { fn: Math.asin, arity: 1 }],
  ['acos', { fn: Math.acos, arity: 1 }],
  ['atan', { fn: Math.atan, arity: 1 }],
  ['sinh', { fn: Math.sinh, arity: 1 }],
  ['cosh', { fn: Math.cosh, arity: 1 }],
  ['tanh', { fn: Math.tanh, arity: 1 }],
  ['asinh', { fn: Math.asinh, arity: 1 }],
  ['acosh', { fn: Math.acosh, arity: 1 }],
  ['atanh', { fn: Math.atanh, arity: 1 }],
  ['clz32', { fn: Math.clz32, arity: 1 }],
  ['atan2', { fn: Math.atan2, arity: 2 }],
  ['pow', { fn: Math.pow, arity: 2 }],
  ['imul', { fn: Math.imul, arity: 2 }],
  ['min', { fn: Math.min, arity: -1 }],
  ['max', { fn: Math.max, arity: -1 }],
  ['hypot', { fn: Math.hypot, arity: -1 }],
]);

const VARIABLES = new Set(['i', 'j', 'h', 'w']);

const LITERAL_NAMES = new Map<string, Val>([
  ['true', true],
  ['false', false],
  ['Infinity', Infinity],
  ['NaN', NaN],
]);

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { k: 'num'; v: number; pos: number; text: string }
  | { k: 'id'; name: string; pos: number }
  | { k: 'op'; op: string; pos: number }
  | { k: 'end'; pos: number };

/** Longest first, so `===` is not read as `==` then `=`. Includes operators we reject, so the
 * message can name them (e.g. `+=` is "assignment", not "unexpected '='"). */
const OPERATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '**',
  '++',
  '--',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '!',
  '~',
  '&',
  '|',
  '^',
  '?',
  ':',
  '(',
  ')',
  ',',
  '.',
  '=',
  '[',
  ']',
  '{',
  '}',
  ';',
];

const ASSIGNMENT_OPS = new Set([
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '**=',
  '<<=',
  '>>=',
  '>>>=',
  '&=',
  '|=',
  '^=',
  '&&=',
  '||=',
  '??=',
]);

function rejectOperator(op: string, pos: number): never {
  if (ASSIGNMENT_OPS.has(op)) {
    const hint = op === '=' ? " (to compare, use '==')" : '';
    throw new FormulaError(`assignment '${op}' at ${pos} is not allowed${hint}`, pos);
  }
  switch (op) {
    case '++':
    case '--':
      throw new FormulaError(
        `'${op}' at ${pos} is not allowed: formulas cannot change variables`,
        pos,
      );
    case '=>':
      throw new FormulaError(
        `'=>' at ${pos} is not allowed: formulas cannot define functions`,
        pos,
      );
    case '...':
      throw new FormulaError(`'...' at ${pos} is not allowed`, pos);
    case '?.':
      throw new FormulaError(
        `'?.' at ${pos} is not allowed: the only member access is Math.NAME`,
        pos,
      );
    case '[':
    case ']':
      throw new FormulaError(
        `'${op}' at ${pos} is not allowed: no arrays or computed member access (only Math.NAME)`,
        pos,
      );
    case '{':
    case '}':
      throw new FormulaError(`'${op}' at ${pos} is not allowed: no objects or blocks`, pos);
    case ';':
      throw new FormulaError(`';' at ${pos} is not allowed: a formula is a single expression`, pos);
  }
  throw new FormulaError(`unexpected '${op}' at ${pos}`, pos);
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdStart = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
const isIdPart = (c: string): boolean => isIdStart(c) || isDigit(c);
const isSpace = (c: string): boolean => /\s/.test(c);

/**
 * Reads tokens on demand, so the first problem in reading order is the one reported (for
 * `alert('x')` that is the unknown name, not the string after it).
 */
class Lexer {
  private p = 0;
  private ahead: Token | null = null;
  constructor(private readonly src: string) {}

  peek(): Token {
    if (this.ahead === null) this.ahead = this.read();
    return this.ahead;
  }

  next(): Token {
    const tok = this.peek();
    this.ahead = null;
    return tok;
  }

  private read(): Token {
    const s = this.src;
    while (this.p < s.length && isSpace(s[this.p])) this.p++;
    const pos = this.p;
    if (pos >= s.length) return { k: 'end', pos };
    const c = s[pos];
    if (isDigit(c) || (c === '.' && isDigit(s[pos + 1] ?? ''))) return this.readNumber();
    if (isIdStart(c)) {
      let e = pos + 1;
      while (e < s.length && isIdPart(s[e])) e++;
      this.p = e;
      return { k: 'id', name: s.slice(pos, e), pos };
    }
    if (c === '"' || c === "'" || c === '`') {
      throw new FormulaError(`strings are not allowed (${c} at ${pos})`, pos);
    }
    if (c === '/' && (s[pos + 1] === '/' || s[pos + 1] === '*')) {
      throw new FormulaError(`comments are not allowed (at ${pos})`, pos);
    }
    for (const op of OPERATORS) {
      if (s.startsWith(op, pos)) {
        // `c?.5:1` is a conditional with the number .5, as in JavaScript.
        if (op === '?.' && isDigit(s[pos + 2] ?? '')) continue;
        this.p = pos + op.length;
        return { k: 'op', op, pos };
      }
    }
    throw new FormulaError(
      `unexpected character '${String.fromCodePoint(s.codePointAt(pos) ?? 0)}' at ${pos}`,
      pos,
    );
  }

  private readNumber(): Token {
    const s = this.src;
    const pos = this.p;
    let e = pos;
    const radix = s[pos] === '0' ? (s[pos + 1] ?? '').toLowerCase() : '';
    if (radix === 'x' || radix === 'b' || radix === 'o') {
      const ok = radix === 'x' ? /[0-9a-fA-F]/ : radix === 'b' ? /[01]/ : /[0-7]/;
      e = pos + 2;
      while (e < s.length && ok.test(s[e])) e++;
      if (e === pos + 2) throw new FormulaError(`incomplete number at ${pos}`, pos);
    } else {
      while (e < s.length && isDigit(s[e])) e++;
      if (e - pos > 1 && s[pos] === '0') {
        throw new FormulaError(`numbers cannot start with 0 (octal-like literal at ${pos})`, pos);
      }
      if (s[e] === '.') {
        e++;
        while (e < s.length && isDigit(s[e])) e++;
      }
      if (s[e] === 'e' || s[e] === 'E') {
        let x = e + 1;
        if (s[x] === '+' || s[x] === '-') x++;
        if (!isDigit(s[x] ?? ''))
          throw new FormulaError(`incomplete exponent in number at ${pos}`, pos);
        while (x < s.length && isDigit(s[x])) x++;
        e = x;
      }
    }
    if (e < s.length && (isIdPart(s[e]) || s[e] === '.')) {
      throw new FormulaError(`unexpected '${s[e]}' right after a number at ${e}`, e);
    }
    this.p = e;
    const text = s.slice(pos, e);
    // Number() only converts numeric text; the text was checked above to be a numeric literal.
    return { k: 'num', v: Number(text), pos, text };
  }
}

function describe(tok: Token): string {
  switch (tok.k) {
    case 'end':
      return 'the end';
    case 'num':
      return `'${tok.text}'`;
    case 'id':
      return `'${tok.name}'`;
    case 'op':
      return `'${tok.op}'`;
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree and parser

type BinOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '**'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  | '==='
  | '!=='
  | '&'
  | '|'
  | '^'
  | '<<'
  | '>>'
  | '>>>'
  | '&&'
  | '||'
  | '??';
type UnOp = '-' | '+' | '!' | '~';

type Node =
  | { t: 'lit'; v: Val; pos: number }
  | { t: 'var'; name: 'i' | 'j' | 'h' | 'w'; pos: number }
  | { t: 'unary'; op: UnOp; arg: Node; pos: number }
  | { t: 'binary'; op: BinOp; left: Node; right: Node; pos: number; paren: boolean }
  | { t: 'cond'; test: Node; then: Node; else: Node; pos: number }
  | { t: 'call'; fn: MathFn; name: string; args: Node[]; pos: number };

/** JavaScript's binary precedences (higher binds tighter); `**` is handled with unary operators. */
const PRECEDENCE = new Map<string, number>([
  ['??', 1],
  ['||', 1],
  ['&&', 2],
  ['|', 3],
  ['^', 4],
  ['&', 5],
  ['==', 6],
  ['!=', 6],
  ['===', 6],
  ['!==', 6],
  ['<', 7],
  ['<=', 7],
  ['>', 7],
  ['>=', 7],
  ['<<', 8],
  ['>>', 8],
  ['>>>', 8],
  ['+', 9],
  ['-', 9],
  ['*', 10],
  ['/', 10],
  ['%', 10],
]);

const UNARY_OPS = new Set(['-', '+', '!', '~']);

const isLogicalOrAnd = (n: Node): boolean =>
  n.t === 'binary' && !n.paren && (n.op === '||' || n.op === '&&');
const isCoalesce = (n: Node): boolean => n.t === 'binary' && !n.paren && n.op === '??';

class Parser {
  private readonly lex: Lexer;
  private depth = 0;

  constructor(src: string) {
    this.lex = new Lexer(src);
  }

  parseFormula(): Node {
    if (this.lex.peek().k === 'end')
      throw new FormulaError('the formula is empty: expected an expression at 0', 0);
    const node = this.parseConditional();
    const tok = this.lex.peek();
    if (tok.k !== 'end') this.unexpected(tok, 'an operator or the end');
    return node;
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_FORMULA_DEPTH) {
      throw new FormulaError(
        `the formula is nested deeper than ${MAX_FORMULA_DEPTH} levels (at ${pos})`,
        pos,
      );
    }
  }

  private leave(): void {
    this.depth--;
  }

  private isOp(op: string): boolean {
    const tok = this.lex.peek();
    return tok.k === 'op' && tok.op === op;
  }

  private unexpected(tok: Token, expected: string): never {
    if (tok.k === 'op') {
      if (tok.op === ',') {
        throw new FormulaError(
          `',' at ${tok.pos} is not allowed here: a formula is a single expression`,
          tok.pos,
        );
      }
      if (
        !PRECEDENCE.has(tok.op) &&
        !['(', ')', '?', ':', '.', '**', ...UNARY_OPS].includes(tok.op)
      ) {
        rejectOperator(tok.op, tok.pos);
      }
    }
    throw new FormulaError(`expected ${expected} at ${tok.pos}, found ${describe(tok)}`, tok.pos);
  }

  private expectOp(op: string, expected: string): Token {
    const tok = this.lex.peek();
    if (tok.k !== 'op' || tok.op !== op) this.unexpected(tok, expected);
    return this.lex.next();
  }

  /** test ? a : b, right-associative; the branches are full conditionals, as in JavaScript. */
  private parseConditional(): Node {
    const test = this.parseBinary(0);
    if (!this.isOp('?')) return test;
    const q = this.lex.next();
    this.enter(q.pos);
    const then = this.parseConditional();
    this.expectOp(':', "':' of the '?' at " + q.pos);
    const otherwise = this.parseConditional();
    this.leave();
    return { t: 'cond', test, then, else: otherwise, pos: q.pos };
  }

  /** Precedence climbing over left-associative binary operators. */
  private parseBinary(minPrec: number): Node {
    let left = this.parseExponentiation();
    for (;;) {
      const tok = this.lex.peek();
      if (tok.k !== 'op') break;
      const prec = PRECEDENCE.get(tok.op);
      if (prec === undefined || prec < minPrec) break;
      this.lex.next();
      const right = this.parseBinary(prec + 1);
      const op = tok.op as BinOp;
      // JavaScript refuses to mix ?? with || or && without parentheses; so do we, so a formula
      // means here what it means there.
      if (
        (op === '??' && (isLogicalOrAnd(left) || isLogicalOrAnd(right))) ||
        ((op === '||' || op === '&&') && (isCoalesce(left) || isCoalesce(right)))
      ) {
        throw new FormulaError(
          `'??' cannot be mixed with '||' or '&&' without parentheses (at ${tok.pos})`,
          tok.pos,
        );
      }
      left = { t: 'binary', op, left, right, pos: tok.pos, paren: false };
    }
    return left;
  }

  /**
   * JavaScript's ExponentiationExpression: a unary expression, or `base ** exponent` where the
   * base may not carry a unary operator (`-2 ** 2` is a SyntaxError there, so it is here too).
   */
  private parseExponentiation(): Node {
    const tok = this.lex.peek();
    if (tok.k === 'op' && UNARY_OPS.has(tok.op)) {
      const u = this.parseUnary();
      if (this.isOp('**')) {
        const star = this.lex.peek();
        throw new FormulaError(
          `'**' at ${star.pos} cannot follow a unary '${tok.op}' operand: write (${tok.op}x) ** y or ${tok.op}(x ** y)`,
          star.pos,
        );
      }
      return u;
    }
    const base = this.parseUnary();
    if (!this.isOp('**')) return base;
    const star = this.lex.next();
    this.enter(star.pos);
    const exponent = this.parseExponentiation(); // right-associative: a ** b ** c == a ** (b ** c)
    this.leave();
    return { t: 'binary', op: '**', left: base, right: exponent, pos: star.pos, paren: false };
  }

  /** Unary operators applied to a primary; never consumes `**`. */
  private parseUnary(): Node {
    const tok = this.lex.peek();
    if (tok.k === 'op' && UNARY_OPS.has(tok.op)) {
      this.lex.next();
      this.enter(tok.pos);
      const arg = this.parseUnary();
      this.leave();
      return { t: 'unary', op: tok.op as UnOp, arg, pos: tok.pos };
    }
    if (tok.k === 'id' && ['typeof', 'void', 'delete', 'await', 'new'].includes(tok.name)) {
      throw new FormulaError(`'${tok.name}' at ${tok.pos} is not allowed`, tok.pos);
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    const node = this.parsePrimary();
    const tok = this.lex.peek();
    if (tok.k === 'op' && tok.op === '(') {
      throw new FormulaError(`only Math functions can be called ('(' at ${tok.pos})`, tok.pos);
    }
    if (tok.k === 'op' && tok.op === '.') {
      throw new FormulaError(
        `'.' at ${tok.pos} is not allowed here: the only member access is Math.NAME`,
        tok.pos,
      );
    }
    return node;
  }

  private parsePrimary(): Node {
    const tok = this.lex.peek();
    if (tok.k === 'num') {
      this.lex.next();
      return { t: 'lit', v: tok.v, pos: tok.pos };
    }
    if (tok.k === 'id') {
      this.lex.next();
      if (VARIABLES.has(tok.name)) {
        return { t: 'var', name: tok.name as 'i' | 'j' | 'h' | 'w', pos: tok.pos };
      }
      const lit = LITERAL_NAMES.get(tok.name);
      if (lit !== undefined) return { t: 'lit', v: lit, pos: tok.pos };
      if (tok.name === 'Math') return this.parseMath(tok.pos);
      throw new FormulaError(
        `unknown name '${tok.name}' at ${tok.pos}: a formula can use i, j, h, w, numbers, operators and Math.NAME`,
        tok.pos,
      );
    }
    if (tok.k === 'op' && tok.op === '(') {
      this.lex.next();
      this.enter(tok.pos);
      const inner = this.parseConditional();
      this.expectOp(')', `')' to close the '(' at ${tok.pos}`);
      this.leave();
      return inner.t === 'binary' ? { ...inner, paren: true } : inner;
    }
    if (tok.k === 'op') {
      if (
        ASSIGNMENT_OPS.has(tok.op) ||
        ['++', '--', '=>', '...', '?.', '[', ']', '{', '}', ';'].includes(tok.op)
      ) {
        rejectOperator(tok.op, tok.pos);
      }
    }
    this.unexpected(tok, "a number, i, j, h, w, Math.NAME or '('");
  }

  private parseMath(mathPos: number): Node {
    const dot = this.lex.peek();
    if (dot.k !== 'op' || dot.op !== '.') {
      if (dot.k === 'op' && (dot.op === '[' || dot.op === '?.')) rejectOperator(dot.op, dot.pos);
      throw new FormulaError(
        `'Math' at ${mathPos} must be followed by .NAME, e.g. Math.PI or Math.sin(x)`,
        mathPos,
      );
    }
    this.lex.next();
    const id = this.lex.next();
    if (id.k !== 'id') {
      throw new FormulaError(
        `expected a name after 'Math.' at ${id.pos}, found ${describe(id)}`,
        id.pos,
      );
    }
    const name = id.name;
    const constant = MATH_CONSTANTS.get(name);
    if (constant !== undefined) {
      if (this.isOp('(')) {
        throw new FormulaError(`Math.${name} at ${mathPos} is a constant, not a function`, mathPos);
      }
      return { t: 'lit', v: constant, pos: mathPos };
    }
    const fn = MATH_FUNCTIONS.get(name);
    if (fn === undefined) {
      const why =
        name === 'random'
          ? 'formulas must give the same values everywhere a link is opened'
          : 'it is not on the list of allowed Math functions and constants';
      throw new FormulaError(`Math.${name} at ${mathPos} is not allowed: ${why}`, mathPos);
    }
    const open = this.lex.peek();
    if (open.k !== 'op' || open.op !== '(') {
      throw new FormulaError(
        `Math.${name} at ${mathPos} is a function: call it, e.g. Math.${name}(x)`,
        mathPos,
      );
    }
    this.lex.next();
    this.enter(open.pos);
    const args: Node[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.parseConditional());
        if (!this.isOp(',')) break;
        this.lex.next();
      }
    }
    this.expectOp(')', `',' or ')' to close the '(' at ${open.pos}`);
    this.leave();
    if (fn.arity >= 0 && args.length !== fn.arity) {
      throw new FormulaError(
        `Math.${name} at ${mathPos} takes ${fn.arity} argument${fn.arity === 1 ? '' : 's'}, got ${args.length}`,
        mathPos,
      );
    }
    return { t: 'call', fn, name, args, pos: mathPos };
  }
}

function parseFormula(text: string): Node {
  if (typeof text !== 'string') throw new FormulaError('the formula must be text');
  if (text.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `the formula is ${text.length} characters long; at most ${MAX_FORMULA_LENGTH} are accepted (at ${MAX_FORMULA_LENGTH})`,
      MAX_FORMULA_LENGTH,
    );
  }
  return new Parser(text).parseFormula();
}

// ---------------------------------------------------------------------------------------------
// Compilation to closures. TypeScript sees Val = number | boolean; the `as number` casts only
// silence the checker: at run time the operators apply JavaScript's own rules to booleans, which
// is what makes `(i > j) * 2` mean here what it means in JavaScript.

interface Compiled {
  ev: Ev;
  /** Set when the subtree does not depend on any variable still unknown at compile time. */
  constant: boolean;
}

/** Values of h and w fixed at compile time, so `Math.PI / h` folds to one number per fill. */
interface Bound {
  h?: number;
  w?: number;
}

function constant(v: Val): Compiled {
  return { ev: () => v, constant: true };
}

function compileNode(node: Node, bound: Bound): Compiled {
  const c = compileRaw(node, bound);
  if (c.constant) return constant(c.ev(0, 0, 0, 0));
  return c;
}

function compileRaw(node: Node, bound: Bound): Compiled {
  switch (node.t) {
    case 'lit':
      return constant(node.v);
    case 'var':
      return compileVar(node.name, bound);
    case 'unary': {
      const a = compileNode(node.arg, bound);
      const f = a.ev;
      const ev: Ev =
        node.op === '-'
          ? (i, j, h, w) => -(f(i, j, h, w) as number)
          : node.op === '+'
            ? (i, j, h, w) => +f(i, j, h, w)
            : node.op === '!'
              ? (i, j, h, w) => !f(i, j, h, w)
              : (i, j, h, w) => ~(f(i, j, h, w) as number);
      return { ev, constant: a.constant };
    }
    case 'binary': {
      const a = compileNode(node.left, bound);
      const b = compileNode(node.right, bound);
      return { ev: binary(node.op, a, b), constant: a.constant && b.constant };
    }
    case 'cond': {
      const t = compileNode(node.test, bound);
      const x = compileNode(node.then, bound);
      const y = compileNode(node.else, bound);
      if (t.constant) return t.ev(0, 0, 0, 0) ? x : y;
      const [ft, fx, fy] = [t.ev, x.ev, y.ev];
      return {
        ev: (i, j, h, w) => (ft(i, j, h, w) ? fx(i, j, h, w) : fy(i, j, h, w)),
        constant: false,
      };
    }
    case 'call':
      return compileCall(
        node.fn,
        node.args.map((arg) => compileNode(arg, bound)),
      );
  }
}

function compileVar(name: 'i' | 'j' | 'h' | 'w', bound: Bound): Compiled {
  switch (name) {
    case 'i':
      return { ev: (i) => i, constant: false };
    case 'j':
      return { ev: (_i, j) => j, constant: false };
    case 'h':
      return bound.h !== undefined ? constant(bound.h) : { ev: (_i, _j, h) => h, constant: false };
    case 'w':
      return bound.w !== undefined
        ? constant(bound.w)
        : { ev: (_i, _j, _h, w) => w, constant: false };
  }
}

function compileCall(fn: MathFn, args: Compiled[]): Compiled {
  const isConst = args.every((a) => a.constant);
  const f = fn.fn;
  if (args.length === 1) {
    const a = args[0].ev;
    return { ev: (i, j, h, w) => f(a(i, j, h, w) as number), constant: isConst };
  }
  if (args.length === 2) {
    const [a, b] = [args[0].ev, args[1].ev];
    return {
      ev: (i, j, h, w) => f(a(i, j, h, w) as number, b(i, j, h, w) as number),
      constant: isConst,
    };
  }
  const evs = args.map((a) => a.ev);
  return {
    ev: (i, j, h, w) => f(...evs.map((e) => e(i, j, h, w) as number)),
    constant: isConst,
  };
}

function binary(op: BinOp, a: Compiled, b: Compiled): Ev {
  const f = a.ev;
  const g = b.ev;
  // Right operands that are constants (`i / 8`, `j % 2`) are the common case; reading the
  // number once instead of calling its closure per element roughly halves the cost of such nodes.
  if (b.constant && !a.constant) {
    const k = g(0, 0, 0, 0) as number;
    switch (op) {
      case '+':
        return (i, j, h, w) => (f(i, j, h, w) as number) + k;
      case '-':
        return (i, j, h, w) => (f(i, j, h, w) as number) - k;
      case '*':
        return (i, j, h, w) => (f(i, j, h, w) as number) * k;
      case '/':
        return (i, j, h, w) => (f(i, j, h, w) as number) / k;
      case '%':
        return (i, j, h, w) => (f(i, j, h, w) as number) % k;
      case '<':
        return (i, j, h, w) => (f(i, j, h, w) as number) < k;
      case '>':
        return (i, j, h, w) => (f(i, j, h, w) as number) > k;
      case '==':
        // The formula language's own `==` (loose, as documented in docs/expressions.md).
        // eslint-disable-next-line eqeqeq
        return (i, j, h, w) => f(i, j, h, w) == k;
      case '===':
        return (i, j, h, w) => f(i, j, h, w) === k;
      default:
        break; // the generic closures below are correct for every operator
    }
  }
  switch (op) {
    case '+':
      return (i, j, h, w) => (f(i, j, h, w) as number) + (g(i, j, h, w) as number);
    case '-':
      return (i, j, h, w) => (f(i, j, h, w) as number) - (g(i, j, h, w) as number);
    case '*':
      return (i, j, h, w) => (f(i, j, h, w) as number) * (g(i, j, h, w) as number);
    case '/':
      return (i, j, h, w) => (f(i, j, h, w) as number) / (g(i, j, h, w) as number);
    case '%':
      return (i, j, h, w) => (f(i, j, h, w) as number) % (g(i, j, h, w) as number);
    case '**':
      return (i, j, h, w) => (f(i, j, h, w) as number) ** (g(i, j, h, w) as number);
    case '<':
      return (i, j, h, w) => (f(i, j, h, w) as number) < (g(i, j, h, w) as number);
    case '<=':
      return (i, j, h, w) => (f(i, j, h, w) as number) <= (g(i, j, h, w) as number);
    case '>':
      return (i, j, h, w) => (f(i, j, h, w) as number) > (g(i, j, h, w) as number);
    case '>=':
      return (i, j, h, w) => (f(i, j, h, w) as number) >= (g(i, j, h, w) as number);
    // The formula language's own loose `==` and `!=` (docs/expressions.md).
    case '==':
      // eslint-disable-next-line eqeqeq
      return (i, j, h, w) => f(i, j, h, w) == g(i, j, h, w);
    case '!=':
      // eslint-disable-next-line eqeqeq
      return (i, j, h, w) => f(i, j, h, w) != g(i, j, h, w);
    case '===':
      return (i, j, h, w) => f(i, j, h, w) === g(i, j, h, w);
    case '!==':
      return (i, j, h, w) => f(i, j, h, w) !== g(i, j, h, w);
    case '&':
      return (i, j, h, w) => (f(i, j, h, w) as number) & (g(i, j, h, w) as number);
    case '|':
      return (i, j, h, w) => (f(i, j, h, w) as number) | (g(i, j, h, w) as number);
    case '^':
      return (i, j, h, w) => (f(i, j, h, w) as number) ^ (g(i, j, h, w) as number);
    case '<<':
      return (i, j, h, w) => (f(i, j, h, w) as number) << (g(i, j, h, w) as number);
    case '>>':
      return (i, j, h, w) => (f(i, j, h, w) as number) >> (g(i, j, h, w) as number);
    case '>>>':
      return (i, j, h, w) => (f(i, j, h, w) as number) >>> (g(i, j, h, w) as number);
    case '&&':
      return (i, j, h, w) => f(i, j, h, w) && g(i, j, h, w);
    case '||':
      return (i, j, h, w) => f(i, j, h, w) || g(i, j, h, w);
    // Values are only numbers and booleans, never null or undefined, so `a ?? b` is always `a`.
    case '??':
      return f;
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Parses and compiles a formula; throws FormulaError naming the offending token and position. */
export function compileFormula(text: string): Formula {
  const ev = compileNode(parseFormula(text), {}).ev;
  return (i, j, h, w) => +ev(i, j, h, w);
}

/**
 * Evaluates a formula over an h x w matrix, row-major (`out[i * w + j]`). Uses `out` when given
 * (it must hold at least h*w values; only the first h*w are written) and returns it.
 * Throws FormulaError for a bad formula, RangeError for a bad shape or a short `out`.
 */
export function fillFormula(text: string, h: number, w: number, out?: Float32Array): Float32Array {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new RangeError(`fillFormula: shape must be non-negative integers, got ${h} x ${w}`);
  }
  const n = h * w;
  if (out !== undefined && out.length < n) {
    throw new RangeError(`fillFormula: output holds ${out.length} values, ${n} needed`);
  }
  const compiled = compileNode(parseFormula(text), { h, w });
  const dst = out ?? new Float32Array(n);
  const ev = compiled.ev;
  if (compiled.constant) {
    dst.fill(+ev(0, 0, h, w), 0, n);
    return dst;
  }
  let k = 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) dst[k++] = +ev(i, j, h, w);
  }
  return dst;
}
