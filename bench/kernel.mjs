#!/usr/bin/env node
// `npm run bench:kernel`: the product kernel's speed against the machine's ceiling, under Node, with
// no browser. bench/kernel-bench.ts does the measuring; a Vite dev server in middleware mode loads
// it (Vite compiles the WebAssembly modules, as for the app). bench/run.mjs measures the same in
// headless Chromium and prints it with `kernelTable` below.
//
// The ceiling of each run is the faster of two bare WebAssembly SIMD loops (wasm/ceiling.ts) timed
// just before the product: twelve independent multiply-add chains in registers, and the
// micro-kernel's inner loop over 3 KB in L1. On a machine shared with other work, wall-clock
// numbers vary a lot from run to run; under Node the table also gives CPU-time numbers, which
// leave out the time other processes held the core.
//
// Usage: node bench/kernel.mjs [--runs N] [size ...]   (sizes default to 768 1024)
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');

const median = (a) => {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const gmacs = (t, clock) => t.macs / t[clock] / 1e9;

/**
 * Rows of the kernel table from a KernelBenchResult: per size, the medians over runs of kernel and
 * ceiling GMAC/s and of their ratio within a run (both measured back to back, under the same load).
 * `clock` is 'wallS' or 'cpuS' (CPU time leaves out the time other processes held the core).
 */
export function kernelRows(result, clock = 'wallS') {
  return result.sizes.map((s) => {
    // The ceiling of a run is the faster of the two bare loops: the register-only chains and the
    // micro-kernel's own loop on L1 data (whichever the machine runs closer to its peak).
    const ceil = s.ceiling.map((t, r) => Math.max(gmacs(t, clock), gmacs(s.l1[r], clock)));
    const ratios = s.kernel.map((k, r) => gmacs(k, clock) / ceil[r]);
    return {
      size: `${s.n}x${s.n}x${s.n}`,
      clock: clock === 'wallS' ? 'wall' : 'cpu',
      kernel: median(s.kernel.map((t) => gmacs(t, clock))),
      ceiling: median(ceil),
      chains: median(s.ceiling.map((t) => gmacs(t, clock))),
      l1: median(s.l1.map((t) => gmacs(t, clock))),
      ratio: median(ratios),
      // The fastest run of each: on a machine shared with other work, the least disturbed ones.
      kernelBest: Math.max(...s.kernel.map((t) => gmacs(t, clock))),
      ceilingBest: Math.max(...ceil),
      runs: s.kernel.length,
    };
  });
}

export function kernelTable(rows, title) {
  const header = [
    'kernel: product',
    'clock',
    'kernel GMAC/s',
    'ceiling GMAC/s',
    'ratio',
    'best kernel / ceiling',
    'chains / L1 loop GMAC/s',
    'target (median ratio)',
  ];
  const pc = (x) => `${(100 * x).toFixed(0)} %`;
  const cells = rows.map((r) => [
    r.size,
    r.clock,
    r.kernel.toFixed(2),
    r.ceiling.toFixed(2),
    pc(r.ratio),
    `${r.kernelBest.toFixed(2)} / ${r.ceilingBest.toFixed(2)} = ${pc(r.kernelBest / r.ceilingBest)}`,
    `${r.chains.toFixed(2)} / ${r.l1.toFixed(2)}`,
    `>= 60 %: ${r.ratio >= 0.6 ? 'ok' : 'MISSED'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [
    title,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

/**
 * The same measurement in headless Chromium (one page of `browser`, on the main thread), for
 * bench/run.mjs: a Vite dev server serves bench/kernel.html, which loads bench/kernel-bench.ts.
 */
export async function kernelInChromium(browser, sizes = [768, 1024], runs = 7) {
  const { createServer } = await import('vite');
  const server = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    server: { host: '127.0.0.1', port: 0, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
    logLevel: 'error',
  });
  await server.listen();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.resolvedUrls.local[0]}bench/kernel.html`);
    await page.waitForFunction(() => window.kernelBenchReady === true, null, { timeout: 60000 });
    if (errors.length) throw new Error(errors.join(' | '));
    return await page.evaluate(({ sizes, runs }) => window.kernelBench(sizes, runs), {
      sizes,
      runs,
    });
  } finally {
    await context.close().catch(() => undefined);
    await server.close();
  }
}

async function main() {
  const args = process.argv.slice(2);
  let runs = 7;
  const ri = args.indexOf('--runs');
  if (ri >= 0) {
    runs = Math.max(1, Number(args[ri + 1]) || runs);
    args.splice(ri, 2);
  }
  const sizes = args.length
    ? args.map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 4096)
    : [768, 1024];
  const { createServer } = await import('vite');
  const server = await createServer({
    root,
    configFile: path.join(root, 'vite.config.ts'),
    server: { middlewareMode: true, hmr: false, ws: false },
    appType: 'custom',
    logLevel: 'error',
  });
  try {
    const { kernelBench } = await server.ssrLoadModule('/bench/kernel-bench.ts');
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    const load = os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    const result = kernelBench(sizes, runs, cpu);
    console.log(
      kernelTable(
        [...kernelRows(result, 'wallS'), ...kernelRows(result, 'cpuS')],
        `Node ${process.version}, ${result.kind} kernel, ${runs} runs per size (medians), one thread; load average ${load}`,
      ),
    );
    console.log(`spot check: max |kernel - float64| / sum|a b| = ${result.check.toExponential(2)}`);
  } finally {
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  });
}
