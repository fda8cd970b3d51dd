import { describe, it, expect, beforeEach, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileFormula, fillFormula, FormulaError } from '../../../src/core/tensor/formula';

const FLAG = '__mm3dFormulaPwned';
const g = globalThis as Record<string, unknown>;

function expectRejected(text: string, pos: number | undefined, fragment: RegExp): FormulaError {
  let caught: unknown;
  try {
    compileFormula(text);
  } catch (e) {
    caught = e;
  }
  expect(caught, `no error for ${JSON.stringify(text)}`).toBeInstanceOf(FormulaError);
  const err = caught as FormulaError;
  expect(err.message).toMatch(fragment);
  expect(err.pos).toBe(pos);
  if (pos !== undefined) expect(err.message).toContain(`at ${pos}`);
  // fillFormula goes through the same parser and must refuse the same text.
  expect(() => fillFormula(text, 2, 2)).toThrow(FormulaError);
  return err;
}

describe('injection attempts run nothing', () => {
  beforeEach(() => {
    Reflect.deleteProperty(g, FLAG);
  });
  afterAll(() => {
    Reflect.deleteProperty(g, FLAG);
  });

  // Each of these sets the global flag if any part of it is ever executed as JavaScript.
  const payloads = [
    `globalThis.${FLAG} = 1`,
    `(globalThis.${FLAG} = 1)`,
    `i + (globalThis.${FLAG} = 1)`,
    `${FLAG} = 1`,
    `constructor.constructor("globalThis.${FLAG} = 1")()`,
    `Math.constructor.constructor("globalThis.${FLAG} = 1")()`,
    `Math['constructor']['constructor']('globalThis.${FLAG} = 1')()`,
    `i.constructor.constructor('globalThis.${FLAG} = 1')()`,
    `(1).constructor.constructor('globalThis.${FLAG} = 1')()`,
    `Math.abs.constructor('globalThis.${FLAG} = 1')()`,
    `Math.max.call.call(Math.max.constructor('globalThis.${FLAG} = 1'))`,
    `(() => globalThis.${FLAG} = 1)()`,
    `\`\${globalThis.${FLAG} = 1}\``,
    `new Function('globalThis.${FLAG} = 1')()`,
    `Function('globalThis.${FLAG} = 1')()`,
    `eval('globalThis.${FLAG} = 1')`,
    `[].map.constructor('globalThis.${FLAG} = 1')()`,
    `i; globalThis.${FLAG} = 1`,
    `1, globalThis.${FLAG} = 1`,
    `0 ? 0 : globalThis.${FLAG} = 1`,
    `import('data:text/javascript,globalThis.${FLAG}=1')`,
  ];
  for (const text of payloads) {
    it(`refuses ${text}`, () => {
      expect(() => compileFormula(text)).toThrow(FormulaError);
      expect(() => fillFormula(text, 4, 4)).toThrow(FormulaError);
      expect(g[FLAG]).toBeUndefined();
    });
  }

  it('the flag check itself works', () => {
    g[FLAG] = 1;
    expect(g[FLAG]).toBe(1);
  });
});

