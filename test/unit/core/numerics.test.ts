// The error of float32 accumulation (docs/numerics.md) against a float64 reference: products at
// the tool's realistic inner sizes (K = 768, 3072) and the epilogs the tool uses after them
// (softmax, layernorm, gelu). The reference is written here: a plain triple loop in float64 and
// the epilogs in float64 (erf by its series and continued fraction, not src/core's fit). Each test
// prints the measured worst error beside the bound it asserts.
import { describe, it, expect } from 'vitest';
import { matmul, matmulTScalar, transpose } from '../../../src/core/tensor/matmul';
import { applyEpilog } from '../../../src/core/tensor/epilog';
import { kernelKind, kernelModule, replaceKernel } from '../../../src/core/tensor/wasm-kernel';
import { bytesFromBase64 } from '../../../src/core/base64';
import kernelBuilds from 'virtual:mm3d-kernel';
import { useWasmKernel } from '../../../src/compute/kernel';
import { rand } from './helpers';

useWasmKernel();

/** float32's unit roundoff. */
const U = 2 ** -24;
/** The classic bound of recursive summation of n rounded terms: gamma_n = n u / (1 - n u). */
const gamma = (n: number): number => (n * U) / (1 - n * U);

/** The float64 product and, per entry, sum_k |a_ik b_kj| (what the error bound scales with). */
function reference(
  a: Float32Array,
  b: Float32Array,
  I: number,
  K: number,
  J: number,
): { s: Float64Array; abs: Float64Array } {
  const s = new Float64Array(I * J);
  const abs = new Float64Array(I * J);
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      let t = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const p = a[i * K + k]! * b[k * J + j]!;
        t += p;
        m += Math.abs(p);
      }
      s[i * J + j] = t;
      abs[i * J + j] = m;
    }
  }
  return { s, abs };
}

/** erf in float64: its Taylor series near 0, the continued fraction of erfc further out. */
function erf64(x: number): number {
  const z = Math.abs(x);
  let r: number;
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 80; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(z) = exp(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))), from the tail up.
    let f = z;
    for (let n = 60; n >= 1; n--) f = z + n / 2 / f;
    r = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

interface Worst {
  abs: number;
  /** Worst |error| / bound over all entries (must stay <= 1). */
  ofBound: number;
  /** Worst |error| / max(|reference|, 1e-3): a readable relative error. */
  rel: number;
  bound: number;
}

function compare(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: (x: number) => number,
): Worst {
  const w: Worst = { abs: 0, ofBound: 0, rel: 0, bound: 0 };
  for (let x = 0; x < want.length; x++) {
    const e = Math.abs(got[x]! - want[x]!);
    const b = bound(x);
    if (!(e <= b)) w.ofBound = Math.max(w.ofBound, Number.isNaN(e) ? Infinity : e / b);
    else w.ofBound = Math.max(w.ofBound, b > 0 ? e / b : 0);
    w.abs = Math.max(w.abs, e);
    w.rel = Math.max(w.rel, e / Math.max(Math.abs(want[x]!), 1e-3));
    w.bound = Math.max(w.bound, b);
  }
  return w;
}

function report(what: string, w: Worst): void {
  console.log(
    `${what}: max |error| ${w.abs.toExponential(2)}, max relative ${w.rel.toExponential(2)}, largest bound ${w.bound.toExponential(2)}, worst error / its bound ${w.ofBound.toFixed(3)}`,
  );
}

type Kernel = (a: Float32Array, b: Float32Array, I: number, K: number, J: number) => Float32Array;
/** A product with one build of the WebAssembly kernel (0: relaxed SIMD, 1: plain SIMD), then back. */
const withBuild =
  (build: number): Kernel =>
  (a, b, I, K, J) => {
    replaceKernel([bytesFromBase64(kernelBuilds[build]!)]);
    try {
      expect(kernelModule()).toBe(0);
      return matmul(a, b, I, K, J);
    } finally {
      replaceKernel(kernelBuilds.map(bytesFromBase64));
    }
  };
const kernels: [string, Kernel][] = [
  ['WebAssembly, relaxed SIMD (float32 sums, fused multiply-adds)', withBuild(0)],
  ['WebAssembly, plain SIMD (float32 sums)', withBuild(1)],
  ['JavaScript (float64 sums)', (a, b, I, K, J) => matmulTScalar(a, transpose(b, K, J), I, K, J)],
];

