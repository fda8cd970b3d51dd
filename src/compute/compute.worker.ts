/**
 * Computes values off the main thread (products of large matrices would otherwise freeze the
 * page). Keeps its own cache by content key and sends back only what the page does not hold yet.
 * Big products are split by rows with a helper thread, so both cores work on them.
 */
import {
  type MatrixValues,
  type MultiplyJob,
  computeValuesAsync,
  leafValues,
  poolLevels,
  settledLeaves,
} from '../core/model/values';
import type { Params } from '../core/params/schema';
import { matmul } from '../core/tensor/matmul';
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

async function multiply(job: MultiplyJob): Promise<Float32Array> {
  const { a, b, I, K, J } = job;
  if (I === 0) return new Float32Array(0);
  const h = I * K * J >= SPLIT_WORK && I >= 8 ? helperThread() : null;
  if (!h) return matmul(a, b, I, K, J, new Float32Array(I * J), (rows) => job.onFraction(rows / I));
  // The helper takes the first rows; this thread the rest; B goes over as a copy (copies are
  // transferred, not cloned a second time).
  const split = Math.floor(I / 2);
  const req = {
    kind: 'multiply' as const,
    a: a.slice(0, split * K),
    b: b.slice(0, K * J),
    I: split,
    K,
    J,
  };
  const theirs = h.request(req, { transfer: [req.a.buffer, req.b.buffer] });
  const rest = I - split;
  const mine = matmul(a.subarray(split * K), b, rest, K, J, new Float32Array(rest * J), (rows) =>
    job.onFraction(rows / rest),
  );
  const top = await theirs;
  if (!(top instanceof Float32Array)) throw new Error('the helper thread answered out of turn');
  const out = new Float32Array(I * J);
  out.set(top, 0);
  out.set(mine, split * J);
  return out;
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
  if (made instanceof Float32Array) throw new Error('the helper thread answered out of turn');
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
  // need only the data, which stays here for the next state). Copying a big layer's values costs
  // both threads hundreds of milliseconds; the levels are a quarter of them.
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
      out =
        v.levels.length === 0 && (v.h > 1 || v.w > 1)
          ? { ...v, levels: poolLevels(v.h, v.w, v.data) }
          : v;
      for (const l of out.levels) transfer.add(l.data.buffer as ArrayBuffer);
      sent.set(key, out);
    }
    cache.set(key, { ...out, levels: [] });
    entries.push({ path, key, values: out });
  }
  return { reply: { entries }, transfer: [...transfer] };
});

// Start the helper thread now, so that it has loaded when the first big product comes.
helperThread();
