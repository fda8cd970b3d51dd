// The pure parts of picture export: reading the message, the size rule, file names.
import { describe, expect, it } from 'vitest';
import { fileName, imageRequest, imageSize } from '../../../src/ui/export-image';

describe('imageRequest', () => {
  it('reads scale and transparency', () => {
    expect(imageRequest({ scale: 2, transparent: true })).toEqual({ scale: 2, transparent: true });
    expect(imageRequest({ scale: '4' })).toEqual({ scale: 4, transparent: false });
    expect(imageRequest({})).toEqual({ scale: 1, transparent: false });
    expect(imageRequest(null)).toEqual({ scale: 1, transparent: false });
    expect(imageRequest({ transparent: 'yes' })).toEqual({ scale: 1, transparent: false });
  });
  it('refuses other scales', () => {
    for (const scale of [3, 0, -1, 8, 'x', 1.5, null])
      expect(() => imageRequest({ scale })).toThrow(/scale must be 1, 2 or 4/);
  });
});

describe('imageSize', () => {
  it('multiplies the CSS size', () => {
    expect(imageSize(1200, 800, 2, 8192)).toEqual({ width: 2400, height: 1600 });
    expect(imageSize(801, 599, 4, 8192)).toEqual({ width: 3204, height: 2396 });
  });
  it('shrinks to what the GPU draws, keeping the aspect', () => {
    expect(imageSize(2560, 1440, 4, 8192)).toEqual({ width: 8192, height: 4608 });
    expect(imageSize(1000, 3000, 4, 4096)).toEqual({ width: 1365, height: 4096 });
  });
});

describe('fileName', () => {
  it('is made from the expression', () => {
    expect(fileName('out = (A @ B) @ C', 'png')).toBe('mm3d-out-A-B-C.png');
    expect(fileName('@@', 'webm')).toBe('mm3d.webm');
  });
});
