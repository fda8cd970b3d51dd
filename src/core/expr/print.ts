/**
 * Canonical printing of expression trees (docs/expressions.md, "Canonical form"). Owns the one
 * textual form that `expr` is regenerated in when the tree changes from the menus, and the default
 * name of an unnamed matmul (its operands' names joined by `@`, see `defaultName`). Canonical form: left-associative chains
 * without parentheses, a matmul as a right operand in parentheses, a named child as `(name = ...)`,
 * a named root as `name = ...`, single spaces around `@` and `=`.
 * parseExpr(printExpr(t)) rebuilds t.
 *
 * Pure TypeScript: no DOM, no three.js.
 */

import type { ExprNode } from './parse';

function operandText(node: ExprNode, side: 'left' | 'right'): string {
  if (node.kind === 'leaf') return node.name;
  if (node.named) return `(${node.name} = ${subtreeText(node)})`;
  return side === 'left' ? subtreeText(node) : `(${subtreeText(node)})`;
}

/**
 * The canonical text of a node's own expression, without its `name =` prefix: what an unnamed
 * matmul is called. The stored names of unnamed descendants are ignored (recomputed), so a tree
 * edited in place prints consistently.
 */
export function subtreeText(node: ExprNode): string {
  if (node.kind === 'leaf') return node.name;
  // Left-associative chains can be thousands of operands long; walking their left spine in a loop
  // keeps recursion depth bounded by the parenthesis nesting instead.
  const rights: ExprNode[] = [];
  let spine = node;
  for (;;) {
    rights.push(spine.right);
    const left = spine.left;
    if (left.kind === 'matmul' && !left.named) spine = left;
    else break;
  }
  let text = operandText(spine.left, 'left');
  for (let k = rights.length - 1; k >= 0; k--) text += ' @ ' + operandText(rights[k], 'right');
  return text;
}

/** The canonical text of a whole expression, including the root's `name =` when it has one. */
export function printExpr(node: ExprNode): string {
  if (node.kind === 'matmul' && node.named) return `${node.name} = ${subtreeText(node)}`;
  return subtreeText(node);
}

/**
 * The name of an unnamed matmul: its operands' names joined by ` @ `, an unnamed right operand's
 * name in parentheses. So `A @ B @ C` is called that, but the unnamed root of
 * `(attn = Q @ K) @ V` is called `attn @ V`, as the original tool calls it (its links carry these
 * names; docs/expressions.md). Children's names must already be set (bottom-up).
 */
export function defaultName(left: ExprNode, right: ExprNode): string {
  const r = right.kind === 'matmul' && !right.named ? `(${right.name})` : right.name;
  return `${left.name} @ ${r}`;
}

/**
 * Whether `name` leaves a matmul unnamed: empty, its default name, or its whole sub-expression
 * text (what unnamed matmuls were called before, and what some embedding pages still send).
 */
export function isDefaultName(name: string, left: ExprNode, right: ExprNode): boolean {
  if (name === '' || name === defaultName(left, right)) return true;
  const whole: ExprNode = { kind: 'matmul', name: '', named: false, left, right, start: 0, end: 0 };
  return name === subtreeText(whole);
}
