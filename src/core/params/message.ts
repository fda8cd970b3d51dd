/**
 * `{setParams: {props, reset, sync_expr}}` from an embedding page, as a pure state transition:
 * the current state and the message's props give the next state and its notices. The props are
 * bounded first (see bounds.ts): over a bound, the whole message is refused and the current state
 * stays. A field with an unusable value keeps its current value (not the default), and the notice
 * says so; with `reset`, the base is the default state and a bad field takes its default.
 */
import { type Normalized, normalize } from './normalize';
import { type Params, defaultParams, toExternal } from './schema';
import { checkBounds } from './bounds';
import { deepMerge } from './tree';

export interface SetParamsResult extends Normalized {
  /** True when the message was refused as a whole: `params` is then the current state. */
  refused: boolean;
}

export function applySetParams(
  current: Params,
  props: unknown,
  reset: boolean,
  syncExpr: boolean,
): SetParamsResult {
  const over = checkBounds(props);
  if (over !== null)
    return {
      params: current,
      notices: [`setParams refused: ${over}; the state is unchanged`],
      refused: true,
    };
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    return {
      params: current,
      notices: ['setParams refused: props must be an object; the state is unchanged'],
      refused: true,
    };
  }
  // Messages use the users' (spaced) names, so they are merged onto the state in those names.
  const keep = reset ? defaultParams() : current;
  const base = toExternal(keep);
  let next: unknown = base;
  const notices: string[] = [];
  const raw = props as Record<string, unknown>;
  if (syncExpr && typeof raw.expr === 'string') {
    const rebuilt = normalize({ ...base, expr: raw.expr }, { fromExpr: true, keep });
    notices.push(...rebuilt.notices);
    next = toExternal(rebuilt.params);
  }
  const rest = { ...raw };
  delete rest.sync_expr;
  if (syncExpr) delete rest.expr;
  const n = normalize(deepMerge(next, rest), { keep });
  // Without sync_expr an `expr` does not rebuild the structure (docs/embedding.md); say so when
  // it names another structure than the one shown, rather than ignore it silently.
  const squash = (e: string): string => e.replace(/\s+/g, '');
  if (!syncExpr && typeof raw.expr === 'string' && squash(raw.expr) !== squash(n.params.expr))
    notices.push(
      `setParams: expr "${raw.expr.slice(0, 80)}" was not applied to the structure (add sync_expr: true to rebuild it from expr)`,
    );
  return { ...n, notices: [...notices, ...n.notices], refused: false };
}
