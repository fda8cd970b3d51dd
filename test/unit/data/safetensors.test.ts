import { describe, it, expect } from 'vitest';
import {
  bytesFromArrayBuffer,
  bytesFromBlob,
  readSafetensorsHeader,
  readSafetensorsTensor,
  type ByteSource,
} from '../../../src/data/safetensors';
import {
  pack,
  rawSafetensors,
  safetensorsFile,
  writeF32,
  writeF64,
  writeU16,
  type StEntry,
  rejection,
} from './fixtures';

/** A ByteSource that records every range requested. */
function counting(
  buf: ArrayBuffer,
): ByteSource & { reads: [number, number][]; bytesRead: () => number } {
  const inner = bytesFromArrayBuffer(buf);
  const reads: [number, number][] = [];
  return {
    size: inner.size,
    reads,
    bytesRead: () => reads.reduce((n, [a, b]) => n + (b - a), 0),
    read(start, end) {
      reads.push([start, end]);
      return inner.read(start, end);
    },
  };
}

const le = true;
const ENTRIES: StEntry[] = [
  { name: 'f32', dtype: 'F32', shape: [2, 3], bytes: pack([1, 2, 3, 4, 5, 6], 4, writeF32) },
  // float16 bit patterns: 1, -2, 65504, 2^-24
  {
    name: 'f16',
    dtype: 'F16',
    shape: [2, 2],
    bytes: pack([0x3c00, 0xc000, 0x7bff, 0x0001], 2, writeU16),
  },
  // bfloat16 bit patterns: 1, -2, 3.140625
  { name: 'bf16', dtype: 'BF16', shape: [3], bytes: pack([0x3f80, 0xc000, 0x4049], 2, writeU16) },
  { name: 'f64', dtype: 'F64', shape: [2], bytes: pack([0.1, -7.5], 8, writeF64) },
  {
    name: 'i64',
    dtype: 'I64',
    shape: [2],
    bytes: pack([-(2 ** 40), 9], 8, (v, o, x) => v.setBigInt64(o, BigInt(x), le)),
  },
  {
    name: 'i32',
    dtype: 'I32',
    shape: [2],
    bytes: pack([-5, 70000], 4, (v, o, x) => v.setInt32(o, x, le)),
  },
  {
    name: 'i16',
    dtype: 'I16',
    shape: [2],
    bytes: pack([-300, 300], 2, (v, o, x) => v.setInt16(o, x, le)),
  },
  { name: 'i8', dtype: 'I8', shape: [3], bytes: new Uint8Array([0xff, 0x80, 0x05]) },
  { name: 'u8', dtype: 'U8', shape: [3], bytes: new Uint8Array([0xff, 0x80, 0x05]) },
  { name: 'bool', dtype: 'BOOL', shape: [3], bytes: new Uint8Array([1, 0, 1]) },
  { name: 'u16', dtype: 'U16', shape: [1], bytes: pack([65535], 2, writeU16) },
  {
    name: 'u32',
    dtype: 'U32',
    shape: [1],
    bytes: pack([4000000000], 4, (v, o, x) => v.setUint32(o, x, le)),
  },
];
const EXPECTED: Record<string, { dtype: string; values: number[] }> = {
  f32: { dtype: 'float32', values: [1, 2, 3, 4, 5, 6] },
  f16: { dtype: 'float16', values: [1, -2, 65504, 2 ** -24] },
  bf16: { dtype: 'bfloat16', values: [1, -2, 3.140625] },
  f64: { dtype: 'float64', values: [Math.fround(0.1), -7.5] },
  i64: { dtype: 'int64', values: [-(2 ** 40), 9] },
  i32: { dtype: 'int32', values: [-5, 70000] },
  i16: { dtype: 'int16', values: [-300, 300] },
  i8: { dtype: 'int8', values: [-1, -128, 5] },
  u8: { dtype: 'uint8', values: [255, 128, 5] },
  bool: { dtype: 'bool', values: [1, 0, 1] },
  u16: { dtype: 'uint16', values: [65535] },
  u32: { dtype: 'uint32', values: [4000000000] },
};

describe('safetensors header', () => {
  it('lists tensors with absolute byte ranges and metadata', async () => {
    const file = safetensorsFile(ENTRIES.slice(0, 2), { format: 'pt' });
    const h = await readSafetensorsHeader(bytesFromArrayBuffer(file));
    expect(h.metadata).toEqual({ format: 'pt' });
    const headerLen = Number(new DataView(file).getBigUint64(0, true));
    expect(h.dataStart).toBe(8 + headerLen);
    expect(h.tensors).toEqual([
      { name: 'f32', dtype: 'F32', shape: [2, 3], begin: 8 + headerLen, end: 8 + headerLen + 24 },
      {
        name: 'f16',
        dtype: 'F16',
        shape: [2, 2],
        begin: 8 + headerLen + 24,
        end: 8 + headerLen + 32,
      },
    ]);
  });

  it('reads only the length and the header', async () => {
    const file = safetensorsFile(ENTRIES);
    const src = counting(file);
    const h = await readSafetensorsHeader(src);
    expect(src.reads).toEqual([
      [0, 8],
      [8, h.dataStart],
    ]);
  });

  it('lists tensors of unknown dtypes (reading them is the error)', async () => {
    const file = safetensorsFile([
      { name: 'c', dtype: 'C64', shape: [1], bytes: new Uint8Array(8) },
    ]);
    const src = bytesFromArrayBuffer(file);
    const h = await readSafetensorsHeader(src);
    expect(h.tensors[0].dtype).toBe('C64');
    const e = await rejection(readSafetensorsTensor(src, h, 'c'));
    expect(e.kind).toBe('dtype');
    expect(e.message).toMatch(/C64/);
  });
});

