// Unit tests for src/core/params/edit.ts (applyEdit): menu edits as state transitions
// (docs/parameters.md, docs/expressions.md).
import { describe, it, expect } from 'vitest';
import { shapeOfExpr, shapeOfParams as shapeOf } from './helpers';
import { applyEdit } from '../../../src/core/params/edit';
import { normalize } from '../../../src/core/params/normalize';
import { computeLayout } from '../../../src/core/layout/layout';
import { parseExpr } from '../../../src/core/expr/parse';
import type { Arg, MatrixArg, Params } from '../../../src/core/params/schema';

function at(p: Params, ...path: ('left' | 'right')[]): Arg {
  let a: Arg | Params = p;
  for (const s of path) a = (a as { left: Arg; right: Arg })[s];
  return a as Arg;
}
function leaf(p: Params, ...path: ('left' | 'right')[]): MatrixArg {
  const a = at(p, ...path);
  if (a.matmul) throw new Error(`${path.join('.')} is a matmul`);
  return a;
}
function rows(a: Arg): number {
  return a.matmul ? rows(a.left) : a.h;
}
function cols(a: Arg): number {
  return a.matmul ? cols(a.right) : a.w;
}
function consistent(m: { left: Arg; right: Arg }): boolean {
  if (cols(m.left) !== rows(m.right)) return false;
  return (!m.left.matmul || consistent(m.left)) && (!m.right.matmul || consistent(m.right));
}
/** expr and tree describe the same structure (docs/expressions.md: they stay in step both ways). */
function expectInSync(p: Params): void {
  let reparsed: string;
  try {
    reparsed = shapeOfExpr(parseExpr(p.expr));
  } catch (e) {
    reparsed = `<unparsable: ${String(e)}>`;
  }
  expect(reparsed, `expr ${JSON.stringify(p.expr)}`).toBe(shapeOf(p));
}
function edit(p: Params, path: string[], value: unknown): Params {
  const r = applyEdit(p, path, value);
  return r.params;
}

describe('editing expr keeps settings by name', () => {
  it('A @ B -> A @ B @ C: A and B keep shape, init, seed; C fits', () => {
    let p = normalize({ expr: 'A @ B' }).params;
    p = edit(p, ['left', 'h'], 10);
    p = edit(p, ['left', 'w'], 6);
    p = edit(p, ['left', 'init'], 'uniform');
    p = edit(p, ['left', 'seed'], 7);
    p = edit(p, ['right', 'w'], 9);
    p = edit(p, ['right', 'init'], 'eye');
    const q = edit(p, ['expr'], 'A @ B @ C');
    expect(q.expr).toBe('A @ B @ C');
    expect(shapeOf(q)).toBe('((A B) C)');
    const A = leaf(q, 'left', 'left');
    const B = leaf(q, 'left', 'right');
    const C = leaf(q, 'right');
    expect([A.h, A.w, A.init, A.seed]).toEqual([10, 6, 'uniform', 7]);
    expect([B.h, B.w, B.init]).toEqual([6, 9, 'eye']);
    expect(C.h).toBe(9); // fits the shape it must share
    expect(consistent(q)).toBe(true);
    expectInSync(q);
  });

  it('a renamed matrix gets defaults; a kept name keeps its settings even when it moves', () => {
    let p = normalize({ expr: 'A @ B @ C' }).params;
    p = edit(p, ['left', 'left', 'init'], 'gaussian');
    p = edit(p, ['left', 'left', 'seed'], 5);
    p = edit(p, ['right', 'init'], 'tril mask');
    const q = edit(p, ['expr'], 'C @ (A @ X)');
    expect(shapeOf(q)).toBe('(C (A X))');
    expect(leaf(q, 'left').init).toBe('tril mask');
    const A = leaf(q, 'right', 'left');
    expect([A.init, A.seed]).toEqual(['gaussian', 5]);
    expect(leaf(q, 'right', 'right').seed).toBe(0);
    expect(consistent(q)).toBe(true);
    expectInSync(q);
  });

  it('a named intermediate keeps its epilog by name', () => {
    let p = normalize({ expr: 'out = (attn = Q @ K) @ V' }).params;
    p = edit(p, ['left', 'epilog'], 'softmax(x/sqrt(k))');
    const q = edit(p, ['expr'], 'out = (attn = Q @ K) @ V @ wO');
    const attn = at(q, 'left', 'left');
    expect(attn.name).toBe('attn');
    expect(attn.matmul && attn.epilog).toBe('softmax(x/sqrt(k))');
    expectInSync(q);
  });

  it('settings of the root groups survive an expr edit', () => {
    let p = normalize(undefined).params;
    p = edit(p, ['viz', 'zero hue'], 0.3);
    p = edit(p, ['layout', 'gap'], 7);
    const q = edit(p, ['expr'], 'X @ Y @ Z');
    expect(q.viz.zeroHue).toBe(0.3);
    expect(q.layout.gap).toBe(7);
  });

  it('an invalid expr keeps the previous tree and gives a notice with the position', () => {
    let p = normalize({ expr: 'A @ B @ C' }).params;
    p = edit(p, ['left', 'left', 'h'], 11);
    const cases: [string, number][] = [
      ['A @ (B', 4],
      ['A @', 3],
      ['A @ B)', 5],
      ['(A @ @ B)', 5],
    ];
    for (const [bad, pos] of cases) {
      const r = applyEdit(p, ['expr'], bad);
      expect(shapeOf(r.params), bad).toBe('((A B) C)');
      expect(r.params.expr).toBe('A @ B @ C');
      expect(leaf(r.params, 'left', 'left').h).toBe(11);
      expect(r.notices.length, bad).toBeGreaterThan(0);
      expect(r.notices.join(' '), bad).toMatch(new RegExp(`\\b${pos}\\b`));
    }
  });

  it('the input state is not modified', () => {
    const p = normalize({ expr: 'A @ B' }).params;
    const before = JSON.stringify(p);
    applyEdit(p, ['expr'], 'A @ B @ C');
    applyEdit(p, ['right', 'h'], 3);
    applyEdit(p, ['left', 'matmul'], true);
    applyEdit(p, ['left', 'name'], 'Z');
    expect(JSON.stringify(p)).toBe(before);
  });
});

