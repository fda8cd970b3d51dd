// The pure core (docs/README.md, "Code map"): every module of src/core/ imports only other core
// modules (and lz-string), has no import cycle at run time, and loads under plain Node — compiled
// by tsc alone, imported by Node's own module loader in a child process, with no Vite involved.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');
const core = join(root, 'src/core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Import specifiers of a module; `types` tells whether type-only imports are included. */
function importsOf(file: string, types: boolean): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
    if (types || !m[2]) out.push(m[3]!);
  }
  for (const m of src.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  return out;
}

const files = tsFiles(core);

describe('the pure core', () => {
  it('imports nothing outside src/core/ but lz-string', () => {
    const outside: string[] = [];
    for (const f of files) {
      for (const spec of importsOf(f, true)) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(f), spec);
          if (relative(core, target).startsWith('..'))
            outside.push(`${relative(root, f)} -> ${spec}`);
        } else if (spec !== 'lz-string') outside.push(`${relative(root, f)} -> ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('has no import cycle at run time', () => {
    const graph = new Map(
      files.map((f) => [
        f,
        importsOf(f, false)
          .filter((s) => s.startsWith('.'))
          .map((s) => resolve(dirname(f), s) + '.ts'),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, stack: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push(
          [...stack.slice(stack.indexOf(f)), f].map((x) => relative(core, x)).join(' -> '),
        );
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('every module loads under plain Node', () => {
    const out = join(root, 'node_modules/.cache/mm3d-core-node');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        outDir: join(out, 'js'),
        rootDir: core,
        noEmit: false,
        declaration: false,
        skipLibCheck: true,
        strict: true,
        types: ['node'],
        lib: ['ES2022', 'DOM'],
      },
      include: [join(core, '**/*.ts')],
    };
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify(config));
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], {
      cwd: root,
      stdio: 'pipe',
    });
    // Node's loader wants file extensions on relative imports; the compiled files get them here.
    const emitted = files.map((f) => join(out, 'js', relative(core, f)).replace(/\.ts$/, '.js'));
    for (const js of emitted) {
      const text = readFileSync(js, 'utf8').replace(
        /(from\s+|import\s+)'(\.{1,2}\/[^']+)'/g,
        "$1'$2.js'",
      );
      writeFileSync(js, text);
    }
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    const script = `for (const f of ${JSON.stringify(emitted)}) await import(f); console.log('loaded ' + ${emitted.length});`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(stdout.trim()).toBe(`loaded ${files.length}`);
    expect(files.length).toBeGreaterThan(20);
  });
});
