/**
 * Reading NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) into a Tensor. The header is a
 * Python dict literal, read here by a small literal parser (never evaluated); this module owns the
 * format checks (magic, version, header keys), the dtype table (floats, ints, bool in either byte
 * order), truncation checks and the reordering of Fortran-order arrays to row-major.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

import { DataError, elementCount, type Tensor } from './types';
import { decodeElements, fortranToC, ITEM_SIZE, type ElementType } from './elements';
import { checkShape } from './shape-check';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const KIND_TYPES: Readonly<Record<string, ElementType>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
};

/** True when the bytes start with the .npy magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function parseNpy(buf: ArrayBuffer): Tensor {
  const bytes = new Uint8Array(buf);
  if (bytes.length < 10 || !isNpy(bytes)) {
    throw new DataError('format', 'not a .npy file (it does not start with \\x93NUMPY)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw new DataError(
      'format',
      `unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`,
    );
  }
  const view = new DataView(buf);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart) {
    throw new DataError('truncated', 'truncated file: the .npy header length is cut off');
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new DataError(
      'truncated',
      `truncated file: header says it is ${headerLength} bytes long, found ${bytes.length - headerStart}`,
      { expected: headerLength, found: bytes.length - headerStart },
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText =
    major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);
  const header = readHeader(headerText);

  const { type, littleEndian } = npyDtype(header.descr);
  const count = elementCount(header.shape);
  const needed = count * ITEM_SIZE[type];
  const found = bytes.length - dataStart;
  if (found < needed) {
    throw new DataError(
      'truncated',
      `truncated file: header says ${needed} bytes of data, found ${found}`,
      {
        expected: needed,
        found,
      },
    );
  }
  let data = decodeElements(
    bytes.subarray(dataStart, dataStart + needed),
    type,
    count,
    littleEndian,
  );
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { dtype: type, shape: header.shape, data };
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function readHeader(text: string): NpyHeader {
  let value: PyValue;
  try {
    value = parsePyLiteral(text);
  } catch (e) {
    throw new DataError('format', `unreadable .npy header: ${(e as Error).message}`);
  }
  if (!(value instanceof Map))
    throw new DataError('format', 'unreadable .npy header: it is not a dict');
  const descr = value.get('descr');
  const fortran = value.get('fortran_order');
  const shape = value.get('shape');
  if (typeof descr !== 'string') {
    throw new DataError(
      'dtype',
      `unsupported dtype ${describePy(descr)} (structured arrays are not read)`,
      {
        dtype: describePy(descr),
      },
    );
  }
  if (typeof fortran !== 'boolean') {
    throw new DataError('format', "unreadable .npy header: 'fortran_order' must be True or False");
  }
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
  ) {
    throw new DataError('format', "unreadable .npy header: 'shape' must be a tuple of sizes");
  }
  checkShape(shape, 'the .npy header');
  return { descr, fortranOrder: fortran, shape: shape as number[] };
}

/** '<f4' → float32 little-endian, with errors naming what is not supported. */
export function npyDtype(descr: string): { type: ElementType; littleEndian: boolean } {
  const order = descr[0];
  const kind = descr.slice(1);
  const type = KIND_TYPES[kind];
  if ('<>|='.includes(order) && descr.length > 1 && type !== undefined) {
    const size = ITEM_SIZE[type];
    // '|' (not applicable) is only valid for one-byte types; '=' means the writer's machine order.
    if (order === '|' && size !== 1) return unsupported(descr);
    return { type, littleEndian: order !== '>' };
  }
  return unsupported(descr);
}

function unsupported(descr: string): never {
  const k = descr.replace(/^[<>|=]/, '')[0];
  const why =
    k === 'c'
      ? ' (complex numbers)'
      : k === 'O'
        ? ' (Python objects)'
        : k === 'U' || k === 'S'
          ? ' (strings)'
          : k === 'M' || k === 'm'
            ? ' (dates)'
            : k === 'V'
              ? ' (raw bytes)'
              : '';
  throw new DataError(
    'dtype',
    `unsupported dtype '${descr}'${why}; floats, ints and bools are read`,
    {
      dtype: descr,
    },
  );
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

// ---- Python literal parser: dicts, tuples, lists, strings, ints, floats, True/False/None ----

export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

export function parsePyLiteral(text: string): PyValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };

  // Items up to `close`, trailing comma allowed.
  const sequence = (close: string, item: () => void): void => {
    skipSpace();
    while (text[pos] !== close) {
      item();
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail(`expected ',' or '${close}'`);
      skipSpace();
    }
    pos++;
  };

  // Containers nest at most this deep (a real header nests two levels); recursion stays shallow.
  let depth = 0;
  const value = (): PyValue => {
    skipSpace();
    const ch = text[pos];
    if (ch === undefined) return fail('unexpected end');
    if ((ch === '{' || ch === '(' || ch === '[') && depth >= 32)
      return fail('nested deeper than 32 levels');
    depth++;
    try {
      return container(ch);
    } finally {
      depth--;
    }
  };

  const container = (ch: string): PyValue => {
    if (ch === '{') {
      pos++;
      const map = new Map<string, PyValue>();
      sequence('}', () => {
        const key = value();
        if (typeof key !== 'string') fail('dict keys must be strings');
        expect(':');
        map.set(key as string, value());
      });
      return map;
    }
    if (ch === '(' || ch === '[') {
      pos++;
      const items: PyValue[] = [];
      sequence(ch === '(' ? ')' : ']', () => items.push(value()));
      return items;
    }
    if (ch === "'" || ch === '"') return str(ch);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos, pos + 16));
    if (word) {
      const w = word[0];
      const known: Record<string, PyValue> = { True: true, False: false, None: null };
      if (!(w in known)) fail(`unknown name '${w}'`);
      pos += w.length;
      return known[w];
    }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[lL]?/.exec(text.slice(pos, pos + 64));
    if (num) {
      pos += num[0].length;
      return Number(num[0].replace(/[lL]$/, ''));
    }
    return fail(`unexpected '${ch}'`);
  };

  const str = (quote: string): string => {
    pos++;
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\' && pos + 1 < text.length) pos++;
      out += text[pos++];
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return out;
  };

  const result = value();
  skipSpace();
  if (pos < text.length) fail('unexpected text after the value');
  return result;
}

function describePy(v: PyValue | undefined): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'a list of fields';
  return String(v);
}
