// Hand-built .npy and .safetensors bytes for the data tests (no files on disk, no numpy).
import { expect } from 'vitest';
import { DataError } from '../../../src/data/types';

export type Writer = (view: DataView, offset: number, value: number, littleEndian: boolean) => void;

/** Writes values with a DataView setter into fresh bytes. */
export function pack(
  values: readonly number[],
  size: number,
  write: Writer,
  littleEndian = true,
): Uint8Array {
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => write(view, i * size, v, littleEndian));
  return bytes;
}

export const writeF32: Writer = (v, o, x, le) => v.setFloat32(o, x, le);
export const writeF64: Writer = (v, o, x, le) => v.setFloat64(o, x, le);
export const writeU16: Writer = (v, o, x, le) => v.setUint16(o, x, le);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** An .npy file as numpy writes it: header padded with spaces and '\n' to a multiple of 64. */
export function npyFile(opts: {
  descr?: string;
  shape: readonly number[];
  fortran?: boolean;
  payload: Uint8Array;
  version?: 1 | 2 | 3;
  headerText?: string; // replaces the dict literal
}): ArrayBuffer {
  const version = opts.version ?? 1;
  const dict =
    opts.headerText ??
    `{'descr': '${opts.descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${pyShape(opts.shape)}, }`;
  const prelude = version === 1 ? 10 : 12;
  let header = dict;
  while ((prelude + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const headerBytes = ascii(header);
  const start = new Uint8Array(prelude);
  start.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(start.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  return concat(start, headerBytes, opts.payload).buffer as ArrayBuffer;
}

export interface StEntry {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
  /** Override the offsets written in the header. */
  offsets?: [number, number];
}

/** A .safetensors file: u64 LE header length, JSON header (space-padded to 8 bytes), data. */
export function safetensorsFile(
  entries: StEntry[],
  metadata?: Record<string, string>,
): ArrayBuffer {
  const json: Record<string, unknown> = {};
  if (metadata) json.__metadata__ = metadata;
  let at = 0;
  for (const e of entries) {
    json[e.name] = {
      dtype: e.dtype,
      shape: e.shape,
      data_offsets: e.offsets ?? [at, at + e.bytes.length],
    };
    at += e.bytes.length;
  }
  let text = JSON.stringify(json);
  while (text.length % 8 !== 0) text += ' ';
  return rawSafetensors(text, concat(...entries.map((e) => e.bytes)));
}

/** Length prefix + given header text + data, for corrupt variants. */
export function rawSafetensors(
  headerText: string,
  data: Uint8Array,
  declaredLength?: number,
): ArrayBuffer {
  const header = ascii(headerText);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(declaredLength ?? header.length), true);
  return concat(len, header, data).buffer as ArrayBuffer;
}

/** The DataError that `fn` throws (the test fails if it throws nothing or something else). */
export function errorOf(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

/** The DataError that `p` rejects with. */
export async function rejection(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}
