/**
 * The entry points hostile input reaches, each with a generator of inputs (fast-check arbitraries
 * mixing random data with known-bad shapes: deep nesting, shared and cyclic objects, long operand
 * chains, decompression bombs, prototype keys, code-shaped payloads) and a function that feeds one
 * input in and describes the outcome. The runner (run.ts) measures and classifies outcomes.
 */
import fc from 'fast-check';
import LZString from 'lz-string';
import { decodeQuery, encodeNumbered, fromPartial } from '../../src/core/params/url';
import { applySetParams } from '../../src/core/params/message';
import { checkBounds } from '../../src/core/params/bounds';
import { normalize } from '../../src/core/params/normalize';
import type { Params } from '../../src/core/params/schema';
import { ExprError, parseExpr } from '../../src/core/expr/parse';
import { printExpr } from '../../src/core/expr/print';
import { FormulaError, fillFormula } from '../../src/core/tensor/formula';
import { parseDelimited } from '../../src/data/csv';
import { parseNpy } from '../../src/data/npy';
import {
  bytesFromArrayBuffer,
  readSafetensorsHeader,
  readSafetensorsTensor,
} from '../../src/data/safetensors';
import { DataError, type Tensor } from '../../src/data/types';

/** What one input did. `refused` is an expected, clear error (the project's own error type or a notice). */
export type Outcome =
  | { kind: 'state'; params: Params; notices: string[]; inputSize: number }
  | { kind: 'tensor'; tensor: Tensor; inputSize: number }
  | { kind: 'refused'; message: string }
  | { kind: 'ok' };

export interface Entry<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  run: (input: T) => Outcome | Promise<Outcome>;
  /** Short text of an input for the report. */
  show: (input: T) => string;
}

/** Set by a payload if anything ever evaluated it. */
export const CANARY = '__mm3dCanary';
export const CODE_PAYLOADS = [
  `globalThis.${CANARY}=1`,
  `(globalThis.${CANARY}=1)`,
  `constructor.constructor('globalThis.${CANARY}=1')()`,
  `Function('globalThis.${CANARY}=1')()`,
  `eval('globalThis.${CANARY}=1')`,
  `i+(globalThis.${CANARY}=1)`,
  `<img src=x onerror="globalThis.${CANARY}=1">`,
  `\${globalThis.${CANARY}=1}`,
  `__proto__`,
  `constructor`,
  `toString`,
  `valueOf`,
  `hasOwnProperty`,
];

const text = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ unit: 'binary', maxLength: max }),
    fc.constantFrom(...CODE_PAYLOADS),
    fc.constantFrom(
      '\uD800',
      'A\uDC00B',
      'Q\uD83D',
      '',
      ' ',
      'NaN',
      'Infinity',
      '-0',
      '1e308',
      'true',
      'null',
    ),
  );

/** `A @ A @ ...` with n operands, optionally parenthesized or named. */
const chain = fc
  .record({
    n: fc.integer({ min: 1, max: 1200 }),
    form: fc.constantFrom('plain', 'paren', 'named'),
  })
  .map(({ n, form }) => {
    const ops = Array.from({ length: n }, (_, i) =>
      form === 'paren' && i % 2 ? `(B${i} @ C)` : 'A',
    );
    return (form === 'named' ? 'out = ' : '') + ops.join(' @ ');
  });

const exprText = fc.oneof(
  chain,
  fc.string({
    unit: fc.constantFrom('A', 'B', ' ', '@', '(', ')', '=', 'x', '\uD800'),
    maxLength: 300,
  }),
  fc.constantFrom(
    'L @ R',
    'out = (attn = Q @ K) @ V',
    '(('.repeat(300) + 'A @ B' + '))'.repeat(300),
  ),
);

const PATHS = [
  'expr',
  'name',
  'epilog',
  'left.h',
  'left.w',
  'left.name',
  'left.init',
  'left.expr',
  'left.min',
  'left.matmul',
  'right.matmul',
  'right.left.name',
  'right.right.h',
  'anim.alg',
  'anim.speed',
  'block.i blocks',
  'layout.scheme',
  'deco.legends',
  'viz.min size',
  'cam.x',
  'cam.target.z',
  'folder',
  'epilog.toString',
  'left.valueOf',
  '__proto__.x',
  'constructor.prototype.x',
  'left.__proto__.h',
  'toString',
  'hasOwnProperty',
  'left.left.left.left.name',
];

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  text(40),
  fc.double(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
  exprText,
);

