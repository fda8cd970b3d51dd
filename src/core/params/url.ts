/**
 * URL codecs (docs/links.md). Our own links store only what differs from the defaults of the same
 * expression: readable dotted keys when short (`?expr=A%20%40%20B&left.h=64`), an lz-string
 * compressed JSON (`?z=...`) when long. The original tool's three link forms are decoded too:
 * `?params=<JSON>`, its numbered compressed form (`?0=...&expr=0`), and `?config=<url>` (which the
 * caller fetches; see `configUrlOf`). Everything decoded goes through `normalize()`.
 */
import LZString from 'lz-string';
import { type Normalized, normalize } from './normalize';
import { type Field, type Json, type Params, fieldsBySegment, toExternal } from './schema';
import { deepMerge } from './tree';
import { parseExpr } from '../expr/parse';
import { STATE_BOUNDS, checkBounds, jsonNestsDeeper } from './bounds';
import { decompressUriSafe } from './lz';

/** Links longer than this many characters of query are compressed. */
export const READABLE_LIMIT = 600;
/** Query strings longer than this are refused outright (a hostile link must not hang the page). */
export const MAX_QUERY = 2_000_000;
/** Most characters a `?z=` part may expand to (a valid state's JSON stays far below). */
export const MAX_Z_TEXT = 1_000_000;

type Obj = { [k: string]: Json };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths of keys that could reach object prototypes; they are dropped, and said so. */
function forbiddenKeys(raw: unknown, path: string, out: string[], depth = 0): string[] {
  if (typeof raw !== 'object' || raw === null || depth > 64 || out.length > 20) return out;
  for (const k of Object.keys(raw)) {
    const p = path ? `${path}.${k}` : k;
    if (FORBIDDEN.has(k)) out.push(`${p}: property name not allowed; ignored`);
    else forbiddenKeys((raw as Record<string, unknown>)[k], p, out, depth + 1);
  }
  return out;
}

/** Builds the full state from a partial tree: the expression gives the structure, the tree the rest. */
export function fromPartial(raw: unknown): Normalized {
  // Deep, huge, shared or cyclic data is refused before anything walks it.
  const over = checkBounds(raw);
  if (over !== null)
    return {
      params: normalize(undefined).params,
      notices: [`state refused: ${over}; opened the defaults`],
    };
  const bad = forbiddenKeys(raw, '', []);
  const n = fromPartialInner(raw);
  return bad.length ? { ...n, notices: [...bad, ...n.notices] } : n;
}

function fromPartialInner(raw: unknown): Normalized {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const expr = (raw as Record<string, unknown>).expr;
    if (typeof expr === 'string') {
      let ok = false;
      try {
        ok = parseExpr(expr).kind === 'matmul';
      } catch {
        ok = false;
      }
      if (ok) {
        const base = toExternal(normalize({ expr }).params);
        const merged = normalize(deepMerge(base, raw));
        return merged;
      }
    }
  }
  return normalize(raw);
}

/** What differs from `base`; `expr` is always kept so the structure can be rebuilt. */
export function diffTree(state: Json, base: Json): Json | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    return state === base ? undefined : state;
  }
  const b = (typeof base === 'object' && base !== null && !Array.isArray(base) ? base : {}) as Obj;
  const out: Obj = {};
  for (const [k, v] of Object.entries(state)) {
    const d = diffTree(v, b[k] as Json);
    if (d !== undefined) out[k] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

export function stateDiff(p: Params): Obj {
  const base = normalize({ expr: p.expr }).params;
  const d = diffTree(toExternal(p), toExternal(base));
  return { expr: p.expr, ...(typeof d === 'object' && d !== null && !Array.isArray(d) ? d : {}) };
}

function flatten(o: Json, prefix: string, out: [string, string][]): void {
  if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, String(o)]);
}

/** The readable form: dotted keys, values as text. */
export function encodeReadable(p: Params): string {
  const pairs: [string, string][] = [];
  flatten(stateDiff(p), '', pairs);
  return new URLSearchParams(pairs).toString();
}

export function encodeCompressed(p: Params): string {
  return 'z=' + LZString.compressToEncodedURIComponent(JSON.stringify(stateDiff(p)));
}

/** The query string (without `?`) for a state: readable when short, compressed when long. */
export function encodeState(p: Params): string {
  const readable = encodeReadable(p);
  return readable.length <= READABLE_LIMIT ? readable : encodeCompressed(p);
}

const NUMERIC_KEY = /^\d+(\.\d+)?$/;

function setPath(root: Obj, path: string[], value: Json): void {
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return;
    const next = cur[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Obj;
  }
  const last = path[path.length - 1]!;
  if (last === '__proto__' || last === 'constructor' || last === 'prototype') return;
  cur[last] = value;
}

const SEGMENT_FIELDS = fieldsBySegment();

