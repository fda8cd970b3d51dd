/**
 * Sharing a view: "copy link" (the shorter of the readable and the compressed `?z=` link), "copy
 * embed" (an iframe snippet and the Python line that show the same view). The texts are made by
 * pure functions here (tested in Node); copying uses the clipboard, or shows the text selected
 * for copying by hand when the page may not write the clipboard (e.g. in an iframe without the
 * permission). Texts go into the page only as textContent/value, never as markup.
 */
import type GUI from 'lil-gui';
import type { Params } from '../core/params/schema';
import { leaves } from '../core/params/tree';
import { encodeCompressed, encodeReadable } from '../core/params/url';

/** The shorter link to the view: readable `?expr=…` or compressed `?z=…` (readable on a tie). */
export function shareLink(base: string, p: Params): string {
  const readable = encodeReadable(p);
  const compressed = encodeCompressed(p);
  const q = compressed.length < readable.length ? compressed : readable;
  return q ? `${base}?${q}` : base;
}

const attr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An iframe of the view for any HTML page. */
export function iframeSnippet(link: string, width = 800, height = 600): string {
  return `<iframe src="${attr(link)}" width="${width}" height="${height}" style="border:0" title="mm3d" allow="clipboard-write; fullscreen"></iframe>`;
}

const PY_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);
/** show()'s own argument names: matrices with these names go in data={…}. */
const SHOW_ARGS = new Set(['expr', 'height', 'width', 'base_url', 'query', 'data', 'max_bytes']);

/**
 * The Python line for the view: `mm3d.show("expr", query="…")`, with `NAME=NAME` for each matrix
 * whose values came from a local file or a notebook (their bytes are not in links: the user passes
 * the arrays again). A JSON string is a valid Python string literal.
 */
export function pythonLine(p: Params): string {
  const sp = new URLSearchParams(encodeReadable(p));
  sp.delete('expr');
  const args = [JSON.stringify(p.expr)];
  const data: string[] = [];
  const seen = new Set<string>();
  for (const { node } of leaves(p)) {
    if (node.init !== 'url' || !node.url.trim().startsWith('file:') || seen.has(node.name))
      continue;
    seen.add(node.name);
    if (PY_IDENT.test(node.name) && !PY_KEYWORDS.has(node.name) && !SHOW_ARGS.has(node.name))
      args.push(`${node.name}=${node.name}`);
    else if (PY_IDENT.test(node.name)) data.push(`${JSON.stringify(node.name)}: ${node.name}`);
  }
  if (data.length) args.push(`data={${data.join(', ')}}`);
  const query = sp.toString();
  if (query) args.push(`query=${JSON.stringify(query)}`);
  return `mm3d.show(${args.join(', ')})`;
}

/** Writes text to the clipboard; where that is refused, shows it selected in a small box. */
export async function copyText(text: string, what: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} copied`);
    return true;
  } catch {
    showForCopy(text, what);
    return false;
  }
}

function toast(text: string): void {
  document.getElementById('share-toast')?.remove();
  const t = document.createElement('div');
  t.id = 'share-toast';
  t.setAttribute('role', 'status');
  t.textContent = text;
  t.style.cssText =
    'position:fixed;left:50%;bottom:24px;transform:translateX(-50%);background:#222;color:#eee;padding:6px 12px;border-radius:4px;font:13px sans-serif;z-index:30';
  document.body.appendChild(t);
  setTimeout(() => t.remove(), 2000);
}

function showForCopy(text: string, what: string): void {
  document.getElementById('share-box')?.remove();
  const box = document.createElement('div');
  box.id = 'share-box';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', what);
  box.style.cssText =
    'position:fixed;left:50%;top:30%;transform:translateX(-50%);background:#222;color:#eee;padding:10px;border-radius:6px;font:13px sans-serif;z-index:30;width:min(560px,90vw)';
  const label = document.createElement('div');
  label.textContent = `${what}: copy with ctrl/cmd-C`;
  const area = document.createElement('textarea');
  area.readOnly = true;
  area.value = text;
  area.rows = Math.min(8, text.split('\n').length + 2);
  area.style.cssText = 'width:100%;box-sizing:border-box;font:12px monospace';
  const close = document.createElement('button');
  close.textContent = 'close';
  close.addEventListener('click', () => box.remove());
  box.append(label, area, close);
  document.body.appendChild(box);
  area.focus();
  area.select();
}

let open = false;

/** The menu's "share" folder. */
export function addShareFolder(gui: GUI, params: () => Params): GUI {
  const f = gui.addFolder('share');
  if (!open) f.close();
  f.onOpenClose((g: GUI) => {
    if (g === f) open = !f._closed;
  });
  const base = (): string => `${window.location.origin}${window.location.pathname}`;
  const actions = {
    link: () => void copyText(shareLink(base(), params()), 'link'),
    embed: () => {
      const link = shareLink(base(), params());
      void copyText(
        `${iframeSnippet(link)}\n\n# in a notebook (pip install ./python from the mm3d repository):\nimport mm3d\n${pythonLine(params())}`,
        'embed',
      );
    },
  };
  f.add(actions, 'link').name('copy link');
  f.add(actions, 'embed').name('copy embed');
  return f;
}
