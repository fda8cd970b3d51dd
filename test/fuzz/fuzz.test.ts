/**
 * `npm run fuzz`: at least 10,000 generated inputs per entry point (FUZZ_RUNS), then a table of
 * findings and the time to decode a 10,000-character link of each form (printed, not asserted).
 */
import { expect, it } from 'vitest';
import LZString from 'lz-string';
import { runAll, table } from './run';
import { decodeQuery, encodeNumbered } from '../../src/core/params/url';
import { normalize } from '../../src/core/params/normalize';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

it(`fuzzes every entry point with ${RUNS} inputs each`, async () => {
  const tallies = await runAll(RUNS);
  console.log(table(tallies));
  for (const t of tallies)
    if (t.examples.length) console.log(`${t.entry}:\n  ${t.examples.join('\n  ')}`);
  console.log(linkTimes());
  for (const t of tallies)
    expect({
      entry: t.entry,
      uncaught: t.uncaught,
      hangs: t.hangs,
      schema: t.schema,
      overAlloc: t.overAlloc,
      executed: t.executed,
    }).toEqual({ entry: t.entry, uncaught: 0, hangs: 0, schema: 0, overAlloc: 0, executed: 0 });
}, 3_600_000);

/** Time to decode a 10,000-character link of each form (median of 5). */
function linkTimes(): string {
  const chain = Array.from({ length: 2500 }, () => 'A').join('@');
  const big = normalize({ expr: 'out = (attn = Q @ K) @ V' }).params;
  const links: [string, string][] = [
    ['readable', 'expr=' + encodeURIComponent(chain).slice(0, 9995)],
    [
      'z',
      'z=' +
        LZString.compressToEncodedURIComponent(
          JSON.stringify({ expr: 'L @ R', name: 'x'.repeat(30_000) }),
        ).padEnd(9998, 'A'),
    ],
    ['z bomb', 'z=' + LZString.compressToEncodedURIComponent('a'.repeat(50_000)).padEnd(9998, 'A')],
    ['params', 'params=' + encodeURIComponent(JSON.stringify({ expr: chain.slice(0, 9900) }))],
    ['numbered', (encodeNumbered(big) + '&99=' + 'x'.repeat(10_000)).slice(0, 10_000)],
  ];
  const rows = links.map(([name, q]) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      decodeQuery(q);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return `  ${name.padEnd(9)} ${String(q.length).padStart(6)} chars: ${times[2]!.toFixed(1)} ms`;
  });
  return `decoding a ~10,000-character link (median of 5; target < 50 ms):\n${rows.join('\n')}`;
}
