/**
 * A helper thread for the compute worker: multiplies (and finishes, when asked) the row block of
 * a product it is sent, or makes the values of plain matrices from their settings while the
 * compute worker makes others.
 */
import { farProduct } from '../core/model/split';
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
  const out = farProduct(req);
  return {
    reply: out,
    transfer:
      out instanceof Float32Array
        ? [out.buffer as ArrayBuffer]
        : [out.data.buffer as ArrayBuffer, out.level1.data.buffer as ArrayBuffer],
  };
});
