/**
 * Reading `.safetensors` files through a ByteSource, so that only the bytes needed are read:
 * the 8-byte header length, the JSON header, then one tensor's byte range. A ByteSource can be an
 * in-memory buffer, a Blob/File (Blob.slice reads lazily from disk) or a URL with HTTP Range
 * requests (see loader.ts). This module owns the header validation (length, JSON, dtypes, offsets
 * inside the file, byte size equal to shape x item size) and the dtype table.
 * Format: https://github.com/huggingface/safetensors#format (little-endian, C order).
 */

import { DataError, elementCount, type Tensor } from './types';
import { decodeElements, ITEM_SIZE, type ElementType } from './elements';
import { checkShape } from './shape-check';

/** Random access to the bytes of a file. `size` may be Infinity when the length is unknown. */
export interface ByteSource {
  size: number;
  /** Bytes [start, end). May return fewer bytes when the source is shorter than announced. */
  read(start: number, end: number): Promise<ArrayBuffer>;
}

export interface SafetensorsEntry {
  name: string;
  /** As written in the file: 'F32', 'F16', 'BF16', ... */
  dtype: string;
  shape: number[];
  /** Absolute byte offsets in the file, [begin, end). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In the order of the JSON header. */
  tensors: SafetensorsEntry[];
  /** The optional `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
  /** Byte offset of the data section (8 + header length). */
  dataStart: number;
}

const DTYPES: Readonly<Record<string, ElementType>> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U64: 'uint64',
  U32: 'uint32',
  U16: 'uint16',
  U8: 'uint8',
  BOOL: 'bool',
};

/** Headers above this are refused, as the reference implementation does (100 MB). */
const MAX_HEADER = 100_000_000;

export function bytesFromArrayBuffer(buf: ArrayBuffer): ByteSource {
  return {
    size: buf.byteLength,
    read: async (start, end) => buf.slice(start, end),
  };
}

export function bytesFromBlob(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: (start, end) => blob.slice(start, end).arrayBuffer(),
  };
}

/** The element type of a safetensors dtype name, or undefined when it is not read. */
export function safetensorsElementType(dtype: string): ElementType | undefined {
  return Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
}

/** True when the first bytes look like a safetensors file (a sane length, then '{'). */
export function looksLikeSafetensors(first: Uint8Array): boolean {
  if (first.length < 9) return false;
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 4294967296;
  return n >= 2 && n <= MAX_HEADER && first[8] === 0x7b;
}

export async function readSafetensorsHeader(src: ByteSource): Promise<SafetensorsHeader> {
  if (src.size < 8) {
    throw new DataError(
      'truncated',
      `truncated file: ${src.size} bytes, too short for a safetensors header`,
    );
  }
  const lengthBuf = await src.read(0, 8);
  if (lengthBuf.byteLength < 8) {
    throw new DataError('truncated', 'truncated file: too short for a safetensors header');
  }
  const lv = new DataView(lengthBuf);
  const headerLength = lv.getUint32(0, true) + lv.getUint32(4, true) * 4294967296;
  if (headerLength > MAX_HEADER) {
    throw new DataError(
      'format',
      `not a safetensors file: header length ${headerLength} is implausibly large`,
    );
  }
  const dataStart = 8 + headerLength;
  if (dataStart > src.size) {
    throw new DataError(
      'truncated',
      `truncated file: header says it is ${headerLength} bytes long, the file has ${src.size - 8} after the length`,
      { expected: headerLength, found: src.size - 8 },
    );
  }
  const headerBuf = await src.read(8, dataStart);
  if (headerBuf.byteLength < headerLength) {
    throw new DataError(
      'truncated',
      `truncated file: header says it is ${headerLength} bytes long, found ${headerBuf.byteLength}`,
      {
        expected: headerLength,
        found: headerBuf.byteLength,
      },
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBuf));
  } catch (e) {
    throw new DataError('format', `unreadable safetensors header: ${(e as Error).message}`);
  }
  if (!isObject(json))
    throw new DataError('format', 'unreadable safetensors header: it is not a JSON object');

  const metadata: Record<string, string> = {};
  const tensors: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (isObject(value)) {
        // The format's metadata is a string-to-string map; other values are not kept (turning a
        // deep array into text would recurse once per level).
        for (const [k, v] of Object.entries(value)) if (typeof v === 'string') metadata[k] = v;
      }
      continue;
    }
    tensors.push(readEntry(name, value, dataStart, src.size));
  }
  return { tensors, metadata, dataStart };
}

