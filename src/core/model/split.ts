/**
 * A big product split by rows between two threads, and the work after it split the same way: each
 * thread applies the epilog to its own rows and makes their statistics and first pooled level
 * (finishRowBlock), so that the thread that drives the traversal is not left doing all of it while
 * the other waits (docs/performance.md, "Eleventh session"). The driver (the compute worker) sends
 * the first block to its helper thread and keeps the rest; both sides are here so that tests run
 * them on one thread.
 */
import { matmul } from '../tensor/matmul';
import {
  type MultiplyJob,
  type ProductResult,
  finishRowBlock,
  joinRowBlocks,
  rowSplit,
} from './values';

/** The first rows of a product, for the other thread: `a` (I x K) times `b` (K x J). */
export interface FarBlock {
  a: Float32Array;
  b: Float32Array;
  I: number;
  K: number;
  J: number;
  /** When given: finish the block too (its rows are the product's first; finishRowBlock). */
  finish?: { epilog: string };
}

/** The other thread's side: the block's product, finished when asked. */
export function farProduct(block: FarBlock): ProductResult {
  const out = matmul(block.a, block.b, block.I, block.K, block.J);
  return block.finish
    ? finishRowBlock(block.finish.epilog, out, block.I, block.J, block.K, 0)
    : out;
}

/**
 * `job`'s product with its first rows computed by `far` (another thread, given copies it may keep)
 * and the rest here. With a row-wise epilog both blocks come back finished and are joined;
 * otherwise the bare product comes back and the traversal finishes it.
 */
export async function productInTwo(
  job: MultiplyJob,
  far: (block: FarBlock) => Promise<ProductResult>,
): Promise<ProductResult> {
  const { a, b, I, K, J } = job;
  const even = rowSplit(I, job.epilog);
  const split = even ?? Math.floor(I / 2);
  const block: FarBlock = { a: a.slice(0, split * K), b: b.slice(0, K * J), I: split, K, J };
  if (even !== null) block.finish = { epilog: job.epilog };
  const theirs = far(block);
  const rest = I - split;
  const mine = matmul(a.subarray(split * K), b, rest, K, J, new Float32Array(rest * J), (rows) =>
    job.onFraction(rows / rest),
  );
  if (even !== null) {
    const own = finishRowBlock(job.epilog, mine, rest, J, K, split);
    const top = await theirs;
    if (top instanceof Float32Array) throw new Error('the helper thread answered out of turn');
    return joinRowBlocks([top, own], J);
  }
  const top = await theirs;
  if (!(top instanceof Float32Array)) throw new Error('the helper thread answered out of turn');
  const out = new Float32Array(I * J);
  out.set(top, 0);
  out.set(mine, split * J);
  return out;
}