describe('shared dimensions', () => {
  it('setting right.h updates left.w', () => {
    const q = edit(normalize(undefined).params, ['right', 'h'], 20);
    expect(leaf(q, 'left').w).toBe(20);
    expect(leaf(q, 'right').h).toBe(20);
    expect(leaf(q, 'left').h).toBe(32);
    expect(leaf(q, 'right').w).toBe(32);
  });

  it('setting left.w updates right.h', () => {
    const q = edit(normalize(undefined).params, ['left', 'w'], 12);
    expect(leaf(q, 'right').h).toBe(12);
  });

  it("A @ B @ C: setting C.h updates B.w (the left child's columns)", () => {
    const q = edit(normalize({ expr: 'A @ B @ C' }).params, ['right', 'h'], 7);
    expect(leaf(q, 'left', 'right').w).toBe(7);
    expect(leaf(q, 'right').h).toBe(7);
    expect(leaf(q, 'left', 'left').w).toBe(32); // A.w = B.h untouched
    expect(consistent(q)).toBe(true);
  });

  it('A @ (B @ C): setting A.w updates B.h; setting B.h updates A.w', () => {
    const p = normalize({ expr: 'A @ (B @ C)' }).params;
    const q = edit(p, ['left', 'w'], 9);
    expect(leaf(q, 'right', 'left').h).toBe(9);
    const r = edit(p, ['right', 'left', 'h'], 5);
    expect(leaf(r, 'left').w).toBe(5);
    expect(consistent(r)).toBe(true);
  });

  it('A @ B @ C: setting B.h updates A.w; setting B.w updates C.h', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    const q = edit(p, ['left', 'right', 'h'], 6);
    expect(leaf(q, 'left', 'left').w).toBe(6);
    const r = edit(p, ['left', 'right', 'w'], 13);
    expect(leaf(r, 'right').h).toBe(13);
    expect(consistent(q) && consistent(r)).toBe(true);
  });

  it('(A @ B) @ (C @ D): setting C.h updates B.w', () => {
    const q = edit(normalize({ expr: '(A @ B) @ (C @ D)' }).params, ['right', 'left', 'h'], 3);
    expect(leaf(q, 'left', 'right').w).toBe(3);
    expect(consistent(q)).toBe(true);
  });

  it('sizes are clamped and rounded; nonsense is refused with a notice', () => {
    const p = normalize(undefined).params;
    expect(leaf(edit(p, ['left', 'h'], 99999), 'left').h).toBe(4096);
    expect(leaf(edit(p, ['left', 'h'], 0), 'left').h).toBe(1);
    expect(leaf(edit(p, ['left', 'h'], 7.6), 'left').h).toBe(8);
    const r = applyEdit(p, ['left', 'h'], 'abc');
    expect(leaf(r.params, 'left').h).toBe(32);
    expect(r.notices.length).toBeGreaterThan(0);
  });
});

