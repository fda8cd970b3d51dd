/**
 * The product kernel's WebAssembly bytes, compiled from wasm/matmul.ts by the build (the Vite
 * plugin `virtual:mm3d-kernel`), handed to the pure core's kernel (core/tensor/wasm-kernel.ts).
 * Every thread that multiplies calls `useWasmKernel()` once before its first product.
 */
import kernelModules from 'virtual:mm3d-kernel';
import { bytesFromBase64 } from '../core/base64';
import { provideKernel } from '../core/tensor/wasm-kernel';

export function useWasmKernel(): void {
  provideKernel(kernelModules.map(bytesFromBase64));
}
