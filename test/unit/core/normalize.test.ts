// Unit tests for src/core/params/schema.ts and normalize.ts against docs/parameters.md and
// docs/expressions.md. Every expected value is written out here by hand from the tables of
// docs/parameters.md.
import { describe, it, expect } from 'vitest';
import { SPEC3_EXAMPLES, shapeOfExpr, shapeOfParams } from './helpers';
import { defaultParams, toExternal, type Arg } from '../../../src/core/params/schema';
import { normalize } from '../../../src/core/params/normalize';
import { fixShapes } from '../../../src/core/params/shapes';
import { parseExpr } from '../../../src/core/expr/parse';

type AnyObj = Record<string, unknown>;

/** Rows and columns of an argument, walked independently of src/core/params/shapes. */
function rows(a: Arg): number {
  return a.matmul ? rows(a.left) : a.h;
}
function cols(a: Arg): number {
  return a.matmul ? cols(a.right) : a.w;
}
/** Every matmul's right argument is as tall as its left argument is wide. */
function timeNormalizeChain(n: number): number {
  let node: AnyObj = { name: 'M0' };
  for (let d = 1; d < n; d++) node = { matmul: true, left: node, right: { name: `M${d}` } };
  const t = performance.now();
  normalize({ left: node, right: { name: 'Z' } });
  return performance.now() - t;
}
function shapesConsistent(m: { left: Arg; right: Arg }): boolean {
  if (cols(m.left) !== rows(m.right)) return false;
  if (m.left.matmul && !shapesConsistent(m.left)) return false;
  if (m.right.matmul && !shapesConsistent(m.right)) return false;
  return true;
}

describe('defaults (docs/parameters.md)', () => {
  const p = normalize(undefined).params;

  it('no input gives defaults and no notices', () => {
    const r = normalize(undefined);
    expect(r.notices).toEqual([]);
    expect(normalize(null).notices).toEqual([]);
    expect(normalize({}).notices).toEqual([]);
  });

  it('top level (2.1)', () => {
    expect(p.expr).toBe('L @ R');
    expect(p.name).toBe('L @ R');
    expect(p.epilog).toBe('none');
    expect(p.cam).toEqual({ x: -48, y: 48, z: 48, target: { x: 0, y: 0, z: 0 } });
  });

  it('left and right matrix arguments (2.2)', () => {
    const l = p.left as unknown as AnyObj;
    const r = p.right as unknown as AnyObj;
    expect(l.name).toBe('L');
    expect(r.name).toBe('R');
    for (const a of [l, r]) {
      expect(a.matmul).toBe(false);
      expect(a.h).toBe(32);
      expect(a.w).toBe(32);
      expect(a.min).toBe(-1);
      expect(a.max).toBe(1);
      expect(a.dropout).toBe(0);
      expect(a.url).toBe('');
      expect(a.expr).toBe('');
    }
    expect(l.init).toBe('row major');
    expect(r.init).toBe('col major');
  });

  it('anim (2.4)', () => {
    expect(p.anim.alg).toBe('none');
    expect(p.anim.speed).toBe(20);
    expect(p.anim.fuse).toBe('none');
    expect(p.anim.hideInputs).toBe(false);
    expect(p.anim.spin).toBe(0);
  });

  it('block (2.5)', () => {
    expect(p.block.iBlocks).toBe(1);
    expect(p.block.kBlocks).toBe(1);
    expect(p.block.jBlocks).toBe(1);
  });

  it('layout (2.6)', () => {
    expect(p.layout.scheme).toBe('blocks');
    expect(p.layout.gap).toBe(4);
    expect(p.layout.scatter).toBe(0);
    expect(p.layout.molecule).toBe(1);
    expect(p.layout.blast).toBe(0);
    expect(p.layout.polarity).toBe('negative');
    expect(p.layout.leftPlacement).toBe('left');
    expect(p.layout.rightPlacement).toBe('top');
    expect(p.layout.resultPlacement).toBe('front');
  });

  it('deco (2.7)', () => {
    expect(p.deco.legends).toBe(6);
    expect(p.deco.shape).toBe(true);
    expect(p.deco.rowGuides).toBe(0.6);
    expect(p.deco.flowGuides).toBe(0.5);
    expect(p.deco.spotlight).toBe(2);
    expect(p.deco.lensSize).toBe(0.5);
    expect(p.deco.magnification).toBe(7);
    expect(p.deco.interiorSpotlight).toBe(false);
    expect(p.deco.axes).toBe(false);
  });

  it('viz (2.8)', () => {
    expect(p.viz.sensitivity).toBe('global');
    expect(p.viz.minSize).toBe(0.2);
    expect(p.viz.minLight).toBe(0.4);
    expect(p.viz.maxLight).toBe(0.7);
    expect(p.viz.elemScale).toBe(1.25);
    expect(p.viz.zeroHue).toBe(0.77);
    expect(p.viz.hueGap).toBe(0.74);
    expect(p.viz.hueSpread).toBe(0.04);
  });

  it('every menu folder has an open/closed state', () => {
    for (const g of [p, p.anim, p.block, p.layout, p.deco, p.viz, p.left, p.right] as AnyObj[]) {
      expect(['open', 'closed']).toContain(g.folder);
    }
  });

  it('defaultParams() equals the normalized empty state', () => {
    expect(defaultParams()).toEqual(p);
  });

  it('a child matmul gets the child defaults: alg inherit, blocks 1, epilog none', () => {
    const q = normalize({ expr: 'A @ B @ C' }).params;
    const l = q.left;
    expect(l.matmul).toBe(true);
    if (!l.matmul) return;
    expect(l.anim.alg).toBe('inherit');
    expect(l.epilog).toBe('none');
    expect(l.block.iBlocks).toBe(1);
    expect(l.block.kBlocks).toBe(1);
    expect(l.block.jBlocks).toBe(1);
  });
});

