/**
 * Real data for matrices (docs/data.md): loads every `init: url` matrix's reference
 * asynchronously (URL or a local file attached in this session), slices it to 2-D, and hands the
 * values to the app; failures become messages on the matrix and notices, never a frozen page.
 * Local files are kept by name in memory only: a link opened elsewhere shows "re-attach".
 */
import type { LeafData } from '../core/model/values';
import type { Params } from '../core/params/schema';
import { leaves, pathKey } from '../core/params/tree';
import { type DataRef, isLocalFile, parseDataRef } from '../data/ref';
import { slice2d } from '../data/slice';
import { loadFile, loadUrl, openSafetensorsFile } from '../data/loader';
import { DataError, type Tensor } from '../data/types';

/** A matrix computed in this session, handed to a leaf instead of a file's tensor. */
export interface InMemoryMatrix {
  h: number;
  w: number;
  data: Float32Array;
}

/**
 * Sources of in-memory values by reference prefix (e.g. `explorer:`): a leaf whose `url` starts
 * with a registered prefix gets its values from that function instead of a fetch. The reference
 * stays in the link, so a page that registers the same source reproduces the values.
 */
interface DataSource {
  load: (ref: string) => Promise<InMemoryMatrix>;
  /** The values when the source already has them (no wait), else undefined. */
  peek?: (ref: string) => InMemoryMatrix | undefined;
}
const sources = new Map<string, DataSource>();

/**
 * `peek`, when given, answers at once for values the source already holds: such a leaf gets them
 * in the same step as its new state, so the first computation of that state has them (no second
 * computation once they arrive).
 */
export function registerDataSource(
  prefix: string,
  load: (ref: string) => Promise<InMemoryMatrix>,
  peek?: (ref: string) => InMemoryMatrix | undefined,
): void {
  sources.set(prefix, { load, ...(peek ? { peek } : {}) });
}

function sourceOf(ref: string): DataSource | undefined {
  for (const [prefix, source] of sources) if (ref.startsWith(prefix)) return source;
  return undefined;
}

export interface DataHooks {
  changed: () => void;
  progress: (text: string | null) => void;
}

export class DataManager {
  readonly leafData: LeafData;
  private files = new Map<string, File>();
  /** Tensors handed over in memory (embedding `setData`, other pages), by the name in `file:NAME`. */
  private tensors = new Map<string, Tensor>();
  /** The reference each leaf's data was made from (to know when to reload). */
  private loadedRef = new Map<string, string>();
  private inflight = new Map<string, string>();

  constructor(
    leafData: LeafData,
    private readonly hooks: DataHooks,
  ) {
    this.leafData = leafData;
  }

  /** True while some matrix's data is still on its way. */
  get loading(): boolean {
    return this.inflight.size > 0;
  }

  attachFile(file: File): void {
    this.files.set(file.name, file);
  }

  /**
   * Keeps an in-memory tensor under `name`: matrices whose url is `file:NAME` (with any slice
   * options) read it like a local file. Re-attaching a name reloads the matrices that use it.
   * Use `attachTensorToLeaves` (./attach.ts) to also point matrices at it.
   */
  attachTensor(name: string, tensor: Tensor): void {
    this.tensors.set(name, tensor);
    for (const [key, ref] of this.loadedRef) {
      if (parseDataRef(ref).location === `file:${name}`) this.loadedRef.delete(key);
    }
  }

  /** Starts loads for every url matrix whose reference changed; drops data no longer used. */
  sync(p: Params): void {
    const wanted = new Set<string>();
    for (const { path, node } of leaves(p)) {
      if (node.init !== 'url') continue;
      const key = pathKey(path);
      wanted.add(key);
      const refText = node.url.trim();
      if (this.loadedRef.get(key) === refText || this.inflight.get(key) === refText) continue;
      if (refText === '') {
        this.set(key, refText, {
          error: 'no data location: set url, or drop a file on the matrix',
        });
        continue;
      }
      if (this.takeNow(key, refText)) continue;
      void this.load(key, refText);
    }
    for (const key of [...this.leafData.keys()]) {
      if (!wanted.has(key)) {
        this.leafData.delete(key);
        this.loadedRef.delete(key);
      }
    }
  }

  /** Bumped whenever some matrix's data changes. */
  version = 0;

  private set(
    key: string,
    refText: string,
    v: { h: number; w: number; data: Float32Array } | { error: string },
  ): void {
    this.version++;
    this.leafData.set(key, v);
    this.loadedRef.set(key, refText);
    this.hooks.changed();
  }

  /**
   * Sets a leaf from a source's values held already (its `peek`), without telling the app: the
   * state being synced is computed right after. False when the source has nothing yet.
   */
  private takeNow(key: string, refText: string): boolean {
    try {
      const now = sourceOf(refText)?.peek?.(refText);
      if (!now) return false;
      const m = slice2d(asTensor(now), parseDataRef(refText).slice);
      // A load of an earlier reference still on its way no longer counts (nor sets this leaf).
      this.inflight.delete(key);
      this.version++;
      this.leafData.set(key, { h: m.rows, w: m.cols, data: m.data });
      this.loadedRef.set(key, refText);
      return true;
    } catch {
      return false; // the ordinary load says what is wrong
    }
  }

  private async load(key: string, refText: string): Promise<void> {
    const ref = parseDataRef(refText);
    this.inflight.set(key, refText);
    try {
      const source = sourceOf(refText);
      const tensor = source
        ? asTensor(await source.load(refText))
        : await this.fetch(ref, (t) => this.hooks.progress(t));
      const m = slice2d(tensor, ref.slice);
      if (this.inflight.get(key) !== refText) return;
      this.set(key, refText, { h: m.rows, w: m.cols, data: m.data });
    } catch (e) {
      if (this.inflight.get(key) !== refText) return;
      this.set(key, refText, { error: describe(e) });
    } finally {
      if (this.inflight.get(key) === refText) this.inflight.delete(key);
      this.hooks.progress(null);
    }
  }

  private async fetch(ref: DataRef, progress: (t: string) => void): Promise<Tensor> {
    const onProgress = (p: { phase: string; loaded: number; total?: number }): void => {
      const pct = p.total
        ? ` ${Math.round((100 * p.loaded) / p.total)}%`
        : ` ${(p.loaded / 1048576).toFixed(1)} MB`;
      progress(`${p.phase === 'parse' ? 'reading' : 'loading'} ${ref.location}${pct}`);
    };
    if (isLocalFile(ref)) {
      const name = ref.location.slice(5);
      const held = this.tensors.get(name);
      if (held) return held;
      const file = this.files.get(name);
      if (!file)
        throw new DataError(
          'format',
          `re-attach file ${name}: drop it on the matrix (local files are not part of links)`,
        );
      if (/\.safetensors$/i.test(name)) {
        const h = await openSafetensorsFile(file);
        return h.readTensor(ref.tensor ?? h.header.tensors[0]?.name ?? '');
      }
      return loadFile(file, { onProgress });
    }
    return loadUrl(ref.location, { onProgress, ...(ref.tensor ? { tensor: ref.tensor } : {}) });
  }
}

function asTensor(m: InMemoryMatrix): Tensor {
  return { dtype: 'float32', shape: [m.h, m.w], data: m.data };
}

export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