/** Casts a URL string to the type of the default for that last segment (the original's rule). */
export function castBySegment(segment: string, value: string): Json {
  const f: Field | undefined = SEGMENT_FIELDS.get(segment);
  if (!f) return value;
  if (f.kind === 'number') {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (f.kind === 'bool') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Decodes the original tool's numbered compressed form into a (partial) tree. */
export function decodeNumbered(sp: URLSearchParams): Obj {
  const names = new Map<string, string>();
  for (const [k, v] of sp) if (!NUMERIC_KEY.test(k)) names.set(v, k);
  const out: Obj = {};
  for (const [k, v] of sp) {
    if (!NUMERIC_KEY.test(k)) continue;
    const [a, b] = k.split('.');
    let path: string;
    if (b === undefined) {
      const n = names.get(a!);
      if (n === undefined) continue;
      path = n;
    } else {
      const prefix = names.get(a!);
      const seg = names.get(b);
      if (prefix === undefined || seg === undefined) continue;
      path = `${prefix}.${seg}`;
    }
    const segs = path.split('.');
    setPath(out, segs, castBySegment(segs[segs.length - 1]!, v));
  }
  return out;
}

/** Encodes a state in the original tool's numbered form (complete tree). */
export function encodeNumbered(p: Params): string {
  const pairs: [string, string][] = [];
  flatten(toExternal(p), '', pairs);
  const table = new Map<string, number>();
  const num = (s: string): number => {
    let n = table.get(s);
    if (n === undefined) {
      n = table.size;
      table.set(s, n);
    }
    return n;
  };
  const values: [string, string][] = [];
  for (const [path, v] of pairs) {
    const dot = path.lastIndexOf('.');
    values.push(
      dot < 0
        ? [String(num(path)), v]
        : [`${num(path.slice(0, dot))}.${num(path.slice(dot + 1))}`, v],
    );
  }
  const entries: [string, string][] = [
    ...values,
    ...[...table].map(([k, n]): [string, string] => [k, String(n)]),
  ];
  return new URLSearchParams(entries).toString();
}

/** Decodes our readable dotted form into a partial tree. */
export function decodeReadable(sp: URLSearchParams): Obj {
  const out: Obj = {};
  for (const [k, v] of sp) {
    if (k === '' || k.length > 200) continue;
    const segs = k.split('.');
    setPath(out, segs, castBySegment(segs[segs.length - 1]!, v));
  }
  return out;
}

export interface Decoded extends Normalized {
  /** `?config=<url>`: the caller must fetch this JSON and call `fromPartial` on it. */
  configUrl?: string;
  /** Whether the link carried a camera (otherwise the caller frames the expression). */
  hasCamera?: boolean;
}

/** Decodes any supported query string (with or without the leading `?`). */
export function decodeQuery(query: string): Decoded {
  try {
    return decodeQueryInner(query);
  } catch (e) {
    // Last line of defence: a link must never stop the page from starting.
    return {
      ...normalize(undefined),
      notices: [
        `link: could not be read (${e instanceof Error ? e.message : 'unknown error'}); opened the defaults`,
      ],
    };
  }
}

function decodeQueryInner(query: string): Decoded {
  const q = query.startsWith('?') ? query.slice(1) : query;
  if (q.length > MAX_QUERY) {
    return {
      ...normalize(undefined),
      notices: [`link: the link is too long (${q.length} characters); opened the defaults`],
    };
  }
  if (q === '') return normalize(undefined);
  let sp: URLSearchParams;
  try {
    sp = new URLSearchParams(q);
  } catch {
    return {
      ...normalize(undefined),
      notices: ['link: the query could not be read; opened the defaults'],
    };
  }
  const notices: string[] = [];
  let raw: unknown;
  const config = sp.get('config');
  if (config !== null && ![...sp.keys()].some((k) => NUMERIC_KEY.test(k))) {
    return { ...normalize(undefined), configUrl: config };
  }
  const z = sp.get('z');
  const params = sp.get('params');
  // The original's numbered form may hold name-table entries called `z` or `params` (e.g. cam.z).
  const numbered = [...sp.keys()].some((k) => NUMERIC_KEY.test(k));
  if (numbered) {
    raw = decodeNumbered(sp);
  } else if (z !== null) {
    const json = decompressUriSafe(z, MAX_Z_TEXT);
    if (json.ok) raw = parseJson(json.text, 'z', notices);
    else if (json.reason === 'too-long')
      notices.push(
        `link: the z part expands to more than ${json.limit} characters; opened the defaults`,
      );
    else notices.push('link: the z part is not a compressed state; opened the defaults');
  } else if (params !== null) {
    raw = parseJson(params, 'params', notices);
  } else {
    raw = decodeReadable(sp);
  }
  const n = fromPartial(raw);
  const hasCamera = typeof raw === 'object' && raw !== null && 'cam' in raw;
  return { ...n, notices: [...notices, ...n.notices], hasCamera };
}

function parseJson(text: string, what: string, notices: string[]): unknown {
  if (jsonNestsDeeper(text, STATE_BOUNDS.depth)) {
    notices.push(
      `link: the ${what} part is nested deeper than ${STATE_BOUNDS.depth} levels; opened the defaults`,
    );
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    notices.push(`link: the ${what} part is not valid JSON; opened the defaults`);
    return undefined;
  }
}
