/**
 * Ranged loading of GPT-2-layout checkpoints (src/data/checkpoint.ts) from a local HTTP server
 * (test/lib/range-server.mjs) that counts the bytes it sends. The checkpoint is generated at test
 * time by scripts/make-gpt2-fixture.mjs: GPT-2 small's key names and shapes (vocabulary 50257,
 * context 1024, width 768) with 2 layers and seeded values, 214 MB. Checked: what layer 0 on a
 * 16-token text transfers (bound: under 15 % of the file), progress events, a second open that
 * transfers 0 bytes, the no-Range path (refused with the size, then works when the whole file is
 * accepted), one distinct error per failure, F16/BF16 files equal to F32, and the forward pass on
 * the loaded weights against plain-JavaScript loops over the same file read independently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGpt2Fixture, readFixtureTensor } from '../../../scripts/make-gpt2-fixture.mjs';
import { rangeServer } from '../../lib/range-server.mjs';
import { Checkpoint, CheckpointError, type LoadProgress } from '../../../src/data/checkpoint';
import { MemoryByteCache } from '../../../src/data/byte-cache';
import { GptRun } from '../../../src/core/nn/gpt';
import { matmul } from '../../../src/core/tensor/matmul';
import { useWasmKernel } from '../../../src/compute/kernel';
import { relErr } from '../nn/helpers';

useWasmKernel();

type Layout = ReturnType<typeof makeGpt2Fixture>;
let dir: string;
let main: Layout;
let mainFile: string;
let server: Awaited<ReturnType<typeof rangeServer>>;

/** 16 token ids spread over the vocabulary, with repeats (as a text has). */
const TOKENS = [15496, 995, 11, 262, 3290, 318, 257, 1332, 13, 15496, 995, 50256, 0, 1, 40000, 262];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm3d-ckpt-'));
  mainFile = path.join(dir, 'gpt2-2l.safetensors');
  main = makeGpt2Fixture(mainFile, { layers: 2, seed: 7 });
  makeGpt2Fixture(path.join(dir, 'f16.safetensors'), { layers: 1, seed: 7, dtype: 'F16' });
  makeGpt2Fixture(path.join(dir, 'bf16.safetensors'), { layers: 1, seed: 7, dtype: 'BF16' });
  const small = (name: string, opts: object): string => {
    const f = path.join(dir, name);
    makeGpt2Fixture(f, { layers: 1, d: 8, vocab: 16, ctx: 16, seed: 3, ...opts });
    return f;
  };
  const raw = (name: string, bytes: Buffer): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const len = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const notJson = Buffer.concat([len(16), Buffer.from('{"wte.weight": [')]);
  const claims = Buffer.concat([len(5000), Buffer.from('{"a":1}')]);
  return rangeServer({
    '/gpt2.safetensors': { file: mainFile },
    '/norange.safetensors': { file: mainFile, range: false },
    '/truncated.safetensors': { file: mainFile, truncateTo: main.size - 1000 },
    '/notjson.safetensors': { file: raw('notjson.safetensors', notJson) },
    '/claims.safetensors': { file: raw('claims.safetensors', claims) },
    '/i32.safetensors': {
      file: small('i32.safetensors', {
        dtypeOf: (n: string) => (n === 'h.0.attn.c_attn.weight' ? 'I32' : undefined),
      }),
    },
    '/nokeys.safetensors': {
      file: small('nokeys.safetensors', { prefix: 'model.decoder.' }),
    },
    '/f16.safetensors': { file: path.join(dir, 'f16.safetensors') },
    '/bf16.safetensors': { file: path.join(dir, 'bf16.safetensors') },
    '/gone.safetensors': { file: mainFile, status: 404 },
  }).then((s) => {
    server = s;
  });
}, 300_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens and loads; returns the checkpoint and the bytes the server sent for it. */
async function openAndLoad(
  route: string,
  layer: number,
  opts: { cache?: MemoryByteCache; whole?: boolean; progress?: LoadProgress[] } = {},
): Promise<{ ck: Checkpoint; sent: number }> {
  server.reset();
  const ck = await Checkpoint.open(
    { kind: 'url', url: server.url(route), whole: opts.whole },
    { cache: opts.cache ?? null },
  );
  await ck.load(TOKENS, layer, { onProgress: (p) => opts.progress?.push(p) });
  await ck.flush();
  // The server counts bytes as it streams; give its last chunks a moment to be counted.
  await new Promise((r) => setTimeout(r, 50));
  return { ck, sent: server.sent() };
}

/** Index of the first element that differs (-1: none; lengths must match). */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

async function errorOf(p: Promise<unknown>): Promise<CheckpointError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected an error');
}

