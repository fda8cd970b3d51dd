// The pages around the tool, checked without a browser: the guide (site/build.ts over docs/)
// names every property of the schema and every folder and control of the menu, every live
// example is a well-formed setParams message that the state accepts without a notice and that
// sets what it says, the tour places at least 25 figures that exist (each with its committed
// picture), and the generated HTML carries no markup from the Markdown.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  GUIDE_PAGES,
  type Example,
  type Figure,
  exampleMessage,
  parseExample,
  renderGuide,
  renderTour,
} from '../../../site/build';
import { applySetParams } from '../../../src/core/params/message';
import {
  type Field,
  CAM_FIELDS,
  CHILD_GROUPS,
  MATMUL_ARG_FIELDS,
  MATRIX_FIELDS,
  ROOT_FIELDS,
  ROOT_GROUPS,
  TARGET_FIELDS,
  defaultParams,
  toExternal,
} from '../../../src/core/params/schema';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const DOCS = join(ROOT, 'docs');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');
const GUIDE_MD = GUIDE_PAGES.map((p) => read(`docs/${p}`)).join('\n');
const guide = renderGuide(DOCS);

// The scenes module is plain JavaScript shared with Node scripts.
const scenesPath = join(ROOT, 'scenes/scenes.mjs');
const { FIGURES } = (await import(scenesPath)) as { FIGURES: Figure[] };

