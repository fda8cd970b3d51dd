// Unit tests for src/core/params/url.ts (docs/links.md): our readable and compressed links, and the
// original tool's three link forms, decoded from hand-written query strings.
import { describe, it, expect } from 'vitest';
import {
  decodeNumbered,
  decodeQuery,
  encodeCompressed,
  encodeNumbered,
  encodeReadable,
  encodeState,
  MAX_QUERY,
  READABLE_LIMIT,
} from '../../../src/core/params/url';
import { normalize } from '../../../src/core/params/normalize';
import { defaultParams, toExternal, type Arg, type Params } from '../../../src/core/params/schema';

type AnyObj = Record<string, unknown>;

function leafAt(p: Params, ...path: ('left' | 'right')[]): AnyObj {
  let a: Arg | Params = p;
  for (const s of path) {
    const next: Arg = (a as { left: Arg; right: Arg })[s];
    a = next;
  }
  return a as unknown as AnyObj;
}

/** A few states worth round-tripping, built by hand (not from the encoder). */
function sampleStates(): Params[] {
  const out: Params[] = [];
  out.push(defaultParams());

  const a = normalize({ expr: 'A @ B @ C' }).params;
  (a.left as unknown as AnyObj & { left: AnyObj }).left.h = 12;
  (a.left as unknown as AnyObj & { left: AnyObj }).left.init = 'uniform';
  (a.left as unknown as AnyObj & { left: AnyObj }).left.seed = 77;
  (a.right as unknown as AnyObj).w = 5;
  a.viz.zeroHue = 0.25;
  a.viz.sensitivity = 'superlocal';
  a.layout.scheme = 'zigzag';
  a.layout.scatter = 12.5;
  a.deco.shape = false;
  a.cam = { x: 10.5, y: -3, z: 99, target: { x: 1, y: 2, z: -3 } };
  out.push(normalize(a).params);

  const b = normalize({
    expr: 'out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO',
  }).params;
  b.epilog = 'gelu';
  if (b.left.matmul) {
    b.left.epilog = 'softmax(tril(x/sqrt(k)))';
    b.left.anim.alg = 'vmprod';
    b.left.layout.polarity = 'positive';
  }
  b.anim.alg = 'vvprod';
  b.anim.hideInputs = true;
  b.block.iBlocks = 4;
  b.folder = 'open';
  b.viz.folder = 'open';
  out.push(normalize(b).params);

  const c = normalize({ expr: 'A @ (B @ (C @ D))' }).params;
  const d = leafAt(c, 'right', 'right', 'right');
  d.init = 'expr';
  d.expr = 'i == j ? 1 : -0.5 * (i & 3)';
  d.name = 'D';
  (c.left as unknown as AnyObj).dropout = 0.3;
  (c.left as unknown as AnyObj).url = 'https://example.com/a b.csv?x=1&y=2';
  (c.left as unknown as AnyObj).min = -2.75;
  out.push(normalize(c).params);
  return out;
}

