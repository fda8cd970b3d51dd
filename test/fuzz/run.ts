/**
 * Runs the fuzz entries (entries.ts) and tallies, per entry point: inputs tried, uncaught errors
 * (anything but the entry's own clear error type), hangs (an input taking over 1 s), schema
 * violations (an accepted state outside the schema, or one that does not survive its own link),
 * over-allocations (an array asked for more than 8x the input's bytes, plus a small constant),
 * and code executed (a payload that would set a global, or a key added to Object.prototype).
 * Seeds are fixed, so a run is repeatable.
 */
import fc from 'fast-check';
import { CANARY, ENTRIES, type Entry } from './entries';
import { schemaViolations } from './schema-check';
import { decodeQuery, encodeState } from '../../src/core/params/url';

export interface Tally {
  entry: string;
  tried: number;
  uncaught: number;
  hangs: number;
  schema: number;
  overAlloc: number;
  executed: number;
  /** Slowest input in ms. */
  slowest: number;
  examples: string[];
}

const HANG_MS = 1000;
/** An array may be this many times the input's bytes (plus SLACK bytes) before it counts as over-allocation. */
const ALLOC_RATIO = 8;
/** Room for one-time tables (the float16 lookup table is 256 KiB) and small fixed buffers. */
const SLACK = 512 * 1024;

/** Largest array (in bytes) constructed while `f` runs. */
async function measureAlloc<T>(f: () => Promise<T>): Promise<{ value: T; maxBytes: number }> {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = [
    'Float32Array',
    'Float64Array',
    'Uint8Array',
    'Int32Array',
    'Uint16Array',
    'ArrayBuffer',
    'Array',
  ] as const;
  const originals = names.map((n) => g[n]);
  let maxBytes = 0;
  names.forEach((n, i) => {
    const Orig = originals[i] as new (...a: unknown[]) => object;
    const bytesPer =
      n === 'ArrayBuffer' || n === 'Uint8Array'
        ? 1
        : n === 'Float64Array'
          ? 8
          : n === 'Uint16Array'
            ? 2
            : n === 'Array'
              ? 8
              : 4;
    g[n] = new Proxy(Orig, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') maxBytes = Math.max(maxBytes, args[0] * bytesPer);
        return Reflect.construct(target, args, newTarget === g[n] ? target : newTarget) as object;
      },
    });
  });
  try {
    const value = await f();
    return { value, maxBytes };
  } finally {
    names.forEach((n, i) => (g[n] = originals[i]));
  }
}

function protoKeys(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

export async function runEntry(
  e: Entry<never>,
  numRuns: number,
  seed: number,
  instrument: boolean,
): Promise<Tally> {
  const t: Tally = {
    entry: e.name,
    tried: 0,
    uncaught: 0,
    hangs: 0,
    schema: 0,
    overAlloc: 0,
    executed: 0,
    slowest: 0,
    examples: [],
  };
  const note = (what: string, input: unknown): void => {
    if (t.examples.length < 5) t.examples.push(`${what}: ${e.show(input as never).slice(0, 160)}`);
  };
  const baseProto = protoKeys();
  await fc.assert(
    fc.asyncProperty(e.arb, async (input) => {
      t.tried++;
      const start = performance.now();
      let outcome;
      let maxBytes = 0;
      try {
        if (instrument) {
          const m = await measureAlloc(async () => e.run(input as never));
          outcome = m.value;
          maxBytes = m.maxBytes;
        } else outcome = await e.run(input as never);
      } catch (err) {
        t.uncaught++;
        note(
          `uncaught ${err instanceof Error ? `${err.name}: ${err.message.slice(0, 80)}` : String(err)}`,
          input,
        );
        outcome = null;
      }
      const ms = performance.now() - start;
      t.slowest = Math.max(t.slowest, ms);
      if (ms > HANG_MS) {
        t.hangs++;
        note(`hang ${ms.toFixed(0)} ms`, input);
      }
      const g = globalThis as unknown as Record<string, unknown>;
      if (g[CANARY] !== undefined || protoKeys() !== baseProto) {
        t.executed++;
        note('code executed', input);
        Reflect.deleteProperty(g, CANARY);
      }
      if (outcome?.kind === 'state') {
        const v = schemaViolations(outcome.params);
        let roundTrip = '';
        if (v.length === 0) {
          const back = decodeQuery(encodeState(outcome.params)).params;
          if (JSON.stringify(back) !== JSON.stringify(outcome.params))
            roundTrip = 'does not survive its own link';
        }
        if (v.length || roundTrip) {
          t.schema++;
          note(`schema: ${v.slice(0, 2).join('; ') || roundTrip}`, input);
        }
        const size = JSON.stringify(outcome.params).length * 2;
        if (size > ALLOC_RATIO * outcome.inputSize * 2 + 4 * SLACK) {
          t.overAlloc++;
          note(`state of ${size} bytes from ${outcome.inputSize} characters`, input);
        }
      }
      const inputBytes = outcome && 'inputSize' in outcome ? outcome.inputSize : 0;
      if (instrument && maxBytes > ALLOC_RATIO * Math.max(inputBytes, approxBytes(input)) + SLACK) {
        t.overAlloc++;
        note(`asked for ${maxBytes} bytes`, input);
      }
      return true;
    }),
    { seed, numRuns, endOnFailure: true },
  );
  return t;
}

function approxBytes(input: unknown): number {
  if (input instanceof ArrayBuffer) return input.byteLength;
  if (typeof input === 'string') return input.length * 3;
  return 0;
}

export async function runAll(numRuns: number, seed = 17): Promise<Tally[]> {
  const out: Tally[] = [];
  for (const [i, e] of ENTRIES.entries()) {
    const files = e.name.startsWith('.') || e.name === 'CSV';
    out.push(await runEntry(e, numRuns, seed + i, files));
  }
  return out;
}

export function table(ts: Tally[]): string {
  const head = [
    'entry point',
    'inputs',
    'uncaught',
    'hangs >1 s',
    'schema',
    'over-alloc',
    'code executed',
    'slowest ms',
  ];
  const rows = ts.map((t) =>
    [
      t.entry,
      t.tried,
      t.uncaught,
      t.hangs,
      t.schema,
      t.overAlloc,
      t.executed,
      t.slowest.toFixed(0),
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