/** Plain state-shaped trees: known keys at known places, random values, random depth. */
const stateTree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'name',
        'matmul',
        'h',
        'w',
        'init',
        'expr',
        'epilog',
        'anim',
        'block',
        'layout',
        'left',
        'right',
        'alg',
        'scheme',
        'folder',
        'toString',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 8 }),
    ),
    fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.constant(true),
      tie('node'),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
    { maxKeys: 8 },
  ),
})).node;

/** Nested `depth` levels as objects or arrays. */
const deep = fc
  .record({ depth: fc.integer({ min: 50, max: 100_000 }), arr: fc.boolean() })
  .map(({ depth, arr }) => {
    let v: unknown = 'x';
    for (let i = 0; i < depth; i++) v = arr ? [v] : { left: v, matmul: true, right: {} };
    return v;
  });

/** n objects each referring twice to the next: 2^n paths through n objects. */
const shared = fc.integer({ min: 2, max: 40 }).map((n) => {
  let v: Record<string, unknown> = { name: 'A' };
  for (let i = 0; i < n; i++) v = { matmul: true, left: v, right: v };
  return { expr: 'L @ R', left: v };
});

const cyclic = fc.constantFrom(0, 1, 2).map((k) => {
  const a: Record<string, unknown> = { matmul: true, name: 'a' };
  const b: Record<string, unknown> = { matmul: true, name: 'b', left: a, right: a };
  a.left = k === 0 ? a : b;
  a.right = b;
  return k === 2 ? { left: a, right: b, anim: { alg: a } } : { left: a, right: b };
});

/** Values structured clone may deliver that are not JSON. */
const oddObjects = fc.constantFrom<unknown>(
  Object.create(null) as unknown,
  Object.assign(Object.create(null) as object, { h: 3 }),
  { toString: 'x', valueOf: 'y' },
  {
    toString: () => {
      throw new Error('boom');
    },
  },
  new Date(0),
  new Map([['h', 1]]),
  new Uint8Array(4),
  /x/,
  [1, 2, 3],
);

const messageProps: fc.Arbitrary<unknown> = fc.oneof(
  stateTree,
  fc.dictionary(fc.constantFrom(...PATHS.filter((p) => !p.includes('.'))), scalar),
  fc.record({ expr: exprText, sync_expr: fc.boolean() }),
  fc.record({
    left: fc.record({ h: scalar, w: scalar, name: scalar, init: scalar }),
    anim: fc.record({ alg: scalar, speed: scalar }),
  }),
  fc.record({ epilog: oddObjects, anim: fc.record({ alg: oddObjects }) }),
  deep,
  shared,
  cyclic,
  oddObjects,
  fc.jsonValue({ maxDepth: 6 }),
);

// ---- Links ----------------------------------------------------------------------------------

const readableLink = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 20 })),
      fc.oneof(text(60), exprText, fc.double().map(String)),
    ),
    { maxLength: 12 },
  )
  .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString());

/** Our `?z=`: compressed JSON of state-ish trees, deep arrays, bombs, and raw random link text. */
const BOMBS = [5_000, 50_000].map((n) => LZString.compressToEncodedURIComponent('['.repeat(n)));
const zLink = fc.oneof(
  stateTree.map((t) => 'z=' + LZString.compressToEncodedURIComponent(safeJson(t))),
  fc
    .record({ expr: exprText })
    .map((t) => 'z=' + LZString.compressToEncodedURIComponent(JSON.stringify(t))),
  fc
    .string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'),
      maxLength: 3000,
    })
    .map((z) => 'z=' + z),
  fc.constantFrom(...BOMBS, 'y3', '', 'wAo').map((z) => 'z=' + z),
);