describe('the guide covers the schema and the menu', () => {
  const tables: [string, readonly Field[]][] = [
    ['root', ROOT_FIELDS],
    ['matrix', MATRIX_FIELDS],
    ['matmul argument', MATMUL_ARG_FIELDS],
    ['cam', CAM_FIELDS],
    ['cam target', TARGET_FIELDS],
    ...Object.entries(ROOT_GROUPS).map(([g, f]): [string, readonly Field[]] => [g, f]),
    ...Object.entries(CHILD_GROUPS).map(([g, f]): [string, readonly Field[]] => [`child ${g}`, f]),
  ];
  for (const [table, fields] of tables)
    it(`every ${table} property is named in backticks`, () => {
      const missing = fields
        .map((f) => f.label ?? f.key)
        .filter((name) => !GUIDE_MD.includes(`\`${name}\``) && !GUIDE_MD.includes(`\`${name}.`));
      expect(missing).toEqual([]);
    });

  it('every group of the tree is named', () => {
    const groups = [...Object.keys(ROOT_GROUPS), 'cam', 'diag', 'left', 'right'];
    expect(groups.filter((g) => !GUIDE_MD.includes(`\`${g}\``))).toEqual([]);
  });

  // Folders and controls as the menu's own source declares them, so a new one fails here.
  const menuSource = ['src/ui/menu.ts', 'src/ui/export-menu.ts', 'src/ui/share.ts']
    .map(read)
    .join('\n');
  const folders = [
    ...menuSource.matchAll(/addFolder\('([^']+)'\)|(?:group|arg)Folder\([^,]+,[^,]+?'([^']+)'/g),
  ].map((m) => m[1] ?? m[2]!);
  const controls = [...menuSource.matchAll(/\.name\('([^']+)'\)/g)].map((m) => m[1]!);

  it('finds the menu in the source', () => {
    expect(folders).toEqual(
      expect.arrayContaining(['diag', 'export', 'share', 'anim', 'colors and sizes']),
    );
    expect(controls).toEqual(expect.arrayContaining(['save PNG', 'copy link', 'fit camera']));
  });

  it('has a section for every menu folder', () => {
    const headings = [...read('docs/guide.md').matchAll(/^###\s+(.+)$/gm)].map((m) => m[1]!);
    const missing = folders.filter((f) => !headings.some((h) => h.includes(f)));
    expect(missing).toEqual([]);
  });

  it('names every control of the menu', () => {
    const missing = controls.filter((c) => !GUIDE_MD.includes(c));
    expect(missing).toEqual([]);
  });

  it('has a chapter for each topic', () => {
    const titles = [...guide.toc.matchAll(/<li><a href="#[a-z]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Reference guide',
      'Parameter reference',
      'Interaction',
      'Links, history and undo',
      'Expressions and formulas',
      'Animation, fusion and partitions',
      'Layout: where every matrix goes',
      'Colours and sizes',
      'Real data',
      'Embedding mm3d in another page',
    ]);
  });
});

/** The value at a path of a plain object (undefined when missing). */
function at(obj: unknown, path: string[]): unknown {
  let o = obj;
  for (const k of path)
    o = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
  return o;
}

/** Every leaf of a props tree with its path. */
function leaves(o: Record<string, unknown>, path: string[] = []): [string[], unknown][] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? leaves(v as Record<string, unknown>, [...path, k])
      : [[[...path, k], v] as [string[], unknown]],
  );
}

describe('live examples', () => {
  it('there are examples in every page of the guide', () => {
    const without = GUIDE_PAGES.filter((p) => !read(`docs/${p}`).includes('```mm3d-example'));
    expect(without).toEqual([]);
    expect(guide.examples.length).toBeGreaterThanOrEqual(40);
  });

  it.each(guide.examples.map((e): [string, Example] => [e.title, e]))(
    '%s: accepted without a notice, and sets what it says',
    (_title, ex) => {
      const msg = exampleMessage(ex);
      const r = applySetParams(defaultParams(), msg.props, msg.reset, 'expr' in ex.props);
      expect(r.refused).toBe(false);
      expect(r.notices).toEqual([]);
      const after = toExternal(r.params);
      for (const [path, value] of leaves(ex.props))
        expect([path, at(after, path)]).toEqual([path, value]);
    },
  );

  it('a block without its three lines, or with another mode, is refused', () => {
    expect(() => parseExample('title: x\nprops: {}')).toThrow(/title:/);
    expect(() => parseExample('title: x\nmode: replace\nprops: {}')).toThrow(/reset or merge/);
    expect(() => parseExample('title: x\nmode: merge\nprops: [1]')).toThrow(/object/);
    expect(parseExample('title: t\nmode: merge\nprops: {"left":\n {"h": 3}}')).toEqual({
      title: 't',
      mode: 'merge',
      props: { left: { h: 3 } },
    });
  });

  it('a new expression is sent with sync_expr, other props as they are', () => {
    expect(exampleMessage({ title: 't', mode: 'reset', props: { expr: 'A @ B' } })).toEqual({
      props: { expr: 'A @ B', sync_expr: true },
      reset: true,
    });
    expect(exampleMessage({ title: 't', mode: 'merge', props: { left: { h: 2 } } })).toEqual({
      props: { left: { h: 2 } },
      reset: false,
    });
  });
});

describe('the generated pages', () => {
  it('links between guide pages become anchors of the one page', () => {
    expect(guide.html).toContain('href="#parameters--epilogs"');
    expect(guide.html).toContain('id="parameters--epilogs"');
    expect(guide.html).not.toMatch(/href="[a-z]+\.md/);
  });

  it('markup in the Markdown stays text', () => {
    const html = renderTour(
      '# <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n',
      [],
    );
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('an example title is escaped in its button', () => {
    const tmp = renderTour('```mm3d-figure\nx\n```\n', [
      { name: 'x', title: '<b>"t"</b>', line: 'a & b', query: '?expr=A%20%40%20B' },
    ]);
    expect(tmp).toContain('&lt;b&gt;&quot;t&quot;&lt;/b&gt;');
    expect(tmp).toContain('a &amp; b');
    expect(tmp).toContain('data-href="index.html?expr=A%20%40%20B"');
  });

  it('the tour places at least 25 figures, each named once, each with its picture', () => {
    const tour = renderTour(read('site/tour.md'), FIGURES);
    const names = [...tour.matchAll(/<figure class="fig" id="fig-([^"]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(25);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FIGURES) {
      const file = join(ROOT, 'public/figures', `${f.name}.webp`);
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).size).toBeLessThan(120 * 1024);
    }
  });

  it('a tour naming an unknown figure does not build', () => {
    expect(() => renderTour('```mm3d-figure\nnope\n```\n', FIGURES)).toThrow(/no figure named/);
  });
});
