import { describe, it, expect } from 'vitest';
import { parseNpy, parsePyLiteral } from '../../../src/data/npy';
import {
  concat,
  npyFile,
  pack,
  writeF32,
  writeF64,
  writeU16,
  type Writer,
  errorOf,
} from './fixtures';

interface DtypeCase {
  kind: string; // without the byte order character
  dtype: string; // normalized name
  size: number;
  write: Writer;
  values: number[]; // what is written
  expected: number[]; // float32 values expected back
}

const big =
  (set: 'setBigInt64' | 'setBigUint64'): Writer =>
  (v, o, x, le) =>
    v[set](o, BigInt(x), le);

const CASES: DtypeCase[] = [
  {
    kind: 'f4',
    dtype: 'float32',
    size: 4,
    write: writeF32,
    values: [1.5, -2, 3.25e-3],
    expected: [1.5, -2, Math.fround(3.25e-3)],
  },
  {
    kind: 'f8',
    dtype: 'float64',
    size: 8,
    write: writeF64,
    values: [0.1, -1e300, 7],
    expected: [Math.fround(0.1), -Infinity, 7],
  },
  // float16 bit patterns: 1, -2, 65504, smallest subnormal
  {
    kind: 'f2',
    dtype: 'float16',
    size: 2,
    write: writeU16,
    values: [0x3c00, 0xc000, 0x7bff, 0x0001],
    expected: [1, -2, 65504, 2 ** -24],
  },
  {
    kind: 'i1',
    dtype: 'int8',
    size: 1,
    write: (v, o, x) => v.setInt8(o, x),
    values: [-128, 127, -1],
    expected: [-128, 127, -1],
  },
  {
    kind: 'u1',
    dtype: 'uint8',
    size: 1,
    write: (v, o, x) => v.setUint8(o, x),
    values: [0, 255, 7],
    expected: [0, 255, 7],
  },
  {
    kind: 'i2',
    dtype: 'int16',
    size: 2,
    write: (v, o, x, le) => v.setInt16(o, x, le),
    values: [-32768, 258, -2],
    expected: [-32768, 258, -2],
  },
  {
    kind: 'u2',
    dtype: 'uint16',
    size: 2,
    write: writeU16,
    values: [65535, 258, 1],
    expected: [65535, 258, 1],
  },
  {
    kind: 'i4',
    dtype: 'int32',
    size: 4,
    write: (v, o, x, le) => v.setInt32(o, x, le),
    values: [-2147483648, 16909060, -3],
    expected: [-2147483648, 16909060, -3],
  },
  {
    kind: 'u4',
    dtype: 'uint32',
    size: 4,
    write: (v, o, x, le) => v.setUint32(o, x, le),
    values: [4294967295, 16909060, 3],
    expected: [4294967296, 16909060, 3],
  },
  {
    kind: 'i8',
    dtype: 'int64',
    size: 8,
    write: big('setBigInt64'),
    values: [-(2 ** 40), 3, -1, 2 ** 53],
    expected: [-(2 ** 40), 3, -1, 2 ** 53],
  },
  {
    kind: 'u8',
    dtype: 'uint64',
    size: 8,
    write: big('setBigUint64'),
    values: [2 ** 63, 5, 2 ** 32 + 1],
    expected: [2 ** 63, 5, Math.fround(2 ** 32 + 1)],
  },
];

