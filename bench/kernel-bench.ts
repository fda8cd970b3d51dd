/**
 * The kernel section of the bench: the product as the app runs it (core/tensor/matmul.ts `matmul`:
 * transpose B, pack, multiply in WebAssembly) in GMAC/s, against the ceiling, a bare WebAssembly
 * SIMD multiply-add loop (wasm/ceiling.ts) run on the same thread in the same run. Loaded through
 * Vite (which compiles both modules) by bench/kernel.mjs under Node and by bench/kernel.html in
 * Chromium; nothing here is part of the app.
 */
import ceilingModules from 'virtual:mm3d-ceiling';
import { bytesFromBase64 } from '../src/core/base64';
import { matmul } from '../src/core/tensor/matmul';
import { kernelKind, kernelModule } from '../src/core/tensor/wasm-kernel';
import { useWasmKernel } from '../src/compute/kernel';

interface CeilingExports {
  chains12(steps: number, y: number, x: number): number;
  l1Loop(buf: number, steps: number): number;
}

/** One timed piece of work: its multiply-adds and the seconds it took (wall clock and, where known, CPU). */
export interface Timing {
  macs: number;
  wallS: number;
  cpuS: number | null;
}

export interface SizeResult {
  n: number;
  kernel: Timing[];
  ceiling: Timing[];
  /** The micro-kernel's inner loop alone on data in L1 (the other bare loop). */
  l1: Timing[];
}

export interface KernelBenchResult {
  /** Which kernel ran: WebAssembly with relaxed SIMD, with plain SIMD, or the JavaScript fallback. */
  kind: 'wasm relaxed-SIMD' | 'wasm SIMD' | 'js';
  sizes: SizeResult[];
  /** Largest |kernel - float64 triple loop| relative to the sum of |a b| on a sample of entries. */
  check: number;
}

/** CPU seconds of this process when the host can tell (Node); null in a browser. */
export type CpuClock = () => number | null;

/**
 * The ceiling built as the kernel this thread uses is (with relaxed SIMD or without: the same
 * multiply-add instruction), so the two are compared like for like.
 */
function ceilingModule(): CeilingExports {
  const index = Math.max(0, kernelModule());
  const bytes = bytesFromBase64(ceilingModules[index]!);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  return inst.exports as unknown as CeilingExports;
}

function timed(macs: number, cpu: CpuClock, f: () => void): Timing {
  const c0 = cpu();
  const t0 = performance.now();
  f();
  const wallS = (performance.now() - t0) / 1000;
  const c1 = cpu();
  return { macs, wallS, cpuS: c0 === null || c1 === null ? null : c1 - c0 };
}

/** Values in [-1, 1) (xorshift): the bench must not depend on the code it measures. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[p] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * For each size n (an n x n x n product): `runs` rounds, each timing the ceiling loop for the same
 * number of multiply-adds as the product and then the product, so that both see the same load.
 * One untimed round first lets WebAssembly tier up.
 */
export function kernelBench(
  sizes: number[],
  runs: number,
  cpu: CpuClock = () => null,
): KernelBenchResult {
  useWasmKernel();
  const ceil = ceilingModule();
  const kind =
    kernelKind() === 'js' ? 'js' : kernelModule() === 0 ? 'wasm relaxed-SIMD' : 'wasm SIMD';
  const result: KernelBenchResult = { kind, sizes: [], check: 0 };
  // WebAssembly starts in a baseline compiler and moves to the optimizing one in the background
  // after enough calls: short calls for a while, so the timed ones run optimized code (the
  // background compile can wait a long time for a core on a loaded machine, hence 1.5 s).
  const warmUntil = performance.now() + 1500;
  while (performance.now() < warmUntil) {
    ceil.chains12(2000, 0.5, 1);
    ceil.l1Loop(1024, 20);
    matmul(values(64 * 64, 1), values(64 * 64, 2), 64, 64, 64);
  }
  for (const n of sizes) {
    const a = values(n * n, n);
    const b = values(n * n, 7 * n);
    const macs = n * n * n;
    const out = new Float32Array(n * n);
    const r: SizeResult = { n, kernel: [], ceiling: [], l1: [] };
    matmul(a, b, n, n, n, out);
    matmul(a, b, n, n, n, out);
    for (let run = 0; run < runs; run++) {
      const steps = Math.round(macs / 48);
      r.ceiling.push(timed(steps * 48, cpu, () => void ceil.chains12(steps, 0.5, 1)));
      const l1Steps = Math.round(macs / 2048);
      r.l1.push(timed(l1Steps * 2048, cpu, () => void ceil.l1Loop(1024, l1Steps)));
      r.kernel.push(timed(macs, cpu, () => void matmul(a, b, n, n, n, out)));
    }
    // A spot check that the product is right: 64 entries against float64 sums.
    for (let s = 0; s < 64; s++) {
      const i = (s * 97) % n;
      const j = (s * 389 + 11) % n;
      let sum = 0;
      let abs = 0;
      for (let k = 0; k < n; k++) {
        sum += a[i * n + k]! * b[k * n + j]!;
        abs += Math.abs(a[i * n + k]! * b[k * n + j]!);
      }
      result.check = Math.max(result.check, Math.abs(out[i * n + j]! - sum) / abs);
    }
    result.sizes.push(r);
  }
  return result;
}