describe('clamping of every documented range', () => {
  // [group, key, min, max, integer]
  const ranges: [string, string, number, number, boolean][] = [
    ['anim', 'speed', 1, 100, false],
    ['anim', 'spin', -10, 10, false],
    ['block', 'i blocks', 1, 16, true],
    ['block', 'k blocks', 1, 16, true],
    ['block', 'j blocks', 1, 16, true],
    ['layout', 'gap', 1, 64, false],
    ['layout', 'scatter', 0, 128, false],
    ['layout', 'molecule', 1, 8, false],
    ['layout', 'blast', -2, 2, false],
    ['deco', 'legends', 0, 10, false],
    ['deco', 'row guides', 0, 1, false],
    ['deco', 'flow guides', 0, 1, false],
    ['deco', 'lens size', 0, 1, false],
    ['deco', 'spotlight', 0, 10, true],
    ['deco', 'magnification', 1, 25, false],
    ['viz', 'min size', 0, 1, false],
    ['viz', 'min light', 0, 1, false],
    ['viz', 'max light', 0, 1, false],
    ['viz', 'zero hue', 0, 1, false],
    ['viz', 'hue gap', 0, 1, false],
    ['viz', 'hue spread', 0, 1, false],
    ['viz', 'elem scale', 0.1, 2, false],
  ];

  for (const [g, key, lo, hi] of ranges) {
    it(`${g}.${key}: below ${lo} and above ${hi} are clamped with a notice`, () => {
      const below = normalize({ [g]: { [key]: lo - 5.5 } });
      expect((toExternal(below.params) as Record<string, AnyObj>)[g]![key]).toBe(lo);
      expect(below.notices.some((n) => n.includes(key))).toBe(true);
      const above = normalize({ [g]: { [key]: hi + 1000.5 } });
      expect((toExternal(above.params) as Record<string, AnyObj>)[g]![key]).toBe(hi);
      expect(above.notices.some((n) => n.includes(key))).toBe(true);
      // An in-range value is kept exactly and gives no notice.
      const midValue = lo + (hi - lo) / 2;
      const mid = normalize({ [g]: { [key]: midValue } });
      const got = (toExternal(mid.params) as Record<string, AnyObj>)[g]![key] as number;
      expect(Math.abs(got - midValue)).toBeLessThanOrEqual(0.5);
      expect(mid.notices).toEqual([]);
    });
  }

  it('integer fields are rounded: blocks, spotlight, h, w', () => {
    const r = normalize({
      block: { 'i blocks': 3.4, 'k blocks': 2.6 },
      deco: { spotlight: 4.7 },
      left: { h: 10.4, w: 7.6 },
      right: { w: 5.5 },
    });
    expect(r.params.block.iBlocks).toBe(3);
    expect(r.params.block.kBlocks).toBe(3);
    expect(r.params.deco.spotlight).toBe(5);
    expect((r.params.left as unknown as AnyObj).h).toBe(10);
    expect((r.params.left as unknown as AnyObj).w).toBe(8);
    expect((r.params.right as unknown as AnyObj).w).toBe(6);
    // the shared k follows the (rounded) left width
    expect((r.params.right as unknown as AnyObj).h).toBe(8);
  });

  it('h and w: 1..4096, clamped with a notice', () => {
    const r = normalize({ left: { h: 0, w: 5000 }, right: { w: -3 } });
    const l = r.params.left as unknown as AnyObj;
    expect(l.h).toBe(1);
    expect(l.w).toBe(4096);
    expect((r.params.right as unknown as AnyObj).w).toBe(1);
    expect(
      r.notices.filter((n) => /left\.h|left\.w|right\.w/.test(n)).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('h: 1e12 is clamped to 4096', () => {
    const r = normalize({ left: { h: 1e12 } });
    expect((r.params.left as unknown as AnyObj).h).toBe(4096);
    expect(r.notices.length).toBeGreaterThan(0);
  });

  it('dropout: 0..1', () => {
    expect((normalize({ left: { dropout: 2 } }).params.left as unknown as AnyObj).dropout).toBe(1);
    expect((normalize({ left: { dropout: -0.5 } }).params.left as unknown as AnyObj).dropout).toBe(
      0,
    );
    expect((normalize({ left: { dropout: 0.25 } }).params.left as unknown as AnyObj).dropout).toBe(
      0.25,
    );
  });

  it('NaN and Infinity never get into the state', () => {
    const r = normalize({
      left: { h: NaN, w: Infinity, min: -Infinity },
      layout: { gap: NaN, scatter: Infinity },
      viz: { 'zero hue': -Infinity },
      cam: { x: NaN, y: Infinity, target: { z: -Infinity } },
    });
    const l = r.params.left as unknown as AnyObj;
    for (const v of [
      l.h,
      l.w,
      l.min,
      r.params.layout.gap,
      r.params.layout.scatter,
      r.params.viz.zeroHue,
      r.params.cam.x,
      r.params.cam.y,
      r.params.cam.target.z,
    ]) {
      expect(Number.isFinite(v as number)).toBe(true);
    }
    expect(l.h as number).toBeGreaterThanOrEqual(1);
    expect(l.h as number).toBeLessThanOrEqual(4096);
    expect(l.w as number).toBeGreaterThanOrEqual(1);
    expect(l.w as number).toBeLessThanOrEqual(4096);
    expect(r.params.layout.gap as number).toBeGreaterThanOrEqual(1);
    expect(r.params.layout.gap as number).toBeLessThanOrEqual(64);
    expect(r.params.viz.zeroHue as number).toBeGreaterThanOrEqual(0);
    expect(r.params.viz.zeroHue as number).toBeLessThanOrEqual(1);
    expect(r.notices.length).toBeGreaterThanOrEqual(9);
  });
});

describe('wrong types', () => {
  it('numbers written as strings are accepted', () => {
    const r = normalize({
      layout: { gap: '8', scatter: ' 12.5 ' },
      left: { h: '16' },
      cam: { x: '-10' },
    });
    expect(r.params.layout.gap).toBe(8);
    expect(r.params.layout.scatter).toBe(12.5);
    expect((r.params.left as unknown as AnyObj).h).toBe(16);
    expect(r.params.cam.x).toBe(-10);
    expect(r.notices).toEqual([]);
  });

  it('"abc" for a number gives the default and a notice', () => {
    const r = normalize({ layout: { gap: 'abc' }, viz: { 'zero hue': 'abc' }, left: { h: 'abc' } });
    expect(r.params.layout.gap).toBe(4);
    expect(r.params.viz.zeroHue).toBe(0.77);
    expect((r.params.left as unknown as AnyObj).h).toBe(32);
    expect(r.notices.length).toBe(3);
  });

  it('empty string, objects and arrays for a number give the default and a notice', () => {
    const r = normalize({ layout: { gap: '' }, deco: { legends: {} }, anim: { speed: [5] } });
    expect(r.params.layout.gap).toBe(4);
    expect(r.params.deco.legends).toBe(6);
    expect(r.params.anim.speed).toBe(20);
    expect(r.notices.length).toBe(3);
  });

  it('booleans from "true"/"false"', () => {
    const r = normalize({
      anim: { 'hide inputs': 'true' },
      deco: { shape: 'false', axes: 'true', 'interior spotlight': true },
    });
    expect(r.params.anim.hideInputs).toBe(true);
    expect(r.params.deco.shape).toBe(false);
    expect(r.params.deco.axes).toBe(true);
    expect(r.params.deco.interiorSpotlight).toBe(true);
    expect(r.notices).toEqual([]);
  });

  it('a non-boolean for a boolean gives the default and a notice', () => {
    const r = normalize({ deco: { shape: 'maybe', axes: { a: 1 } } });
    expect(r.params.deco.shape).toBe(true);
    expect(r.params.deco.axes).toBe(false);
    expect(r.notices.length).toBe(2);
  });

  it('unknown choices give the default and a notice', () => {
    const r = normalize({
      epilog: 'exp',
      layout: { scheme: 'spiral', polarity: 'up' },
      viz: { sensitivity: 'LOCAL' },
      anim: { alg: 'strassen' },
      left: { init: 'ones' },
    });
    expect(r.params.epilog).toBe('none');
    expect(r.params.layout.scheme).toBe('blocks');
    expect(r.params.layout.polarity).toBe('negative');
    expect(r.params.viz.sensitivity).toBe('global');
    expect(r.params.anim.alg).toBe('none');
    expect((r.params.left as unknown as AnyObj).init).toBe('row major');
    expect(r.notices.length).toBe(6);
  });

  it('every documented choice is accepted without a notice', () => {
    for (const e of [
      'none',
      'relu',
      'gelu',
      'sigmoid',
      'silu',
      'tanh',
      'x**2',
      'layernorm',
      'softmax',
      'softmax(x/sqrt(k))',
      'softmax(tril(x/sqrt(k)))',
      'x/k',
      'x/sqrt(k)',
    ]) {
      const r = normalize({ epilog: e });
      expect(r.params.epilog).toBe(e);
      expect(r.notices).toEqual([]);
    }
    for (const a of [
      'none',
      'dotprod (row major)',
      'dotprod (col major)',
      'axpy',
      'vmprod',
      'mvprod',
      'vvprod',
    ]) {
      expect(normalize({ anim: { alg: a } }).params.anim.alg).toBe(a);
    }
    for (const f of ['none', 'sync', 'async'])
      expect(normalize({ anim: { fuse: f } }).params.anim.fuse).toBe(f);
    for (const s of ['blocks', 'zigzag', 'wheel', 'custom'])
      expect(normalize({ layout: { scheme: s } }).params.layout.scheme).toBe(s);
    for (const s of ['global', 'semilocal', 'local', 'superlocal'])
      expect(normalize({ viz: { sensitivity: s } }).params.viz.sensitivity).toBe(s);
    for (const i of [
      'rows',
      'cols',
      'row major',
      'col major',
      'uniform',
      'gaussian',
      'pt linear',
      'tril mask',
      'triu mask',
      'eye',
      'diff',
      'url',
      'expr',
    ]) {
      expect((normalize({ left: { init: i } }).params.left as unknown as AnyObj).init).toBe(i);
    }
  });

  it("a child matmul's anim.alg accepts 'inherit'", () => {
    const r = normalize({
      expr: 'A @ B @ C',
      left: {
        name: 'A @ B',
        matmul: true,
        left: { name: 'A' },
        right: { name: 'B' },
        anim: { alg: 'vmprod' },
      },
      right: { name: 'C' },
    });
    const l = r.params.left;
    expect(l.matmul && l.anim.alg).toBe('vmprod');
  });

  it("the old 'softmax(tril(x/8))' epilog is accepted as itself, without a notice (root and child)", () => {
    // It keeps its meaning (scale by 1/8 whatever k is), so old links show what they showed.
    const r = normalize({ epilog: 'softmax(tril(x/8))' });
    expect(r.params.epilog).toBe('softmax(tril(x/8))');
    expect(r.notices).toEqual([]);
    const c = normalize({
      left: {
        matmul: true,
        name: 'A @ B',
        epilog: 'softmax(tril(x/8))',
        left: { name: 'A' },
        right: { name: 'B' },
      },
      right: { name: 'C' },
    });
    expect(c.params.left.matmul && c.params.left.epilog).toBe('softmax(tril(x/8))');
  });
});

describe('unknown keys', () => {
  it('unknown top-level, group, matrix and camera keys are dropped and listed, not noticed', () => {
    const r = normalize({ foo: 1, viz: { bogus: 2 }, left: { colour: 'red' }, cam: { w: 3 } });
    // Listed for the diag panel (docs/links.md, "Properties mm3d does not use"), each once.
    expect(r.notices).toEqual([]);
    expect([...(r.ignored ?? [])].sort()).toEqual(['cam.w', 'foo', 'left.colour', 'viz.bogus']);
    expect(r.params).toEqual(defaultParams());
    expect('foo' in r.params).toBe(false);
    expect('bogus' in r.params.viz).toBe(false);
    expect('colour' in r.params.left).toBe(false);
  });
});

describe('hostile trees', () => {
  it('null, arrays, strings, numbers give defaults (with a notice for non-objects) and never throw', () => {
    for (const x of [null, [], [1, 2], 'L @ R', 42, true]) {
      const r = normalize(x);
      expect(r.params).toEqual(defaultParams());
      if (x !== null) expect(r.notices.length).toBeGreaterThan(0);
    }
  });

  it('{left: 5} gives the default tree', () => {
    const r = normalize({ left: 5 });
    expect(r.params).toEqual(defaultParams());
  });

  it('{left: 5} reports that it ignored left (the module promises to list what it drops)', () => {
    const r = normalize({ left: 5 });
    expect(r.notices.length).toBeGreaterThan(0);
  });

  it('{left: 5, right: "x"} and arrays for groups: defaults with notices', () => {
    const r = normalize({ viz: [1, 2], deco: 'x', cam: 7 });
    expect(r.params).toEqual(defaultParams());
    expect(r.notices.length).toBe(3);
  });

  it('__proto__ keys do not pollute Object.prototype (JSON and literal forms)', () => {
    const inputs: unknown[] = [
      JSON.parse('{"__proto__": {"polluted": 1}}'),
      JSON.parse('{"viz": {"__proto__": {"polluted": 1}}, "left": {"__proto__": {"polluted": 1}}}'),
      JSON.parse(
        '{"left": {"matmul": true, "left": {"__proto__": {"polluted": 1}}, "right": {}}, "right": {}}',
      ),
      JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}'),
      { __proto__: { polluted: 1 } },
    ];
    for (const x of inputs) {
      const r = normalize(x);
      expect(({} as unknown as AnyObj).polluted).toBeUndefined();
      expect((r.params as unknown as unknown as AnyObj).polluted).toBeUndefined();
      expect((r.params.viz as unknown as AnyObj).polluted).toBeUndefined();
      expect((r.params.left as unknown as AnyObj).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(r.params)).toBe(Object.prototype);
    }
  });

  it('100-deep nested {matmul:true, left:{...}} without right: no throw, a valid tree', () => {
    let node: AnyObj = { name: 'X', h: 3, w: 3 };
    for (let d = 0; d < 100; d++) node = { matmul: true, left: node };
    const r = normalize({ left: node });
    expect(shapesConsistent(r.params)).toBe(true);
    expect(() => parseExpr(r.params.expr)).not.toThrow();
  });

  it('normalize time grows exponentially with tree depth (20-operand chain)', () => {
    // tree.ts node()/derivedText() recompute each subtree twice per level: 2^depth work.
    // A polynomial implementation does this in a few milliseconds.
    const t = timeNormalizeChain(20);
    expect(t).toBeLessThan(200);
  });

  it('100-deep nested {matmul:true, left:{...}, right:{...}}: cut to a bounded depth with a notice', () => {
    // Guard: while naming is exponential in depth this case runs for longer than the age of the
    // universe (MAX_DEPTH 64 -> 2^64 steps); refuse instead of hanging the suite.
    if (timeNormalizeChain(18) > 50)
      throw new Error('naming is exponential in depth; not running the 100-deep case');
    let node: AnyObj = { name: 'X' };
    for (let d = 0; d < 100; d++) node = { matmul: true, left: node, right: { name: `R${d}` } };
    const r = normalize({ left: node, right: { name: 'Z' } });
    let depth = 0;
    let a: Arg = r.params.left;
    while (a.matmul) {
      depth++;
      a = a.left;
    }
    expect(depth).toBeGreaterThan(10);
    expect(depth).toBeLessThan(100);
    expect(r.notices.some((n) => /deep|nest/i.test(n))).toBe(true);
    expect(shapesConsistent(r.params)).toBe(true);
    // expr still describes the tree
    expect(shapeOfExpr(parseExpr(r.params.expr))).toBe(shapeOfParams(r.params));
  });

  it('16-deep nested tree with left and right: structure kept, shapes consistent, expr describes it', () => {
    let node: AnyObj = { name: 'X', h: 3, w: 5 };
    for (let d = 0; d < 15; d++)
      node = { matmul: true, left: node, right: { name: `R${d}`, h: 1, w: d + 2 } };
    const r = normalize({ left: node, right: { name: 'Z', h: 1, w: 4 } });
    let depth = 0;
    let a: Arg = r.params.left;
    while (a.matmul) {
      depth++;
      a = a.left;
    }
    expect(depth).toBe(15);
    expect(shapesConsistent(r.params)).toBe(true);
    expect(shapeOfExpr(parseExpr(r.params.expr))).toBe(shapeOfParams(r.params));
    expect(r.params.expr.startsWith('X @ R0 @ R1 @ R2')).toBe(true);
  });

  it('very long url and formula strings are cut with a notice', () => {
    const r = normalize({ left: { url: 'u'.repeat(100000), expr: 'e'.repeat(100000) } });
    expect(((r.params.left as unknown as AnyObj).url as string).length).toBeLessThan(100000);
    expect(((r.params.left as unknown as AnyObj).expr as string).length).toBeLessThan(100000);
    expect(r.notices.length).toBe(2);
  });

  it('a 100000-character leaf name from a tree is cut, so that expr stays parseable', () => {
    const r = normalize({ left: { name: 'N'.repeat(100000) }, right: { name: 'R' } });
    expect(() => parseExpr(r.params.expr)).not.toThrow();
    expect(r.notices.length).toBeGreaterThan(0);
  });

  it('a matmul without left/right is treated as a matrix with a notice', () => {
    const r = normalize({ left: { matmul: true, name: 'Q' }, right: { name: 'K' } });
    expect(r.params.left.matmul).toBe(false);
    expect(r.params.left.name).toBe('Q');
    expect(r.notices.length).toBeGreaterThan(0);
  });
});

describe('shape consistency (fixShapes)', () => {
  it('right.h follows left.w at the root', () => {
    const r = normalize({ left: { h: 5, w: 7 }, right: { h: 99, w: 3 } });
    expect((r.params.left as unknown as AnyObj).w).toBe(7);
    expect((r.params.right as unknown as AnyObj).h).toBe(7);
    expect((r.params.right as unknown as AnyObj).w).toBe(3);
    expect((r.params.left as unknown as AnyObj).h).toBe(5);
  });

  it('nested left child: A 5x7, B 1x9, C 2x4 -> B.h = 7, C.h = 9', () => {
    const r = normalize({
      left: { matmul: true, left: { name: 'A', h: 5, w: 7 }, right: { name: 'B', h: 1, w: 9 } },
      right: { name: 'C', h: 2, w: 4 },
    });
    const l = r.params.left;
    expect(l.matmul).toBe(true);
    if (!l.matmul || l.left.matmul || l.right.matmul || r.params.right.matmul) return;
    expect([l.left.h, l.left.w]).toEqual([5, 7]);
    expect([l.right.h, l.right.w]).toEqual([7, 9]);
    expect([r.params.right.h, r.params.right.w]).toEqual([9, 4]);
  });

  it('nested right child: A 6x3, (B 11x8 @ C 2x5) -> B.h = 3, C.h = 8', () => {
    const r = normalize({
      left: { name: 'A', h: 6, w: 3 },
      right: { matmul: true, left: { name: 'B', h: 11, w: 8 }, right: { name: 'C', h: 2, w: 5 } },
    });
    const rt = r.params.right;
    if (!rt.matmul || rt.left.matmul || rt.right.matmul) throw new Error('structure');
    expect([rt.left.h, rt.left.w]).toEqual([3, 8]);
    expect([rt.right.h, rt.right.w]).toEqual([8, 5]);
  });

  it('binary (A @ B) @ (C @ D): C.h follows B.w and D.h follows C.w', () => {
    const r = normalize({
      left: { matmul: true, left: { name: 'A', h: 4, w: 6 }, right: { name: 'B', h: 1, w: 10 } },
      right: { matmul: true, left: { name: 'C', h: 1, w: 12 }, right: { name: 'D', h: 1, w: 2 } },
    });
    expect(shapesConsistent(r.params)).toBe(true);
    const rt = r.params.right;
    if (!rt.matmul || rt.left.matmul || rt.right.matmul) throw new Error('structure');
    expect(rt.left.h).toBe(10);
    expect(rt.right.h).toBe(12);
  });

  it('fixShapes on a hand-made inconsistent tree', () => {
    const p = defaultParams();
    (p.left as unknown as AnyObj).w = 9;
    (p.right as unknown as AnyObj).h = 2;
    fixShapes(p);
    expect((p.right as unknown as AnyObj).h).toBe(9);
  });
});

describe('names and expr', () => {
  it('structure from expr when no tree is given', () => {
    const r = normalize({ expr: 'A @ B @ C' });
    expect(r.notices).toEqual([]);
    expect(shapeOfParams(r.params)).toBe('((A B) C)');
    expect(r.params.expr).toBe('A @ B @ C');
    expect(r.params.name).toBe('A @ B @ C');
    expect(r.params.left.name).toBe('A @ B');
  });

  it('right-associative and binary expressions', () => {
    const a = normalize({ expr: 'A @ (B @ (C @ D))' }).params;
    expect(shapeOfParams(a)).toBe('(A (B (C D)))');
    expect(a.right.name).toBe('B @ (C @ D)');
    expect(a.right.matmul && a.right.right.name).toBe('C @ D');
    const b = normalize({ expr: '(A @ B) @ (C @ D)' }).params;
    expect(shapeOfParams(b)).toBe('((A B) (C D))');
    expect(b.expr).toBe('A @ B @ (C @ D)');
  });

  it('named intermediates keep their names; the root name is the part before =', () => {
    const r = normalize({ expr: 'out = (attn = Q @ K) @ V' });
    expect(r.params.name).toBe('out');
    expect(r.params.left.name).toBe('attn');
    expect(r.params.expr).toBe('out = (attn = Q @ K) @ V');
  });

  it('the docs/expressions.md examples all normalize to a tree whose expr parses back to the same structure', () => {
    for (const e of SPEC3_EXAMPLES) {
      const r = normalize({ expr: e });
      expect(r.notices).toEqual([]);
      expect(shapeOfParams(r.params)).toBe(shapeOfExpr(parseExpr(e)));
      expect(shapeOfExpr(parseExpr(r.params.expr))).toBe(shapeOfExpr(parseExpr(e)));
      expect(shapesConsistent(r.params)).toBe(true);
    }
  });

  it('unnamed matmuls in a tree are named after their arguments; named ones keep their names', () => {
    const r = normalize({
      left: { matmul: true, left: { name: 'A' }, right: { name: 'B' } },
      right: { matmul: true, name: 'h', left: { name: 'C' }, right: { name: 'D' } },
    });
    expect(r.params.left.name).toBe('A @ B');
    expect(r.params.right.name).toBe('h');
    // The original tool's name for this root; the title (expr) shows the whole text.
    expect(r.params.name).toBe('A @ B @ h');
    expect(r.params.expr).toBe('A @ B @ (h = C @ D)');
  });

  it("the original's generated names and the whole sub-expression text both count as unnamed", () => {
    for (const name of ['attn @ V', '(attn = Q @ K) @ V']) {
      const r = normalize({
        name,
        left: { matmul: true, name: 'attn', left: { name: 'Q' }, right: { name: 'K' } },
        right: { name: 'V' },
      });
      expect(r.notices).toEqual([]);
      expect(r.params.name).toBe('attn @ V');
      expect(r.params.expr).toBe('(attn = Q @ K) @ V');
    }
    const r = normalize({
      left: { name: 'A' },
      right: { matmul: true, name: 'B @ C', left: { name: 'B' }, right: { name: 'C' } },
    });
    expect(r.params.name).toBe('A @ (B @ C)');
    expect(r.params.expr).toBe('A @ (B @ C)');
  });

  it('a tree name equal to the derived text counts as unnamed', () => {
    const r = normalize({
      left: { matmul: true, name: 'A @ B', left: { name: 'A' }, right: { name: 'B' } },
      right: { name: 'C' },
    });
    expect(r.params.expr).toBe('A @ B @ C');
  });

  it('expr is regenerated from the tree when both are given', () => {
    const r = normalize({ expr: 'P @ Q @ S', left: { name: 'X' }, right: { name: 'Y' } });
    expect(shapeOfParams(r.params)).toBe('(X Y)');
    expect(r.params.expr).toBe('X @ Y');
  });

  it('an explicit root name in the tree is kept and shows in expr', () => {
    const r = normalize({ name: 'out', left: { name: 'X' }, right: { name: 'Y' } });
    expect(r.params.name).toBe('out');
    expect(r.params.expr).toBe('out = X @ Y');
  });

  it('a malformed expr without a tree gives the default structure and a notice', () => {
    for (const e of ['A @', '(A @ B', 'A @ B)', '@', '', 'A']) {
      const r = normalize({ expr: e });
      expect(shapeOfParams(r.params)).toBe('(L R)');
      expect(r.notices.length).toBeGreaterThan(0);
    }
  });

  it('settings in the tree follow names when the structure comes from expr (fromExpr)', () => {
    const r = normalize(
      {
        expr: 'A @ B @ C',
        left: { name: 'A', h: 7, w: 5, init: 'uniform', seed: 11 },
        right: { name: 'B', w: 9 },
      },
      { fromExpr: true },
    );
    const l = r.params.left;
    if (!l.matmul || l.left.matmul || l.right.matmul || r.params.right.matmul)
      throw new Error('structure');
    expect([l.left.name, l.left.h, l.left.w, l.left.init, l.left.seed]).toEqual([
      'A',
      7,
      5,
      'uniform',
      11,
    ]);
    expect([l.right.name, l.right.h, l.right.w]).toEqual(['B', 5, 9]);
    expect(r.params.right.name).toBe('C');
    expect(r.params.right.h).toBe(9);
  });

  it('tree names that are not valid expression names do not desynchronize expr and tree', () => {
    // A leaf name with '@', '(' or '=' (e.g. from a hand-edited link) must not make expr
    // describe a different structure than the tree.
    for (const bad of ['A @ B', 'f(x)', 'a=b', ' padded ']) {
      const r = normalize({ left: { name: bad }, right: { name: 'C' } });
      let reparsed = '';
      try {
        reparsed = shapeOfExpr(parseExpr(r.params.expr));
      } catch {
        reparsed = '<unparsable>';
      }
      expect(
        reparsed,
        `name ${JSON.stringify(bad)} gave expr ${JSON.stringify(r.params.expr)}`,
      ).toBe(shapeOfParams(r.params));
    }
  });
});