describe('parseNpy dtypes', () => {
  for (const c of CASES) {
    for (const order of c.size === 1 ? ['|'] : ['<', '>']) {
      const descr = order + c.kind;
      it(`reads ${descr}`, () => {
        const payload = pack(c.values, c.size, c.write, order !== '>');
        const t = parseNpy(npyFile({ descr, shape: [c.values.length], payload }));
        expect(t.dtype).toBe(c.dtype);
        expect(t.shape).toEqual([c.values.length]);
        expect(Array.from(t.data)).toEqual(c.expected);
      });
    }
  }

  it('reads |b1 booleans (any non-zero byte is true)', () => {
    const t = parseNpy(
      npyFile({ descr: '|b1', shape: [4], payload: new Uint8Array([0, 1, 0, 2]) }),
    );
    expect(t.dtype).toBe('bool');
    expect(Array.from(t.data)).toEqual([0, 1, 0, 1]);
  });

  it('byte order matters: the same bytes read as < and > differ', () => {
    const payload = pack([0x3c00], 2, writeU16, true); // bytes 00 3C
    expect(parseNpy(npyFile({ descr: '<f2', shape: [1], payload })).data[0]).toBe(1);
    expect(parseNpy(npyFile({ descr: '>f2', shape: [1], payload })).data[0]).toBe(
      float16Of(0x003c),
    );
  });
});

function float16Of(bits: number): number {
  return bits * 2 ** -24; // a subnormal
}

describe('parseNpy layout', () => {
  // [[1, 2, 3], [4, 5, 6]]: C order stores 1 2 3 4 5 6, Fortran order 1 4 2 5 3 6.
  it('reads a C-order 2x3 matrix', () => {
    const t = parseNpy(
      npyFile({ descr: '<f4', shape: [2, 3], payload: pack([1, 2, 3, 4, 5, 6], 4, writeF32) }),
    );
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns a Fortran-order 2x3 matrix in row-major order', () => {
    const t = parseNpy(
      npyFile({
        descr: '<f4',
        shape: [2, 3],
        fortran: true,
        payload: pack([1, 4, 2, 5, 3, 6], 4, writeF32),
      }),
    );
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reorders a Fortran-order rank-3 array', () => {
    const [A, B, C] = [2, 3, 4];
    const value = (i: number, j: number, k: number) => 100 * i + 10 * j + k;
    const fortran: number[] = [];
    for (let k = 0; k < C; k++)
      for (let j = 0; j < B; j++) for (let i = 0; i < A; i++) fortran.push(value(i, j, k));
    const rowMajor: number[] = [];
    for (let i = 0; i < A; i++)
      for (let j = 0; j < B; j++) for (let k = 0; k < C; k++) rowMajor.push(value(i, j, k));
    const t = parseNpy(
      npyFile({
        descr: '>i2',
        shape: [A, B, C],
        fortran: true,
        payload: pack(fortran, 2, (v, o, x, le) => v.setInt16(o, x, le), false),
      }),
    );
    expect(Array.from(t.data)).toEqual(rowMajor);
  });

  it('reads scalars, empty arrays and format versions 2.0 and 3.0', () => {
    const scalar = parseNpy(
      npyFile({ descr: '<f8', shape: [], payload: pack([2.5], 8, writeF64) }),
    );
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
    const empty = parseNpy(npyFile({ descr: '<f4', shape: [0, 3], payload: new Uint8Array(0) }));
    expect(empty.shape).toEqual([0, 3]);
    expect(empty.data.length).toBe(0);
    for (const version of [2, 3] as const) {
      const t = parseNpy(
        npyFile({ descr: '<f4', shape: [1, 2], version, payload: pack([7, 8], 4, writeF32) }),
      );
      expect(Array.from(t.data)).toEqual([7, 8]);
    }
  });

  it('reads data that is not aligned in the input buffer', () => {
    // Header padded to an odd total: the float64 data starts at an odd offset.
    const base = new Uint8Array(
      npyFile({ descr: '<f8', shape: [2], payload: pack([1.25, -3], 8, writeF64) }),
    );
    const headerEnd = base.length - 16;
    const headerLen = new DataView(base.buffer).getUint16(8, true);
    const shifted = concat(
      base.subarray(0, headerEnd),
      new Uint8Array([0x20]),
      base.subarray(headerEnd),
    );
    new DataView(shifted.buffer).setUint16(8, headerLen + 1, true);
    const t = parseNpy(shifted.buffer as ArrayBuffer);
    expect(Array.from(t.data)).toEqual([1.25, -3]);
  });

  it('returns data that owns its buffer', () => {
    const t = parseNpy(npyFile({ descr: '<f4', shape: [2], payload: pack([1, 2], 4, writeF32) }));
    expect(t.data.byteOffset).toBe(0);
    expect(t.data.buffer.byteLength).toBe(8);
  });
});

