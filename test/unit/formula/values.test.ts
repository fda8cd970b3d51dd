import { describe, it, expect } from 'vitest';
import { compileFormula, fillFormula, FormulaError } from '../../../src/core/tensor/formula';

const at = (text: string, i = 0, j = 0, h = 1, w = 1): number => compileFormula(text)(i, j, h, w);

describe('docs/expressions.md example formulas', () => {
  it('-2 * (Math.trunc(i / 8) % 2) + 1 alternates bands of 8 rows between 1 and -1', () => {
    const f = compileFormula('-2 * (Math.trunc(i / 8) % 2) + 1');
    expect([0, 7, 8, 15, 16, 31].map((i) => f(i, 0, 32, 32))).toEqual([1, 1, -1, -1, 1, -1]);
    expect(f(9, 30, 32, 32)).toBe(-1); // independent of j
  });

  it('(-Math.trunc(j / 8) % 2) + .5 alternates bands of 8 columns between .5 and -.5', () => {
    const f = compileFormula('(-Math.trunc(j / 8) % 2) + .5');
    expect([0, 7, 8, 15, 16, 24].map((j) => f(0, j, 32, 32))).toEqual([
      0.5, 0.5, -0.5, -0.5, 0.5, -0.5,
    ]);
  });

  it('i == j ? 1 : 0 is the identity', () => {
    expect(Array.from(fillFormula('i == j ? 1 : 0', 3, 3))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('Math.sin(i * Math.PI / h) * Math.cos(j/w)', () => {
    const f = compileFormula('Math.sin(i * Math.PI / h) * Math.cos(j/w)');
    expect(f(2, 0, 4, 2)).toBeCloseTo(1, 12); // sin(pi/2) * cos(0)
    expect(f(1, 1, 4, 2)).toBeCloseTo(0.7071067811865476 * 0.8775825618903728, 12); // sin(pi/4) cos(1/2)
    expect(f(0, 1, 4, 2)).toBe(0);
  });

  it('i > j && j % 2 ? -1 : 1', () => {
    const f = compileFormula('i > j && j % 2 ? -1 : 1');
    expect(f(3, 1, 4, 4)).toBe(-1); // 3 > 1, and 1 is odd
    expect(f(3, 2, 4, 4)).toBe(1); // even column
    expect(f(1, 3, 4, 4)).toBe(1); // above the diagonal
    expect(Array.from(fillFormula('i > j && j % 2 ? -1 : 1', 4, 4))).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1, 1, -1, 1, 1, 1, -1, 1, 1,
    ]);
  });
});

describe('operators follow JavaScript precedence and semantics', () => {
  const cases: [string, number][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['7 % 4 * 2', 6],
    ['-7 % 4', -3],
    ['2 ** 3 ** 2', 512],
    ['(2 ** 3) ** 2', 64],
    ['2 ** -1', 0.5],
    ['(-2) ** 2', 4],
    ['-2 * -3', 6],
    ['- - 4', 4],
    ['+-+3', -3],
    ['1 + 2 < 4', 1],
    ['3 <= 2', 0],
    ['2 >= 2', 1],
    ['1 < 2 == true', 1],
    ['2 != 2', 0],
    ['(1 < 2) == 1', 1],
    ['(1 < 2) === 1', 0], // a boolean is not strictly equal to a number, as in JavaScript
    ['(1 < 2) !== 1', 1],
    ['(1 < 2) === true', 1],
    ['(1 < 2) * 5', 5],
    ['true + true', 2],
    ['0 || 5', 5],
    ['3 || 5', 3],
    ['3 && 4', 4],
    ['0 && 4', 0],
    ['0 ?? 7', 0],
    ['(0 || 2) ?? 7', 2],
    ['!0', 1],
    ['!!3', 1],
    ['!5', 0],
    ['1 ? 2 : 3', 2],
    ['0 ? 2 : 3', 3],
    ['1 ? 2 : 3 ? 4 : 5', 2],
    ['0 ? 2 : 0 ? 4 : 5', 5],
    ['0 ? 1 : 1 ? 0 ? 6 : 7 : 8', 7],
    ['1 ?.5 : 2', 0.5],
    ['5 & 3', 1],
    ['5 | 3', 7],
    ['5 ^ 3', 6],
    ['~5', -6],
    ['1 << 4', 16],
    ['-16 >> 2', -4],
    ['-1 >>> 28', 15],
    ['1 + 2 & 3', 3], // + binds tighter than &
    ['0x1F', 31],
    ['0XfF', 255],
    ['0b101', 5],
    ['0o17', 15],
    ['1e-3', 0.001],
    ['1E3', 1000],
    ['2.5e+1', 25],
    ['.5', 0.5],
    ['5.', 5],
    ['0.25', 0.25],
    ['false', 0],
    ['true', 1],
    [' \t\n 4 \n', 4],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} = ${want}`, () => {
      expect(at(text)).toBe(want);
    });
  }
});

describe('operators on values only known per element (not constant-folded)', () => {
  // i = 6, j = 4: every operator with a variable on the left, on the right, and on both sides.
  const cases: [string, number][] = [
    ['i + 1', 7],
    ['1 + i', 7],
    ['i + j', 10],
    ['i - 1', 5],
    ['1 - i', -5],
    ['i - j', 2],
    ['i * 2', 12],
    ['i * j', 24],
    ['i / 4', 1.5],
    ['9 / i', 1.5],
    ['i / j', 1.5],
    ['i % 4', 2],
    ['20 % i', 2],
    ['i % j', 2],
    ['i ** 2', 36],
    ['2 ** j', 16],
    ['j ** (i - 4)', 16],
    ['i < 7', 1],
    ['i < 6', 0],
    ['7 < i', 0],
    ['j < i', 1],
    ['i <= 6', 1],
    ['i <= j', 0],
    ['i > j', 1],
    ['i > 6', 0],
    ['i >= 7', 0],
    ['i >= j', 1],
    ['i == 6', 1],
    ['i == j', 0],
    ['i == true', 0],
    ['(i > j) == 1', 1],
    ['i != 6', 0],
    ['i != j', 1],
    ['i === 6', 1],
    ['(i > j) === 1', 0],
    ['(i > j) === true', 1],
    ['i !== j', 1],
    ['i !== 6', 0],
    ['i & j', 4],
    ['i | j', 6],
    ['i ^ j', 2],
    ['i ^ 1', 7],
    ['i << 2', 24],
    ['-i >> 1', -3],
    ['-i >>> 29', 7],
    ['i && j', 4],
    ['0 && i', 0],
    ['(i - 6) && j', 0],
    ['i || j', 6],
    ['(i - 6) || j', 4],
    ['i ?? j', 6],
    ['(i - 6) ?? j', 0],
    ['-i', -6],
    ['+i', 6],
    ['!i', 0],
    ['!(i - 6)', 1],
    ['~i', -7],
    ['i > 5 ? j : 1', 4],
    ['i < 5 ? j : 1', 1],
    ['Math.abs(j - i)', 2],
    ['Math.atan2(i - 6, j)', 0],
    ['Math.max(i, j, 5)', 6],
    ['Math.min(i, j, 5)', 4],
    ['Math.hypot(i, j - 4, 8)', 10],
  ];
  for (const [text, want] of cases) {
    it(`${text} = ${want} at i=6, j=4`, () => {
      expect(at(text, 6, 4, 9, 9)).toBe(want);
      expect(fillFormula(text, 7, 5)[6 * 5 + 4]).toBe(want);
    });
  }
});

describe('variables', () => {
  it('binds i, j, h, w positionally', () => {
    expect(at('i * 1000 + j * 100 + h * 10 + w', 1, 2, 3, 4)).toBe(1234);
  });
});

describe('Math', () => {
  it('exposes the allowed constants', () => {
    expect(at('Math.PI')).toBe(3.141592653589793);
    expect(at('Math.E')).toBe(2.718281828459045);
    expect(at('Math.LN2')).toBe(0.6931471805599453);
    expect(at('Math.LN10')).toBe(2.302585092994046);
    expect(at('Math.LOG2E')).toBe(1.4426950408889634);
    expect(at('Math.LOG10E')).toBe(0.4342944819032518);
    expect(at('Math.SQRT2')).toBe(1.4142135623730951);
    expect(at('Math.SQRT1_2')).toBe(0.7071067811865476);
  });

  const calls: [string, number][] = [
    ['Math.abs(-3)', 3],
    ['Math.sign(-2)', -1],
    ['Math.floor(-1.5)', -2],
    ['Math.ceil(1.2)', 2],
    ['Math.round(2.5)', 3],
    ['Math.round(-2.5)', -2],
    ['Math.trunc(-1.7)', -1],
    ['Math.fround(5.5)', 5.5],
    ['Math.sqrt(9)', 3],
    ['Math.cbrt(27)', 3],
    ['Math.exp(0)', 1],
    ['Math.expm1(0)', 0],
    ['Math.log(1)', 0],
    ['Math.log2(8)', 3],
    ['Math.log10(1000)', 3],
    ['Math.log1p(0)', 0],
    ['Math.sin(0)', 0],
    ['Math.cos(0)', 1],
    ['Math.tan(0)', 0],
    ['Math.asin(1)', Math.PI / 2],
    ['Math.acos(1)', 0],
    ['Math.atan(1)', Math.PI / 4],
    ['Math.atan2(1, 1)', Math.PI / 4],
    ['Math.atan2(0, -1)', Math.PI],
    ['Math.sinh(0)', 0],
    ['Math.cosh(0)', 1],
    ['Math.tanh(0)', 0],
    ['Math.asinh(0)', 0],
    ['Math.acosh(1)', 0],
    ['Math.atanh(0)', 0],
    ['Math.clz32(1)', 31],
    ['Math.imul(3, 4)', 12],
    ['Math.pow(2, 10)', 1024],
    ['Math.min(3, 1, 2)', 1],
    ['Math.max(3, 1, 2)', 3],
    ['Math.max(4)', 4],
    ['Math.max()', -Infinity],
    ['Math.hypot(3, 4)', 5],
    ['Math.hypot(2, 3, 6)', 7],
    ['Math.max(i, j, 2 * h)', 6], // evaluated with i=0, j=0, h=3 below
  ];
  for (const [text, want] of calls) {
    it(`${text} = ${want}`, () => {
      expect(at(text, 0, 0, 3, 1)).toBeCloseTo(want, 14);
    });
  }

  it('evaluates nested calls with variables', () => {
    expect(at('Math.max(Math.abs(i - j), Math.min(h, w))', 1, 7, 3, 2)).toBe(6);
  });
});

describe('non-finite results pass through', () => {
  it('returns NaN and infinities', () => {
    expect(at('1 / 0')).toBe(Infinity);
    expect(at('-1 / 0')).toBe(-Infinity);
    expect(at('0 / 0')).toBeNaN();
    expect(at('Math.log(0)')).toBe(-Infinity);
    expect(at('Math.sqrt(-1)')).toBeNaN();
    expect(at('Infinity - 1')).toBe(Infinity);
    expect(at('NaN')).toBeNaN();
  });

  it('stores them in the filled matrix', () => {
    const m = fillFormula('j == 0 ? 1 / i : Math.sqrt(-j)', 2, 2);
    expect(m[0]).toBe(Infinity); // 1/0
    expect(m[1]).toBeNaN();
    expect(m[2]).toBe(1);
    expect(m[3]).toBeNaN();
  });
});

describe('fillFormula', () => {
  it('fills row-major', () => {
    expect(Array.from(fillFormula('i * w + j', 2, 3))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(fillFormula('i * 10 + j', 3, 2))).toEqual([0, 1, 10, 11, 20, 21]);
  });

  it('stores booleans as 1 and 0', () => {
    expect(Array.from(fillFormula('j >= i', 2, 2))).toEqual([1, 1, 0, 1]);
  });

  it('rounds to float32', () => {
    expect(fillFormula('0.1', 1, 1)[0]).toBe(Math.fround(0.1));
  });

  it('fills constants, including ones that depend only on h and w', () => {
    expect(Array.from(fillFormula('3', 2, 2))).toEqual([3, 3, 3, 3]);
    const m = fillFormula('Math.PI / h + w', 2, 3);
    expect(m.length).toBe(6);
    for (const v of m) expect(v).toBe(Math.fround(Math.PI / 2 + 3));
  });

  it('agrees with compileFormula everywhere', () => {
    const formulas = [
      'Math.sin(i * Math.PI / h) * Math.cos(j/w)',
      '-2 * (Math.trunc(i / 8) % 2) + 1',
      'i > j && j % 2 ? -1 : 1',
      '(i ^ j) & 3',
      'h - i > w / 2 ? i / h : -j / w',
      '(i + j) % 3 == 0',
    ];
    for (const text of formulas) {
      const f = compileFormula(text);
      const [h, w] = [17, 23];
      const m = fillFormula(text, h, w);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) expect(m[i * w + j]).toBe(Math.fround(f(i, j, h, w)));
      }
    }
  });

  it('writes into a given buffer, leaving the rest alone', () => {
    const out = new Float32Array(6).fill(99);
    const got = fillFormula('i + j', 2, 2, out);
    expect(got).toBe(out);
    expect(Array.from(out)).toEqual([0, 1, 1, 2, 99, 99]);
  });

  it('handles empty shapes', () => {
    expect(fillFormula('i', 0, 5).length).toBe(0);
    expect(fillFormula('i', 5, 0).length).toBe(0);
  });

  it('rejects bad shapes and short buffers with RangeError', () => {
    expect(() => fillFormula('i', 2.5, 2)).toThrow(RangeError);
    expect(() => fillFormula('i', -1, 2)).toThrow(RangeError);
    expect(() => fillFormula('i', 2, 2, new Float32Array(3))).toThrow(RangeError);
  });

  it('throws FormulaError for a bad formula', () => {
    expect(() => fillFormula('i +', 2, 2)).toThrow(FormulaError);
  });
});