describe('our own links round-trip', () => {
  it('encodeState -> decodeQuery gives back the same params', () => {
    for (const p of sampleStates()) {
      const q = encodeState(p);
      const d = decodeQuery(q);
      expect(d.params).toEqual(p);
      expect(d.notices).toEqual([]);
      // with a leading '?' too
      expect(decodeQuery('?' + q).params).toEqual(p);
    }
  });

  it('the readable form round-trips', () => {
    for (const p of sampleStates()) expect(decodeQuery(encodeReadable(p)).params).toEqual(p);
  });

  it('the z= compressed form round-trips', () => {
    for (const p of sampleStates()) {
      const q = encodeCompressed(p);
      expect(q.startsWith('z=')).toBe(true);
      expect(decodeQuery(q).params).toEqual(p);
    }
  });

  it('short states are readable, long ones compressed', () => {
    const small = normalize({ expr: 'A @ B' }).params;
    (small.left as unknown as AnyObj).h = 64;
    const q = encodeState(small);
    expect(q.startsWith('z=')).toBe(false);
    expect(new URLSearchParams(q).get('left.h')).toBe('64');
    expect(new URLSearchParams(q).get('expr')).toBe('A @ B');

    // Few operands (normalize is slow on deep trees, see normalize.test.ts) but long names.
    const names = Array.from(
      { length: 12 },
      (_, i) => `matrix_with_a_rather_long_descriptive_name_number_${i}`,
    );
    const big = normalize({ expr: names.join(' @ ') }).params;
    leafAt(big, 'right').w = 7;
    const readable = encodeReadable(big);
    expect(readable.length).toBeGreaterThan(READABLE_LIMIT);
    const enc = encodeState(big);
    expect(enc.startsWith('z=')).toBe(true);
    expect(enc.length).toBeLessThan(readable.length);
    expect(decodeQuery(enc).params).toEqual(big);
  });

  it('hasCamera is set only when the link carries a camera', () => {
    const p = defaultParams();
    expect(decodeQuery(encodeState(p)).hasCamera).toBe(false);
    p.cam.x = 5;
    expect(decodeQuery(encodeState(p)).hasCamera).toBe(true);
    expect(decodeQuery(encodeCompressed(p)).hasCamera).toBe(true);
  });

  it('an empty query gives the defaults without notices', () => {
    expect(decodeQuery('').params).toEqual(defaultParams());
    expect(decodeQuery('?').params).toEqual(defaultParams());
    expect(decodeQuery('').notices).toEqual([]);
  });

  it('hand-written readable link', () => {
    const d = decodeQuery(
      'expr=A%20%40%20B&left.h=7&right.w=3&layout.gap=9&deco.shape=false&viz.zero%20hue=0.5',
    );
    expect(d.params.expr).toBe('A @ B');
    expect(leafAt(d.params, 'left').h).toBe(7);
    expect(leafAt(d.params, 'right').w).toBe(3);
    expect(leafAt(d.params, 'right').h).toBe(32);
    expect(d.params.layout.gap).toBe(9);
    expect(d.params.deco.shape).toBe(false);
    expect(d.params.viz.zeroHue).toBe(0.5);
    expect(d.notices).toEqual([]);
  });
});

