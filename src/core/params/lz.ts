/**
 * Bounded decoding of `?z=` links. Our links are compressed with lz-string's URI-safe form
 * (`compressToEncodedURIComponent`), and lz-string stays the compressor. Its decompressor cannot be
 * told to stop: LZ dictionaries grow by one entry per code, so n codes can expand to ~n²/2
 * characters, and a 10 KB link can ask for 16 M characters (a 50 KB one for more than a string
 * may hold). This module reads the same format but counts what it produces and gives up as soon as
 * the output passes a limit, so the work done is proportional to min(output, limit), never to what
 * the link asks for. Malformed input (bad codes, references ahead of the dictionary) is reported,
 * never thrown. The tests check it against lz-string's own compressor and decompressor.
 */

/** The alphabet of lz-string's URI-safe form; each character carries 6 bits. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const VALUE = new Map<string, number>([...ALPHABET].map((ch, i) => [ch, i]));

export type LzResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'too-long'; limit: number };

/**
 * Decodes lz-string's URI-safe form, producing at most `maxChars` characters. An empty input
 * decodes as invalid (as lz-string returns null for it).
 */
export function decompressUriSafe(input: string, maxChars: number): LzResult {
  if (input.length === 0) return { ok: false, reason: 'invalid' };
  // Form posts may turn '+' into ' '; lz-string undoes that the same way.
  const src = input.replace(/ /g, '+');
  const length = src.length;
  // Bit reader: each character gives 6 bits, most significant first; values are assembled
  // least significant bit first. Unknown characters read as 0, as in lz-string.
  let index = 0;
  let cur = VALUE.get(src.charAt(0)) ?? 0;
  let position = 32;
  index = 1;
  const read = (bits: number): number => {
    let out = 0;
    let power = 1;
    for (let b = 0; b < bits; b++) {
      if (cur & position) out += power;
      position >>= 1;
      if (position === 0) {
        position = 32;
        cur = VALUE.get(src.charAt(index++)) ?? 0;
      }
      power *= 2;
    }
    return out;
  };

  const dictionary: string[] = ['', '', ''];
  let dictSize = 4;
  let enlargeIn = 4;
  let numBits = 3;
  let w: string;
  switch (read(2)) {
    case 0:
      w = String.fromCharCode(read(8));
      break;
    case 1:
      w = String.fromCharCode(read(16));
      break;
    case 2:
      return { ok: true, text: '' };
    default:
      return { ok: false, reason: 'invalid' };
  }
  dictionary[3] = w;
  const parts: string[] = [w];
  let total = w.length;
  for (;;) {
    if (index > length) return { ok: false, reason: 'invalid' };
    let c = read(numBits);
    if (c === 0 || c === 1) {
      dictionary[dictSize] = String.fromCharCode(read(c === 0 ? 8 : 16));
      c = dictSize++;
      enlargeIn--;
    } else if (c === 2) {
      return { ok: true, text: parts.join('') };
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: string;
    if (c < dictSize && c >= 3) entry = dictionary[c]!;
    else if (c === dictSize) entry = w + w.charAt(0);
    else return { ok: false, reason: 'invalid' };
    total += entry.length;
    if (total > maxChars) return { ok: false, reason: 'too-long', limit: maxChars };
    parts.push(entry);
    dictionary[dictSize++] = w + entry.charAt(0);
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}