describe('parseNpy errors', () => {
  it('refuses a bad magic string', () => {
    const buf = new Uint8Array(
      npyFile({ descr: '<f4', shape: [1], payload: pack([1], 4, writeF32) }),
    );
    buf[1] = 0x4d; // "MUMPY"
    const e = errorOf(() => parseNpy(buf.buffer));
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/not a \.npy file/);
  });

  it('refuses unknown versions', () => {
    const buf = new Uint8Array(
      npyFile({ descr: '<f4', shape: [1], payload: pack([1], 4, writeF32) }),
    );
    buf[6] = 4;
    expect(errorOf(() => parseNpy(buf.buffer)).message).toMatch(/version 4\.0/);
  });

  it.each([
    ['<c8', /complex/],
    ['|O', /Python objects/],
    ['<U3', /strings/],
    ['<M8[ns]', /dates/],
    ['<f16', /unsupported dtype '<f16'/],
    ['|f4', /unsupported/],
  ])('refuses dtype %s', (descr, why) => {
    const e = errorOf(() => parseNpy(npyFile({ descr, shape: [1], payload: new Uint8Array(16) })));
    expect(e.kind).toBe('dtype');
    expect(e.message).toMatch(why);
  });

  it('refuses structured dtypes', () => {
    const headerText =
      "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";
    const e = errorOf(() =>
      parseNpy(npyFile({ shape: [1], payload: new Uint8Array(8), headerText })),
    );
    expect(e.kind).toBe('dtype');
  });

  it('reports truncated data with both sizes', () => {
    const payload = pack([1, 2, 3, 4, 5, 6], 4, writeF32).subarray(0, 10);
    const e = errorOf(() => parseNpy(npyFile({ descr: '<f4', shape: [2, 3], payload })));
    expect(e.kind).toBe('truncated');
    expect(e.message).toBe('truncated file: header says 24 bytes of data, found 10');
  });

  it('reports a header longer than the file', () => {
    const buf = new Uint8Array(npyFile({ descr: '<f4', shape: [1], payload: new Uint8Array(0) }));
    new DataView(buf.buffer).setUint16(8, 4096, true);
    expect(errorOf(() => parseNpy(buf.buffer)).kind).toBe('truncated');
    expect(errorOf(() => parseNpy(buf.slice(0, 9).buffer)).kind).toBe('format');
  });

  it('reports unreadable headers', () => {
    const bad = (headerText: string) =>
      errorOf(() => parseNpy(npyFile({ shape: [1], payload: new Uint8Array(4), headerText })));
    expect(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)").message).toMatch(
      /unreadable \.npy header/,
    );
    expect(bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}").message).toMatch(
      /fortran_order/,
    );
    expect(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}").message).toMatch(
      /shape/,
    );
    expect(bad("{'descr': '<f4', 'fortran_order': __import__('os'), 'shape': (1,)}").kind).toBe(
      'format',
    );
  });
});

describe('parsePyLiteral', () => {
  it('reads the literals numpy writes, including Python 2 long suffixes', () => {
    const v = parsePyLiteral(
      `{"descr": '<i8', 'fortran_order': True, 'shape': (3L, 4), 'x': [None, 'a\\'b'], }`,
    );
    expect(v).toBeInstanceOf(Map);
    const m = v as Map<string, unknown>;
    expect(m.get('descr')).toBe('<i8');
    expect(m.get('fortran_order')).toBe(true);
    expect(m.get('shape')).toEqual([3, 4]);
    expect(m.get('x')).toEqual([null, "a'b"]);
  });
});
