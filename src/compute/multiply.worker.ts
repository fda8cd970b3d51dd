/**
 * A helper thread for the compute worker: multiplies the row block of a product it is sent, or
 * makes the values of plain matrices from their settings while the compute worker makes others.
 */
import { matmul } from '../core/tensor/matmul';
import { leafValues, type MatrixValues } from '../core/model/values';
import { useWasmKernel } from './kernel';
import type { HelperReply, HelperRequest } from './protocol';
import { serve } from './rpc';

/** The buffers of a matrix's values (moved to the compute worker, not copied). */
function buffersOf(v: MatrixValues): ArrayBuffer[] {
  return [v.data.buffer, ...v.levels.map((l) => l.data.buffer)] as ArrayBuffer[];
}

useWasmKernel();
serve<HelperRequest, HelperReply>((req) => {
  if (req.kind === 'leaves') {
    const out = req.leaves.map(leafValues);
    return { reply: out, transfer: out.flatMap((l) => buffersOf(l.values)) };
  }
  const { a, b, I, K, J } = req;
  const out = matmul(a, b, I, K, J);
  return { reply: out, transfer: [out.buffer] };
});
