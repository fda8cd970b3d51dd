// The docs cite each other and the code cites the docs; both kinds of reference must lead
// somewhere. Checked here: every relative Markdown link in docs/ and the README names a file that
// exists and, with `#anchor`, a heading of that file (GitHub's anchor rules); every source path
// they name in backticks exists; every citation of the form `docs/NAME.md` in src/, test/ and
// bench/ names a page that exists and, with a quoted section (`docs/parameters.md, "deco"`), a
// page that has a heading or a property of that name.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DOCS = join(ROOT, 'docs');

const read = (p: string): string => readFileSync(p, 'utf8');

/** Text outside fenced code blocks (links and headings inside them do not count). */
function prose(md: string): string {
  return md
    .split(/^```.*$/m)
    .filter((_, i) => i % 2 === 0)
    .join('\n');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function walk(dir: string, exts: string[], out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, exts, out);
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

const MARKDOWN = [...walk(DOCS, ['.md']), join(ROOT, 'README.md')];

describe('links between the docs', () => {
  it('finds the docs', () => {
    expect(MARKDOWN.length).toBeGreaterThan(5);
  });

  for (const file of MARKDOWN) {
    it(relative(ROOT, file), () => {
      const broken: string[] = [];
      for (const m of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const dest = path === '' ? file : resolve(dirname(file), path);
        if (!existsSync(dest)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor !== undefined && dest.endsWith('.md') && !anchors(read(dest)).has(anchor)) {
          broken.push(`${target}: no heading with that anchor`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  it('every source path the docs name exists', () => {
    const missing: string[] = [];
    for (const file of MARKDOWN) {
      for (const m of read(file).matchAll(/`((?:src|test|bench|wasm|docs)\/[\w./-]*)`/g)) {
        if (!existsSync(join(ROOT, m[1]!))) missing.push(`${relative(ROOT, file)}: ${m[1]!}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('citations of the docs in code', () => {
  const sources = [
    ...walk(join(ROOT, 'src'), ['.ts', '.mjs', '.js']),
    ...walk(join(ROOT, 'test'), ['.ts', '.mjs', '.js']),
    ...walk(join(ROOT, 'bench'), ['.ts', '.mjs', '.js']),
  ];

  it('finds citations', () => {
    const n = sources.reduce((k, f) => k + [...read(f).matchAll(/docs\/[a-z-]+\.md/g)].length, 0);
    expect(n).toBeGreaterThan(20);
  });

  it('every cited page exists, and every cited section is a heading or a property of it', () => {
    const broken: string[] = [];
    for (const f of sources) {
      for (const m of read(f).matchAll(/docs\/([a-z-]+\.md)(?:,? \(?"([^"]+)"\)?)?/g)) {
        const page = join(DOCS, m[1]!);
        const where = `${relative(ROOT, f)}: ${m[0]}`;
        if (!existsSync(page)) {
          broken.push(`${where}: no such page`);
          continue;
        }
        const section = m[2];
        if (section === undefined) continue;
        const md = prose(read(page));
        const heading = [...md.matchAll(/^#{1,6}\s+(.+)$/gm)].some((h) =>
          h[1]!.replace(/`/g, '').includes(section),
        );
        const property = md.includes(`| \`${section}\` |`);
        if (!heading && !property) broken.push(`${where}: no heading or property "${section}"`);
      }
    }
    expect(broken).toEqual([]);
  });
});
