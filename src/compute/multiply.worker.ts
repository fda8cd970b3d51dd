/** A helper thread for the compute worker: multiplies the row block of a product it is sent (B transposed). */
import { matmulT } from '../core/tensor/matmul';
import { useWasmKernel } from './kernel';
import type { MultiplyRequest } from './protocol';
import { serve } from './rpc';

useWasmKernel();
serve<MultiplyRequest, Float32Array>(({ a, bt, I, K, J }) => {
  const out = matmulT(a, bt, I, K, J);
  return { reply: out, transfer: [out.buffer] };
});
