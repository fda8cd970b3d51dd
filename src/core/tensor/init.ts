/**
 * Initializers (docs/parameters.md, "Initializers"): the values of a plain matrix from its
 * settings. Position-based ones are spread over [min, max]; random ones are seeded by (matrix name,
 * seed) so links are reproducible; `dropout` zeroes a fraction of values for the range-based and
 * random kinds. `url` data arrives from outside (src/data), so here it only reserves a zero matrix.
 */
import { fillGaussian, hashString, makeRng } from './rng';
import { fillFormula } from './formula';
import type { MatrixArg } from '../params/schema';

/** What an initializer reads of a matrix's settings. */
/** What an initializer reads; `init` is any text, since an unknown one is reported, not assumed away. */
export type InitSpec = Pick<
  MatrixArg,
  'name' | 'h' | 'w' | 'min' | 'max' | 'dropout' | 'seed' | 'expr'
> & { init: string };

export interface InitResult {
  data: Float32Array;
  /** Set when the matrix could not be made as asked (it is then all zeros). */
  error?: string;
}

const DROPOUT_KINDS = new Set([
  'rows',
  'cols',
  'row major',
  'col major',
  'uniform',
  'gaussian',
  'pt linear',
]);

export function initMatrix(s: InitSpec): InitResult {
  const { h, w, min, max } = s;
  const n = h * w;
  const out = new Float32Array(n);
  const span = max - min;
  const seed = hashString(s.name) ^ Math.imul(s.seed | 0, 0x9e3779b1);
  const rng = makeRng(seed);
  let error: string | undefined;
  switch (s.init) {
    case 'rows':
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) out[i * w + j] = min + span * (h > 1 ? i / (h - 1) : 0);
      break;
    case 'cols':
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) out[i * w + j] = min + span * (w > 1 ? j / (w - 1) : 0);
      break;
    case 'row major':
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          out[i * w + j] = min + span * (n > 1 ? (i * w + j) / (n - 1) : 0);
      break;
    case 'col major':
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          out[i * w + j] = min + span * (n > 1 ? (j * h + i) / (n - 1) : 0);
      break;
    case 'uniform':
      for (let x = 0; x < n; x++) out[x] = min + span * rng.next();
      break;
    case 'gaussian': {
      const mean = (min + max) / 2;
      const sd = span / 2;
      fillGaussian(out, seed, mean, sd);
      break;
    }
    case 'pt linear': {
      const b = 1 / Math.sqrt(w);
      for (let x = 0; x < n; x++) out[x] = -b + 2 * b * rng.next();
      break;
    }
    case 'tril mask':
      for (let i = 0; i < h; i++) for (let j = 0; j <= Math.min(i, w - 1); j++) out[i * w + j] = 1;
      break;
    case 'triu mask':
      for (let i = 0; i < h; i++) for (let j = i; j < w; j++) out[i * w + j] = 1;
      break;
    case 'eye':
      for (let i = 0; i < Math.min(h, w); i++) out[i * w + i] = 1;
      break;
    case 'diff':
      for (let i = 0; i < h; i++) {
        if (i < w) out[i * w + i] = 1;
        if (i - 1 >= 0 && i - 1 < w) out[i * w + i - 1] = -1;
      }
      break;
    case 'expr':
      try {
        fillFormula(s.expr, h, w, out);
      } catch (e) {
        out.fill(0);
        error = `formula: ${e instanceof Error ? e.message : String(e)}`;
      }
      break;
    case 'url':
      // Filled later from loaded data; zeros until then.
      break;
    default:
      error = `unknown initializer ${JSON.stringify(s.init)}`;
  }
  if (s.dropout > 0 && DROPOUT_KINDS.has(s.init)) {
    const drop = makeRng(hashString(s.name) ^ 0x5bd1e995 ^ Math.imul((s.seed | 0) + 1, 0x27d4eb2d));
    for (let x = 0; x < n; x++) if (drop.next() < s.dropout) out[x] = 0;
  }
  return error ? { data: out, error } : { data: out };
}
