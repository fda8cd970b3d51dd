/**
 * Heavy formulas (`init: expr`) without a frozen page. A formula is evaluated once per element,
 * so a long one over a big matrix can take minutes; its cost is estimated here (so that the
 * compute client sends such states to its worker) and it is evaluated in row slices with a pause
 * between slices (so that a newer state can cancel it, on the page or in the worker, and progress
 * can be shown). The values are the same as `fillFormula`'s.
 */
import { compileFormula } from '../tensor/formula';
import type { InitResult } from '../tensor/init';
import type { MatrixArg, Params } from '../params/schema';
import { leaves } from '../params/tree';

/** One formula node per element costs about this many multiply-adds of the product kernel. */
const NODE_COST = 20;
/** Elements x estimated nodes evaluated between two pauses (a few milliseconds). */
export const FORMULA_SLICE = 2_000_000;

type FormulaSpec = Pick<MatrixArg, 'init' | 'expr' | 'h' | 'w'>;

/** Elements x estimated nodes (about one node per three characters of the formula). */
export function formulaCost(a: FormulaSpec): number {
  if (a.init !== 'expr') return 0;
  return a.h * a.w * Math.max(1, Math.ceil(a.expr.length / 3));
}

/** The formulas of a state, in multiply-add equivalents (to compare with `workOf`). */
export function formulaWorkOf(p: Params): number {
  let total = 0;
  for (const { node } of leaves(p)) total += formulaCost(node) * NODE_COST;
  return total;
}

/**
 * Evaluates the formula of `a` in row slices, yielding `pause()` between slices and reporting
 * the fraction of rows done. A bad formula gives zeros and an error, as `initMatrix` does.
 */
export function* formulaInSlices<P>(
  a: FormulaSpec,
  pause: () => P,
  onFraction: (f: number) => void,
): Generator<P, InitResult, unknown> {
  const { h, w } = a;
  const data = new Float32Array(h * w);
  let f;
  try {
    f = compileFormula(a.expr);
  } catch (e) {
    return { data, error: `formula: ${e instanceof Error ? e.message : String(e)}` };
  }
  const rowsPerSlice = Math.max(1, Math.floor(FORMULA_SLICE / Math.max(1, formulaCost(a) / h)));
  for (let i0 = 0; i0 < h; i0 += rowsPerSlice) {
    const i1 = Math.min(h, i0 + rowsPerSlice);
    for (let i = i0; i < i1; i++) for (let j = 0; j < w; j++) data[i * w + j] = f(i, j, h, w);
    onFraction(i1 / h);
    if (i1 < h) yield pause();
  }
  return { data };
}