describe('anything off the allow-list is a FormulaError naming it', () => {
  it('rejects unknown names', () => {
    expectRejected('alert(1)', 0, /unknown name 'alert'/);
    expectRejected("fetch('x')", 0, /unknown name 'fetch'/);
    expectRejected("constructor.constructor('return this')()", 0, /unknown name 'constructor'/);
    expectRejected('this', 0, /unknown name 'this'/);
    expectRejected('window', 0, /unknown name 'window'/);
    expectRejected('globalThis', 0, /unknown name 'globalThis'/);
    expectRejected('__proto__', 0, /unknown name '__proto__'/);
    expectRejected('i + x', 4, /unknown name 'x'/);
    expectRejected('sin(i)', 0, /unknown name 'sin'/);
    expectRejected('undefined', 0, /unknown name 'undefined'/);
  });

  it('rejects member access other than Math.NAME', () => {
    expectRejected('i.constructor', 1, /'\.'.*only member access is Math\.NAME/);
    expectRejected('(1).x', 3, /'\.'/);
    expectRejected('Math.constructor', 0, /Math\.constructor at 0 is not allowed/);
    expectRejected('Math.__proto__', 0, /Math\.__proto__ at 0 is not allowed/);
    expectRejected('Math.hasOwnProperty(1)', 0, /Math\.hasOwnProperty at 0 is not allowed/);
    expectRejected('Math.valueOf()', 0, /not allowed/);
    expectRejected("Math['constructor']", 4, /'\['.*computed member access/);
    expectRejected('Math?.PI', 4, /'\?\.'/);
    expectRejected('i ?. j', 2, /'\?\.'/);
    expectRejected('Math', 0, /must be followed by \.NAME/);
    expectRejected('Math.', 5, /expected a name after 'Math\.'/);
    expectRejected('Math.random()', 0, /Math\.random.*same values/);
  });

  it('rejects calls other than allowed Math functions, and misused Math members', () => {
    expectRejected('(() => 1)()', 2, /found '\)'/);
    expectRejected('(i)(1)', 3, /only Math functions can be called/);
    expectRejected('Math.sin', 0, /is a function: call it/);
    expectRejected('Math.PI()', 0, /constant, not a function/);
    expectRejected('Math.sin(1, 2)', 0, /takes 1 argument, got 2/);
    expectRejected('Math.atan2(1)', 0, /takes 2 arguments, got 1/);
    expectRejected('Math.sin()', 0, /takes 1 argument, got 0/);
    expectRejected('Math.max(1,)', 11, /found '\)'/);
    expectRejected('Math.abs(1', 10, /',' or '\)' to close the '\(' at 8/);
  });

  it('rejects literals other than numbers', () => {
    expectRejected("'abc'", 0, /strings are not allowed/);
    expectRejected('"abc"', 0, /strings are not allowed/);
    expectRejected("i + 'x'", 4, /strings are not allowed/);
    expectRejected('`${i}`', 0, /strings are not allowed/);
    expectRejected('[1, 2]', 0, /'\['.*no arrays/);
    expectRejected('{a: 1}', 0, /'\{'.*no objects/);
    expectRejected('/x/', 0, /expected a number/);
    expectRejected('1n', 1, /unexpected 'n' right after a number/);
    expectRejected('3in', 1, /unexpected 'i' right after a number/);
    expectRejected('08', 0, /cannot start with 0/);
    expectRejected('1e', 0, /incomplete exponent/);
    expectRejected('0x', 0, /incomplete number/);
    expectRejected('1.2.3', 3, /right after a number/);
  });

  it('rejects assignment, update, sequences, statements, keywords', () => {
    expectRejected('i = 1', 2, /assignment '='.*use '=='/);
    expectRejected('i += 1', 2, /assignment '\+='/);
    expectRejected('i **= 2', 2, /assignment '\*\*='/);
    expectRejected('i ??= 2', 2, /assignment '\?\?='/);
    expectRejected('i++', 1, /'\+\+'/);
    expectRejected('--i', 0, /'--'/);
    expectRejected('1--1', 1, /'--'/);
    expectRejected('1, 2', 1, /','.*single expression/);
    expectRejected('i; 1', 1, /';'.*single expression/);
    expectRejected('new X', 0, /'new' at 0 is not allowed/);
    expectRejected('typeof i', 0, /'typeof'/);
    expectRejected('void 0', 0, /'void'/);
    expectRejected('delete i', 0, /'delete'/);
    expectRejected('i in j', 2, /found 'in'/);
    expectRejected('i instanceof j', 2, /found 'instanceof'/);
    expectRejected('...i', 0, /'\.\.\.'/);
    expectRejected('i => 1', 2, /'=>'.*functions/);
    expectRejected('i // comment', 2, /comments/);
    expectRejected('i /* c */', 2, /comments/);
  });

  it('rejects syntax errors with positions', () => {
    expectRejected('', 0, /empty/);
    expectRejected('   ', 0, /empty/);
    expectRejected('i +', 3, /found the end/);
    expectRejected('i j', 2, /expected an operator or the end.*found 'j'/);
    expectRejected('(i', 2, /'\)' to close the '\(' at 0/);
    expectRejected('i)', 1, /found '\)'/);
    expectRejected('i ? 1', 5, /':' of the '\?' at 2/);
    expectRejected('i : 1', 2, /found ':'/);
    expectRejected('* 2', 0, /expected a number/);
    expectRejected('π', 0, /unexpected character 'π'/);
    expectRejected('\\u0069', 0, /unexpected character '\\'/);
    expectRejected('#x', 0, /unexpected character '#'/);
  });

  it('rejects what JavaScript itself refuses: unary base of **, ?? mixed with || or &&', () => {
    expectRejected('-2 ** 2', 3, /'\*\*' at 3 cannot follow a unary '-'/);
    expectRejected('2 ** -2 ** 2', 8, /cannot follow a unary/);
    expectRejected('1 || 2 ?? 3', 7, /'\?\?' cannot be mixed/);
    expectRejected('1 ?? 2 && 3', 2, /'\?\?' cannot be mixed/);
    expectRejected('1 && 2 ?? 3', 7, /'\?\?' cannot be mixed/);
    // With parentheses all of these are fine.
    expect(compileFormula('(-2) ** 2')(0, 0, 1, 1)).toBe(4);
    expect(compileFormula('-(2 ** 2)')(0, 0, 1, 1)).toBe(-4);
    expect(compileFormula('(0 || 2) ?? 3')(0, 0, 1, 1)).toBe(2);
    expect(compileFormula('1 ?? (0 && 3)')(0, 0, 1, 1)).toBe(1);
  });

  it('a FormulaError is an Error with its own name', () => {
    const err = expectRejected('i +', 3, /found the end/);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('FormulaError');
  });
});