describe('float32 accumulation against a float64 reference', () => {
  it('the WebAssembly kernel is in use, its relaxed-SIMD build (so the products below are its)', () => {
    expect(kernelKind()).toBe('wasm');
    // The unit tests give Node the flag that lets it take that build (vite.config.ts).
    expect(kernelModule()).toBe(0);
  });

  // [I, K, J, lo, hi]: uniform signed values, and all-positive ones (no cancellation, so the
  // rounding errors of every step add up in the same direction as far as they can).
  const cases: [number, number, number, number, number][] = [
    [48, 768, 160, -1, 1],
    [24, 3072, 96, -1, 1],
    [16, 3072, 64, 0, 1],
  ];
  for (const [name, kernel] of kernels) {
    for (const [I, K, J, lo, hi] of cases) {
      it(`${name}: ${I}x${K} @ ${K}x${J}, values in [${lo}, ${hi})`, () => {
        const a = rand(I * K, I + K, lo, hi);
        const b = rand(K * J, J + 3 * K, lo, hi);
        const ref = reference(a, b, I, K, J);
        const got = kernel(a, b, I, K, J);
        // |c - s| <= gamma_K sum|a b| for the sums (products rounded too: gamma_K covers K
        // roundings of the running sum plus the one of each product), and the final float32 store.
        const w = compare(got, ref.s, (x) => gamma(K + 1) * ref.abs[x]! + U * Math.abs(ref.s[x]!));
        report(`${name} ${I}x${K}x${J} [${lo}, ${hi})`, w);
        expect(w.ofBound).toBeLessThanOrEqual(1);
        // The bound is a worst case: in practice the error is a small part of it.
        expect(w.ofBound).toBeLessThan(0.2);
      });
    }
  }

  it('softmax(x/sqrt(k)) after a product with K = 768', () => {
    const I = 32,
      K = 768,
      J = 128;
    const a = rand(I * K, 11);
    const b = rand(K * J, 12);
    const ref = reference(a, b, I, K, J);
    const got = matmul(a, b, I, K, J);
    applyEpilog('softmax(x/sqrt(k))', got, I, J, K);
    const scale = 1 / Math.sqrt(K);
    const want = new Float64Array(I * J);
    const delta = new Float64Array(I);
    for (let i = 0; i < I; i++) {
      let m = -Infinity;
      for (let j = 0; j < J; j++) m = Math.max(m, ref.s[i * J + j]! * scale);
      let sum = 0;
      for (let j = 0; j < J; j++) sum += want[i * J + j] = Math.exp(ref.s[i * J + j]! * scale - m);
      for (let j = 0; j < J; j++) want[i * J + j]! /= sum;
      // If every logit of a row moves by at most d, every probability moves by a factor within
      // exp(+-2d): |dp| <= p (exp(2d) - 1). d is the product's bound, scaled.
      for (let j = 0; j < J; j++)
        delta[i] = Math.max(
          delta[i]!,
          scale * (gamma(K + 1) * ref.abs[i * J + j]! + U * Math.abs(ref.s[i * J + j]!)),
        );
    }
    // Plus the epilog's own float64 arithmetic on float32 inputs and its float32 store: a few u.
    const w = compare(
      got,
      want,
      (x) => want[x]! * (Math.expm1(2 * delta[Math.floor(x / J)]!) + 4 * U) + 1e-30,
    );
    report(`softmax(x/sqrt(k)) ${I}x${K}x${J}`, w);
    expect(w.ofBound).toBeLessThanOrEqual(1);
  });

  it('layernorm after a product with K = 3072', () => {
    const I = 16,
      K = 3072,
      J = 96;
    const a = rand(I * K, 21);
    const b = rand(K * J, 22, -0.1, 0.1);
    const ref = reference(a, b, I, K, J);
    const got = matmul(a, b, I, K, J);
    applyEpilog('layernorm', got, I, J, K);
    const n = I * J;
    let mean = 0;
    for (let x = 0; x < n; x++) mean += ref.s[x]!;
    mean /= n;
    let v = 0;
    for (let x = 0; x < n; x++) v += (ref.s[x]! - mean) ** 2;
    const sigma = Math.sqrt(v / n + 1e-5);
    const want = Float64Array.from(ref.s, (s) => (s - mean) / sigma);
    let d = 0;
    for (let x = 0; x < n; x++)
      d = Math.max(d, gamma(K + 1) * ref.abs[x]! + U * Math.abs(ref.s[x]!));
    // Every input moves by at most d: the mean by at most d, each deviation by at most 2d, the
    // standard deviation (an RMS of deviations) by at most 2d. So y = dev / sigma moves by at most
    // (2d + |y| 2d) / (sigma - 2d); plus a few u of the epilog's own rounding.
    const w = compare(
      got,
      want,
      (x) =>
        (2 * d * (1 + Math.abs(want[x]!))) / (sigma - 2 * d) + 4 * U * (1 + Math.abs(want[x]!)),
    );
    report(`layernorm ${I}x${K}x${J}`, w);
    expect(w.ofBound).toBeLessThanOrEqual(1);
  });

  it('gelu after a product with K = 768', () => {
    const I = 32,
      K = 768,
      J = 192;
    const a = rand(I * K, 31);
    const b = rand(K * J, 32, -0.1, 0.1);
    const ref = reference(a, b, I, K, J);
    const got = matmul(a, b, I, K, J);
    applyEpilog('gelu', got, I, J, K);
    const want = Float64Array.from(ref.s, (s) => 0.5 * s * (1 + erf64(s / Math.SQRT2)));
    // gelu's slope lies in [-0.17, 1.13], so an input error d becomes at most 1.13 d; the tool's
    // erf (a fit with |error| < 1.2e-7) adds at most 0.5 |s| 1.2e-7, the float32 store u |gelu|.
    const w = compare(
      got,
      want,
      (x) =>
        1.13 * (gamma(K + 1) * ref.abs[x]! + U * Math.abs(ref.s[x]!)) +
        0.5 * Math.abs(ref.s[x]!) * 1.2e-7 +
        2 * U * Math.abs(want[x]!) +
        1e-30,
    );
    report(`gelu ${I}x${K}x${J}`, w);
    expect(w.ofBound).toBeLessThanOrEqual(1);
  });
});