describe('safetensors tensors', () => {
  const file = safetensorsFile(ENTRIES);

  for (const entry of ENTRIES) {
    it(`reads ${entry.dtype}`, async () => {
      const src = bytesFromArrayBuffer(file);
      const h = await readSafetensorsHeader(src);
      const t = await readSafetensorsTensor(src, h, entry.name);
      expect(t.dtype).toBe(EXPECTED[entry.name].dtype);
      expect(t.shape).toEqual(entry.shape);
      expect(Array.from(t.data)).toEqual(EXPECTED[entry.name].values);
    });
  }

  it('reads only the chosen tensor’s bytes', async () => {
    // A 1 MiB tensor sits before the small one: it must not be read.
    const bigBytes = new Uint8Array(1024 * 1024);
    const small = pack([10, 20, 30], 4, writeF32);
    const f = safetensorsFile([
      { name: 'big', dtype: 'F32', shape: [512, 512], bytes: bigBytes },
      { name: 'small', dtype: 'F32', shape: [1, 3], bytes: small },
    ]);
    const src = counting(f);
    const h = await readSafetensorsHeader(src);
    const before = src.reads.length;
    const t = await readSafetensorsTensor(src, h, 'small');
    expect(Array.from(t.data)).toEqual([10, 20, 30]);
    const entry = h.tensors.find((x) => x.name === 'small')!;
    expect(src.reads.slice(before)).toEqual([[entry.begin, entry.end]]);
    expect(entry.end - entry.begin).toBe(12);
    expect(src.bytesRead()).toBe(8 + (h.dataStart - 8) + 12);
  });

  it('reads through a Blob with Blob.slice', async () => {
    const blob = new Blob([file]);
    const src = bytesFromBlob(blob);
    expect(src.size).toBe(file.byteLength);
    const h = await readSafetensorsHeader(src);
    const t = await readSafetensorsTensor(src, h, 'bf16');
    expect(Array.from(t.data)).toEqual([1, -2, 3.140625]);
  });

  it('names the missing tensor and lists the others', async () => {
    const src = bytesFromArrayBuffer(file);
    const h = await readSafetensorsHeader(src);
    const e = await rejection(readSafetensorsTensor(src, h, 'nope'));
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/^no tensor named 'nope' in the file; it has f32, f16, bf16/);
  });
});

describe('safetensors errors', () => {
  const one: StEntry = { name: 'w', dtype: 'F32', shape: [2], bytes: pack([1, 2], 4, writeF32) };

  it('refuses a header length larger than the file', async () => {
    const f = rawSafetensors('{}      ', new Uint8Array(0), 4096);
    const e = await rejection(readSafetensorsHeader(bytesFromArrayBuffer(f)));
    expect(e.kind).toBe('truncated');
    expect(e.message).toMatch(/4096/);
  });

  it('refuses files shorter than the length field and absurd lengths', async () => {
    expect(
      (await rejection(readSafetensorsHeader(bytesFromArrayBuffer(new ArrayBuffer(5))))).kind,
    ).toBe('truncated');
    const huge = rawSafetensors('{}', new Uint8Array(0), 2 ** 40);
    expect((await rejection(readSafetensorsHeader(bytesFromArrayBuffer(huge)))).kind).toBe(
      'format',
    );
  });

  it('refuses bad JSON', async () => {
    const f = rawSafetensors('{"w": {"dtype": "F32",', new Uint8Array(8));
    const e = await rejection(readSafetensorsHeader(bytesFromArrayBuffer(f)));
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/^unreadable safetensors header/);
    const notObject = rawSafetensors('[1, 2]  ', new Uint8Array(0));
    expect((await rejection(readSafetensorsHeader(bytesFromArrayBuffer(notObject)))).kind).toBe(
      'format',
    );
  });

  it('refuses offsets outside the file', async () => {
    const f = safetensorsFile([{ ...one, offsets: [0, 16] }]); // only 8 bytes of data follow
    const e = await rejection(readSafetensorsHeader(bytesFromArrayBuffer(f)));
    expect(e.kind).toBe('truncated');
    expect(e.message).toMatch(/tensor 'w'/);
  });

  it('refuses reversed offsets and malformed entries', async () => {
    const reversed = safetensorsFile([{ ...one, offsets: [8, 0] }]);
    expect((await rejection(readSafetensorsHeader(bytesFromArrayBuffer(reversed)))).kind).toBe(
      'format',
    );
    const noShape = rawSafetensors(
      '{"w": {"dtype": "F32", "data_offsets": [0, 8]}}',
      new Uint8Array(8),
    );
    expect((await rejection(readSafetensorsHeader(bytesFromArrayBuffer(noShape)))).message).toMatch(
      /no valid shape/,
    );
  });

  it('refuses a shape that does not match the byte size', async () => {
    const f = safetensorsFile([{ ...one, shape: [3] }]);
    const e = await rejection(readSafetensorsHeader(bytesFromArrayBuffer(f)));
    expect(e.kind).toBe('shape');
    expect(e.message).toBe("tensor 'w' has shape [3] of F32 (12 bytes) but 8 bytes of data");
  });

  it('reports a source that returns fewer bytes than the tensor needs', async () => {
    const f = safetensorsFile([one]);
    const inner = bytesFromArrayBuffer(f);
    const h = await readSafetensorsHeader(inner);
    const short: ByteSource = {
      size: inner.size,
      read: async (s, e) => (await inner.read(s, e)).slice(0, 3),
    };
    const e = await rejection(readSafetensorsTensor(short, h, 'w'));
    expect(e.kind).toBe('truncated');
    expect(e.message).toMatch(/should have 8 bytes of data, found 3/);
  });
});
