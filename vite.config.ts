import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import asc from 'assemblyscript/asc';

/**
 * `virtual:mm3d-kernel`: the product kernel (wasm/matmul.ts, AssemblyScript) compiled to
 * WebAssembly with SIMD, as base64. Compiled whenever a bundle, the dev server or the unit tests
 * need it, so there is no generated file to keep in step with its source.
 */
function kernelPlugin(): Plugin {
  const virtualId = 'virtual:mm3d-kernel';
  const resolvedId = `\0${virtualId}`;
  const source = resolve(import.meta.dirname, 'wasm/matmul.ts');
  return {
    name: 'mm3d-kernel',
    resolveId: (id) => (id === virtualId ? resolvedId : null),
    async load(id) {
      if (id !== resolvedId) return null;
      this.addWatchFile(source);
      const r = await asc.compileString(readFileSync(source, 'utf8'), {
        optimizeLevel: 3,
        shrinkLevel: 0,
        runtime: 'stub',
        noAssert: true,
        enable: ['simd'],
        initialMemory: 1,
      });
      if (r.error || !r.binary) throw new Error(`wasm/matmul.ts does not compile: ${r.error?.message ?? ''}\n${r.stderr.toString()}`);
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
