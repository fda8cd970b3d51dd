/**
 * The shared vocabulary of the data readers: a `Tensor` (any rank, values converted to float32,
 * row-major) and `DataError`, the one error type every reader and the loader throw. A DataError's
 * `message` is written for the user ("row 3 has 5 cells, expected 4"); `kind` lets the UI pick a
 * treatment and `detail` carries the numbers behind the message. Errors cross the worker boundary
 * as plain objects (`toPlainError` / `fromPlainError`) because structured clone drops the class.
 */

export interface Tensor {
  /** The element type in the source, normalized: 'float32', 'float16', 'bfloat16', 'int64',
   *  'bool', ...; 'text' for CSV/TSV. The values in `data` are always float32. */
  dtype: string;
  /** Dimensions, outermost first. [] is a scalar (one value). */
  shape: number[];
  /** Row-major (C order) values, length = product of shape. Owns its whole buffer. */
  data: Float32Array;
}

export type DataErrorKind =
  | 'http' // the server answered with an error status (404, 500, ...)
  | 'cors' // fetch rejected: CORS refusal or network failure (the browser does not say which)
  | 'network' // the connection broke or the request was cancelled
  | 'parse' // a cell or header could not be read
  | 'shape' // rows of different lengths, shape/size mismatch, slice outside the tensor
  | 'dtype' // an element type we cannot convert (complex, object, ...)
  | 'truncated' // the file ends before the data it announces
  | 'too-large' // over the size limit
  | 'format'; // not the file type it claims, or a tensor that is not there

export interface DataErrorDetail {
  url?: string;
  status?: number;
  /** 1-based row / column as the user sees them in a text file. */
  row?: number;
  column?: number;
  cell?: string;
  dtype?: string;
  expected?: number;
  found?: number;
  limit?: number;
  tensor?: string;
}

export class DataError extends Error {
  override readonly name = 'DataError';
  readonly kind: DataErrorKind;
  readonly detail: DataErrorDetail;

  constructor(kind: DataErrorKind, message: string, detail: DataErrorDetail = {}) {
    super(message);
    this.kind = kind;
    this.detail = detail;
  }
}

export interface PlainDataError {
  kind: DataErrorKind;
  message: string;
  detail: DataErrorDetail;
}

/** For postMessage: anything thrown becomes a plain DataError record (unknown errors: 'format'). */
export function toPlainError(err: unknown): PlainDataError {
  if (err instanceof DataError) return { kind: err.kind, message: err.message, detail: err.detail };
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'format', message: message || 'unknown error while reading the data', detail: {} };
}

export function fromPlainError(plain: PlainDataError): DataError {
  return new DataError(plain.kind, plain.message, plain.detail);
}

/** Product of a shape; 1 for a scalar. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Byte counts for messages: "4096 bytes", "1.5 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${n} bytes`;
  if (n < 1024 * 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${+(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}
