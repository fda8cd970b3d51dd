import { describe, it, expect } from 'vitest';
import {
  bfloat16ArrayToFloat32,
  bfloat16ToNumber,
  float16ArrayToFloat32,
  float16ToNumber,
} from '../../../src/data/float16';

// An independent reference: build the float32 bit pattern by hand (normals) or divide (subnormals).
function referenceHalf(bits: number): number {
  const sign = bits >> 15;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  if (e === 0) return (sign ? -1 : 1) * (m / 16777216);
  if (e === 31) u[0] = (sign << 31) | (0xff << 23) | (m << 13);
  else u[0] = (sign << 31) | ((e - 15 + 127) << 23) | (m << 13);
  return f[0];
}

describe('float16', () => {
  it.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x3555, 0.333251953125],
    [0x3800, 0.5],
    [0x0000, 0],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('0x%s is %s', (bits, value) => {
    expect(float16ToNumber(bits)).toBe(value);
  });

  it('keeps the sign of zero and reads NaNs', () => {
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7e00)).toBeNaN();
    expect(float16ToNumber(0xfc01)).toBeNaN();
  });

  it('agrees with an independent decoder on all 65536 patterns, in bulk too', () => {
    const all = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i;
    const bulk = float16ArrayToFloat32(all);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const ref = referenceHalf(i);
      const single = float16ToNumber(i);
      if (!Object.is(single, ref) || !Object.is(bulk[i], ref)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('bfloat16', () => {
  it.each([
    [0x3f80, 1],
    [0xc000, -2],
    [0x4049, 3.140625],
    [0x0001, 2 ** -133], // subnormal: float32 bits 0x00010000
    [0x7f7f, 3.3895313892515355e38], // largest finite
    [0x7f80, Infinity],
    [0xff80, -Infinity],
  ])('0x%s is %s', (bits, value) => {
    expect(bfloat16ToNumber(bits)).toBe(value);
  });

  it('reads NaN and -0, in bulk too', () => {
    expect(bfloat16ToNumber(0x7fc0)).toBeNaN();
    expect(Object.is(bfloat16ToNumber(0x8000), -0)).toBe(true);
    const out = bfloat16ArrayToFloat32(new Uint16Array([0x3f80, 0xc000, 0x7fc0, 0x8000, 0x0001]));
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(-2);
    expect(out[2]).toBeNaN();
    expect(Object.is(out[3], -0)).toBe(true);
    expect(out[4]).toBe(2 ** -133);
  });
});
