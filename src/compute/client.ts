/**
 * Where values are computed. Up to a few hundred million multiply-adds the page computes them
 * itself in slices of ~15 ms (no worker start-up to wait for, no frozen page); bigger states go
 * to a worker, which splits large products with a helper thread. A newer request supersedes a
 * running one. Values received are cached by content key.
 */
import {
  type LeafData,
  type MatrixValues,
  type MultiplyJob,
  computeValuesAsync,
  workOf,
} from '../core/model/values';
import { rowProducts } from '../core/tensor/matmul';
import { kernelKind } from '../core/tensor/wasm-kernel';
import { formulaWorkOf } from '../core/model/formula-steps';
import type { Params } from '../core/params/schema';
import { useWasmKernel } from './kernel';
import type { ComputeReply, ComputeRequest } from './protocol';
import { WorkerChannel } from './rpc';

useWasmKernel();

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
  private worker = new WorkerChannel<ComputeRequest, ComputeReply>(
    () => new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }),
  );
  private cache = new Map<string, MatrixValues>();
  private mainCache = new Map<string, MatrixValues>();
  private mainGeneration = 0;
  private inflight: { json: string; promise: Promise<Map<string, MatrixValues>> } | null = null;

  /**
   * Compiles this thread's product kernel now (it is otherwise compiled by the first product): for
   * a page that waits for something else before its first state (the explorer, for its model).
   */
  warmKernel(): void {
    kernelKind();
  }

  /** Starts the worker; resolves when its script runs (or after `timeoutMs`). */
  warm(timeoutMs = 600): Promise<void> {
    return Promise.race([this.worker.ready, new Promise<void>((r) => setTimeout(r, timeoutMs))]);
  }

  compute(
    params: Params,
    leafData: LeafData,
    onProgress?: (f: number) => void,
    dataVersion = 0,
  ): Promise<Map<string, MatrixValues>> {
    const json = JSON.stringify([
      params.left,
      params.right,
      params.epilog,
      [...leafData.keys()],
      dataVersion,
    ]);
    if (this.inflight && this.inflight.json === json) {
      if (onProgress) this.worker.setProgress(onProgress);
      return this.inflight.promise;
    }
    this.cancel();
    const promise =
      workOf(params) + formulaWorkOf(params) < WORKER_WORK
        ? this.computeHere(params, leafData, onProgress)
        : this.computeInWorker(params, leafData, onProgress);
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
    if (this.worker.busy) this.worker.terminate(new Superseded());
  }

  private async computeHere(
    params: Params,
    leafData: LeafData,
    onProgress?: (f: number) => void,
  ): Promise<Map<string, MatrixValues>> {
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
      const product = rowProducts(b, K, J);
      const rowsPerSlice = Math.max(4, Math.floor(sliceWork() / Math.max(1, K * J)));
      for (let i0 = 0; i0 < I; i0 += rowsPerSlice) {
        const rows = Math.min(rowsPerSlice, I - i0);
        product(a.subarray(i0 * K, (i0 + rows) * K), rows, out.subarray(i0 * J, (i0 + rows) * J));
        job.onFraction((i0 + rows) / I);
        if (i0 + rows < I) {
          await yieldToPage();
          if (gen !== this.mainGeneration) throw new Superseded();
        }
      }
      return out;
    };
    const r = await computeValuesAsync(
      params,
      { cache: this.mainCache, leafData, onProgress },
      multiply,
    );
    if (gen !== this.mainGeneration) throw new Superseded();
    const used = new Set(r.keys.values());
    for (const [path, key] of r.keys) this.mainCache.set(key, r.values.get(path)!);
    for (const k of [...this.mainCache.keys()]) if (!used.has(k)) this.mainCache.delete(k);
    return r.values;
  }

  private async computeInWorker(
    params: Params,
    leafData: LeafData,
    onProgress?: (f: number) => void,
  ): Promise<Map<string, MatrixValues>> {
    const req: ComputeRequest = { params, have: [...this.cache.keys()], leafData: [...leafData] };
    const r = await this.worker.request(req, { onProgress });
    const out = new Map<string, MatrixValues>();
    const used = new Set<string>();
    for (const e of r.entries) {
      const v = e.values ?? this.cache.get(e.key);
      if (!v) continue;
      this.cache.set(e.key, v);
      used.add(e.key);
      out.set(e.path, v);
    }
    for (const k of [...this.cache.keys()]) if (!used.has(k)) this.cache.delete(k);
    return out;
  }
}