describe('matmul on / off', () => {
  it('turning left.matmul on keeps the shape: left child h x depth, right child depth x w', () => {
    let p = normalize(undefined).params;
    p = edit(p, ['left', 'h'], 10);
    p = edit(p, ['left', 'w'], 20);
    const q = edit(p, ['left', 'matmul'], true);
    const l = at(q, 'left');
    expect(l.matmul).toBe(true);
    if (!l.matmul || l.left.matmul || l.right.matmul) throw new Error('structure');
    expect(l.left.h).toBe(10);
    expect(l.right.w).toBe(20);
    expect(l.left.w).toBe(l.right.h);
    expect(l.left.w).toBeGreaterThan(0);
    expect(leaf(q, 'right').h).toBe(20); // the root's shared k is unchanged
    expect(leaf(q, 'right').w).toBe(32);
    expect(l.name).toBe('L'); // the matmul keeps the name of the matrix it replaces
    expect(l.left.name).not.toBe(l.right.name);
    expect(consistent(q)).toBe(true);
  });

  it('turning right.matmul on keeps the shape too', () => {
    let p = normalize(undefined).params;
    p = edit(p, ['right', 'w'], 5);
    const q = edit(p, ['right', 'matmul'], true);
    const r = at(q, 'right');
    expect(rows(r)).toBe(32);
    expect(cols(r)).toBe(5);
  });

  it('turning a nested matrix into a matmul works at depth', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    const q = edit(p, ['left', 'right', 'matmul'], true);
    expect(shapeOf(q)).toMatch(/^\(\(A \(\S+ \S+\)\) C\)$/);
    expect(consistent(q)).toBe(true);
  });

  it('turning a named matmul off gives a matrix of its shape', () => {
    let p = normalize({ expr: '(h = A @ B) @ C' }).params;
    p = edit(p, ['left', 'left', 'h'], 10);
    p = edit(p, ['left', 'right', 'w'], 6);
    const q = edit(p, ['left', 'matmul'], false);
    const l = at(q, 'left');
    expect(l.matmul).toBe(false);
    if (l.matmul) return;
    expect([l.h, l.w]).toEqual([10, 6]);
    expect(l.name).toBe('h');
    expect(leaf(q, 'right').h).toBe(6);
  });

  it('matmul on/off re-derives the names of unnamed ancestors (expr stays parseable and in sync)', () => {
    // The root's derived name must not be kept as if it were an explicit name after the tree
    // changes (expr "L @ R = (L = LL @ LR) @ R" would not parse). Here the new derived name is
    // "L @ R" again: the left matmul is named L (docs/expressions.md, Names).
    const d = normalize(undefined).params;
    const on = edit(d, ['left', 'matmul'], true);
    expect(on.name).toBe('L @ R');
    expect(on.expr).toBe('(L = LL @ LR) @ R');
    expectInSync(on);
    expectInSync(edit(d, ['right', 'matmul'], true));
    expectInSync(edit(normalize({ expr: 'A @ B @ C' }).params, ['left', 'right', 'matmul'], true));
    const off = edit(normalize({ expr: '(h = A @ B) @ C' }).params, ['left', 'matmul'], false);
    expect(off.expr).toBe('h @ C');
    expectInSync(off);
  });

  it('turning an unnamed matmul off keeps expr and tree in sync', () => {
    // left is the unnamed matmul "A @ B": the matrix that replaces it must not be named "A @ B"
    // (printing that leaf gives "A @ B @ C", which parses back as two matmuls).
    let p = normalize({ expr: 'A @ B @ C' }).params;
    p = edit(p, ['left', 'left', 'h'], 10);
    p = edit(p, ['left', 'right', 'w'], 6);
    const q = edit(p, ['left', 'matmul'], false);
    const l = at(q, 'left');
    expect(l.matmul).toBe(false);
    expect([rows(l), cols(l)]).toEqual([10, 6]);
    expectInSync(q);
  });

  it('on then off restores a matrix of the original shape', () => {
    let p = normalize(undefined).params;
    p = edit(p, ['left', 'h'], 9);
    p = edit(p, ['left', 'w'], 4);
    const q = edit(edit(p, ['left', 'matmul'], true), ['left', 'matmul'], false);
    const l = at(q, 'left');
    expect(l.matmul).toBe(false);
    expect([rows(l), cols(l)]).toEqual([9, 4]);
  });

  it('setting matmul to its current value changes nothing', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    expect(edit(p, ['left', 'matmul'], true)).toEqual(p);
    expect(edit(p, ['right', 'matmul'], false)).toEqual(p);
  });
});