const paramsLink = fc.oneof(
  stateTree.map((t) => 'params=' + encodeURIComponent(safeJson(t))),
  fc.integer({ min: 10, max: 100_000 }).map((n) => 'params=' + '['.repeat(n) + ']'.repeat(n)),
  fc
    .integer({ min: 10, max: 100_000 })
    .map((n) => 'params=' + '{"left":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.string({ maxLength: 200 }).map((s) => 'params=' + encodeURIComponent(s)),
);

const numberedLink = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.nat(20).map(String),
          fc.tuple(fc.nat(20), fc.nat(20)).map(([a, b]) => `${a}.${b}`),
        ),
        text(30),
      ),
      { maxLength: 12 },
    )
    .chain((vals) =>
      fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...PATHS, 'left', 'h', 'alg', 'anim', 'z', 'params', 'config'),
              fc.string({ maxLength: 10 }),
            ),
            fc.nat(20).map(String),
          ),
          { maxLength: 12 },
        )
        .map((names) => new URLSearchParams([...vals, ...names]).toString()),
    ),
  fc.constantFrom(encodeNumbered(normalize({ expr: 'out = (attn = Q @ K) @ V' }).params)),
);

const configLink = fc.oneof(stateTree, deep, shared, cyclic, fc.jsonValue({ maxDepth: 6 }));

/** JSON of generated data, for compressing into links and for reports; shared, cyclic or deep data (which would expand or recurse) is described instead. */
function safeJson(v: unknown): string {
  const over = checkBounds(v, {
    depth: 200,
    nodes: 1_000_000,
    string: 10_000_000,
    matmuls: 1_000_000,
  });
  if (over !== null) return `<${over}>`;
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return 'null';
  }
}

const linkRun = (q: string): Outcome => {
  const d = decodeQuery(q);
  return d.configUrl !== undefined
    ? { kind: 'ok' }
    : { kind: 'state', params: d.params, notices: d.notices, inputSize: q.length };
};

// ---- Files ----------------------------------------------------------------------------------

const enc = new TextEncoder();

function npyBytes(header: string, version: number, data: Uint8Array): ArrayBuffer {
  const h = enc.encode(header);
  const lenBytes = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenBytes + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, Math.min(h.length, 65535), true);
  else dv.setUint32(8, h.length, true);
  out.set(h, 8 + lenBytes);
  out.set(data, 8 + lenBytes + h.length);
  return out.buffer;
}

const dim = fc.oneof(
  fc.nat(8),
  fc.constantFrom(0, 1e308, 2 ** 31, 2 ** 53, 1e9, -1, 1.5, Number.MAX_SAFE_INTEGER),
);
const npyInput = fc.oneof(
  fc
    .record({
      descr: fc.constantFrom(
        '<f4',
        '<f8',
        '>i2',
        '|u1',
        '|b1',
        '<f2',
        '<c8',
        '|O',
        '<U3',
        'f4',
        '<i8',
      ),
      fortran: fc.constantFrom('True', 'False', '1', 'None'),
      shape: fc.array(dim, { maxLength: 4 }),
      version: fc.constantFrom(1, 2, 3),
      data: fc.uint8Array({ maxLength: 300 }),
    })
    .map((r) =>
      npyBytes(
        `{'descr': '${r.descr}', 'fortran_order': ${r.fortran}, 'shape': (${r.shape.join(', ')}${r.shape.length === 1 ? ',' : ''}), }`,
        r.version,
        r.data,
      ),
    ),
  fc
    .record({ n: fc.integer({ min: 10, max: 60_000 }), data: fc.uint8Array({ maxLength: 40 }) })
    .map((r) => npyBytes('('.repeat(r.n), 1, r.data)),
  fc
    .record({
      s: fc.string({ maxLength: 200 }),
      v: fc.constantFrom(1, 2, 3),
      data: fc.uint8Array({ maxLength: 64 }),
    })
    .map((r) => npyBytes(r.s, r.v, r.data)),
  fc.uint8Array({ maxLength: 200 }).map((b) => b.slice().buffer),
);

function stBytes(header: string, data: Uint8Array, lie = 0): ArrayBuffer {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length + lie, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out.buffer;
}

