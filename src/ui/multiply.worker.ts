/** A helper thread for the compute worker: multiplies the row block of a product it is sent. */
import { matmul } from '../core/tensor/matmul';

self.onmessage = (e: MessageEvent<{ id: number; a: Float32Array; b: Float32Array; I: number; K: number; J: number }>) => {
  const { id, a, b, I, K, J } = e.data;
  const out = matmul(a, b, I, K, J);
  (self as unknown as Worker).postMessage({ id, out }, [out.buffer]);
};
