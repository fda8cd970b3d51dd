/**
 * scripts/gpt-tf.mjs `plainProductsOnWasm`: training re-registers tfjs's WebAssembly BatchMatMul
 * kernel so that transposed operands are copied by the backend's Transpose kernel before a plain
 * product (three times faster training steps here). It may change numbers only by float32
 * rounding (the plain kernel sums in another order): products with every transpose flag, 2-D and
 * batched, small and of a training step's size, agree with the original kernel and with a plain
 * float64 triple loop within a relative 1e-5, and so do the gradients of a small loss.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { plainProductsOnWasm } from '../../../scripts/gpt-tf.mjs';
import { lcg, relErr } from './helpers';

/** op(a) @ op(b) for one batch item of row-major arrays, in float64 loops. */
function loopProduct(
  a: Float32Array,
  b: Float32Array,
  [ar, ac]: [number, number],
  [br, bc]: [number, number],
  ta: boolean,
  tb: boolean,
): Float64Array {
  const I = ta ? ac : ar;
  const K = ta ? ar : ac;
  const J = tb ? br : bc;
  const out = new Float64Array(I * J);
  for (let i = 0; i < I; i++)
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const x = ta ? a[k * ac + i]! : a[i * ac + k]!;
        const y = tb ? b[j * bc + k]! : b[k * bc + j]!;
        s += x * y;
      }
      out[i * J + j] = s;
    }
  return out;
}

const CASES: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
  { a: [37, 20], b: [20, 29], ta: false, tb: false },
  { a: [20, 37], b: [20, 29], ta: true, tb: false },
  { a: [37, 20], b: [29, 20], ta: false, tb: true },
  { a: [20, 37], b: [29, 20], ta: true, tb: true },
  { a: [3, 17, 8], b: [3, 17, 8], ta: false, tb: true },
  { a: [3, 17, 8], b: [3, 17, 11], ta: true, tb: false },
  // A training step's weight gradient: [64, 1024]^T-style operands with a long sum.
  { a: [512, 48], b: [512, 96], ta: true, tb: false },
];

let calls = 0;
async function runAll(): Promise<{ products: Float32Array[]; grads: Float32Array[] }> {
  calls++;
  const rnd = lcg(97531);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  const products: Float32Array[] = [];
  for (const c of CASES) {
    const a = tf.tensor(fill(c.a.reduce((x, y) => x * y)), c.a);
    const b = tf.tensor(fill(c.b.reduce((x, y) => x * y)), c.b);
    products.push((await tf.matMul(a, b, c.ta, c.tb).data()) as Float32Array);
  }
  // A loss whose gradients go through transposed products (what backpropagation asks for).
  const x = tf.tensor(fill(24 * 16), [24, 16]);
  const w = tf.variable(tf.tensor(fill(16 * 12), [16, 12]), true, `w${calls}`);
  const v = tf.variable(tf.tensor(fill(12 * 16), [12, 16]), true, `v${calls}`);
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.square(tf.matMul(tf.tanh(tf.matMul(x, w)), v))) as tf.Scalar,
    [w, v],
  );
  const g = await Promise.all(Object.values(grads).map((t) => t.data() as Promise<Float32Array>));
  return { products, grads: g };
}

describe('training products on tfjs WebAssembly', () => {
  it('transposed operands copied first: the backend kernel numbers up to float32 rounding', async () => {
    await tf.setBackend('wasm');
    const before = await runAll();
    plainProductsOnWasm();
    const after = await runAll();
    // Re-registering twice must not wrap the wrapper.
    plainProductsOnWasm();
    const again = await runAll();
    const rnd = lcg(97531);
    const fill = (n: number) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
    CASES.forEach((c, n) => {
      expect(after.products[n]!.length).toBe(before.products[n]!.length);
      expect(relErr(after.products[n]!, before.products[n]!)).toBeLessThan(1e-5);
      expect(Array.from(again.products[n]!)).toEqual(Array.from(after.products[n]!));
      const a = fill(c.a.reduce((x, y) => x * y));
      const b = fill(c.b.reduce((x, y) => x * y));
      const batch = c.a.length === 3 ? c.a[0]! : 1;
      const as = c.a.slice(-2) as [number, number];
      const bs = c.b.slice(-2) as [number, number];
      const per = (as[0] * as[1]) | 0;
      const perB = (bs[0] * bs[1]) | 0;
      const out = after.products[n]!;
      const each = out.length / batch;
      let worst = 0;
      for (let i = 0; i < batch; i++) {
        const ref = loopProduct(
          a.subarray(i * per, (i + 1) * per),
          b.subarray(i * perB, (i + 1) * perB),
          as,
          bs,
          c.ta,
          c.tb,
        );
        let top = 0;
        for (let k = 0; k < each; k++) {
          worst = Math.max(worst, Math.abs(out[i * each + k]! - ref[k]!));
          top = Math.max(top, Math.abs(ref[k]!));
        }
        worst /= top;
      }
      expect(worst).toBeLessThan(1e-5);
    });
    after.grads.forEach((g, n) => expect(relErr(g, before.grads[n]!)).toBeLessThan(1e-5));
    // The loss does depend on the weights: gradients are not all zero.
    expect(Math.max(...after.grads[0]!.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});
