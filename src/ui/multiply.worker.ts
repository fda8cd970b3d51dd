/** A helper thread for the compute worker: multiplies the row block of a product it is sent (B transposed). */
import { matmulT } from '../core/tensor/matmul';

self.onmessage = (e: MessageEvent<{ id: number; a: Float32Array; bt: Float32Array; I: number; K: number; J: number }>) => {
  const { id, a, bt, I, K, J } = e.data;
  const out = matmulT(a, bt, I, K, J);
  (self as unknown as Worker).postMessage({ id, out }, [out.buffer]);
};