describe('the original ?params=<JSON> form', () => {
  it('decodes property names with spaces', () => {
    const json =
      '{"expr":"A @ B","name":"A @ B","epilog":"relu",' +
      '"left":{"name":"A","matmul":false,"h":8,"w":16,"init":"uniform","min":-2,"max":3,"dropout":0.1},' +
      '"right":{"name":"B","matmul":false,"h":16,"w":4,"init":"eye"},' +
      '"anim":{"alg":"vmprod","speed":50,"hide inputs":true,"spin":-2.5},' +
      '"block":{"i blocks":4,"k blocks":2,"j blocks":1},' +
      '"layout":{"scheme":"wheel","gap":6,"left placement":"right","right placement":"bottom","result placement":"back","polarity":"positive"},' +
      '"deco":{"legends":3,"row guides":0.25,"interior spotlight":true},' +
      '"viz":{"sensitivity":"local","hue gap":0.5,"elem scale":1}}';
    const d = decodeQuery('params=' + encodeURIComponent(json));
    const p = d.params;
    const ext = toExternal(p);
    expect(d.notices).toEqual([]);
    expect(p.expr).toBe('A @ B');
    expect(p.epilog).toBe('relu');
    expect(leafAt(p, 'left')).toMatchObject({
      name: 'A',
      h: 8,
      w: 16,
      init: 'uniform',
      min: -2,
      max: 3,
      dropout: 0.1,
    });
    expect(leafAt(p, 'right')).toMatchObject({ name: 'B', h: 16, w: 4, init: 'eye' });
    expect(ext.anim).toMatchObject({ alg: 'vmprod', speed: 50, 'hide inputs': true, spin: -2.5 });
    expect(ext.block).toMatchObject({ 'i blocks': 4, 'k blocks': 2, 'j blocks': 1 });
    expect(ext.layout).toMatchObject({
      scheme: 'wheel',
      gap: 6,
      'left placement': 'right',
      'right placement': 'bottom',
      'result placement': 'back',
      polarity: 'positive',
    });
    expect(ext.deco).toMatchObject({
      legends: 3,
      'row guides': 0.25,
      'interior spotlight': true,
      shape: true,
    });
    expect(ext.viz).toMatchObject({
      sensitivity: 'local',
      'hue gap': 0.5,
      'elem scale': 1,
      'zero hue': 0.77,
    });
  });

  it('a nested tree with a child matmul, and an expr that gives the structure', () => {
    const json =
      '{"expr":"out = (h = x @ W1) @ W2",' +
      '"left":{"left":{"h":5,"w":9},"right":{"w":11,"init":"pt linear"},"epilog":"gelu"},' +
      '"right":{"w":3}}';
    const p = decodeQuery('?params=' + encodeURIComponent(json)).params;
    expect(p.name).toBe('out');
    expect(p.left.matmul).toBe(true);
    expect(p.left.name).toBe('h');
    if (!p.left.matmul) return;
    expect(p.left.epilog).toBe('gelu');
    expect(leafAt(p, 'left', 'left')).toMatchObject({ name: 'x', h: 5, w: 9 });
    expect(leafAt(p, 'left', 'right')).toMatchObject({
      name: 'W1',
      h: 9,
      w: 11,
      init: 'pt linear',
    });
    expect(leafAt(p, 'right')).toMatchObject({ name: 'W2', h: 11, w: 3 });
  });

  it('unknown properties are listed apart (not as notices), out-of-range values clamped', () => {
    const d = decodeQuery(
      'params=' +
        encodeURIComponent(
          '{"expr":"L @ R","sparkle":1,"left":{"h":99999,"glow":2},"layout":{"gap":-4}}',
        ),
    );
    expect(leafAt(d.params, 'left').h).toBe(4096);
    expect(d.params.layout.gap).toBe(1);
    expect(d.notices.length).toBe(2);
    expect(d.ignored).toEqual(['left.glow', 'sparkle']);
  });

  it('properties only the original tool writes are dropped silently, unknown ones listed once', () => {
    const d = decodeQuery(
      'params=' +
        encodeURIComponent(
          JSON.stringify({
            expr: 'A @ (B @ C)',
            compress: false,
            right: {
              name: 'B @ C',
              matmul: true,
              h: 32,
              w: 32,
              init: 'row major',
              url: '',
              min: -1,
              max: 1,
              dropout: 0,
              deco: { legends: 3 },
              viz: {},
              cam: { x: 1 },
              anim: { alg: 'inherit', speed: 3 },
              layout: { polarity: 'positive', scheme: 'wheel' },
              left: { name: 'B', epilog: 'none', sparkle: 1 },
              right: { name: 'C', sparkle: 2 },
            },
            diag: { url: 'x' },
            sparkle: 3,
          }),
        ),
    );
    expect(d.notices).toEqual([]);
    expect(d.ignored).toEqual(['right.left.sparkle', 'right.right.sparkle', 'sparkle']);
    expect(d.params.expr).toBe('A @ (B @ C)');
    expect(d.params.right.matmul).toBe(true);
  });
});

