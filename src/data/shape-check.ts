/**
 * Shapes announced by file headers (.npy, .safetensors), checked before anything is allocated or
 * sliced: a header is only a claim. A dimension must be a whole number no larger than any real
 * tensor's (2^31 - 1), a shape has at most 64 dimensions (NumPy's own limit), and with a zero
 * somewhere the other dimensions still have to be sizes (`[1e308, 0]` holds no data but is not a
 * shape).
 */
import { DataError } from './types';

export const MAX_EXTENT = 2 ** 31 - 1;
export const MAX_RANK = 64;

/** Throws a DataError naming the bound when `shape` is not a plausible tensor shape. */
export function checkShape(shape: readonly unknown[], what: string): asserts shape is number[] {
  if (shape.length > MAX_RANK) {
    throw new DataError(
      'shape',
      `${what} has ${shape.length} dimensions; at most ${MAX_RANK} are read`,
    );
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_EXTENT) {
      throw new DataError(
        'shape',
        `${what} has a dimension ${String(d)}; dimensions are whole numbers up to ${MAX_EXTENT}`,
      );
    }
  }
}