describe('ranged loading of a GPT-2-layout checkpoint', { timeout: 180_000 }, () => {
  it('layer 0 on 16 tokens transfers a small fraction of the file, with progress', async () => {
    const progress: LoadProgress[] = [];
    const { ck, sent } = await openAndLoad('/gpt2.safetensors', 0, { progress });
    const fraction = sent / main.size;
    console.log(
      `layer 0, 16 tokens: ${sent} bytes sent of ${main.size} (${(fraction * 100).toFixed(1)} %), ${server.requests.length} requests`,
    );
    expect(ck.config).toMatchObject({ nLayer: 2, nHead: 12, dModel: 768, vocabSize: 50257 });
    expect(ck.shape.family).toBe('gpt2');
    // One block of GPT-2 small is 28.3 MB; the embeddings' rows and the header add under 1.5 MB.
    expect(sent).toBeLessThan(30 * 1024 * 1024);
    expect(fraction).toBeLessThan(0.15);
    expect(ck.transferred).toBe(sent);
    expect(progress.length).toBeGreaterThan(3);
    const last = progress[progress.length - 1]!;
    expect(last.loaded).toBe(last.total);
    expect(progress.every((p, i) => i === 0 || p.transferred >= progress[i - 1]!.transferred)).toBe(
      true,
    );
    expect(server.requests.every((r) => r.range !== null)).toBe(true);
  });

  it('a second open from the cache transfers 0 bytes; the forward pass is the same', async () => {
    const cache = new MemoryByteCache();
    const first = await openAndLoad('/gpt2.safetensors', 1, { cache });
    expect(first.sent).toBeGreaterThan(50 * 1024 * 1024);
    expect(await cache.size()).toBeGreaterThan(50 * 1024 * 1024);
    const second = await openAndLoad('/gpt2.safetensors', 1, { cache });
    expect(second.sent).toBe(0);
    expect(second.ck.transferred).toBe(0);
    expect(server.requests.map((r) => r.method)).toEqual(['HEAD']);
    const run = (ck: Checkpoint): Float32Array => {
      const { weights, tokens } = ck.weightsFor(TOKENS);
      return new GptRun(weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J)).hidden(1);
    };
    expect(firstDifference(run(second.ck), run(first.ck))).toBe(-1);
    await cache.clear();
    expect(await cache.size()).toBe(0);
  });

  it('a server without Range support: refused with the whole size, then works when accepted', async () => {
    const e = await errorOf(
      Checkpoint.open({ kind: 'url', url: server.url('/norange.safetensors') }),
    );
    expect(e.kind).toBe('no-range');
    expect(e.size).toBe(main.size);
    expect(e.message).toMatch(/does not serve byte ranges.*204\.3 MiB/);
    const { ck, sent } = await openAndLoad('/norange.safetensors', 0, { whole: true });
    // The whole file once (the refused request above may still have been streaming its first chunk).
    expect(sent).toBeGreaterThanOrEqual(main.size);
    expect(sent).toBeLessThan(main.size + 1024 * 1024);
    expect(ck.notices.join(' ')).toMatch(/ignores byte ranges: the whole file/);
    const ranged = await openAndLoad('/gpt2.safetensors', 0);
    const h = (c: Checkpoint): Float32Array => {
      const { weights, tokens } = c.weightsFor(TOKENS);
      return new GptRun(weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J)).hidden(0);
    };
    expect(firstDifference(h(ck), h(ranged.ck))).toBe(-1);
  });

  it('each failure has its own kind and message', async () => {
    const open = (route: string): Promise<CheckpointError> =>
      errorOf(Checkpoint.open({ kind: 'url', url: server.url(route) }));
    const seen = new Map<string, string>();
    const cases: [string, string, RegExp][] = [
      ['/gone.safetensors', 'http', /404 not found/],
      ['/notjson.safetensors', 'header', /unreadable safetensors header/],
      ['/claims.safetensors', 'header', /header claims 5000 bytes but the file has only 15 bytes/],
      ['/truncated.safetensors', 'truncated', /truncated file: tensor 'ln_f.bias'/],
      [
        '/i32.safetensors',
        'dtype',
        /h\.0\.attn\.c_attn\.weight is stored as I32.*F32, F16 or BF16/,
      ],
      [
        '/nokeys.safetensors',
        'layout',
        /expected wte\.weight, wpe\.weight, h\.\{layer\}.*found model\.decoder\.wte\.weight/,
      ],
    ];
    for (const [route, kind, message] of cases) {
      const e = await open(route);
      expect([route, e.kind]).toEqual([route, kind]);
      expect(e.message).toMatch(message);
      seen.set(e.message, route);
    }
    expect(seen.size).toBe(cases.length);
    // A refused fetch (what a CORS refusal looks like to a page) and a cancel.
    const refused = await errorOf(
      Checkpoint.open(
        { kind: 'url', url: server.url('/gpt2.safetensors') },
        {
          fetch: () => Promise.reject(new TypeError('Failed to fetch')),
        },
      ),
    );
    expect(refused.kind).toBe('cors');
    expect(refused.message).toMatch(/CORS/);
    const ck = await Checkpoint.open({ kind: 'url', url: server.url('/gpt2.safetensors') });
    const ac = new AbortController();
    const loading = ck.load(TOKENS, 1, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.transferred > 1e6) ac.abort();
      },
    });
    expect((await errorOf(loading)).kind).toBe('cancelled');
  });

  it('a local file: a cut one is refused, a whole one is read in slices', async () => {
    // The first 4 KB of the file as a Blob: its header announces tensors the Blob does not hold.
    const part = new Blob([fs.readFileSync(mainFile).subarray(0, 4096)]);
    const e = await errorOf(Checkpoint.open({ kind: 'blob', blob: part, name: 'cut.safetensors' }));
    expect(e.kind).toBe('truncated');
    // A local file: only the bytes asked for are read (a Blob whose slices are counted).
    const whole = new Blob([fs.readFileSync(mainFile)]);
    let read = 0;
    const counting = {
      size: whole.size,
      slice: (a: number, b: number) => {
        read += b - a;
        return whole.slice(a, b);
      },
    } as unknown as Blob;
    const ck = await Checkpoint.open({ kind: 'blob', blob: counting, name: 'gpt2.safetensors' });
    await ck.load(TOKENS, 0);
    expect(read).toBeLessThan(30 * 1024 * 1024);
  });

  it('F16 and BF16 files load to the same values as F32', async () => {
    const ref = (await openAndLoad('/gpt2.safetensors', 0)).ck.weightsFor(TOKENS).weights;
    for (const route of ['/f16.safetensors', '/bf16.safetensors']) {
      const { ck, sent } = await openAndLoad(route, 0);
      expect(sent).toBeLessThan(15 * 1024 * 1024);
      const w = ck.weightsFor(TOKENS).weights;
      for (const n of ['wte.weight', 'wpe.weight', 'h.0.attn.c_attn.weight', 'h.0.ln_1.weight'])
        expect([route, n, firstDifference(w.get(n), ref.get(n))]).toEqual([route, n, -1]);
    }
  });
});

