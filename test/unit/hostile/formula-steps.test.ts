import { describe, expect, it } from 'vitest';
import {
  FORMULA_SLICE,
  formulaCost,
  formulaInSlices,
  formulaWorkOf,
} from '../../../src/core/model/formula-steps';
import { fillFormula } from '../../../src/core/tensor/formula';
import { fromPartial } from '../../../src/core/params/url';
import { normalize } from '../../../src/core/params/normalize';

function drain<P>(g: Generator<P, { data: Float32Array; error?: string }, unknown>): {
  pauses: number;
  result: { data: Float32Array; error?: string };
} {
  let pauses = 0;
  for (;;) {
    const r = g.next();
    if (r.done) return { pauses, result: r.value };
    pauses++;
  }
}

describe('heavy formulas in slices', () => {
  it("gives fillFormula's values, with pauses between slices and progress to 1", () => {
    const a = {
      init: 'expr' as const,
      expr: 'Math.sin(i * j / 7) + i % 3 - j / w',
      h: 900,
      w: 700,
    };
    expect(formulaCost(a)).toBeGreaterThan(2 * FORMULA_SLICE);
    const fractions: number[] = [];
    const { pauses, result } = drain(
      formulaInSlices(
        a,
        () => 'pause',
        (f) => fractions.push(f),
      ),
    );
    expect(pauses).toBeGreaterThan(1);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(fillFormula(a.expr, a.h, a.w));
  });

  it('a bad formula gives zeros and the error, without pausing', () => {
    const { pauses, result } = drain(
      formulaInSlices(
        { init: 'expr' as const, expr: 'i +', h: 3, w: 2 },
        () => 0,
        () => undefined,
      ),
    );
    expect(pauses).toBe(0);
    expect(result.data).toEqual(new Float32Array(6));
    expect(result.error).toMatch(/^formula: /);
  });

  it('a 2000-character formula over 4096 x 4096 counts as worker-sized work; the default state does not', () => {
    const expr = Array(154).fill('Math.sin(i*j)').join('+').slice(0, 2000);
    const p = fromPartial({ expr: 'L @ R', left: { init: 'expr', expr, h: 4096, w: 4096 } }).params;
    expect(p.left.matmul === false && p.left.expr).toBe(expr);
    expect(formulaWorkOf(p)).toBeGreaterThan(200_000_000);
    expect(formulaWorkOf(normalize(undefined).params)).toBe(0);
  });
});
