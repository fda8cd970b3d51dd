import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { resolve } from 'node:path';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import asc from 'assemblyscript/asc';
import { VitePWA } from 'vite-plugin-pwa';
import { sitePlugin } from './site/build';

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
 * WebAssembly, as base64, twice, in order of preference: with relaxed SIMD (its multiply-add is
 * fused on machines with FMA) and with plain SIMD only, for engines without relaxed SIMD (Node 20
 * without a flag, older browsers); the thread takes the first its engine accepts. Compiled
 * whenever a bundle, the dev server or the unit tests need it, so there is no generated file to
 * keep in step with its source. `virtual:mm3d-ceiling` (wasm/ceiling.ts, the bench's bare SIMD
 * loops, with the same multiply-add as the kernel) is made the same way; only the bench imports it.
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
      const builds: string[] = [];
      for (const extra of [['relaxed-simd'], []]) {
        const r = await asc.compileString(readFileSync(source, 'utf8'), {
          ...ASC_OPTIONS,
          enable: [...ASC_OPTIONS.enable, ...extra],
        });
        if (r.error || !r.binary)
          throw new Error(
            `${source} does not compile: ${r.error?.message ?? ''}\n${r.stderr.toString()}`,
          );
        builds.push(Buffer.from(r.binary).toString('base64'));
      }
      return `export default ${JSON.stringify(builds)};`;
    },
  };
}

/**
 * After a build, a copy of the static site goes into the Python package (python/mm3d/static, not in
 * git): `pip install ./python` then carries the tool, and notebooks serve it offline.
 */
function pythonStaticPlugin(): Plugin {
  let outDir = '';
  return {
    name: 'mm3d-python-static',
    apply: 'build',
    configResolved: (c) => {
      outDir = resolve(c.root, c.build.outDir);
    },
    // After every other plugin's closeBundle (the service worker is written there).
    closeBundle: {
      order: 'post',
      sequential: true,
      handler() {
        const target = resolve(import.meta.dirname, 'python/mm3d/static');
        rmSync(target, { recursive: true, force: true });
        cpSync(outDir, target, { recursive: true });
      },
    },
  };
}

/** The pages whose entry imports a main module dynamically, and that module. */
const PRELOADED_MAINS: Record<string, string> = {
  'index.html': 'src/pages/tool-main.ts',
  'explorer.html': 'src/pages/explorer-main.ts',
};

/**
 * The tool page and the explorer name their main module (src/pages/tool-main.ts or
 * explorer-main.ts, imported dynamically by the entry) and that module's imports as
 * `<link rel="modulepreload">`: the browser fetches and compiles them while it parses the page,
 * instead of only once the entry script has run.
 */
function preloadToolPlugin(): Plugin {
  return {
    name: 'mm3d-preload-tool',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        const mainModule = Object.entries(PRELOADED_MAINS).find(([page]) =>
          ctx.filename.endsWith(page),
        )?.[1];
        if (!bundle || !mainModule) return [];
        const main = Object.values(bundle).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(mainModule),
        );
        if (!main) return [];
        // The module and everything it imports statically, transitively; not what the page names.
        const files = new Set<string>();
        const add = (f: string): void => {
          const c = bundle[f];
          if (files.has(f) || c?.type !== 'chunk') return;
          files.add(f);
          c.imports.forEach(add);
        };
        add(main.fileName);
        return [...files]
          .filter((f) => !html.includes(`/${f}"`))
          .map((f) => ({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` },
            injectTo: 'head' as const,
          }));
      },
    },
  };
}

// Multi-page static site: every page is an HTML entry point at the root.
export default defineConfig({
  base: './',
  plugins: [
    kernelPlugin(),
    preloadToolPlugin(),
    // The guide, the tour and the gallery, made from docs/, site/tour.md and scenes/scenes.mjs.
    sitePlugin(import.meta.dirname),
    // Offline after the first visit: a generated service worker precaches the whole static site
    // (every page, script, style and font). The page registers it once the first picture is up
    // (src/ui/offline.ts), so precaching does not compete with the start.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,woff,woff2,png,webp,svg,wasm,json,safetensors}'],
        // GPT-2's tokenizer (half a megabyte of vocabulary) is fetched only when a GPT-2 checkpoint
        // is opened (docs/checkpoints.md): not at install, but kept once used, for offline local files.
        globIgnores: ['**/r50k_base-*.js'],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => /\/r50k_base-[\w-]+\.js$/.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'mm3d-tokenizer', expiration: { maxEntries: 2 } },
          },
        ],
        // The bundle holds the product kernel and the font inline: above workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        // Every page's state is in its query: `/?expr=…` is the precached `/` (index.html).
        ignoreURLParametersMatching: [/.*/],
        // Other pages (test parents, notebooks' outputs) are not the tool: no SPA fallback.
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        // A new build takes over at the next visit.
        skipWaiting: true,
        clientsClaim: true,
      },
    }),
    pythonStaticPlugin(),
  ],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        explorer: resolve(import.meta.dirname, 'explorer.html'),
        reference: resolve(import.meta.dirname, 'reference.html'),
        tour: resolve(import.meta.dirname, 'tour.html'),
        gallery: resolve(import.meta.dirname, 'gallery.html'),
        // The <mm3d-view> element for other pages: a stable name next to index.html.
        'mm3d-view': resolve(import.meta.dirname, 'src/embed/mm3d-view.ts'),
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'mm3d-view' ? 'mm3d-view.js' : 'assets/[name]-[hash].js',
      },
    },
  },
  worker: { format: 'es', plugins: () => [kernelPlugin()] },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    environment: 'node',
    // The layout invariants check every cell of many cubes: slow on a busy 2-core machine.
    testTimeout: 60000,
    // Node 20 accepts the kernel's relaxed-SIMD build only with this flag: with it, the unit tests
    // run the build that browsers run (test/unit/core/numerics.test.ts runs both builds).
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