describe("the original's numbered compressed form", () => {
  it('the docs/links.md example: expr "L @ R", name "L", left.h = 32', () => {
    const sp = new URLSearchParams('0=L%20%40%20R&1=L&3.5=32&expr=0&name=1&left=3&h=5');
    expect(decodeNumbered(sp)).toEqual({ expr: 'L @ R', name: 'L', left: { h: 32 } });
    const d = decodeQuery('?0=L%20%40%20R&1=L&3.5=32&expr=0&name=1&left=3&h=5');
    expect(leafAt(d.params, 'left').h).toBe(32);
    expect(leafAt(d.params, 'left').name).toBe('L');
    expect(leafAt(d.params, 'right').name).toBe('R');
  });

  it('a longer hand-written link with dotted prefixes (left.left)', () => {
    // Name table: expr 0, name 1, left 2, matmul 3, left.left 4, h 5, w 6, left.right 7, right 8,
    // init 9, anim 10, hide inputs 11, layout 12, left placement 13, viz 14, zero hue 15, seed 16.
    const q = [
      '0=(A%20%40%20B)%20%40%20C',
      '2.3=true',
      '4.5=16',
      '4.6=8',
      '4.16=42',
      '7.6=5',
      '7.9=tril%20mask',
      '8.6=3',
      '8.9=uniform',
      '10.11=true',
      '12.13=right',
      '14.15=0.125',
      'expr=0',
      'name=1',
      'left=2',
      'matmul=3',
      'left.left=4',
      'h=5',
      'w=6',
      'left.right=7',
      'right=8',
      'init=9',
      'anim=10',
      'hide%20inputs=11',
      'layout=12',
      'left%20placement=13',
      'viz=14',
      'zero%20hue=15',
      'seed=16',
    ].join('&');
    const raw = decodeNumbered(new URLSearchParams(q));
    expect(raw).toEqual({
      expr: '(A @ B) @ C',
      left: { matmul: true, left: { h: 16, w: 8, seed: 42 }, right: { w: 5, init: 'tril mask' } },
      right: { w: 3, init: 'uniform' },
      anim: { 'hide inputs': true },
      layout: { 'left placement': 'right' },
      viz: { 'zero hue': 0.125 },
    });
    const d = decodeQuery(q);
    const p = d.params;
    expect(d.notices).toEqual([]);
    expect(p.expr).toBe('A @ B @ C');
    expect(leafAt(p, 'left', 'left')).toMatchObject({ name: 'A', h: 16, w: 8, seed: 42 });
    expect(leafAt(p, 'left', 'right')).toMatchObject({ name: 'B', h: 8, w: 5, init: 'tril mask' });
    expect(leafAt(p, 'right')).toMatchObject({ name: 'C', h: 5, w: 3, init: 'uniform' });
    expect(p.anim.hideInputs).toBe(true);
    expect(p.layout.leftPlacement).toBe('right');
    expect(p.viz.zeroHue).toBe(0.125);
  });

  it('values are cast by the type of the last segment: boolean, number, string', () => {
    const raw = decodeNumbered(
      new URLSearchParams(
        '0.1=true&0.2=12&0.3=007&0.4=false&0.5=-1.5e-1&0.6=abc&left=0&matmul=1&h=2&name=3&shape=4&min=5&init=6',
      ),
    );
    const left = raw.left as AnyObj;
    expect(left.matmul).toBe(true);
    expect(left.h).toBe(12);
    expect(left.name).toBe('007'); // a string field stays a string even when it looks like a number
    expect(left.shape).toBe(false);
    expect(left.min).toBe(-0.15);
    expect(left.init).toBe('abc');
  });

  it('entries with an unknown number are skipped, never throw', () => {
    const raw = decodeNumbered(new URLSearchParams('0=A%20%40%20B&7=x&9.9=1&1.8=2&expr=0&left=1'));
    expect(raw).toEqual({ expr: 'A @ B' });
  });

  it('a numbered link carrying the camera (name table entry z=N) decodes', () => {
    // The original stores cam.z as prefix "cam" + segment "z", so its name table has a key "z".
    // decodeQuery must not mistake that for our own compressed z= form.
    const d = decodeQuery('0=A%20%40%20B&1.2=10&1.3=-20&1.4=30&expr=0&cam=1&x=2&y=3&z=4');
    expect(d.params.expr).toBe('A @ B');
    expect(d.params.cam).toEqual({ x: 10, y: -20, z: 30, target: { x: 0, y: 0, z: 0 } });
    expect(d.notices).toEqual([]);
  });

  it('decodeNumbered itself reads the camera entries', () => {
    const raw = decodeNumbered(
      new URLSearchParams(
        '0=A%20%40%20B&1.2=10&1.3=-20&1.4=30&5.2=1.5&expr=0&cam=1&x=2&y=3&z=4&cam.target=5',
      ),
    );
    expect(raw).toEqual({ expr: 'A @ B', cam: { x: 10, y: -20, z: 30, target: { x: 1.5 } } });
  });

  it('encodeNumbered -> decodeQuery round-trips whole states', () => {
    for (const p of sampleStates()) {
      const q = encodeNumbered(p);
      expect(decodeQuery(q).params).toEqual(p);
    }
  });

  it('encodeNumbered -> decodeNumbered round-trips whole states', () => {
    for (const p of sampleStates()) {
      const q = encodeNumbered(p);
      // the numbered form: numeric keys hold values, all other keys are names
      const sp = new URLSearchParams(q);
      expect([...sp.keys()].some((k) => /^\d+\.\d+$/.test(k))).toBe(true);
      expect(sp.get('expr')).toMatch(/^\d+$/);
      expect(normalize(decodeNumbered(sp)).params).toEqual(p);
    }
  });

  it('encodeNumbered numbers names in order of first use, prefixes included', () => {
    const p = normalize({ expr: 'A @ B @ C' }).params;
    const sp = new URLSearchParams(encodeNumbered(p));
    const table = new Map<string, number>();
    for (const [k, v] of sp) if (!/^\d+(\.\d+)?$/.test(k)) table.set(k, Number(v));
    // every name has a distinct number; 'left.left' appears as a prefix
    expect(new Set(table.values()).size).toBe(table.size);
    expect(table.has('left.left')).toBe(true);
    expect(table.has('h')).toBe(true);
    const n = table.get('left.left')!;
    const h = table.get('h')!;
    expect(sp.get(`${n}.${h}`)).toBe('32');
    // numbers are 0..size-1
    expect([...table.values()].sort((x, y) => x - y)).toEqual([...Array(table.size).keys()]);
  });
});

