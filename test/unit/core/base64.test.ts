// bytesFromBase64 against bytes written out by hand ("AAEC/w==" is 00 01 02 ff).
import { describe, it, expect } from 'vitest';
import { bytesFromBase64 } from '../../../src/core/base64';

describe('bytesFromBase64', () => {
  it('decodes padded base64', () => {
    expect([...bytesFromBase64('AAEC/w==')]).toEqual([0, 1, 2, 255]);
    expect([...bytesFromBase64('')]).toEqual([]);
  });
});