// ---------------------------------------------------------------- the reference forward pass

/** GPT-2's block in plain loops (float64 accumulators), over weights read straight from the file. */
function referenceHidden(
  file: string,
  layout: Layout,
  tokens: number[],
  layers: number,
): number[][] {
  const d = 768;
  const H = 12;
  const hd = d / H;
  const T = tokens.length;
  const memo = new Map<string, Float32Array>();
  const get = (n: string): Float32Array => {
    if (!memo.has(n)) memo.set(n, readFixtureTensor(file, layout.header[n]));
    return memo.get(n)!;
  };
  const wpe = readFixtureTensor(file, layout.header['wpe.weight'], [0, T]);
  let x: number[][] = tokens.map((tok, t) => {
    const row = readFixtureTensor(file, layout.header['wte.weight'], [tok, 1]);
    return Array.from({ length: d }, (_, i) => row[i]! + wpe[t * d + i]!);
  });
  const ln = (v: number[], w: Float32Array, b: Float32Array): number[] => {
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    const varr = v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length;
    return v.map((a, i) => ((a - mean) / Math.sqrt(varr + 1e-5)) * w[i]! + b[i]!);
  };
  const lin = (v: number[], w: Float32Array, b: Float32Array, out: number): number[] => {
    const y = Array.from(b.subarray(0, out), Number);
    for (let i = 0; i < v.length; i++)
      for (let j = 0; j < out; j++) y[j] += v[i]! * w[i * out + j]!;
    return y;
  };
  const gelu = (a: number): number =>
    0.5 * a * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (a + 0.044715 * a ** 3)));
  for (let l = 0; l < layers; l++) {
    const p = `h.${l}.`;
    const qkv = x.map((r) =>
      lin(
        ln(r, get(p + 'ln_1.weight'), get(p + 'ln_1.bias')),
        get(p + 'attn.c_attn.weight'),
        get(p + 'attn.c_attn.bias'),
        3 * d,
      ),
    );
    const z = x.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const s: number[] = [];
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let c = 0; c < hd; c++) dot += qkv[i]![h * hd + c]! * qkv[j]![d + h * hd + c]!;
          s.push(dot / Math.sqrt(hd));
        }
        const m = Math.max(...s);
        const e = s.map((a) => Math.exp(a - m));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++)
          for (let c = 0; c < hd; c++)
            z[i]![h * hd + c]! += (e[j]! / sum) * qkv[j]![2 * d + h * hd + c]!;
      }
    }
    const mid = x.map((r, t) => {
      const proj = lin(z[t]!, get(p + 'attn.c_proj.weight'), get(p + 'attn.c_proj.bias'), d);
      return r.map((a, i) => a + proj[i]!);
    });
    x = mid.map((r) => {
      const fc = lin(
        ln(r, get(p + 'ln_2.weight'), get(p + 'ln_2.bias')),
        get(p + 'mlp.c_fc.weight'),
        get(p + 'mlp.c_fc.bias'),
        4 * d,
      ).map(gelu);
      const out = lin(fc, get(p + 'mlp.c_proj.weight'), get(p + 'mlp.c_proj.bias'), d);
      return r.map((a, i) => a + out[i]!);
    });
  }
  return x;
}