describe('?config=<url>', () => {
  it('yields configUrl and the defaults meanwhile', () => {
    const d = decodeQuery('?config=' + encodeURIComponent('https://example.com/state.json?v=2'));
    expect(d.configUrl).toBe('https://example.com/state.json?v=2');
    expect(d.params).toEqual(defaultParams());
  });
});

describe('hostile queries', () => {
  const hostile: [string, string][] = [
    ['invalid JSON in params', 'params=%7Bnot%20json'],
    ['JSON that is not an object', 'params=%5B1%2C2%5D'],
    ['params=null', 'params=null'],
    ['z=garbage', 'z=garbage'],
    ['z= empty', 'z='],
    ['z with invalid characters', 'z=%%%%%%%'],
    ['percent garbage', '%E0%A4%A'],
    ['numbered form with bad structure', '0=A%20%40&expr=0'],
    ['readable expr that does not parse', 'expr=(((('],
  ];
  for (const [what, q] of hostile) {
    it(`${what}: defaults with a notice, no throw`, () => {
      let d: ReturnType<typeof decodeQuery> | undefined;
      expect(() => {
        d = decodeQuery(q);
      }).not.toThrow();
      expect(d!.params).toEqual(defaultParams());
      if (q !== '%E0%A4%A' && q !== 'params=null') expect(d!.notices.length).toBeGreaterThan(0);
    });
  }

  it('a 3 MB query gives defaults with a notice, quickly', () => {
    const q = 'params=' + 'x'.repeat(3_000_000);
    expect(q.length).toBeGreaterThan(MAX_QUERY);
    const t = performance.now();
    const d = decodeQuery(q);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(d.params).toEqual(defaultParams());
    expect(d.notices.length).toBeGreaterThan(0);
  });

  it('a 1.5 MB query under the limit does not throw', () => {
    const d = decodeQuery('expr=' + 'A'.repeat(1_500_000));
    expect(d.params).toEqual(defaultParams());
    expect(d.notices.length).toBeGreaterThan(0);
  });

  it('prototype pollution attempts through every form are harmless', () => {
    const qs = [
      'params=' +
        encodeURIComponent('{"__proto__":{"polluted":1},"left":{"__proto__":{"polluted":2}}}'),
      'params=' + encodeURIComponent('{"constructor":{"prototype":{"polluted":3}}}'),
      '__proto__.polluted=1&left.__proto__.polluted=1&constructor.prototype.polluted=1',
      '0.1=1&__proto__=0&polluted=1',
      '0=1&__proto__.polluted=0',
      'z=' + encodeCompressed(defaultParams()).slice(2).slice(0, 5),
    ];
    for (const q of qs) {
      expect(() => decodeQuery(q)).not.toThrow();
      expect(({} as unknown as AnyObj).polluted).toBeUndefined();
      expect((Object.prototype as unknown as AnyObj).polluted).toBeUndefined();
    }
  });
});
