#!/usr/bin/env node
// Writes a GPT-2-layout `.safetensors` file with seeded values, for the checkpoint tests and the
// bench: GPT-2 small's real key names and shapes (vocabulary 50257, context 1024, width 768, MLP
// 3072, Conv1D weights [in, out]) with as many layers as asked, or smaller shapes for quick tests.
//
// Every value is k / 256 * 2^-e for a whole k in [-255, 255] (LN weights 1 + j / 128), so it is exact in F32, F16 and
// BF16 alike: files written with different dtypes hold the same numbers, which lets tests compare
// them bit for bit. The data is written in chunks (a 12-layer file is ~500 MB; nothing that size
// is ever held in memory).
//
// Usage: node scripts/make-gpt2-fixture.mjs OUT.safetensors [--layers 2] [--d 768] [--vocab 50257]
//          [--ctx 1024] [--dtype F32|F16|BF16] [--prefix transformer.] [--seed 1]
import fs from 'node:fs';

const BLOCK = [
  ['ln_1.weight', (c) => [c.d], 'ones'],
  ['ln_1.bias', (c) => [c.d], 'small'],
  ['attn.c_attn.weight', (c) => [c.d, 3 * c.d], 'weight'],
  ['attn.c_attn.bias', (c) => [3 * c.d], 'small'],
  ['attn.c_proj.weight', (c) => [c.d, c.d], 'weight'],
  ['attn.c_proj.bias', (c) => [c.d], 'small'],
  ['ln_2.weight', (c) => [c.d], 'ones'],
  ['ln_2.bias', (c) => [c.d], 'small'],
  ['mlp.c_fc.weight', (c) => [c.d, 4 * c.d], 'weight'],
  ['mlp.c_fc.bias', (c) => [4 * c.d], 'small'],
  ['mlp.c_proj.weight', (c) => [4 * c.d, c.d], 'weight'],
  ['mlp.c_proj.bias', (c) => [c.d], 'small'],
];

/** The tensors of a configuration, in file order (GPT-2's own: embeddings, blocks, ln_f). */
export function fixtureTensors(cfg) {
  const out = [
    ['wte.weight', [cfg.vocab, cfg.d], 'embed'],
    ['wpe.weight', [cfg.ctx, cfg.d], 'embed'],
  ];
  for (let l = 0; l < cfg.layers; l++)
    for (const [k, shape, kind] of BLOCK) out.push([`h.${l}.${k}`, shape(cfg), kind]);
  out.push(['ln_f.weight', [cfg.d], 'ones'], ['ln_f.bias', [cfg.d], 'small']);
  return out;
}

const SIZE = { F32: 4, F16: 2, BF16: 2 };

/** A small seeded generator (xorshift32); the values' pattern does not matter, only that it is fixed. */
function xorshift(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Scale (a power of two) of each kind of tensor: embeddings and weights small, LN weights near 1. */
const SCALE = { embed: 2 ** -3, weight: 2 ** -4, small: 2 ** -6, ones: 1 };

function fill(out, kind, next) {
  const scale = SCALE[kind] / 256;
  for (let i = 0; i < out.length; i++) {
    const k = (next() % 511) - 255;
    // Near 1, BF16's 8 significant bits leave steps of 1/128: LN weights take 1 + j/128.
    out[i] = kind === 'ones' ? 1 + (k >> 4) / 128 : k * scale;
  }
}

/** float32 values (exact in F16, see the top) to F16 bits. */
function toHalf(x) {
  if (x === 0) return 0;
  const sign = x < 0 ? 0x8000 : 0;
  const a = Math.abs(x);
  const e = Math.floor(Math.log2(a));
  if (e < -14) return sign | Math.round(a / 2 ** -24); // subnormal
  const m = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | m;
}

function encode(values, dtype) {
  if (dtype === 'F32') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint16Array(values.length);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < values.length; i++) out[i] = bits[i] >>> 16;
  } else {
    for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
  }
  return Buffer.from(out.buffer);
}