function readEntry(
  name: string,
  value: unknown,
  dataStart: number,
  size: number,
): SafetensorsEntry {
  const bad = (what: string): never => {
    throw new DataError('format', `unreadable safetensors header: tensor '${name}' ${what}`, {
      tensor: name,
    });
  };
  if (!isObject(value)) return bad('is not an object');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return bad('has no dtype');
  if (!Array.isArray(shape) || !shape.every(isSize)) return bad('has no valid shape');
  checkShape(shape, `tensor '${name}'`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize))
    return bad('has no valid data_offsets');
  const [b, e] = offsets as [number, number];
  if (b > e) return bad(`has data_offsets [${b}, ${e}] that end before they begin`);
  const begin = dataStart + b;
  const end = dataStart + e;
  if (end > size) {
    throw new DataError(
      'truncated',
      `truncated file: tensor '${name}' lies at bytes ${begin}..${end}, the file has ${size}`,
      { tensor: name, expected: end, found: size },
    );
  }
  const type = safetensorsElementType(dtype);
  if (type !== undefined) {
    // Unknown dtypes are listed (the user may pick another tensor); their size cannot be checked.
    const expected = elementCount(shape as number[]) * ITEM_SIZE[type];
    if (expected !== e - b) {
      throw new DataError(
        'shape',
        `tensor '${name}' has shape [${(shape as number[]).join(', ')}] of ${dtype} (${expected} bytes) but ${e - b} bytes of data`,
        { tensor: name, expected, found: e - b },
      );
    }
  }
  return { name, dtype, shape: (shape as number[]).slice(), begin, end };
}

/** The header entry of a tensor, or an error listing the tensors the file has. */
export function findTensor(header: SafetensorsHeader, name: string): SafetensorsEntry {
  const entry = header.tensors.find((t) => t.name === name);
  if (entry === undefined) {
    const names = header.tensors.map((t) => t.name);
    const list =
      names.slice(0, 8).join(', ') + (names.length > 8 ? `, ... (${names.length} in all)` : '');
    throw new DataError(
      'format',
      `no tensor named '${name}' in the file; it has ${list || 'no tensors'}`,
      {
        tensor: name,
      },
    );
  }
  return entry;
}

/** Reads one tensor, requesting exactly its byte range from the source. */
export async function readSafetensorsTensor(
  src: ByteSource,
  header: SafetensorsHeader,
  name: string,
): Promise<Tensor> {
  const entry = findTensor(header, name);
  const type = safetensorsElementType(entry.dtype);
  if (type === undefined) {
    throw new DataError(
      'dtype',
      `tensor '${name}' has dtype ${entry.dtype}, which is not read (${Object.keys(DTYPES).join(', ')} are)`,
      { tensor: name, dtype: entry.dtype },
    );
  }
  const buf = await src.read(entry.begin, entry.end);
  return decodeSafetensorsBytes(entry, buf);
}

/** Decodes the bytes of one tensor (exactly its [begin, end) range) into a Tensor. */
export function decodeSafetensorsBytes(entry: SafetensorsEntry, buf: ArrayBuffer): Tensor {
  const type = safetensorsElementType(entry.dtype);
  if (type === undefined) {
    throw new DataError(
      'dtype',
      `tensor '${entry.name}' has dtype ${entry.dtype}, which is not read`,
      {
        tensor: entry.name,
        dtype: entry.dtype,
      },
    );
  }
  const needed = entry.end - entry.begin;
  if (buf.byteLength < needed) {
    throw new DataError(
      'truncated',
      `truncated file: tensor '${entry.name}' should have ${needed} bytes of data, found ${buf.byteLength}`,
      {
        tensor: entry.name,
        expected: needed,
        found: buf.byteLength,
      },
    );
  }
  const count = elementCount(entry.shape);
  const data = decodeElements(new Uint8Array(buf, 0, needed), type, count, true);
  return { dtype: type, shape: entry.shape.slice(), data };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
