import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import LZString from 'lz-string';
import { decompressUriSafe } from '../../../src/core/params/lz';

describe('bounded ?z= decompression', () => {
  it('reads what lz-string compresses (lz-string is the oracle)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const z = LZString.compressToEncodedURIComponent(s);
        expect(decompressUriSafe(z, 1e6)).toEqual({ ok: true, text: s });
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('agrees with lz-string on arbitrary link text wherever we read it', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$',
          ),
          maxLength: 60,
        }),
        (z) => {
          let theirs: string | null | undefined;
          try {
            theirs = LZString.decompressFromEncodedURIComponent(z);
          } catch {
            theirs = undefined;
          }
          const mine = decompressUriSafe(z, 1e6);
          // lz-string turns some malformed input into text (e.g. "wAo", whose first code is not a
          // literal); we refuse those. Whatever we do read must be what lz-string reads.
          if (mine.ok) expect(mine.text).toBe(theirs);
        },
      ),
      { seed: 18, numRuns: 500 },
    );
  });

  it('stops at the limit instead of expanding a bomb', () => {
    // (lz-string's compressor is slow on such input, so the bomb here is small; the ratio is the point.)
    const bomb = LZString.compressToEncodedURIComponent('a'.repeat(20_000));
    expect(bomb.length).toBeLessThan(300);
    expect(decompressUriSafe(bomb, 10_000)).toEqual({
      ok: false,
      reason: 'too-long',
      limit: 10_000,
    });
    expect(decompressUriSafe(bomb, 20_000)).toEqual({ ok: true, text: 'a'.repeat(20_000) });
  });

  it('reports "y3" (which throws inside lz-string) as invalid', () => {
    expect(() => LZString.decompressFromEncodedURIComponent('y3')).toThrow();
    expect(decompressUriSafe('y3', 1000)).toEqual({ ok: false, reason: 'invalid' });
  });
});
