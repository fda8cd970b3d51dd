/**
 * Where values are computed. Up to a few hundred million multiply-adds the page computes them
 * itself in slices of ~15 ms (no worker start-up to wait for, no frozen page); bigger states go
 * to a worker, which splits large products with a helper thread. A newer request supersedes a
 * running one. Values received are cached by content key.
 */
import { type LeafData, type MatrixValues, type MultiplyJob, computeValuesAsync, workOf } from '../core/model/values';
import { matmulT, transpose } from '../core/tensor/matmul';
import { kernelKind } from '../core/tensor/wasm-kernel';
import { formulaWorkOf } from '../core/model/formula-steps';
import type { Params } from '../core/params/schema';
import type { ComputeReply, ComputeRequest } from './compute-protocol';

/** Above this many multiply-adds the worker computes. */
export const WORKER_WORK = 200_000_000;
/** Multiply-adds per main-thread slice (about 10 ms with the WebAssembly kernel, 15 ms without). */
const sliceWork = (): number => (kernelKind() === 'wasm' ? 24_000_000 : 6_000_000);

class Superseded extends Error {
  constructor() {
    super('superseded');
  }
}

const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class ComputeClient {
  private worker: Worker | null = null;
  private workerReady: Promise<void> | null = null;
  private busy = false;
  private nextId = 1;
  private cache = new Map<string, MatrixValues>();
  private mainCache = new Map<string, MatrixValues>();
  private mainGeneration = 0;
  private inflight: { json: string; promise: Promise<Map<string, MatrixValues>> } | null = null;
  private pending: { id: number; resolve: (v: Map<string, MatrixValues>) => void; reject: (e: Error) => void; onProgress?: (f: number) => void } | null = null;

  /** Starts the worker; resolves when its script runs (or after `timeoutMs`). */
  warm(timeoutMs = 600): Promise<void> {
    this.ensure();
    return Promise.race([this.workerReady!, new Promise<void>((r) => setTimeout(r, timeoutMs))]);
  }

  private ensure(): Worker {
    if (!this.worker) {
      const w = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' });
      this.worker = w;
      this.workerReady = new Promise((resolve) => {
        w.addEventListener('message', function hello(e: MessageEvent) {
          if ((e.data as { hello?: boolean }).hello) {
            w.removeEventListener('message', hello);
            resolve();
          }
        });
      });
      w.addEventListener('message', (e: MessageEvent<ComputeReply>) => this.receive(e.data));
      w.onerror = (e) => {
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
    if (this.inflight && this.inflight.json === json) {
      if (this.pending && onProgress) this.pending.onProgress = onProgress;
      return this.inflight.promise;
    }
    this.cancel();
    const promise = workOf(params) + formulaWorkOf(params) < WORKER_WORK ? this.computeHere(params, leafData, onProgress) : this.computeInWorker(params, leafData, onProgress);
    const entry = { json, promise };
    this.inflight = entry;
    const clear = (): void => {
      if (this.inflight === entry) this.inflight = null;
    };
    promise.then(clear, clear);
    return promise;
  }

  private cancel(): void {
    this.mainGeneration++;
    if (this.busy && this.worker) {
      this.worker.terminate();
      this.worker = null;
      this.workerReady = null;
      this.busy = false;
      this.pending?.reject(new Superseded());
      this.pending = null;
    }
  }

  private async computeHere(params: Params, leafData: LeafData, onProgress?: (f: number) => void): Promise<Map<string, MatrixValues>> {
    const gen = this.mainGeneration;
    const multiply = async (job: MultiplyJob): Promise<Float32Array> => {
      const { a, b, I, K, J } = job;
      if (I === 0) {
        // A pause between heavy steps of preparing a big matrix.
        await yieldToPage();
        if (gen !== this.mainGeneration) throw new Superseded();
        return new Float32Array(0);
      }
      const out = new Float32Array(I * J);
      const bt = transpose(b, K, J);
      const rowsPerSlice = Math.max(4, Math.floor(sliceWork() / Math.max(1, K * J)));
      for (let i0 = 0; i0 < I; i0 += rowsPerSlice) {
        const rows = Math.min(rowsPerSlice, I - i0);
        matmulT(a.subarray(i0 * K, (i0 + rows) * K), bt, rows, K, J, out.subarray(i0 * J, (i0 + rows) * J));
        job.onFraction((i0 + rows) / I);
        if (i0 + rows < I) {
          await yieldToPage();
          if (gen !== this.mainGeneration) throw new Superseded();
        }
      }
      return out;
    };
    const r = await computeValuesAsync(params, { cache: this.mainCache, leafData, onProgress }, multiply);
    if (gen !== this.mainGeneration) throw new Superseded();
    const used = new Set(r.keys.values());
    for (const [path, key] of r.keys) this.mainCache.set(key, r.values.get(path)!);
    for (const k of [...this.mainCache.keys()]) if (!used.has(k)) this.mainCache.delete(k);
    return r.values;
  }

  private computeInWorker(params: Params, leafData: LeafData, onProgress?: (f: number) => void): Promise<Map<string, MatrixValues>> {
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