/**
 * Writes the fixture to `file` and returns its layout: `{ size, header: {name: {dtype, shape,
 * begin, end}}, dataStart }` with absolute byte offsets.
 * Options: layers (2), d (768), vocab (50257), ctx (1024), dtype ('F32'), prefix (''), seed (1),
 * dtypeOf (name -> dtype, to write one tensor with another dtype, e.g. 'I32' for a refusal test).
 */
export function makeGpt2Fixture(file, opts = {}) {
  const cfg = {
    layers: opts.layers ?? 2,
    d: opts.d ?? 768,
    vocab: opts.vocab ?? 50257,
    ctx: opts.ctx ?? 1024,
  };
  const dtype = opts.dtype ?? 'F32';
  const prefix = opts.prefix ?? '';
  const tensors = fixtureTensors(cfg);
  const json = { __metadata__: { format: 'pt', note: 'seeded test fixture' } };
  const layout = {};
  let off = 0;
  for (const [name, shape] of tensors) {
    const dt = opts.dtypeOf?.(name) ?? dtype;
    const bytes = shape.reduce((a, b) => a * b, 1) * (SIZE[dt] ?? 4);
    json[prefix + name] = { dtype: dt, shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  let headerText = JSON.stringify(json);
  headerText += ' '.repeat((8 - (headerText.length % 8)) % 8);
  const dataStart = 8 + headerText.length;
  for (const [name] of tensors) {
    const e = json[prefix + name];
    layout[prefix + name] = {
      dtype: e.dtype,
      shape: e.shape,
      begin: dataStart + e.data_offsets[0],
      end: dataStart + e.data_offsets[1],
    };
  }
  const fd = fs.openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(headerText.length));
    fs.writeSync(fd, len);
    fs.writeSync(fd, Buffer.from(headerText, 'latin1'));
    const next = xorshift(opts.seed ?? 1);
    const CHUNK = 1 << 20;
    const buf = new Float32Array(CHUNK);
    for (const [name, shape, kind] of tensors) {
      const dt = json[prefix + name].dtype;
      let left = shape.reduce((a, b) => a * b, 1);
      while (left > 0) {
        const n = Math.min(left, CHUNK);
        const part = buf.subarray(0, n);
        fill(part, kind, next);
        if (SIZE[dt]) fs.writeSync(fd, encode(part, dt));
        else fs.writeSync(fd, Buffer.from(part.buffer, part.byteOffset, part.byteLength)); // same bytes, another dtype's name
        left -= n;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { size: dataStart + off, header: layout, dataStart, config: cfg };
}

/** Reads tensor `name` of a fixture file as float32 (F32/F16/BF16), independently of src/. */
export function readFixtureTensor(file, entry, rows) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = SIZE[entry.dtype];
    const [first, count] = rows ?? [0, entry.shape[0]];
    const rowLen = entry.shape.slice(1).reduce((a, b) => a * b, 1);
    const n = count * rowLen;
    const buf = Buffer.alloc(n * size);
    fs.readSync(fd, buf, 0, buf.length, entry.begin + first * rowLen * size);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (size === 4) out[i] = buf.readFloatLE(i * 4);
      else {
        const bits = buf.readUInt16LE(i * 2);
        if (entry.dtype === 'BF16')
          out[i] = new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
        else {
          const e = (bits >> 10) & 31;
          const m = bits & 1023;
          const v = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
          out[i] = bits & 0x8000 ? -v : v;
        }
      }
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const out = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!out) {
    console.error('usage: node scripts/make-gpt2-fixture.mjs OUT.safetensors [--layers N] ...');
    process.exit(2);
  }
  const opt = (n) => {
    const i = args.indexOf(`--${n}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (n) => (opt(n) !== undefined ? Number(opt(n)) : undefined);
  const r = makeGpt2Fixture(out, {
    layers: num('layers'),
    d: num('d'),
    vocab: num('vocab'),
    ctx: num('ctx'),
    dtype: opt('dtype'),
    prefix: opt('prefix'),
    seed: num('seed'),
  });
  console.log(`${out}: ${r.size} bytes, ${Object.keys(r.header).length} tensors`);
}
