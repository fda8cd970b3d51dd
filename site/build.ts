/**
 * The pages around the tool, made at build time: the reference guide (reference.html) from the
 * Markdown in docs/, the tour (tour.html) from site/tour.md, and the gallery (gallery.html) from
 * the named figures of scenes/scenes.mjs. Markdown is rendered by markdown-it with raw HTML off,
 * so the pages hold only what our own committed Markdown says, escaped; nothing is turned into
 * HTML in the browser. Two fenced blocks of our own:
 *
 *   ```mm3d-example            a live example of the guide: a button that sets the tool
 *   title: a taller left matrix
 *   mode: merge                (merge: into the current state; reset: into the defaults)
 *   props: {"left": {"h": 64}}   (a partial tree, as `setParams` takes it; JSON, may span lines)
 *   ```
 *
 *   ```mm3d-figure             a figure of the tour: a named figure's picture, opened live on click
 *   one-matmul
 *   ```
 *
 * The Vite plugin (`sitePlugin`) puts the generated HTML into the pages' placeholders
 * (`<!--mm3d:...-->`) when Vite reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import markdownit, { type MarkdownIt, type Token } from 'markdown-it';
import type { Plugin } from 'vite';

/** The pages of docs/ that make the guide, in the guide's order. */
export const GUIDE_PAGES = [
  'guide.md',
  'parameters.md',
  'interaction.md',
  'links.md',
  'expressions.md',
  'animation.md',
  'layout.md',
  'colors.md',
  'data.md',
  'embedding.md',
] as const;

export interface Example {
  title: string;
  mode: 'reset' | 'merge';
  props: Record<string, unknown>;
}

