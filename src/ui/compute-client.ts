/**
 * The page's side of the compute worker: one request at a time (a newer request replaces a
 * running one by restarting the worker), a cache of received values by content key, progress.
 */
import { type LeafData, type MatrixValues, computeValues, workOf } from '../core/model/values';
import type { Params } from '../core/params/schema';
import type { ComputeReply, ComputeRequest } from './compute-protocol';

/** Below this many multiply-adds the page computes at once itself (well under 100 ms). */
const INLINE_WORK = 4_000_000;

export class ComputeClient {
  private inflight: { json: string; promise: Promise<Map<string, MatrixValues>> } | null = null;
  private inlineCache = new Map<string, MatrixValues>();

  /** Starts the worker early so that its start-up overlaps the page's own. */
  warm(): void {
    this.ensure();
  }

  private worker: Worker | null = null;
  private busy = false;
  private nextId = 1;
  private cache = new Map<string, MatrixValues>();
  private pending: { id: number; resolve: (v: Map<string, MatrixValues>) => void; reject: (e: Error) => void; onProgress?: (f: number) => void } | null = null;

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<ComputeReply>) => this.receive(e.data);
      this.worker.onerror = (e) => {
        const p = this.pending;
        this.pending = null;
        this.busy = false;
        p?.reject(new Error(e.message || 'the compute worker failed'));
      };
    }
    return this.worker;
  }

  compute(params: Params, leafData: LeafData, onProgress?: (f: number) => void, dataVersion = 0): Promise<Map<string, MatrixValues>> {
    const json = JSON.stringify([params.left, params.right, params.epilog, [...leafData.keys()], dataVersion]);
    if (this.inflight && this.inflight.json === json && this.busy) {
      if (this.pending && onProgress) this.pending.onProgress = onProgress;
      return this.inflight.promise;
    }
    if (workOf(params) < INLINE_WORK && leafData.size === 0) {
      const r = computeValues(params, { cache: this.inlineCache });
      const used = new Set(r.keys.values());
      for (const [path, key] of r.keys) this.inlineCache.set(key, r.values.get(path)!);
      for (const k of [...this.inlineCache.keys()]) if (!used.has(k)) this.inlineCache.delete(k);
      return Promise.resolve(r.values);
    }
    const promise = this.computeInWorker(params, leafData, onProgress);
    this.inflight = { json, promise };
    return promise;
  }

  private computeInWorker(params: Params, leafData: LeafData, onProgress?: (f: number) => void): Promise<Map<string, MatrixValues>> {
    if (this.busy && this.worker) {
      // A newer state supersedes the running computation.
      this.worker.terminate();
      this.worker = null;
      this.pending?.reject(new Error('superseded'));
      this.pending = null;
    }
    const id = this.nextId++;
    const w = this.ensure();
    this.busy = true;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      const req: ComputeRequest = { id, params, have: [...this.cache.keys()], leafData: [...leafData] };
      w.postMessage(req);
    });
  }

  private receive(r: ComputeReply): void {
    const p = this.pending;
    if (!p || p.id !== r.id) return;
    if (r.progress !== undefined) {
      p.onProgress?.(r.progress);
      return;
    }
    this.pending = null;
    this.busy = false;
    if (r.error) {
      p.reject(new Error(r.error));
      return;
    }
    const out = new Map<string, MatrixValues>();
    const used = new Set<string>();
    for (const e of r.entries ?? []) {
      const v = e.values ?? this.cache.get(e.key);
      if (!v) continue;
      this.cache.set(e.key, v);
      used.add(e.key);
      out.set(e.path, v);
    }
    for (const k of [...this.cache.keys()]) if (!used.has(k)) this.cache.delete(k);
    p.resolve(out);
  }
}