const stInput = fc.oneof(
  fc
    .record({
      entries: fc.array(
        fc.record({
          name: fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.constantFrom('__proto__', 'constructor', 'w'),
          ),
          dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'U8', 'BOOL', 'F8_E4M3', 'X'),
          shape: fc.array(dim, { maxLength: 3 }),
          b: fc.nat(400),
          e: fc.nat(400),
        }),
        { maxLength: 4 },
      ),
      meta: fc.oneof(
        fc.constant(undefined),
        fc.dictionary(
          fc.string({ maxLength: 6 }),
          fc.oneof(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })),
          { maxKeys: 4 },
        ),
      ),
      data: fc.uint8Array({ maxLength: 400 }),
    })
    .map((r) => {
      const json: Record<string, unknown> = {};
      for (const e of r.entries)
        json[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [e.b, e.e] };
      if (r.meta) json.__metadata__ = r.meta;
      return stBytes(safeJson(json), r.data);
    }),
  fc
    .integer({ min: 10, max: 100_000 })
    .map((n) =>
      stBytes(`{"__metadata__":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`, new Uint8Array(0)),
    ),
  fc
    .record({ s: fc.string({ maxLength: 120 }), lie: fc.integer({ min: -5, max: 5 }) })
    .map((r) => stBytes(r.s, new Uint8Array(8), r.lie)),
  fc.uint8Array({ maxLength: 100 }).map((b) => b.slice().buffer),
);

const csvInput = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      '1',
      '2',
      '.',
      'e',
      '-',
      '+',
      ',',
      '\t',
      '\n',
      '\r',
      '"',
      ' ',
      'x',
      'n',
      'a',
      'i',
      'f',
    ),
    maxLength: 2000,
  }),
  // A wide first row over many narrow rows: 28 KB claiming rows x width.
  fc
    .record({ w: fc.integer({ min: 1, max: 3000 }), h: fc.integer({ min: 1, max: 3000 }) })
    .map(({ w, h }) => Array(w).fill('1').join(',') + '\n' + '1\n'.repeat(h)),
  // One long cell of digits (the quadratic pattern) and near-numbers.
  fc
    .record({
      n: fc.integer({ min: 1, max: 40_000 }),
      tail: fc.constantFrom('', 'x', '.', 'e', '.5e'),
    })
    .map(({ n, tail }) => '1'.repeat(n) + tail + '\n'),
  fc
    .array(fc.array(fc.double().map(String), { minLength: 1, maxLength: 6 }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((rows) => rows.map((r) => r.join(',')).join('\n')),
);

const formulaInput = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      'i',
      'j',
      'h',
      'w',
      '+',
      '-',
      '*',
      '/',
      '%',
      '**',
      '(',
      ')',
      '?',
      ':',
      '<',
      '==',
      '&&',
      '!',
      '1',
      '2',
      '.',
      'e',
      ' ',
      'Math.sin',
      'Math.max',
      ',',
      'Math.PI',
      'x',
    ),
    maxLength: 400,
  }),
  fc.constantFrom(...CODE_PAYLOADS),
  fc.integer({ min: 1, max: 2100 }).map((n) => '('.repeat(n) + 'i' + ')'.repeat(n)),
  fc
    .integer({ min: 1, max: 600 })
    .map((n) => Array(n).fill('Math.sin(i*j)').join('+').slice(0, 2000)),
  fc.string({ maxLength: 100 }),
);

/** Current states a message lands on. */
const CURRENT: Params[] = [
  normalize(undefined).params,
  normalize({ expr: 'out = (attn = Q @ K) @ V', left: { h: 7 }, anim: { alg: 'axpy' } }).params,
];

const asDataError = (e: unknown): Outcome => {
  if (e instanceof DataError) return { kind: 'refused', message: e.message };
  throw e;
};