describe('forward pass on a ranged-loaded checkpoint', () => {
  it('equals plain loops over the same file, layer by layer', async () => {
    const { ck } = await openAndLoad('/gpt2.safetensors', 1);
    const { weights, tokens } = ck.weightsFor(TOKENS);
    const run = new GptRun(weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J));
    for (const layer of [0, 1]) {
      const ref = referenceHidden(mainFile, main, TOKENS, layer + 1).flat();
      const err = relErr(run.hidden(layer), ref);
      console.log(`layer ${layer}: max relative error ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
    }
  }, 120_000);
});

// What lets the explorer compute a block while later ones still arrive: at most one block per
// request (blocks 0 and 1 lie next to each other in the file and used to come as one 57 MB
// request), `hasEmbeddings` / `hasBlock` say what is in, and `changed` wakes a waiter per range.
describe('blocks arrive one by one', () => {
  /** The block that byte `b` of the main fixture belongs to, or -1 outside the blocks. */
  const blockOf = (b: number): number => {
    for (const [name, e] of Object.entries(main.header)) {
      const m = /^h\.(\d+)\./.exec(name);
      if (m && b >= e.begin && b < e.end) return Number(m[1]);
    }
    return -1;
  };

  it('one block per request, reported as each is stored', async () => {
    server.reset();
    const ck = await Checkpoint.open({ kind: 'url', url: server.url('/gpt2.safetensors') });
    expect(ck.hasEmbeddings(TOKENS)).toBe(false);
    expect(ck.hasBlock(0)).toBe(false);
    let stores = 0;
    const seen: number[] = [];
    let done = false;
    const loading = ck.load(TOKENS, 1).finally(() => {
      done = true;
    });
    const watch = (async () => {
      while (!done) {
        await Promise.race([ck.changed(), loading]);
        stores++;
        for (const l of [0, 1]) if (ck.hasBlock(l) && !seen.includes(l)) seen.push(l);
      }
    })();
    await loading;
    await watch;
    expect(ck.hasEmbeddings(TOKENS)).toBe(true);
    expect(ck.hasEmbeddings([...TOKENS, 7])).toBe(false);
    expect(ck.hasBlock(0) && ck.hasBlock(1)).toBe(true);
    expect(seen.sort()).toEqual([0, 1]);
    // 24 block tensors, 13 distinct token rows and wpe: each store woke the watcher (some
    // wake-ups may cover two stores of one request).
    expect(stores).toBeGreaterThan(2);
    const ranges = server.requests
      .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.range ?? ''))
      .filter((m) => m !== null)
      .map((m) => [Number(m[1]), Number(m[2])] as const)
      .filter(([a]) => blockOf(a) >= 0);
    for (const [a, b] of ranges) expect(blockOf(b)).toBe(blockOf(a));
    expect(ranges.map(([a]) => blockOf(a)).sort()).toEqual([0, 1]);
  }, 120_000);
});

// Reopening a view: the residual stream entering the viewed block is kept in the cache with the
// file's bytes, so the view needs that one block's weights (from the cache) and no block under it.
describe('a view reopened from its kept residual stream', () => {
  const product = (a: Float32Array, b: Float32Array, I: number, K: number, J: number) =>
    matmul(a, b, I, K, J);

  it('needs only the viewed block, and computes the same values', async () => {
    const cache = new MemoryByteCache();
    const first = await openAndLoad('/gpt2.safetensors', 1, { cache });
    const full = new GptRun(
      first.ck.weightsFor(TOKENS).weights,
      first.ck.weightsFor(TOKENS).tokens,
      product,
    );
    full.layer(1);
    first.ck.keepStream(TOKENS, 1, full.knownInput(1)!);
    await first.ck.flush();

    server.reset();
    const ck = await Checkpoint.open(
      { kind: 'url', url: server.url('/gpt2.safetensors') },
      { cache },
    );
    expect(await ck.cachedStream([...TOKENS.slice(1), 7], 1)).toBeNull();
    const stream = await ck.cachedStream(TOKENS, 1);
    expect(stream).not.toBeNull();
    // The block is read from the cache while nothing else is known yet (as the explorer does while its tokenizer loads).
    await ck.warmBlocks([1]);
    expect(ck.hasBlock(1)).toBe(true);
    expect(ck.hasBlock(0)).toBe(false);
    expect(ck.hasEmbeddings(TOKENS)).toBe(false);
    const { weights, tokens } = ck.weightsFor(TOKENS);
    const run = new GptRun(weights, tokens, product);
    run.seed(1, stream!);
    expect(run.firstNeeded(1)).toBe(1);
    await ck.load(TOKENS, 1, { blocks: [1], embeddings: false });
    const a = run.layer(1);
    const b = full.layer(1);
    expect(run.has(0)).toBe(false);
    for (const k of ['resid', 'ln1', 'qkv', 'z', 'residOut'] as const)
      expect([k, firstDifference(a[k], b[k])]).toEqual([k, -1]);
    expect(firstDifference(a.attn[3]!, b.attn[3]!)).toBe(-1);
    // Only the HEAD request checked the file: no byte was transferred.
    expect(server.requests.map((r) => r.method)).toEqual(['HEAD']);
    expect(ck.transferred).toBe(0);
    // Going down a layer needs the embeddings and block 0 after all (from the cache here).
    expect(run.firstNeeded(0)).toBe(0);
    await ck.load(TOKENS, 0, { blocks: [0], embeddings: true });
    expect(firstDifference(run.layer(0).residOut, full.layer(0).residOut)).toBe(-1);
    expect(server.sent()).toBe(0);
  }, 120_000);

  it('a load narrowed to one block transfers that block and no embeddings', async () => {
    server.reset();
    const ck = await Checkpoint.open({ kind: 'url', url: server.url('/gpt2.safetensors') });
    await ck.load(TOKENS, 1, { blocks: [1], embeddings: false });
    expect(ck.hasBlock(1)).toBe(true);
    expect(ck.hasBlock(0)).toBe(false);
    expect(ck.hasEmbeddings(TOKENS)).toBe(false);
    // One block of GPT-2 small (28.3 MB) and the 64 KiB header read, nothing else.
    expect(ck.transferred).toBeGreaterThan(28e6);
    expect(ck.transferred).toBeLessThan(28.4e6 + 70e3);
    // A checkpoint without a cache keeps no streams.
    ck.keepStream(TOKENS, 1, new Float32Array(TOKENS.length * 768));
    expect(await ck.cachedStream(TOKENS, 1)).toBeNull();
  }, 120_000);
});

describe('released blocks', () => {
  it("a released block's memory takes the next block's bytes, which arrive intact", async () => {
    server.reset();
    const ck = await Checkpoint.open({ kind: 'url', url: server.url('/gpt2.safetensors') });
    await ck.load(TOKENS, 0);
    const before = ck.weightsFor(TOKENS).weights.get('h.0.mlp.c_fc.weight').buffer;
    ck.release(0);
    expect(ck.hasBlock(0)).toBe(false);
    expect(ck.hasEmbeddings(TOKENS)).toBe(true);
    await ck.load(TOKENS, 1, { blocks: [1], embeddings: false });
    const w = ck.weightsFor(TOKENS).weights;
    // Block 1 was received into block 0's buffer (blocks of one file have one size)...
    expect(w.get('h.1.mlp.c_fc.weight').buffer).toBe(before);
    // ...and holds block 1's values, read independently from the file.
    for (const n of ['h.1.attn.c_attn.weight', 'h.1.mlp.c_proj.weight', 'h.1.ln_2.bias'])
      expect([n, firstDifference(w.get(n), readFixtureTensor(mainFile, main.header[n]))]).toEqual([
        n,
        -1,
      ]);
    // Block 0 comes back when a view needs it again.
    await ck.load(TOKENS, 0, { blocks: [0], embeddings: false });
    expect(
      firstDifference(
        w.get('h.0.attn.c_proj.weight'),
        readFixtureTensor(mainFile, main.header['h.0.attn.c_proj.weight']),
      ),
    ).toBe(-1);
  }, 120_000);
});