describe('renames', () => {
  it('renaming a leaf re-derives unnamed parent names', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    const q = edit(p, ['left', 'left', 'name'], 'X');
    expect(leaf(q, 'left', 'left').name).toBe('X');
    expect(at(q, 'left').name).toBe('X @ B');
    expect(q.name).toBe('X @ B @ C');
    expect(q.expr).toBe('X @ B @ C');
    expectInSync(q);
  });

  it('named parents keep their names', () => {
    const p = normalize({ expr: 'out = (h = A @ B) @ C' }).params;
    const q = edit(p, ['left', 'left', 'name'], 'X');
    expect(at(q, 'left').name).toBe('h');
    expect(q.name).toBe('out');
    expect(q.expr).toBe('out = (h = X @ B) @ C');
  });

  it('a renamed leaf keeps its settings', () => {
    let p = normalize({ expr: 'A @ B' }).params;
    p = edit(p, ['left', 'h'], 3);
    p = edit(p, ['left', 'init'], 'eye');
    const q = edit(p, ['left', 'name'], 'W');
    expect(leaf(q, 'left')).toMatchObject({ name: 'W', h: 3, init: 'eye' });
  });

  it('naming an unnamed matmul shows in expr; clearing the name re-derives it', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    const q = edit(p, ['left', 'name'], 'h');
    expect(q.expr).toBe('(h = A @ B) @ C');
    expectInSync(q);
    const r = edit(q, ['left', 'name'], '');
    expect(at(r, 'left').name).toBe('A @ B');
    expect(r.expr).toBe('A @ B @ C');
  });

  it('renaming the root', () => {
    const q = edit(normalize({ expr: 'A @ B' }).params, ['name'], 'out');
    expect(q.name).toBe('out');
    expect(q.expr).toBe('out = A @ B');
    const r = edit(q, ['left', 'name'], 'Z');
    expect(r.expr).toBe('out = Z @ B');
  });

  it('a leaf name with expression syntax is refused or made safe (expr stays in sync)', () => {
    const p = normalize({ expr: 'A @ B' }).params;
    for (const bad of ['X @ Y', 'f(x)', 'a = b']) {
      const r = applyEdit(p, ['left', 'name'], bad);
      expectInSync(r.params);
    }
  });
});

describe('other edits', () => {
  it('plain properties go through normalize (clamped, with notices)', () => {
    const p = normalize(undefined).params;
    const r = applyEdit(p, ['layout', 'gap'], 500);
    expect(r.params.layout.gap).toBe(64);
    expect(r.notices.length).toBeGreaterThan(0);
    expect(edit(p, ['viz', 'sensitivity'], 'local').viz.sensitivity).toBe('local');
  });

  it('an edit of a path that does not exist is refused with a notice', () => {
    const p = normalize(undefined).params;
    const r = applyEdit(p, ['left', 'left', 'h'], 5);
    expect(r.params).toEqual(p);
    expect(r.notices.length).toBeGreaterThan(0);
  });

  it('switching to custom writes the derived choices into every child (the picture does not jump)', () => {
    let p = normalize({ expr: '(A @ B) @ (C @ D)' }).params;
    p = edit(p, ['layout', 'polarity'], 'positive');
    const q = edit(p, ['layout', 'scheme'], 'custom');
    expect(q.layout.scheme).toBe('custom');
    const l = at(q, 'left');
    const r = at(q, 'right');
    if (!l.matmul || !r.matmul) throw new Error('structure');
    // blocks from positive/left/top/front: left child P'=0, Lr'=(1!=0)=1, Rb'=1, Bk'=(1==0)=0
    expect([
      l.layout.polarity,
      l.layout.leftPlacement,
      l.layout.rightPlacement,
      l.layout.resultPlacement,
    ]).toEqual(['negative', 'right', 'bottom', 'front']);
    // right child: P'=0, Lr'=!0=1, Rb'=(1!=0)=1, Bk'=(1==0)=0
    expect([
      r.layout.polarity,
      r.layout.leftPlacement,
      r.layout.rightPlacement,
      r.layout.resultPlacement,
    ]).toEqual(['negative', 'right', 'bottom', 'front']);
  });

  it('switching any scheme to custom moves no matrix, for chains and trees', () => {
    const where = (p: Params): Record<string, number[]> =>
      Object.fromEntries(
        [...computeLayout(p).matrices.values()].map((m) => [
          m.key,
          [...m.origin, ...m.rowDir, ...m.colDir].map((v) => Math.round(v * 1e6) / 1e6),
        ]),
      );
    for (const expr of ['A @ B @ C @ D', '(A @ B) @ (C @ D)', 'A @ (B @ (C @ D))'])
      for (const scheme of ['blocks', 'zigzag', 'wheel'])
        for (const polarity of ['negative', 'positive'])
          for (const leftPlacement of ['left', 'right']) {
            let p = normalize({ expr }).params;
            p = edit(p, ['layout', 'scheme'], scheme);
            p = edit(p, ['layout', 'polarity'], polarity);
            p = edit(p, ['layout', 'left placement'], leftPlacement);
            const before = where(p);
            expect(Object.keys(before).length, expr).toBeGreaterThanOrEqual(7);
            const q = edit(p, ['layout', 'scheme'], 'custom');
            expect(q.layout.scheme).toBe('custom');
            expect(where(q), `${expr}, ${scheme}, ${polarity}, left ${leftPlacement}`).toEqual(
              before,
            );
          }
  });
});