/** A named figure, as scenes/scenes.mjs declares it. */
export interface Figure {
  name: string;
  title: string;
  line: string;
  query: string;
  still?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the body of an `mm3d-example` block; throws with the reason when it is malformed. */
export function parseExample(body: string): Example {
  const m = /^title:\s*(.+)\n\s*mode:\s*(\S+)\s*\n\s*props:\s*([\s\S]+)$/.exec(body.trim());
  if (!m) throw new Error(`an example needs "title:", "mode:" and "props:" lines: ${body}`);
  const mode = m[2]!;
  if (mode !== 'reset' && mode !== 'merge')
    throw new Error(`example "${m[1]}": mode must be reset or merge, not ${mode}`);
  const props: unknown = JSON.parse(m[3]!);
  if (!isObj(props)) throw new Error(`example "${m[1]}": props must be a JSON object`);
  return { title: m[1]!.trim(), mode, props };
}

/** GitHub's heading anchor (the one docs/ links use): lower case, punctuation dropped. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const pageId = (file: string): string => file.replace(/\.md$/, '');

function markdown(): MarkdownIt {
  return markdownit({ html: false, linkify: false, typographer: false });
}

const esc = (s: string): string => markdown().utils.escapeHtml(s);

/** The message an example button sends (also what the browser test expects to see). */
export function exampleMessage(ex: Example): { props: Record<string, unknown>; reset: boolean } {
  const props = 'expr' in ex.props ? { ...ex.props, sync_expr: true } : ex.props;
  return { props, reset: ex.mode === 'reset' };
}

function exampleHtml(ex: Example): string {
  const json = JSON.stringify(ex.props);
  return (
    `<div class="example"><button type="button" class="example-run" data-mode="${ex.mode}" ` +
    `data-props="${esc(json)}"><span class="example-mode">${ex.mode === 'reset' ? 'set' : 'change'}</span> ` +
    `${esc(ex.title)}</button><code class="example-props">${esc(json)}</code></div>\n`
  );
}

interface Heading {
  level: number;
  id: string;
  text: string;
}

/**
 * Ids for the headings of one page (`page--anchor`, the page's title just `page`) and links
 * rewritten to them; links to pages outside the guide keep their text only.
 */
function rewrite(tokens: Token[], page: string, pages: readonly string[]): Heading[] {
  const seen = new Map<string, number>();
  const heads: Heading[] = [];
  tokens.forEach((t, i) => {
    if (t.type === 'heading_open') {
      const source = tokens[i + 1]?.content ?? '';
      const base = slug(source);
      // The contents list shows the words, not the Markdown's backticks.
      const text = source.replace(/`/g, '');
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const anchor = n === 0 ? base : `${base}-${n}`;
      const level = Number(t.tag.slice(1));
      const id = level === 1 ? pageId(page) : `${pageId(page)}--${anchor}`;
      t.attrSet('id', id);
      heads.push({ level, id, text });
    }
    if (t.type !== 'inline' || !t.children) return;
    const kids = t.children;
    for (let k = 0; k < kids.length; k++) {
      const c = kids[k]!;
      if (c.type !== 'link_open') continue;
      const href = String(c.attrGet('href') ?? '');
      if (/^https?:/i.test(href) || /^[\w-]+\.html(?:[?#]|$)/.test(href)) {
        // Other sites, and the site's own pages (index.html, tour.html, ...), stay as they are.
        if (/^https?:/i.test(href)) c.attrSet('rel', 'noopener');
        continue;
      }
      const m = /^([^#]*)(?:#(.*))?$/.exec(href)!;
      const file = m[1] || page;
      const anchor = m[2];
      if (pages.includes(file)) {
        c.attrSet('href', anchor ? `#${pageId(file)}--${anchor}` : `#${pageId(file)}`);
        continue;
      }
      // Not part of the guide (the README, performance notes): the words stay, the link goes.
      let depth = 0;
      for (let e = k; e < kids.length; e++) {
        if (kids[e]!.type === 'link_open') depth++;
        if (kids[e]!.type === 'link_close' && --depth === 0) {
          kids.splice(e, 1);
          break;
        }
      }
      kids.splice(k, 1);
      k--;
    }
  });
  return heads;
}

/** The guide: every page of GUIDE_PAGES as one document, and its table of contents. */
export function renderGuide(docsDir: string): { html: string; toc: string; examples: Example[] } {
  const md = markdown();
  const examples: Example[] = [];
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, opts, env, self) => {
    const t = tokens[idx]!;
    if (t.info.trim() !== 'mm3d-example') return fence(tokens, idx, opts, env, self);
    const ex = parseExample(t.content);
    examples.push(ex);
    return exampleHtml(ex);
  };
  let html = '';
  let toc = '<ol>';
  for (const page of GUIDE_PAGES) {
    const env = {};
    const tokens = md.parse(readFileSync(join(docsDir, page), 'utf8'), env);
    const heads = rewrite(tokens, page, GUIDE_PAGES);
    html += `<section class="guide-page" id="page-${pageId(page)}">${md.renderer.render(tokens, md.options, env)}</section>\n`;
    const title = heads.find((h) => h.level === 1);
    const subs = heads.filter((h) => h.level === 2);
    toc += `<li><a href="#${title?.id ?? pageId(page)}">${esc(title?.text ?? page)}</a>`;
    if (subs.length)
      toc += `<ol>${subs.map((h) => `<li><a href="#${h.id}">${esc(h.text)}</a></li>`).join('')}</ol>`;
    toc += '</li>';
  }
  toc += '</ol>';
  return { html, toc, examples };
}

/** The page a figure opens in, relative to the site's root (as scenes/scenes.mjs says). */
export const figureHref = (f: Figure): string =>
  f.query.startsWith('?') ? `index.html${f.query}` : f.query;

function figureHtml(f: Figure, eager: boolean): string {
  const href = esc(figureHref(f));
  return (
    `<figure class="fig" id="fig-${esc(f.name)}" data-href="${href}">` +
    `<button type="button" class="fig-open" title="open live here">` +
    `<img src="figures/${esc(f.name)}.webp" width="600" height="400" alt="${esc(f.title)}"` +
    `${eager ? ' fetchpriority="high"' : ' loading="lazy" decoding="async"'}><span class="fig-play" aria-hidden="true">▶</span>` +
    `<span class="visually-hidden">open live: ${esc(f.title)}</span></button>` +
    `<figcaption><b>${esc(f.title)}</b>: ${esc(f.line)} · ` +
    `<a class="fig-tool" href="${href}">open in the tool</a></figcaption></figure>\n`
  );
}

