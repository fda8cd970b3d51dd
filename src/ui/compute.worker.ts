/**
 * Computes values off the main thread (products of large matrices would otherwise freeze the
 * page). Keeps its own cache by content key and sends back only what the page does not hold yet.
 */
import { type MatrixValues, computeValues } from '../core/model/values';
import type { ComputeRequest, ComputeReply } from './compute-protocol';

const cache = new Map<string, MatrixValues>();

self.onmessage = (e: MessageEvent<ComputeRequest>) => {
  const { id, params, have, leafData } = e.data;
  try {
    let last = 0;
    const r = computeValues(params, {
      cache,
      leafData: new Map(leafData),
      onProgress: (f) => {
        const now = performance.now();
        if (now - last > 50) {
          last = now;
          (self as unknown as Worker).postMessage({ id, progress: f } satisfies ComputeReply);
        }
      },
    });
    const used = new Set(r.keys.values());
    for (const k of [...cache.keys()]) if (!used.has(k)) cache.delete(k);
    const entries: ComputeReply['entries'] = [];
    for (const [path, key] of r.keys) {
      const v = r.values.get(path)!;
      cache.set(key, v);
      entries.push(have.includes(key) ? { path, key } : { path, key, values: v });
    }
    (self as unknown as Worker).postMessage({ id, entries } satisfies ComputeReply);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies ComputeReply);
  }
};
