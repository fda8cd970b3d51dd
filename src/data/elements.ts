/**
 * Decoding of raw element bytes (as stored by .npy and .safetensors) into float32, for every
 * element type the readers accept, in either byte order. The bytes are copied once into an aligned
 * buffer (byte-swapped there when the file's order differs from the machine's), then read through
 * the matching typed array. 64-bit integers are combined from two 32-bit halves, which is exact up
 * to 2^53 and then rounds like any conversion to float.
 */

import { DataError } from './types';
import { bfloat16ArrayToFloat32, float16ArrayToFloat32 } from './float16';

export type ElementType =
  | 'float64'
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

export const ITEM_SIZE: Readonly<Record<ElementType, number>> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
};

const MACHINE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Converts `count` elements of `type` starting at `bytes[0]` to a fresh Float32Array.
 * `bytes` must hold at least count * itemsize bytes (callers check and report truncation).
 */
export function decodeElements(
  bytes: Uint8Array,
  type: ElementType,
  count: number,
  littleEndian: boolean,
): Float32Array {
  const size = ITEM_SIZE[type];
  const byteLength = count * size;
  if (bytes.length < byteLength) {
    throw new DataError(
      'truncated',
      `truncated data: expected ${byteLength} bytes, found ${bytes.length}`,
      {
        expected: byteLength,
        found: bytes.length,
      },
    );
  }
  if (type === 'float32' && littleEndian === MACHINE_LITTLE_ENDIAN) {
    // The copy is the result: Float32Array over a fresh buffer of exactly the data.
    return new Float32Array(bytes.slice(0, byteLength).buffer);
  }
  if (size === 1) {
    const out = new Float32Array(count);
    if (type === 'int8') {
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset, count));
    } else if (type === 'bool') {
      for (let i = 0; i < count; i++) out[i] = bytes[i] !== 0 ? 1 : 0;
    } else {
      out.set(bytes.subarray(0, count));
    }
    return out;
  }

  const aligned = bytes.slice(0, byteLength); // fresh buffer, offset 0: aligned for any type
  if (littleEndian !== MACHINE_LITTLE_ENDIAN) swapBytes(aligned, size);
  const buf = aligned.buffer;
  switch (type) {
    case 'float64':
      return widen(new Float64Array(buf));
    case 'float32':
      return new Float32Array(buf);
    case 'float16':
      return float16ArrayToFloat32(new Uint16Array(buf));
    case 'bfloat16':
      return bfloat16ArrayToFloat32(new Uint16Array(buf));
    case 'int16':
      return widen(new Int16Array(buf));
    case 'uint16':
      return widen(new Uint16Array(buf));
    case 'int32':
      return widen(new Int32Array(buf));
    case 'uint32':
      return widen(new Uint32Array(buf));
    case 'int64':
      return combine64(buf, count, true);
    case 'uint64':
      return combine64(buf, count, false);
    default:
      throw new Error(`unreachable element type ${type}`);
  }
}

/** Typed-array `set` converts element-wise, much faster than Float32Array.from. */
function widen(
  src: Float64Array | Int16Array | Uint16Array | Int32Array | Uint32Array,
): Float32Array {
  const out = new Float32Array(src.length);
  out.set(src);
  return out;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** 64-bit integers in machine order: value = high * 2^32 + low (high signed for int64). */
function combine64(buf: ArrayBuffer, count: number, signed: boolean): Float32Array {
  const u32 = new Uint32Array(buf);
  const i32 = new Int32Array(buf);
  const lo = MACHINE_LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const high = signed ? i32[2 * k + hi] : u32[2 * k + hi];
    out[k] = high * 4294967296 + u32[2 * k + lo];
  }
  return out;
}

/**
 * Reorders Fortran-order (column-major) values of `shape` into C order (row-major).
 * The Fortran layout of shape (d0..dn) is the C layout of the reversed shape.
 */
export function fortranToC(src: Float32Array, shape: readonly number[]): Float32Array {
  const n = src.length;
  const out = new Float32Array(n);
  const rank = shape.length;
  if (rank < 2 || n === 0) {
    out.set(src);
    return out;
  }
  // C strides of each dimension.
  const cStride = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    cStride[d] = s;
    s *= shape[d];
  }
  // Walk the source in its own order (first dimension fastest), tracking the C offset.
  const index = new Array<number>(rank).fill(0);
  let cOffset = 0;
  for (let k = 0; k < n; k++) {
    out[cOffset] = src[k];
    for (let d = 0; d < rank; d++) {
      index[d]++;
      cOffset += cStride[d];
      if (index[d] < shape[d]) break;
      cOffset -= cStride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
