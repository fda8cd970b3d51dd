// Types of data.mjs (the training data) for the TypeScript tests.
export interface Rng {
  next(): number;
  int(n: number): number;
}
export function makeRng(seed: number): Rng;
export function useAlphabet(name: 'printable' | 'alnum'): void;
export function usePairSpan(lo: number, hi: number): void;
export function makeBatch(
  rng: Rng,
  corpus: number[],
  B: number,
  T: number,
  only?: string,
  mix?: number[],
  minSpan?: number,
  skew?: number,
  triples?: number,
): { input: Int32Array; target: Int32Array; known: Float32Array };
export function makePrimerBatch(
  rng: Rng,
  corpus: number[],
  B: number,
  T: number,
): { input: Int32Array; target: Int32Array; known: Float32Array };
