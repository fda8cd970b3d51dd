import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

// Multi-page static site: every page is an HTML entry point at the root.
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
      },
    },
  },
  worker: { format: 'es' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // The layout invariants check every cell of many cubes: slow on a busy 2-core machine.
    testTimeout: 60000,
  },
});
