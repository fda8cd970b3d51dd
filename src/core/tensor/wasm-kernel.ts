/**
 * The product in WebAssembly (wasm/matmul.ts, 128-bit SIMD): about three times the speed of the
 * JavaScript kernel, with the same arithmetic (exact products, float64 sums). One instance per
 * thread, made on first use from the module bytes the thread was given (`provideKernel`; the
 * build compiles them, see src/compute/kernel.ts); without them, or where WebAssembly SIMD is
 * missing, the caller falls back to JavaScript.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  matmulT(a: number, bt: number, rows: number, K: number, J: number, out: number): void;
}

interface Kernel {
  exports: KernelExports;
  /** The `bt` array last copied in (products in slices reuse it). */
  bt: Float32Array | null;
}

let kernel: Kernel | null | undefined;
let kernelBytes: Uint8Array<ArrayBuffer> | null = null;

/** Gives this thread the kernel's module bytes; it is compiled when the first product needs it. */
export function provideKernel(bytes: Uint8Array<ArrayBuffer>): void {
  if (kernelBytes === null) kernelBytes = bytes;
}

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  if (kernelBytes === null) return null;
  kernel = null;
  try {
    if (WebAssembly.validate(kernelBytes)) {
      const { memory, matmulT } = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes), {}).exports;
      if (memory instanceof WebAssembly.Memory && typeof matmulT === 'function') {
        // The module's export has this signature (wasm/matmul.ts).
        kernel = { exports: { memory, matmulT: matmulT as KernelExports['matmulT'] }, bt: null };
      }
    }
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Which kernel products use on this thread. */
export function kernelKind(): 'wasm' | 'js' {
  return load() ? 'wasm' : 'js';
}

/** Our buffers start above the first page (the module's own static area). */
const BASE = 65536;
/** Multiply-adds per call into the module, so that progress can be reported between calls. */
const CHUNK_WORK = 16_000_000;

/**
 * out (I x J) = a (I x K) @ b, with b given transposed (`bt`, J x K). Returns false (and leaves
 * `out` untouched) when WebAssembly is not available or memory cannot grow. `bt` is copied into
 * the module once for consecutive calls with the same array, so it must not change between them.
 */
export function wasmMatmulT(a: Float32Array, bt: Float32Array, I: number, K: number, J: number, out: Float32Array, onRows?: (done: number) => void): boolean {
  const k = load();
  if (!k || I === 0 || J === 0) return Boolean(k);
  const btAt = BASE;
  const aAt = btAt + J * K * 4;
  const outAt = aAt + I * K * 4;
  const need = outAt + I * J * 4;
  const memory = k.exports.memory;
  try {
    if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  } catch {
    return false;
  }
  const heap = memory.buffer;
  if (k.bt !== bt) {
    new Float32Array(heap, btAt, J * K).set(bt.subarray(0, J * K));
    k.bt = bt;
  }
  new Float32Array(heap, aAt, I * K).set(a.subarray(0, I * K));
  const chunk = Math.max(2, Math.floor(CHUNK_WORK / Math.max(1, K * J)) & ~1);
  for (let i = 0; i < I; i += chunk) {
    const rows = Math.min(chunk, I - i);
    k.exports.matmulT(aAt + i * K * 4, btAt, rows, K, J, outAt + i * J * 4);
    if (onRows && i + rows < I) onRows(i + rows);
  }
  out.set(new Float32Array(heap, outAt, I * J));
  onRows?.(I);
  return true;
}
