import { describe, it, expect } from 'vitest';
import { handleRequest, unwrapReply, shiftSource } from '../../../src/data/protocol';
import { bytesFromArrayBuffer, readSafetensorsHeader } from '../../../src/data/safetensors';
import { DataError, fromPlainError, toPlainError } from '../../../src/data/types';
import { npyFile, pack, safetensorsFile, writeF32, writeU16 } from './fixtures';

const text = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('worker protocol', () => {
  it('parses CSV bytes and transfers the tensor buffer', async () => {
    const { reply, transfer } = await handleRequest({ kind: 'csv', data: text('a,b\n1,2\n3,4\n') });
    const { tensor } = unwrapReply(reply) as { tensor: { shape: number[]; data: Float32Array } };
    expect(tensor.shape).toEqual([2, 2]);
    expect(Array.from(tensor.data)).toEqual([1, 2, 3, 4]);
    expect(transfer).toEqual([tensor.data.buffer]);
  });

  it('passes the delimiter through', async () => {
    const { reply } = await handleRequest({ kind: 'csv', data: text('1,2\t3'), delimiter: '\t' });
    expect(reply.ok).toBe(false);
  });

  it('parses .npy from a Blob', async () => {
    const blob = new Blob([
      npyFile({
        descr: '<f4',
        shape: [2, 3],
        fortran: true,
        payload: pack([1, 4, 2, 5, 3, 6], 4, writeF32),
      }),
    ]);
    const { reply } = await handleRequest({ kind: 'npy', data: blob });
    const { tensor } = unwrapReply(reply) as { tensor: { data: Float32Array } };
    expect(Array.from(tensor.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a safetensors header, then a tensor from only its bytes (base offset)', async () => {
    const file = safetensorsFile([
      { name: 'a', dtype: 'F32', shape: [2], bytes: pack([1, 2], 4, writeF32) },
      { name: 'b', dtype: 'BF16', shape: [2], bytes: pack([0x3f80, 0xc000], 2, writeU16) },
    ]);
    const h = await handleRequest({ kind: 'safetensors-header', data: file.slice(0) });
    const { header } = unwrapReply(h.reply) as {
      header: Awaited<ReturnType<typeof readSafetensorsHeader>>;
    };
    expect(h.transfer).toEqual([]);
    const b = header.tensors[1];
    const only = file.slice(b.begin, b.end);
    const t = await handleRequest({
      kind: 'safetensors-tensor',
      data: only,
      header,
      name: 'b',
      base: b.begin,
    });
    const { tensor } = unwrapReply(t.reply) as { tensor: { data: Float32Array } };
    expect(Array.from(tensor.data)).toEqual([1, -2]);
  });

  it('replies with a plain error that becomes a DataError again', async () => {
    const { reply, transfer } = await handleRequest({ kind: 'csv', data: text('1,2\n3,x\n') });
    expect(transfer).toEqual([]);
    expect(reply).toEqual({
      ok: false,
      error: {
        kind: 'parse',
        message: "cell 'x' at row 2, column 2 is not a number",
        detail: { row: 2, column: 2, cell: 'x' },
      },
    });
    // structured clone keeps plain objects: simulate it
    const cloned = structuredClone(reply);
    expect(() => unwrapReply(cloned)).toThrow(DataError);
    expect(() => unwrapReply(cloned)).toThrow("cell 'x' at row 2, column 2 is not a number");
  });

  it('flattens unexpected errors too', () => {
    expect(toPlainError(new RangeError('boom'))).toEqual({
      kind: 'format',
      message: 'boom',
      detail: {},
    });
    const e = fromPlainError({
      kind: 'http',
      message: '404 Not Found for x',
      detail: { status: 404 },
    });
    expect(e).toBeInstanceOf(DataError);
    expect([e.kind, e.message, e.detail.status, e.name]).toEqual([
      'http',
      '404 Not Found for x',
      404,
      'DataError',
    ]);
  });

  it('shiftSource maps file offsets and refuses bytes before the base', async () => {
    const src = shiftSource(bytesFromArrayBuffer(new Uint8Array([10, 11, 12]).buffer), 100);
    expect(src.size).toBe(103);
    expect(Array.from(new Uint8Array(await src.read(101, 103)))).toEqual([11, 12]);
    await expect(src.read(50, 101)).rejects.toBeInstanceOf(DataError);
  });
});
