/**
 * Exact conversion of IEEE 754 half precision (float16) and bfloat16 bit patterns to float32.
 * Every float16 value (subnormals included) and every bfloat16 value is exactly representable in
 * float32, so these conversions never round. Single values use bit arithmetic; bulk conversion of
 * float16 uses a 65536-entry table built on first use (256 KiB), bfloat16 needs no table: its bits
 * are the upper half of the float32 bits.
 */

/** float16 bits (0..0xFFFF) to its value. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** bfloat16 bits (0..0xFFFF) to its value. */
export function bfloat16ToNumber(bits: number): number {
  scratchU32[0] = (bits & 0xffff) << 16;
  return scratchF32[0];
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

let halfTable: Float32Array | null = null;

function float16Table(): Float32Array {
  if (halfTable === null) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16ToNumber(bits);
  }
  return halfTable;
}

/** Converts many float16 bit patterns; writes into `out` (allocated if absent). */
export function float16ArrayToFloat32(
  src: Uint16Array,
  out = new Float32Array(src.length),
): Float32Array {
  const table = float16Table();
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
  return out;
}

/** Converts many bfloat16 bit patterns; writes into `out` (allocated if absent). */
export function bfloat16ArrayToFloat32(
  src: Uint16Array,
  out = new Float32Array(src.length),
): Float32Array {
  // Writing integer bit patterns through a Uint32 view keeps NaN payloads and avoids float maths.
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) outBits[i] = src[i] << 16;
  return out;
}
