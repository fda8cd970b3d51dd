/**
 * Reading delimited text (CSV, TSV) into a 2-D Tensor. Papaparse splits the text into records
 * (quotes, CRLF); this module picks comma or tab and owns what a matrix file means: a first row
 * whose cells are all non-numeric is a header and is skipped, every other row must have as many
 * cells as the first, every cell must be a number (`nan`, `inf`, `-inf` too), and blank lines at
 * the start and end are ignored (inside the data they are an error). Rows and columns in messages
 * are 1-based, counted as in the file (a header is row 1). */

import Papa from 'papaparse';
import { DataError, type Tensor } from './types';

export interface DelimitedOptions {
  /** Default 'auto': comma or tab, whichever splits the first rows consistently. */
  delimiter?: ',' | '\t' | 'auto';
}

// Each part can match in one way only (no `\d+\.?\d*`, which splits a run of digits in n ways),
// so a long cell is read in linear time.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** The value of one cell, or undefined when it is not a number. Surrounding spaces are allowed. */
export function parseCell(cell: string): number | undefined {
  const s = cell.trim();
  if (DECIMAL.test(s)) return Number(s);
  const special = SPECIAL[s.toLowerCase()];
  return special;
}

export function parseDelimited(text: string, opts: DelimitedOptions = {}): Tensor {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
  const wanted = opts.delimiter ?? 'auto';
  const result = Papa.parse<string[]>(text, {
    delimiter: wanted === 'auto' ? detectDelimiter(text) : wanted,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  });
  for (const e of result.errors) {
    const where = e.row !== undefined ? ` in row ${e.row + 1}` : '';
    throw new DataError('parse', `${describeQuoteError(e.code)}${where}`, {
      row: e.row !== undefined ? e.row + 1 : undefined,
    });
  }

  const rows = result.data;
  let end = rows.length;
  while (end > 0 && isBlank(rows[end - 1])) end--;
  let top = 0;
  while (top < end && isBlank(rows[top])) top++;
  if (top === end) throw new DataError('parse', 'no data: the file is empty');

  const first = rows[top];
  const hasHeader = first.every((cell) => parseCell(cell) === undefined);
  const start = hasHeader ? top + 1 : top;
  if (start >= end)
    throw new DataError('parse', 'no data: the file has a header row but no numbers');

  const cols = first.length;
  const nRows = end - start;
  // Every row's width is checked before the matrix is allocated: the first row alone must not
  // decide how much memory a short file asks for.
  for (let r = start; r < end; r++) checkWidth(rows[r], r, cols);
  const data = new Float32Array(nRows * cols);
  for (let r = start; r < end; r++) {
    const row = rows[r];
    const base = (r - start) * cols;
    for (let c = 0; c < cols; c++) {
      const v = parseCell(row[c]);
      if (v === undefined) {
        const cell = row[c];
        const what = cell.trim() === '' ? 'empty cell' : `cell '${clip(cell)}'`;
        throw new DataError('parse', `${what} at row ${r + 1}, column ${c + 1} is not a number`, {
          row: r + 1,
          column: c + 1,
          cell,
        });
      }
      data[base + c] = v;
    }
  }
  return { dtype: 'text', shape: [nRows, cols], data };
}

/**
 * Comma or tab, from the first non-blank lines: the one that appears the same number of times on
 * each (a consistent column count) wins, else the one more frequent on the first line; a single
 * column reads as comma. Papaparse's own guess fails on a single row with a final newline, and a
 * one-row matrix is a common file here.
 */
export function detectDelimiter(text: string): ',' | '\t' {
  const lines = text
    .slice(0, 65536)
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '')
    .slice(0, 10);
  if (lines.length === 0) return ',';
  const counts = (d: string) => lines.map((l) => l.split(d).length - 1);
  const commas = counts(',');
  const tabs = counts('\t');
  // The last previewed line may be cut by the 64 KiB window: leave it out of the comparison.
  const complete = lines.length > 1 && text.length > 65536 ? lines.length - 1 : lines.length;
  const consistent = (c: number[]) => c[0] > 0 && c.slice(0, complete).every((n) => n === c[0]);
  const commaOk = consistent(commas);
  const tabOk = consistent(tabs);
  if (commaOk !== tabOk) return tabOk ? '\t' : ',';
  return tabs[0] > commas[0] ? '\t' : ',';
}

function checkWidth(row: string[], r: number, cols: number): void {
  if (row.length === cols) return;
  const what = isBlank(row)
    ? 'is empty'
    : `has ${row.length} ${row.length === 1 ? 'cell' : 'cells'}`;
  throw new DataError(
    'shape',
    `row ${r + 1} ${what}, expected ${cols}${isBlank(row) ? ' cells' : ''}`,
    {
      row: r + 1,
      expected: cols,
      found: row.length,
    },
  );
}

function isBlank(row: string[]): boolean {
  return row.length === 0 || (row.length === 1 && row[0].trim() === '');
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function describeQuoteError(code: string): string {
  switch (code) {
    case 'MissingQuotes':
      return 'a quoted cell is never closed';
    case 'InvalidQuotes':
      return 'misplaced quote';
    default:
      return `unreadable text (${code})`;
  }
}
