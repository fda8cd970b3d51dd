/** A helper thread for the compute worker: multiplies the row block of a product it is sent. */
import { matmul } from '../core/tensor/matmul';
import { useWasmKernel } from './kernel';
import type { MultiplyRequest } from './protocol';
import { serve } from './rpc';

useWasmKernel();
serve<MultiplyRequest, Float32Array>(({ a, b, I, K, J }) => {
  const out = matmul(a, b, I, K, J);
  return { reply: out, transfer: [out.buffer] };
});
