/** The fuzz harness (test/fuzz) with a few hundred inputs per entry point, as part of `npm test`. */
import { expect, it } from 'vitest';
import { ENTRIES } from '../../fuzz/entries';
import { runEntry } from '../../fuzz/run';

const RUNS = Number(process.env.FUZZ_SMALL_RUNS ?? 200);

for (const [i, e] of ENTRIES.entries()) {
  it(`hostile input: ${e.name} (${RUNS} inputs)`, async () => {
    const files = e.name.startsWith('.') || e.name === 'CSV';
    const t = await runEntry(e, RUNS, 1000 + i, files);
    expect(t.examples).toEqual([]);
    expect(t.tried).toBe(RUNS);
  });
}
