/**
 * The product in WebAssembly (wasm/matmul.ts, 128-bit SIMD, float32 sums as PyTorch keeps them on
 * the CPU; docs/numerics.md gives the error bound): near the machine's float32 SIMD ceiling
 * (`npm run bench:kernel`), several times the JavaScript kernel. B is packed into the layout the
 * module's micro-kernel reads once per B; rows of A are packed per call. One instance per
 * thread, made on first use from the module bytes the thread was given (`provideKernel`; the
 * build compiles them, see src/compute/kernel.ts); without them, or where WebAssembly SIMD is
 * missing, the caller falls back to JavaScript.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  packB(b: number, K: number, J: number, dst: number): void;
  packBT(bt: number, K: number, J: number, dst: number): void;
  packA(a: number, rows: number, K: number, dst: number): void;
  multiply(
    pa: number,
    pb: number,
    rows: number,
    K: number,
    J: number,
    c: number,
    ldc: number,
    mp: number,
  ): void;
}

interface Kernel {
  exports: KernelExports;
  /** The B array last packed in, its shape and layout (products in slices reuse it). */
  b: Float32Array | null;
  bK: number;
  bJ: number;
  bTransposed: boolean;
}

let kernel: Kernel | null | undefined;
let kernelModules: Uint8Array<ArrayBuffer>[] | null = null;
/** Which of the given modules this thread's kernel is (its index), -1 for none. */
let chosen = -1;

/**
 * Gives this thread the kernel's module bytes, builds of one kernel in order of preference (with
 * relaxed SIMD, then plain SIMD: src/compute/kernel.ts); the first one this engine accepts is
 * compiled when the first product needs it.
 */
export function provideKernel(modules: Uint8Array<ArrayBuffer>[]): void {
  if (kernelModules === null) kernelModules = modules;
}

/** For tests: forget the kernel and take `modules` instead (products made since stay valid). */
export function replaceKernel(modules: Uint8Array<ArrayBuffer>[]): void {
  kernelModules = modules;
  kernel = undefined;
  chosen = -1;
}

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  if (kernelModules === null) return null;
  kernel = null;
  const index = kernelModules.findIndex((m) => WebAssembly.validate(m));
  if (index < 0) return null;
  try {
    const { memory, packB, packBT, packA, multiply } = new WebAssembly.Instance(
      new WebAssembly.Module(kernelModules[index]!),
      {},
    ).exports;
    if (
      memory instanceof WebAssembly.Memory &&
      typeof packB === 'function' &&
      typeof packBT === 'function' &&
      typeof packA === 'function' &&
      typeof multiply === 'function'
    ) {
      // The module's exports have these signatures (wasm/matmul.ts).
      const exports = {
        memory,
        packB: packB as KernelExports['packB'],
        packBT: packBT as KernelExports['packBT'],
        packA: packA as KernelExports['packA'],
        multiply: multiply as KernelExports['multiply'],
      };
      kernel = { exports, b: null, bK: 0, bJ: 0, bTransposed: false };
      chosen = index;
    }
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Which of the modules given to provideKernel products use on this thread (-1: none, JavaScript). */
export function kernelModule(): number {
  load();
  return chosen;
}

/** Which kernel products use on this thread. */
export function kernelKind(): 'wasm' | 'js' {
  return load() ? 'wasm' : 'js';
}

/** Our buffers start above the first page (the module's own static area). */
const BASE = 65536;
/**
 * Multiply-adds per call into the module, so that progress can be reported between calls; it also
 * bounds the rows of A packed at a time (64 rows at K = J = 768, in L2 with room to spare).
 */
const CHUNK_WORK = 40_000_000;
/** Row panels (of 4 rows) per block of A inside the module: 64 rows x 256 k = 64 KB, in L2. */
const ROW_PANELS = 16;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * out (I x J) = a (I x K) @ b, with b given transposed (`bt`, J x K). Returns false (and leaves
 * `out` untouched) when WebAssembly is not available or memory cannot grow. `bt` is packed into
 * the module once for consecutive calls with the same array, so it must not change between them.
 */
export function wasmMatmulT(
  a: Float32Array,
  bt: Float32Array,
  I: number,
  K: number,
  J: number,
  out: Float32Array,
  onRows?: (done: number) => void,
): boolean {
  return run(a, bt, true, I, K, J, out, onRows);
}

/**
 * out (I x J) = a (I x K) @ b (K x J, as it is: no transpose needed, which is faster). Same
 * contract as `wasmMatmulT`: `b` is packed once for consecutive calls with the same array (row
 * slices of one product), so it must not change in place between them.
 */
export function wasmMatmul(
  a: Float32Array,
  b: Float32Array,
  I: number,
  K: number,
  J: number,
  out: Float32Array,
  onRows?: (done: number) => void,
): boolean {
  return run(a, b, false, I, K, J, out, onRows);
}

function run(
  a: Float32Array,
  b: Float32Array,
  transposed: boolean,
  I: number,
  K: number,
  J: number,
  out: Float32Array,
  onRows?: (done: number) => void,
): boolean {
  const k = load();
  if (!k || I === 0 || J === 0) return Boolean(k);
  if (K === 0) {
    out.fill(0, 0, I * J);
    onRows?.(I);
    return true;
  }
  const chunk = Math.min(roundUp(I, 4), Math.max(4, Math.floor(CHUNK_WORK / (K * J)) & ~3));
  const Jp = roundUp(J, 8);
  // Memory: packed B | staging (B while it is packed, then the rows of A of one call) | packed A | C.
  const packedB = BASE;
  const staging = packedB + Jp * K * 4;
  const packedA = staging + Math.max(J * K, chunk * K) * 4;
  const c = packedA + chunk * K * 4;
  const need = c + chunk * Jp * 4;
  const memory = k.exports.memory;
  try {
    if (memory.buffer.byteLength < need)
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  } catch {
    return false;
  }
  const heap = memory.buffer;
  if (k.b !== b || k.bK !== K || k.bJ !== J || k.bTransposed !== transposed) {
    new Float32Array(heap, staging, J * K).set(b.subarray(0, J * K));
    (transposed ? k.exports.packBT : k.exports.packB)(staging, K, J, packedB);
    k.b = b;
    k.bK = K;
    k.bJ = J;
    k.bTransposed = transposed;
  }
  const result = new Float32Array(heap, c, chunk * Jp);
  for (let i = 0; i < I; i += chunk) {
    const rows = Math.min(chunk, I - i);
    new Float32Array(heap, staging, rows * K).set(a.subarray(i * K, (i + rows) * K));
    k.exports.packA(staging, rows, K, packedA);
    k.exports.multiply(packedA, packedB, rows, K, J, c, Jp, ROW_PANELS);
    if (Jp === J) out.set(result.subarray(0, rows * J), i * J);
    else for (let r = 0; r < rows; r++) out.set(result.subarray(r * Jp, r * Jp + J), (i + r) * J);
    if (onRows && i + rows < I) onRows(i + rows);
  }
  onRows?.(I);
  return true;
}
