// Share texts: the shorter link that opens the same state, the iframe snippet, the Python line.
import { describe, expect, it } from 'vitest';
import { iframeSnippet, pythonLine, shareLink } from '../../../src/ui/share';
import { normalize } from '../../../src/core/params/normalize';
import { defaultParams } from '../../../src/core/params/schema';
import { decodeQuery } from '../../../src/core/params/url';
import { applyEdit } from '../../../src/core/params/edit';

const tree = (expr: string) => normalize({ ...defaultParams(), expr }, { fromExpr: true }).params;
const BASE = 'https://example.org/mm3d/';

describe('shareLink', () => {
  it('is the readable link for the default state', () => {
    expect(shareLink(BASE, defaultParams())).toBe(`${BASE}?expr=L+%40+R`);
  });
  it('is readable when short and opens the same state', () => {
    const p = tree('out = A @ B');
    const link = shareLink(BASE, p);
    expect(link).toMatch(/^https:\/\/example\.org\/mm3d\/\?expr=out/);
    expect(decodeQuery(link.slice(BASE.length)).params).toEqual(p);
  });
  it('is compressed when that is shorter, and opens the same state', () => {
    const p = tree('out = (attn = (Q = input @ wQ) @ (K = wK @ input_t)) @ (V = input @ wV) @ wO');
    let q = p;
    for (const side of ['left', 'right'] as const)
      q = applyEdit(q, [side, 'anim', 'alg'], 'vmprod').params;
    const link = shareLink(BASE, q);
    expect(link).toMatch(/\?z=/);
    expect(decodeQuery(link.slice(BASE.length)).params).toEqual(q);
  });
});

describe('iframeSnippet', () => {
  it('escapes the link for an attribute', () => {
    expect(iframeSnippet('https://h/?a=1&b="x"<y>', 640, 480)).toBe(
      '<iframe src="https://h/?a=1&amp;b=&quot;x&quot;&lt;y&gt;" width="640" height="480" style="border:0" title="mm3d" allow="clipboard-write; fullscreen"></iframe>',
    );
  });
});

describe('pythonLine', () => {
  it('passes the expression, and the rest of the state as query', () => {
    expect(pythonLine(tree('out = A @ B'))).toBe('mm3d.show("out = A @ B")');
    const p = applyEdit(tree('A @ B'), ['left', 'h'], 8).params;
    expect(pythonLine(p)).toBe('mm3d.show("A @ B", query="left.h=8")');
  });
  it('asks for the arrays of matrices whose data came from files or notebooks', () => {
    let p = tree('out = (A @ height) @ C');
    for (const [path, name] of [
      [['left', 'left'], 'A'],
      [['left', 'right'], 'height'],
    ] as const) {
      p = applyEdit(p, [...path, 'init'], 'url').params;
      p = applyEdit(p, [...path, 'url'], `file:${name}.npy`).params;
    }
    const line = pythonLine(p);
    expect(line).toMatch(
      /^mm3d\.show\("out = A @ height @ C", A=A, data=\{"height": height\}, query="/,
    );
    const query = new URLSearchParams(
      JSON.parse(line.slice(line.indexOf('query=') + 6, -1)) as string,
    );
    expect(query.get('left.left.url')).toBe('file:A.npy');
    expect(query.get('expr')).toBe(null);
  });
});