/** The tour: site/tour.md with its figures. Every figure named must exist. */
export function renderTour(source: string, figures: readonly Figure[], bestHead = ''): string {
  const md = markdown();
  const byName = new Map(figures.map((f) => [f.name, f]));
  const fence = md.renderer.rules.fence!;
  let count = 0;
  md.renderer.rules.fence = (tokens, idx, opts, env, self) => {
    const t = tokens[idx]!;
    if (t.info.trim() !== 'mm3d-figure') return fence(tokens, idx, opts, env, self);
    const name = t.content.trim();
    const f = byName.get(name);
    if (!f) throw new Error(`site/tour.md: no figure named "${name}" in scenes/scenes.mjs`);
    return figureHtml(f, count++ < 2);
  };
  const env = {};
  const tokens = md.parse(source.replaceAll('{{best-head}}', bestHead), env);
  rewrite(tokens, 'tour.md', []);
  return md.renderer.render(tokens, md.options, env);
}

/** The gallery: every named figure as a card. */
export function renderGallery(figures: readonly Figure[]): string {
  return figures
    .map(
      (f, i) =>
        `<li class="card"><a href="${esc(figureHref(f))}">` +
        `<img src="figures/${esc(f.name)}.webp" width="600" height="400" alt=""` +
        `${i === 0 ? ' fetchpriority="high"' : i < 6 ? '' : ' loading="lazy" decoding="async"'}>` +
        `<b>${esc(f.title)}</b><span>${esc(f.line)}</span></a></li>`,
    )
    .join('\n');
}

/** The attention head the built-in model scores best at induction (the explorer's default). */
export function bestInductionHead(headsJson: string): string {
  try {
    const j = JSON.parse(headsJson) as {
      heads?: { layer: number; head: number; name: string; scores: Record<string, number> }[];
    };
    const best = [...(j.heads ?? [])].sort(
      (a, b) => (b.scores.induction ?? 0) - (a.scores.induction ?? 0),
    )[0];
    if (!best) return 'the head the explorer picks';
    return `layer ${best.layer}, head ${best.head} (induction score ${best.scores.induction ?? 0}; named "${best.name}")`;
  } catch {
    return 'the head the explorer picks';
  }
}

/** The figure of the tool's default view, shown in the guide until the live tool has drawn. */
export const POSTER_FIGURE = 'one-matmul';

/**
 * The guide's poster: the still picture the tool itself made of its default view (`npm run
 * figures`), over the tool's pane until the tool in the iframe says it has drawn
 * (src/pages/reference.ts removes it), so the page shows a picture at once.
 */
export function posterHtml(figures: Figure[]): string {
  const f = figures.find((x) => x.name === POSTER_FIGURE);
  if (!f) throw new Error(`the guide's poster figure ${POSTER_FIGURE} is not in scenes/scenes.mjs`);
  return `<img id="tool-poster" src="figures/${esc(f.name)}.webp" width="600" height="400" alt="" fetchpriority="high" elementtiming="tool-poster" />`;
}

/** Fills the placeholders of reference.html, tour.html and gallery.html. */
export function sitePlugin(root: string): Plugin {
  const figures = async (): Promise<Figure[]> =>
    ((await import(pathToFileURL(join(root, 'scenes/scenes.mjs')).href)) as { FIGURES: Figure[] })
      .FIGURES;
  return {
    name: 'mm3d-site',
    transformIndexHtml: {
      order: 'pre',
      async handler(html, ctx) {
        const file = ctx.filename.replace(/\\/g, '/');
        if (file.endsWith('/reference.html')) {
          const g = renderGuide(join(root, 'docs'));
          return html
            .replace('<!--mm3d:toc-->', g.toc)
            .replace('<!--mm3d:guide-->', g.html)
            .replace('<!--mm3d:poster-->', posterHtml(await figures()));
        }
        if (file.endsWith('/tour.html')) {
          const heads = readFileSync(join(root, 'public/models/builtin/heads.json'), 'utf8');
          const tour = renderTour(
            readFileSync(join(root, 'site/tour.md'), 'utf8'),
            await figures(),
            bestInductionHead(heads),
          );
          return html.replace('<!--mm3d:tour-->', tour);
        }
        if (file.endsWith('/gallery.html'))
          return html.replace('<!--mm3d:gallery-->', renderGallery(await figures()));
        return html;
      },
    },
  };
}
