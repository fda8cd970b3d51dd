/**
 * Computes values off the main thread (products of large matrices would otherwise freeze the
 * page). Keeps its own cache by content key and sends back only what the page does not hold yet.
 * Big products are split by rows with a helper thread, so both cores work on them (and on what
 * follows them: core/model/split.ts).
 */
import {
  type MatrixValues,
  type MultiplyJob,
  type ProductResult,
  computeValuesAsync,
  leafValues,
  poolLevels,
  settledLeaves,
} from '../core/model/values';
import type { Params } from '../core/params/schema';
import { matmul } from '../core/tensor/matmul';
import { productInTwo } from '../core/model/split';
import { useWasmKernel } from './kernel';
import type { ComputeReply, ComputeRequest, HelperReply, HelperRequest } from './protocol';
import { WorkerChannel, serve } from './rpc';

useWasmKernel();
const cache = new Map<string, MatrixValues>();
/** Products at least this big (multiply-adds) are shared with the helper thread. */
const SPLIT_WORK = 24_000_000;

/** Plain matrices with at least this many values in all are made on both threads. */
const SPLIT_LEAVES = 1 << 20;

let helper: WorkerChannel<HelperRequest, HelperReply> | null = null;

function helperThread(): WorkerChannel<HelperRequest, HelperReply> | null {
  if (helper) return helper;
  try {
    helper = new WorkerChannel(
      () => new Worker(new URL('./multiply.worker.ts', import.meta.url), { type: 'module' }),
    );
    helper.start();
  } catch {
    helper = null;
  }
  return helper;
}

async function multiply(job: MultiplyJob): Promise<ProductResult> {
  const { a, b, I, K, J } = job;
  if (I === 0) return new Float32Array(0);
  const h = I * K * J >= SPLIT_WORK && I >= 8 ? helperThread() : null;
  if (!h) return matmul(a, b, I, K, J, new Float32Array(I * J), (rows) => job.onFraction(rows / I));
  // The helper takes the first rows (copies, transferred rather than cloned a second time), this
  // thread the rest; with a row-wise epilog each finishes its own rows.
  return productInTwo(job, async (block) => {
    const reply = await h.request(
      { kind: 'multiply', ...block },
      { transfer: [block.a.buffer as ArrayBuffer, block.b.buffer as ArrayBuffer] },
    );
    if (Array.isArray(reply)) throw new Error('the helper thread answered out of turn');
    return reply;
  });
}

/**
 * Makes the plain matrices of a big state before the traversal needs them, half on the helper
 * thread: generating the random values of a large layer costs as much as its products, and this
 * part needs nothing from the products, so both cores share it. The traversal then finds them in
 * the cache.
 */
async function prepareLeaves(params: Params): Promise<void> {
  const todo = settledLeaves(params, cache).sort((x, y) => y.h * y.w - x.h * x.w);
  const total = todo.reduce((s, a) => s + a.h * a.w, 0);
  const h = total >= SPLIT_LEAVES && todo.length > 1 ? helperThread() : null;
  if (!h) return;
  // Largest first, each to the thread with less so far.
  const mine: typeof todo = [];
  const theirs: typeof todo = [];
  let mineSize = 0;
  let theirSize = 0;
  for (const a of todo) {
    if (theirSize <= mineSize) {
      theirs.push(a);
      theirSize += a.h * a.w;
    } else {
      mine.push(a);
      mineSize += a.h * a.w;
    }
  }
  const pending = h.request({ kind: 'leaves', leaves: theirs });
  for (const a of mine) {
    const { key, values } = leafValues(a);
    cache.set(key, values);
  }
  const made = await pending;
  if (!Array.isArray(made)) throw new Error('the helper thread answered out of turn');
  for (const { key, values } of made) cache.set(key, values);
}

serve<ComputeRequest, ComputeReply>(async ({ params, have, leafData }, progress) => {
  await prepareLeaves(params);
  const r = await computeValuesAsync(
    params,
    { cache, leafData: new Map(leafData), onProgress: progress },
    multiply,
  );
  const used = new Set(r.keys.values());
  for (const k of [...cache.keys()]) if (!used.has(k)) cache.delete(k);
  const entries: ComputeReply['entries'] = [];
  // Pooled levels are moved to the page, not copied: this thread never reads them again (products
  // need only the data, which stays here for the next state). The data is copied here and the
  // copy moved: cloning it with the message would copy it twice, once on each side, and the
  // page's copy would hold up its thread (a big layer's values: tens of megabytes).
  const transfer = new Set<ArrayBuffer>();
  const sent = new Map<string, MatrixValues>();
  for (const [path, key] of r.keys) {
    const v = r.values.get(path)!;
    if (have.includes(key)) {
      cache.set(key, v);
      entries.push({ path, key });
      continue;
    }
    let out = sent.get(key);
    if (!out) {
      // Levels moved away with an earlier answer are made again (the page has dropped them since).
      const levels =
        v.levels.length === 0 && (v.h > 1 || v.w > 1) ? poolLevels(v.h, v.w, v.data) : v.levels;
      out = { ...v, data: v.data.slice(), levels };
      transfer.add(out.data.buffer as ArrayBuffer);
      for (const l of levels) transfer.add(l.data.buffer as ArrayBuffer);
      sent.set(key, out);
    }
    cache.set(key, { ...v, levels: [] });
    entries.push({ path, key, values: out });
  }
  return { reply: { entries }, transfer: [...transfer] };
});

// Start the helper thread now, so that it has loaded when the first big product comes.
helperThread();
