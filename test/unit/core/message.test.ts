/**
 * `{setParams}` as a state transition (src/core/params/message.ts, docs/embedding.md): `expr` with
 * `sync_expr` rebuilds the structure; without it the structure stays and a notice says why,
 * unless the expr already names the structure shown.
 */
import { describe, expect, it } from 'vitest';
import { applySetParams } from '../../../src/core/params/message';
import { defaultParams } from '../../../src/core/params/schema';

describe('setParams and expr', () => {
  it('with sync_expr the structure is rebuilt from expr, with no notice', () => {
    const r = applySetParams(defaultParams(), { expr: 'A @ B @ C' }, false, true);
    expect(r.params.expr).toBe('A @ B @ C');
    expect(r.params.left.matmul).toBe(true);
    expect(r.notices).toEqual([]);
  });

  it('without sync_expr the structure stays and a notice names sync_expr', () => {
    const before = defaultParams();
    const r = applySetParams(before, { expr: 'A @ B @ C' }, false, false);
    expect(r.params.expr).toBe(before.expr);
    expect(r.notices.length).toBe(1);
    expect(r.notices[0]).toMatch(/sync_expr/);
  });

  it('an expr that names the structure shown (as getParams returns it) gives no notice', () => {
    const before = defaultParams();
    const spaced = before.expr.replace(/ /g, '  ');
    const r = applySetParams(before, { expr: spaced, left: { h: 8 } }, false, false);
    expect(r.params.left.matmul).toBe(false);
    expect(r.notices).toEqual([]);
  });
});