export const ENTRIES: Entry<never>[] = [
  {
    name: 'link ?a.b= (readable)',
    arb: readableLink,
    run: linkRun,
    show: (q: string) => q,
  } as Entry<string>,
  {
    name: 'link ?z= (compressed)',
    arb: zLink,
    run: linkRun,
    show: (q: string) => q,
  } as Entry<string>,
  {
    name: 'link ?params= (original JSON)',
    arb: paramsLink,
    run: linkRun,
    show: (q: string) => q,
  } as Entry<string>,
  {
    name: 'link ?0=…&expr=0 (numbered)',
    arb: numberedLink,
    run: linkRun,
    show: (q: string) => q,
  } as Entry<string>,
  {
    name: 'link ?config= (fetched JSON tree)',
    arb: configLink,
    run: (t: unknown) => {
      const d = decodeQuery('config=' + encodeURIComponent('https://example.org/c.json'));
      if (d.configUrl === undefined) throw new Error('config link not recognized');
      const n = fromPartial(t);
      return { kind: 'state', params: n.params, notices: n.notices, inputSize: safeJson(t).length };
    },
    show: (t: unknown) => safeJson(t),
  } as Entry<unknown>,
  {
    name: '{setParams} message',
    arb: fc.record({
      props: messageProps,
      reset: fc.boolean(),
      sync: fc.boolean(),
      cur: fc.nat(CURRENT.length - 1),
    }),
    run: ({
      props,
      reset,
      sync,
      cur,
    }: {
      props: unknown;
      reset: boolean;
      sync: boolean;
      cur: number;
    }) => {
      const r = applySetParams(CURRENT[cur]!, props, reset, sync);
      if (r.refused) return { kind: 'refused', message: r.notices.join('; ') };
      return {
        kind: 'state',
        params: r.params,
        notices: r.notices,
        inputSize: safeJson(props).length,
      };
    },
    show: (m: { props: unknown }) => safeJson(m.props),
  } as Entry<{ props: unknown; reset: boolean; sync: boolean; cur: number }>,
  {
    name: '.npy',
    arb: npyInput,
    run: (b: ArrayBuffer) => {
      try {
        return { kind: 'tensor', tensor: parseNpy(b), inputSize: b.byteLength };
      } catch (e) {
        return asDataError(e);
      }
    },
    show: (b: ArrayBuffer) => new TextDecoder().decode(b).slice(0, 200),
  } as Entry<ArrayBuffer>,
  {
    name: '.safetensors',
    arb: stInput,
    run: async (b: ArrayBuffer) => {
      try {
        const src = bytesFromArrayBuffer(b);
        const h = await readSafetensorsHeader(src);
        for (const t of h.tensors) {
          try {
            const tensor = await readSafetensorsTensor(src, h, t.name);
            return { kind: 'tensor', tensor, inputSize: b.byteLength };
          } catch (e) {
            asDataError(e);
          }
        }
        return { kind: 'ok' };
      } catch (e) {
        return asDataError(e);
      }
    },
    show: (b: ArrayBuffer) => new TextDecoder().decode(b).slice(0, 200),
  } as Entry<ArrayBuffer>,
  {
    name: 'CSV',
    arb: csvInput,
    run: (s: string) => {
      try {
        return { kind: 'tensor', tensor: parseDelimited(s), inputSize: enc.encode(s).length };
      } catch (e) {
        return asDataError(e);
      }
    },
    show: (s: string) => JSON.stringify(s.slice(0, 200)),
  } as Entry<string>,
  {
    name: 'expression',
    arb: exprText,
    run: (s: string) => {
      try {
        const e = parseExpr(s);
        // An accepted expression prints to text that parses to the same print.
        const printed = printExpr(e);
        if (printExpr(parseExpr(printed)) !== printed)
          throw new Error(`print round trip failed for ${JSON.stringify(s)}`);
        return { kind: 'ok' };
      } catch (e) {
        if (e instanceof ExprError) return { kind: 'refused', message: e.message };
        throw e;
      }
    },
    show: (s: string) => JSON.stringify(s.slice(0, 200)),
  } as Entry<string>,
  {
    name: 'formula',
    arb: formulaInput,
    run: (s: string) => {
      try {
        const out = fillFormula(s, 8, 8);
        if (out.length !== 64) throw new Error('wrong size');
        return { kind: 'ok' };
      } catch (e) {
        if (e instanceof FormulaError) return { kind: 'refused', message: e.message };
        throw e;
      }
    },
    show: (s: string) => JSON.stringify(s.slice(0, 200)),
  } as Entry<string>,
] as unknown as Entry<never>[];
