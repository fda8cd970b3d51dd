// Types of make-gpt2-fixture.mjs for the TypeScript tests.
export interface FixtureEntry {
  dtype: string;
  shape: number[];
  /** Absolute byte offsets in the file. */
  begin: number;
  end: number;
}
export interface FixtureOptions {
  layers?: number;
  d?: number;
  vocab?: number;
  ctx?: number;
  dtype?: 'F32' | 'F16' | 'BF16';
  prefix?: string;
  seed?: number;
  dtypeOf?: (name: string) => string | undefined;
}
export interface FixtureLayout {
  size: number;
  dataStart: number;
  header: Record<string, FixtureEntry>;
  config: { layers: number; d: number; vocab: number; ctx: number };
}
export function makeGpt2Fixture(file: string, opts?: FixtureOptions): FixtureLayout;
export function readFixtureTensor(
  file: string,
  entry: FixtureEntry,
  rows?: [number, number],
): Float32Array;
