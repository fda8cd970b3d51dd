import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import asc from 'assemblyscript/asc';

/** The options every WebAssembly module of ours is compiled with. */
const ASC_OPTIONS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  runtime: 'stub',
  noAssert: true,
  enable: ['simd'],
  initialMemory: 1,
} as const;

/**
 * `virtual:mm3d-kernel`: the product kernel (wasm/matmul.ts, AssemblyScript) compiled to
 * WebAssembly with SIMD, as base64. Compiled whenever a bundle, the dev server or the unit tests
 * need it, so there is no generated file to keep in step with its source. `virtual:mm3d-ceiling`
 * (wasm/ceiling.ts, the bench's bare SIMD loop) is made the same way; only the bench imports it.
 */
function kernelPlugin(): Plugin {
  const sources: Record<string, string> = {
    'virtual:mm3d-kernel': resolve(import.meta.dirname, 'wasm/matmul.ts'),
    'virtual:mm3d-ceiling': resolve(import.meta.dirname, 'wasm/ceiling.ts'),
  };
  return {
    name: 'mm3d-kernel',
    resolveId: (id) => (id in sources ? `\0${id}` : null),
    async load(id) {
      const source = id.startsWith('\0') ? sources[id.slice(1)] : undefined;
      if (source === undefined) return null;
      this.addWatchFile(source);
      const r = await asc.compileString(readFileSync(source, 'utf8'), { ...ASC_OPTIONS, enable: [...ASC_OPTIONS.enable] });
      if (r.error || !r.binary) throw new Error(`${source} does not compile: ${r.error?.message ?? ''}\n${r.stderr.toString()}`);
      return `export default ${JSON.stringify(Buffer.from(r.binary).toString('base64'))};`;
    },
  };
}

// Multi-page static site: every page is an HTML entry point at the root.
export default defineConfig({
  base: './',
  plugins: [kernelPlugin()],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
      },
    },
  },
  worker: { format: 'es', plugins: () => [kernelPlugin()] },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    environment: 'node',
    // The layout invariants check every cell of many cubes: slow on a busy 2-core machine.
    testTimeout: 60000,
  },
});