describe('size limits', () => {
  it('accepts 2000 characters and refuses 2001', () => {
    const ok = ' '.repeat(1999) + '7';
    expect(ok.length).toBe(2000);
    expect(compileFormula(ok)(0, 0, 1, 1)).toBe(7);
    const long = '1+'.repeat(1000) + '1';
    expect(long.length).toBe(2001);
    expectRejected(long, 2000, /2001 characters long; at most 2000/);
  });

  it('evaluates a long flat sum near the limit', () => {
    expect(compileFormula('1+'.repeat(999) + '1')(0, 0, 1, 1)).toBe(1000);
  });

  it('accepts 100 levels of nesting and refuses 101, whatever nests', () => {
    const parens = (n: number): string => '('.repeat(n) + 'i' + ')'.repeat(n);
    expect(compileFormula(parens(100))(5, 0, 1, 1)).toBe(5);
    expectRejected(parens(101), 100, /nested deeper than 100/);

    const negs = (n: number): string => '- '.repeat(n) + '3';
    expect(compileFormula(negs(100))(0, 0, 1, 1)).toBe(3);
    expectRejected(negs(101), 200, /nested deeper than 100/);

    const abs = (n: number): string => 'Math.abs('.repeat(n) + '2' + ')'.repeat(n);
    expect(compileFormula(abs(100))(0, 0, 1, 1)).toBe(2);
    expectRejected(abs(101), 908, /nested deeper than 100/);

    const pows = (n: number): string => '1' + ' ** 1'.repeat(n);
    expect(compileFormula(pows(100))(0, 0, 1, 1)).toBe(1);
    expectRejected(pows(101), 502, /nested deeper than 100/);

    const conds = (n: number): string => '0 ? 0 : '.repeat(n) + '9';
    expect(compileFormula(conds(100))(0, 0, 1, 1)).toBe(9);
    expectRejected(conds(101), 802, /nested deeper than 100/);
  });

  it('fails cleanly, not with a stack overflow, far beyond the limit', () => {
    expectRejected('('.repeat(1999), 100, /nested deeper/);
    expectRejected('!'.repeat(1999) + '1', 100, /nested deeper/);
  });
});

describe('random garbage never escapes as anything but FormulaError', () => {
  it('survives 3000 random token soups', () => {
    // A fixed LCG keeps the test deterministic.
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      'i',
      'j',
      'h',
      'w',
      '1',
      '.5',
      '0x1f',
      '(',
      ')',
      '+',
      '-',
      '*',
      '/',
      '%',
      '**',
      '?',
      ':',
      '==',
      '===',
      '!',
      '&&',
      '||',
      '??',
      ',',
      '.',
      'Math',
      'Math.sin',
      'Math.PI',
      'Math.max(',
      'constructor',
      '[',
      ']',
      "'",
      '=',
      '=>',
      '<',
      '>>',
      '~',
      ' ',
      'e',
      'true',
      'NaN',
    ];
    let parsed = 0;
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const len = 1 + rand(12);
      for (let k = 0; k < len; k++) text += pieces[rand(pieces.length)];
      try {
        const v = compileFormula(text)(3, 4, 5, 6);
        expect(typeof v).toBe('number');
        parsed++;
      } catch (e) {
        if (!(e instanceof FormulaError))
          throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
      }
    }
    expect(g[FLAG]).toBeUndefined();
    expect(parsed).toBeGreaterThan(50); // the soup must also exercise successful evaluation
  });
});

describe('the module never hands text to the JavaScript engine', () => {
  it('contains no eval, Function constructor, dynamic import, or computed Math lookup', () => {
    const src = readFileSync(
      resolve(import.meta.dirname, '../../../src/core/tensor/formula.ts'),
      'utf8',
    );
    expect(src).not.toMatch(/\beval\b/);
    expect(src).not.toMatch(/\bFunction\s*\(/);
    expect(src).not.toMatch(/new\s+Function/);
    expect(src).not.toMatch(/\bimport\s*\(/);
    expect(src).not.toMatch(/Math\s*\[/);
    expect(src).not.toMatch(/\bwith\s*\(/);
  });
});
