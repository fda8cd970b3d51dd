import { describe, it, expect } from 'vitest';
import { detectDelimiter, parseDelimited, parseCell } from '../../../src/data/csv';
import { errorOf } from './fixtures';

describe('parseDelimited', () => {
  it('reads a comma-separated matrix row by row', () => {
    const t = parseDelimited('1,2,3\n4,5,6\n');
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.dtype).toBe('text');
  });

  it('detects tabs', () => {
    const t = parseDelimited('1\t2\n3\t4');
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it('detects the delimiter of a single row with a final newline', () => {
    expect(parseDelimited('1\t2\t3\n').shape).toEqual([1, 3]);
    expect(parseDelimited('1,2,3\n').shape).toEqual([1, 3]);
  });

  it('detectDelimiter prefers the consistent delimiter', () => {
    expect(detectDelimiter('a, b\tc\n1\t2\n3\t4')).toBe('\t'); // a comma in a TSV header
    expect(detectDelimiter('1,2\n3,4\n')).toBe(',');
    expect(detectDelimiter('1\n2\n')).toBe(',');
    expect(detectDelimiter('')).toBe(',');
  });

  it('honours an explicit delimiter', () => {
    // With a tab delimiter, "1,5" is one (bad) cell, proving the comma is not used.
    const e = errorOf(() => parseDelimited('1,5\t2\n3\t4', { delimiter: '\t' }));
    expect(e.message).toBe("cell '1,5' at row 1, column 1 is not a number");
    expect(parseDelimited('1,2\n3,4', { delimiter: ',' }).shape).toEqual([2, 2]);
  });

  it('skips a header row whose cells are all non-numeric', () => {
    const t = parseDelimited('a,b,c\n1,2,3\n4,5,6');
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('does not skip a first row with some numbers in it', () => {
    const e = errorOf(() => parseDelimited('a,2,c\n1,2,3'));
    expect(e.kind).toBe('parse');
    expect(e.message).toBe("cell 'a' at row 1, column 1 is not a number");
  });

  it('ignores blank trailing lines and CRLF', () => {
    const t = parseDelimited('1,2\r\n3,4\r\n\r\n\r\n');
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it('names the ragged row (1-based, counted as in the file)', () => {
    const e = errorOf(() => parseDelimited('1,2,3,4\n5,6,7,8\n1,2,3,4,5\n'));
    expect(e.kind).toBe('shape');
    expect(e.message).toBe('row 3 has 5 cells, expected 4');
    expect(e.detail).toMatchObject({ row: 3, expected: 4, found: 5 });
  });

  it('counts the header as row 1', () => {
    const e = errorOf(() => parseDelimited('x,y\n1,2\n3\n'));
    expect(e.message).toBe('row 3 has 1 cell, expected 2');
  });

  it('names the unparsable cell', () => {
    const e = errorOf(() => parseDelimited('1,2,3\n4,5,abc\n'));
    expect(e.kind).toBe('parse');
    expect(e.message).toBe("cell 'abc' at row 2, column 3 is not a number");
    expect(e.detail).toMatchObject({ row: 2, column: 3, cell: 'abc' });
  });

  it('reports empty cells and blank rows inside the data', () => {
    expect(errorOf(() => parseDelimited('1,2\n3,\n')).message).toBe(
      'empty cell at row 2, column 2 is not a number',
    );
    expect(errorOf(() => parseDelimited('1,2\n\n3,4\n')).message).toBe(
      'row 2 is empty, expected 2 cells',
    );
  });

  it('accepts nan, inf, -inf, exponents, signs and spaces', () => {
    const t = parseDelimited('nan, inf ,-inf\n1e3,-2.5E-1,+.5\nNaN,Infinity,-0');
    expect(t.shape).toEqual([3, 3]);
    const d = Array.from(t.data);
    expect(d[0]).toBeNaN();
    expect(d.slice(1, 6)).toEqual([Infinity, -Infinity, 1000, -0.25, 0.5]);
    expect(d[6]).toBeNaN();
    expect(d[7]).toBe(Infinity);
    expect(Object.is(d[8], -0)).toBe(true);
  });

  it('rejects what Number() would accept but is not a decimal number', () => {
    expect(parseCell('0x10')).toBeUndefined();
    expect(parseCell('')).toBeUndefined();
    expect(parseCell('1,5')).toBeUndefined();
    expect(parseCell('1e')).toBeUndefined();
    expect(parseCell(' 7 ')).toBe(7);
  });

  it('stores float32 values', () => {
    expect(parseDelimited('0.1').data[0]).toBe(Math.fround(0.1));
  });

  it('reads quoted cells, a byte order mark and a single column', () => {
    const t = parseDelimited('\uFEFF"1"\n"2.5"\n3\n');
    expect(t.shape).toEqual([3, 1]);
    expect(Array.from(t.data)).toEqual([1, 2.5, 3]);
  });

  it('refuses empty files and header-only files', () => {
    expect(errorOf(() => parseDelimited('')).message).toBe('no data: the file is empty');
    expect(errorOf(() => parseDelimited('\n \n')).kind).toBe('parse');
    expect(errorOf(() => parseDelimited('a,b\n')).message).toBe(
      'no data: the file has a header row but no numbers',
    );
  });

  it('reports an unclosed quote', () => {
    const e = errorOf(() => parseDelimited('1,2\n"3,4\n'));
    expect(e.kind).toBe('parse');
    expect(e.message).toMatch(/never closed/);
  });

  it('reads a 256 x 768 generated matrix exactly', () => {
    const lines: string[] = [];
    for (let i = 0; i < 256; i++) {
      const row: string[] = [];
      for (let j = 0; j < 768; j++) row.push(String(i * 1000 + j));
      lines.push(row.join(','));
    }
    const t = parseDelimited(lines.join('\n'));
    expect(t.shape).toEqual([256, 768]);
    expect(t.data[0]).toBe(0);
    expect(t.data[767]).toBe(767);
    expect(t.data[768 * 255 + 5]).toBe(255005);
  });
});
