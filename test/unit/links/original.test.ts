// Links written by the original tool itself (test/fixtures/original, made by
// scripts/original-fixtures.mjs from the original's own `getUrlInfo` answers): every one opens in
// mm3d in each of its three forms with no notice, to the tree the original showed for it (its
// `getParams` answer), compared field by field where mm3d has the field. The mapping between the
// two trees is documented in docs/links.md, "Properties mm3d does not use", and
// docs/differences.md, "Links from the original".
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQuery, fromPartial } from '../../../src/core/params/url';
import { type Json, type Params, toExternal } from '../../../src/core/params/schema';

const DIR = path.resolve(__dirname, '../../fixtures/original');

interface Fixture {
  id: string;
  feature: string;
  queries: { params: string; numbered: string; config: string };
  title: string;
  params: { [k: string]: Json };
}

const ids: string[] = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.config.json') && f !== 'index.json')
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
const load = (id: string): Fixture =>
  JSON.parse(fs.readFileSync(path.join(DIR, `${id}.json`), 'utf8')) as Fixture;

/**
 * Properties the original keeps that mm3d does not use (docs/links.md): by last path segment,
 * and whether they may appear anywhere or only where the original's tree has them on the root.
 */
const NOT_USED = new Set([
  'compress', // the original's choice of link form
  'url', // diag.url: the original's own address (a matrix's `url` is compared: mm3d has it)
  'count',
  'total',
]);
/** On a matmul below the root: the matrix properties it kept from before it was one. */
const MATMUL_LEFTOVERS = new Set(['h', 'w', 'init', 'url', 'min', 'max', 'dropout', 'expr']);

function flat(o: Json, pre: string, out: Map<string, Json>): Map<string, Json> {
  if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flat(v, pre ? `${pre}.${k}` : k, out);
  } else out.set(pre, o);
  return out;
}

/** Whether the node at `nodePath` (dotted, '' for the root) of the original's tree is a matmul. */
function isMatmulAt(tree: Json, nodePath: string): boolean {
  let cur: Json = tree;
  for (const k of nodePath ? nodePath.split('.') : []) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return false;
    cur = (cur as { [k: string]: Json })[k]!;
  }
  if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return false;
  return nodePath === '' || (cur as { [k: string]: Json }).matmul === true;
}

/**
 * Compares the original's answer with mm3d's tree (in the users' names). Returns the mismatches
 * and the original's paths mm3d has no field for that are not documented as unused.
 */
function compare(original: { [k: string]: Json }, mine: Params) {
  const theirs = flat(original, '', new Map());
  const ours = flat(toExternal(mine), '', new Map());
  const mismatches: string[] = [];
  const unexplained: string[] = [];
  for (const [p, v] of theirs) {
    const segs = p.split('.');
    const last = segs[segs.length - 1]!;
    if (ours.has(p)) {
      const o = ours.get(p)!;
      const same =
        typeof v === 'number' && typeof o === 'number' ? Math.abs(v - o) < 1e-9 : v === o;
      if (!same) mismatches.push(`${p}: original ${JSON.stringify(v)}, mm3d ${JSON.stringify(o)}`);
      continue;
    }
    // Where the original has a field mm3d lacks, it must be one documented as unused.
    const nodePath = segs.slice(0, -1).join('.');
    if (NOT_USED.has(last)) continue;
    if (MATMUL_LEFTOVERS.has(last) && isMatmulAt(original, nodePath)) continue;
    unexplained.push(p);
  }
  return { mismatches, unexplained };
}

describe("the original tool's own links", () => {
  it('there are at least 30 fixtures, each with its three forms', () => {
    expect(ids.length).toBeGreaterThanOrEqual(30);
    for (const id of ids) {
      const f = load(id);
      expect(f.queries.params.startsWith('params=')).toBe(true);
      expect(/(^|&)\d+(\.\d+)?=/.test(f.queries.numbered)).toBe(true);
      expect(f.queries.config.startsWith('config=')).toBe(true);
      expect(fs.existsSync(path.join(DIR, `${id}.config.json`))).toBe(true);
    }
  });

  for (const id of ids) {
    describe(id, () => {
      const f = load(id);
      const forms: [string, () => ReturnType<typeof fromPartial>][] = [
        ['params', () => decodeQuery(f.queries.params)],
        ['numbered', () => decodeQuery(f.queries.numbered)],
        [
          'config',
          () => {
            // The page fetches the address and reads the file as fromPartial; so does this test.
            const d = decodeQuery(f.queries.config.replace('%7BBASE%7D', 'http%3A%2F%2Fhost'));
            expect(d.configUrl).toBe(`http://host/${id}.config.json`);
            const text = fs.readFileSync(path.join(DIR, `${id}.config.json`), 'utf8');
            return fromPartial(JSON.parse(text) as unknown);
          },
        ],
      ];
      for (const [form, open] of forms) {
        it(`${form} form: no notice, nothing unknown, the original's title and tree`, () => {
          const n = open();
          expect(n.notices).toEqual([]);
          expect(n.ignored ?? []).toEqual([]);
          expect(n.params.expr).toBe(f.title);
          const { mismatches, unexplained } = compare(f.params, n.params);
          expect(mismatches).toEqual([]);
          expect(unexplained).toEqual([]);
        });
      }
    });
  }
});
