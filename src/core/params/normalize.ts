/**
 * normalize(): the one gate every state passes through. It turns any partial, foreign or hostile
 * value (parsed URL JSON, a postMessage payload, a menu edit) into a complete, valid `Params`,
 * and lists what it dropped or clamped as notices. Structure comes from the tree when one is given
 * (left and right present) and from `expr` otherwise; `expr` and names are then regenerated from
 * the tree so the two always agree. Shapes are made consistent (every matmul's shared `k`).
 */
import {
  type Arg,
  type Field,
  type FolderState,
  type GroupOf,
  type MatmulArg,
  type MatrixArg,
  type Params,
  type ValueOf,
  ANIM_FIELDS,
  BLOCK_FIELDS,
  CAM_FIELDS,
  CHILD_GROUPS,
  DECO_FIELDS,
  EPILOG_FIELD,
  LAYOUT_FIELDS,
  MATRIX_FIELDS,
  MATMUL_ARG_FIELDS,
  ROOT_GROUPS,
  SIDE_DEFAULTS,
  TARGET_FIELDS,
  VIZ_FIELDS,
  codeName,
  defaultMatrix,
  defaultParams,
  groupDefaults,
} from './schema';
import { type ExprNode, ExprError, MAX_EXPR_OPERANDS, parseExpr } from '../expr/parse';
import { defaultName, isDefaultName } from '../expr/print';
import { exprOfTree, syncNames } from './tree';
import { unifyBlocks } from '../anim/blocks';
import { animTree, setBlockCounts } from './partitions';
import { fixShapes } from './shapes';
import { MAX_NAME, safeName } from './names';
import { wellFormed } from '../unicode';
import { getAt } from './tree';
import { isForeignKey, isForeignRootKey } from './foreign';

export interface Normalized {
  params: Params;
  notices: string[];
  /**
   * Properties that neither mm3d nor the original tool knows, by path, each once: dropped, and
   * shown in the diag panel rather than as notices (foreign.ts). Properties only the original
   * writes are dropped without being listed.
   */
  ignored?: string[];
}

type Raw = Record<string, unknown>;

const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state whose values a bad field keeps (see NormalizeOptions.keep); set only while normalize()
 * runs, which is synchronous, so the coercions below need not pass it along.
 */
let keepState: unknown;

/** Where readFields lists unknown properties while normalize() runs (see Normalized.ignored). */
let ignoredSink: string[] = [];

/** What a field falls back to when its new value is unusable: its value in `keepState` if valid, else the default. */
function fallback(f: Field, path: string): { value: number | boolean | string; said: string } {
  // The kept state is a normalized tree, under code names; the path may use either name.
  const kept =
    keepState === undefined ? undefined : getAt(keepState, path.split('.').map(codeName));
  if (kept !== undefined) {
    const saved = keepState;
    keepState = undefined;
    const probe: string[] = [];
    const value = coerceField(f, kept, path, probe);
    keepState = saved;
    if (probe.length === 0) return { value, said: `kept the current value ${short(value)}` };
  }
  return { value: f.def, said: `using ${short(f.def)}` };
}

/** Coerces one value to a field's type and range; returns the default with a notice when it cannot. */
export function coerceField<F extends Field>(
  f: F,
  v: unknown,
  path: string,
  notices: string[],
): ValueOf<F> {
  // Each branch returns a value of the field's own kind (a choice is one of its choices).
  return coerce(f, v, path, notices) as ValueOf<F>;
}

function coerce(f: Field, v: unknown, path: string, notices: string[]): Field['def'] {
  switch (f.kind) {
    case 'number': {
      let n =
        typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (typeof v === 'boolean') n = v ? 1 : 0;
      if (!Number.isFinite(n)) {
        const fb = fallback(f, path);
        notices.push(`${path}: ${short(v)} is not a number; ${fb.said}`);
        return fb.value;
      }
      if (f.int) n = Math.round(n);
      if (n < f.min || n > f.max) {
        const c = Math.min(f.max, Math.max(f.min, n));
        notices.push(`${path}: ${n} is outside ${f.min}..${f.max}; clamped to ${c}`);
        n = c;
      }
      return n;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 1 || v === '1') return true;
      if (v === 'false' || v === 0 || v === '0' || v === '') return false;
      {
        const fb = fallback(f, path);
        notices.push(`${path}: ${short(v)} is not true/false; ${fb.said}`);
        return fb.value;
      }
    case 'choice': {
      // Objects are never choices (and String() of a hostile one can throw).
      const s =
        typeof v === 'string'
          ? v
          : typeof v === 'number' || typeof v === 'boolean'
            ? String(v)
            : undefined;
      if (s !== undefined && f.choices.includes(s)) return s;
      if (s !== undefined && f.aliases && Object.hasOwn(f.aliases, s)) return f.aliases[s]!;
      const fb = fallback(f, path);
      notices.push(`${path}: unknown value ${short(v)}; ${fb.said}`);
      return fb.value;
    }
    case 'string': {
      if (typeof v !== 'string' && typeof v !== 'number') {
        const fb = fallback(f, path);
        notices.push(`${path}: ${short(v)} is not text; ${fb.said}`);
        return fb.value;
      }
      const s = wellFormed(String(v));
      if (s.length > f.maxLength) {
        notices.push(`${path}: text longer than ${f.maxLength} characters was cut`);
        return s.slice(0, f.maxLength);
      }
      return s;
    }
  }
}

function short(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v));
  } catch {
    // Deep, cyclic or hostile values (a `toJSON` or `toString` that throws) are only described.
    s = Array.isArray(v) ? 'a list' : typeof v === 'object' && v !== null ? 'an object' : typeof v;
  }
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function coerceFolder(v: unknown, def: FolderState, path: string, notices: string[]): FolderState {
  if (v === undefined) return def;
  if (v === 'open' || v === 'closed') return v;
  notices.push(`${path}.folder: ${short(v)} is not "open" or "closed"`);
  return def;
}

const tables = new WeakMap<readonly Field[], Map<string, Field>>();
/** A table's fields by either name: the users' spaced name or the code name (`min size`, `minSize`). */
function byName(fields: readonly Field[]): Map<string, Field> {
  let m = tables.get(fields);
  if (!m) {
    m = new Map();
    for (const f of fields) m.set(f.key, f).set(codeName(f.key), f);
    tables.set(fields, m);
  }
  return m;
}

/**
 * The known fields of `raw`, coerced, under their code names; unknown keys become notices. The
 * caller assigns the result onto an object of the table's shape.
 */
function readFields<T extends readonly Field[]>(
  fields: T,
  raw: unknown,
  path: string,
  notices: string[],
  skip: readonly string[] = [],
): Partial<GroupOf<T>> {
  const out: Record<string, Field['def']> = {};
  if (raw === undefined) return {};
  if (!isObj(raw)) {
    notices.push(`${path}: expected an object, got ${short(raw)}`);
    return {};
  }
  for (const [k, v] of Object.entries(raw)) {
    if (skip.includes(k)) continue;
    if (k === 'folder') {
      out.folder = coerceFolder(v, 'closed', path, notices);
      continue;
    }
    const f = byName(fields).get(k);
    if (!f) {
      if (!isForeignKey(fields, k)) ignoredSink.push(`${path}.${k}`);
      continue;
    }
    out[codeName(f.key)] = coerce(f, v, `${path}.${k}`, notices);
  }
  // Keys are the table's code names (and folder), each coerced to its field's kind.
  return out as Partial<GroupOf<T>>;
}

function group<T extends readonly Field[]>(
  fields: T,
  raw: unknown,
  path: string,
  notices: string[],
): GroupOf<T> {
  return Object.assign(groupDefaults(fields), readFields(fields, raw, path, notices));
}

// ---- Structure ------------------------------------------------------------------------------

/** A shape of the tree: which nodes are matmuls, and their names. */
type Skeleton =
  | { kind: 'leaf'; name: string }
  | { kind: 'matmul'; name: string; named: boolean; left: Skeleton; right: Skeleton };

function skeletonFromExpr(e: ExprNode): Skeleton {
  return e.kind === 'leaf'
    ? { kind: 'leaf', name: e.name }
    : {
        kind: 'matmul',
        name: e.name,
        named: e.named,
        left: skeletonFromExpr(e.left),
        right: skeletonFromExpr(e.right),
      };
}

function skeletonNode(sk: Skeleton): ExprNode {
  return sk.kind === 'leaf'
    ? { kind: 'leaf', name: sk.name, start: 0, end: 0 }
    : {
        kind: 'matmul',
        name: sk.name,
        named: sk.named,
        left: skeletonNode(sk.left),
        right: skeletonNode(sk.right),
        start: 0,
        end: 0,
      };
}

/** A valid name for a matrix or matmul, with a notice when the given one had to change. */
function checkedName(name: string, fallback: string, path: string, notices: string[]): string {
  const safe = safeName(name, fallback);
  if (safe !== name)
    notices.push(
      `${path}: ${short(name)} is not a usable name (no ( ) @ =, at most ${MAX_NAME} characters); using ${short(safe)}`,
    );
  return safe;
}

/** A matmul in a tree is named when its name is not just its derived name (print.ts). */
function treeMatmul(
  name: string,
  left: Skeleton,
  right: Skeleton,
  path = 'state',
  notices: string[] = [],
): Skeleton {
  const [l, r] = [skeletonNode(left), skeletonNode(right)];
  const derived = defaultName(l, r);
  // The original's generated names (`attn @ V`) and the whole sub-expression text both mean unnamed.
  const named = !isDefaultName(name, l, r);
  if (!named) return { kind: 'matmul', name: derived, named, left, right };
  return {
    kind: 'matmul',
    name: checkedName(name, derived, `${path}.name`, notices),
    named: true,
    left,
    right,
  };
}

const MAX_DEPTH = 64;
/**
 * Matmuls a tree may still add below the root while normalize() runs: the expression of the
 * result must parse, so it has at most MAX_EXPR_OPERANDS operands (set in normalize()).
 */
let matmulBudget = 0;

function skeletonFromTree(
  raw: Raw,
  side: 'left' | 'right',
  depth: number,
  notices: string[],
  path: string,
): Skeleton {
  const given =
    typeof raw.name === 'string' ? raw.name : typeof raw.name === 'number' ? String(raw.name) : '';
  const isMatmul = raw.matmul === true || raw.matmul === 'true';
  // A leaf needs a valid name; a matmul's may be its derived text (checked in treeMatmul).
  const name =
    !isMatmul && given !== ''
      ? checkedName(given, SIDE_DEFAULTS[side].name, `${path}.name`, notices)
      : given;
  if (raw.matmul === true || raw.matmul === 'true') {
    if (depth >= MAX_DEPTH || matmulBudget <= 0) {
      notices.push(
        depth >= MAX_DEPTH
          ? `${path}: nesting deeper than ${MAX_DEPTH} was cut`
          : `${path}: more than ${MAX_EXPR_OPERANDS} operands; nesting cut here`,
      );
      // The matmul's name may be expression text, which no matrix may be called.
      return { kind: 'leaf', name: safeName(name, SIDE_DEFAULTS[side].name) };
    }
    if (isObj(raw.left) && isObj(raw.right)) {
      matmulBudget--;
      return treeMatmul(
        name,
        skeletonFromTree(raw.left, 'left', depth + 1, notices, `${path}.left`),
        skeletonFromTree(raw.right, 'right', depth + 1, notices, `${path}.right`),
        path,
        notices,
      );
    }
    notices.push(`${path}: a matmul needs left and right; treated as a matrix`);
  }
  return { kind: 'leaf', name: name || SIDE_DEFAULTS[side].name };
}

/** Raw nodes by name, so settings follow a matrix or matmul whose name survives an edit. */
function indexByName(raw: unknown, out: Map<string, Raw>, depth = 0): Map<string, Raw> {
  if (!isObj(raw) || depth > MAX_DEPTH) return out;
  if (typeof raw.name === 'string' && !out.has(raw.name)) out.set(raw.name, raw);
  indexByName(raw.left, out, depth + 1);
  indexByName(raw.right, out, depth + 1);
  return out;
}

function buildArg(
  sk: Skeleton,
  raw: Raw | undefined,
  byName: Map<string, Raw> | null,
  side: 'left' | 'right',
  path: string,
  notices: string[],
): Arg {
  const src = byName ? byName.get(sk.name) : raw;
  if (sk.kind === 'leaf') {
    const m: MatrixArg = defaultMatrix(sk.name, SIDE_DEFAULTS[side].init);
    if (src && src.matmul !== true && src.matmul !== 'true') {
      Object.assign(m, readFields(MATRIX_FIELDS, src, path, notices, ['name', 'matmul']));
    }
    m.name = sk.name;
    m.matmul = false;
    return m;
  }
  const rawMm = src && (src.matmul === true || src.matmul === 'true') ? src : undefined;
  const mm: MatmulArg = {
    name: sk.named ? sk.name : '',
    matmul: true,
    epilog: 'none',
    left: buildArg(
      sk.left,
      byName ? undefined : (rawMm?.left as Raw | undefined),
      byName,
      'left',
      `${path}.left`,
      notices,
    ),
    right: buildArg(
      sk.right,
      byName ? undefined : (rawMm?.right as Raw | undefined),
      byName,
      'right',
      `${path}.right`,
      notices,
    ),
    anim: groupDefaults(CHILD_GROUPS.anim),
    block: groupDefaults(CHILD_GROUPS.block),
    layout: groupDefaults(CHILD_GROUPS.layout),
    folder: 'closed',
  };
  if (rawMm) {
    Object.assign(
      mm,
      readFields(MATMUL_ARG_FIELDS, rawMm, path, notices, [
        'name',
        'matmul',
        'left',
        'right',
        'anim',
        'block',
        'layout',
      ]),
    );
    Object.assign(mm.anim, readFields(CHILD_GROUPS.anim, rawMm.anim, `${path}.anim`, notices));
    Object.assign(mm.block, readFields(CHILD_GROUPS.block, rawMm.block, `${path}.block`, notices));
    Object.assign(
      mm.layout,
      readFields(CHILD_GROUPS.layout, rawMm.layout, `${path}.layout`, notices),
    );
  }
  return mm;
}

// ---- Entry point ----------------------------------------------------------------------------

export interface NormalizeOptions {
  /** Rebuild the structure from `expr` even when a tree is present (expr edits, `sync_expr`). */
  fromExpr?: boolean;
  /**
   * The current state: a field whose new value is unusable keeps its value here (at the same
   * path) instead of taking the default, and the notice says so (`{setParams}` messages).
   */
  keep?: unknown;
}

export function normalize(input: unknown, opts: NormalizeOptions = {}): Normalized {
  const outer = keepState;
  const outerBudget = matmulBudget;
  const outerSink = ignoredSink;
  keepState = opts.keep;
  matmulBudget = MAX_EXPR_OPERANDS - 2;
  ignoredSink = [];
  try {
    const n = normalizeInner(input, opts);
    return ignoredSink.length ? { ...n, ignored: [...new Set(ignoredSink)] } : n;
  } finally {
    keepState = outer;
    matmulBudget = outerBudget;
    ignoredSink = outerSink;
  }
}

function normalizeInner(input: unknown, opts: NormalizeOptions): Normalized {
  const notices: string[] = [];
  const p = defaultParams();
  if (input === undefined || input === null) return { params: p, notices };
  if (!isObj(input)) {
    notices.push(`state: expected an object, got ${short(input)}; using defaults`);
    return { params: p, notices };
  }
  const raw = input;

  // Structure.
  const hasTree = isObj(raw.left) && isObj(raw.right);
  let parsed: ExprNode | null = null;
  if (raw.expr !== undefined && (opts.fromExpr || !hasTree)) {
    if (typeof raw.expr !== 'string') {
      notices.push(`expr: ${short(raw.expr)} is not text`);
    } else {
      try {
        parsed = parseExpr(raw.expr);
      } catch (e) {
        notices.push(e instanceof ExprError ? `expr: ${e.message}` : `expr: ${String(e)}`);
      }
    }
  }
  let rootSk: Skeleton;
  let byName: Map<string, Raw> | null = null;
  if (parsed && parsed.kind === 'matmul') {
    rootSk = skeletonFromExpr(parsed);
    // Match settings by name: the tree given (if any) is the source of settings.
    byName = indexByName(raw, new Map());
  } else if (hasTree) {
    rootSk = treeMatmul(
      typeof raw.name === 'string' ? raw.name : '',
      skeletonFromTree(raw.left as Raw, 'left', 1, notices, 'left'),
      skeletonFromTree(raw.right as Raw, 'right', 1, notices, 'right'),
      'state',
      notices,
    );
  } else {
    for (const side of ['left', 'right'] as const) {
      if (raw[side] !== undefined && !isObj(raw[side]))
        notices.push(`${side}: expected an object, got ${short(raw[side])}; ignored`);
    }
    rootSk = treeMatmul(
      typeof raw.name === 'string' ? raw.name : '',
      isObj(raw.left)
        ? skeletonFromTree(raw.left, 'left', 1, notices, 'left')
        : { kind: 'leaf', name: 'L' },
      isObj(raw.right)
        ? skeletonFromTree(raw.right, 'right', 1, notices, 'right')
        : { kind: 'leaf', name: 'R' },
      'state',
      notices,
    );
  }
  if (rootSk.kind !== 'matmul') throw new Error('unreachable');

  p.left = buildArg(
    rootSk.left,
    isObj(raw.left) ? raw.left : undefined,
    byName,
    'left',
    'left',
    notices,
  );
  p.right = buildArg(
    rootSk.right,
    isObj(raw.right) ? raw.right : undefined,
    byName,
    'right',
    'right',
    notices,
  );

  // Root scalars and groups.
  if (raw.epilog !== undefined) p.epilog = coerceField(EPILOG_FIELD, raw.epilog, 'epilog', notices);
  if (raw.anim !== undefined) p.anim = group(ANIM_FIELDS, raw.anim, 'anim', notices);
  if (raw.block !== undefined) p.block = group(BLOCK_FIELDS, raw.block, 'block', notices);
  if (raw.layout !== undefined) p.layout = group(LAYOUT_FIELDS, raw.layout, 'layout', notices);
  if (raw.deco !== undefined) p.deco = group(DECO_FIELDS, raw.deco, 'deco', notices);
  if (raw.viz !== undefined) p.viz = group(VIZ_FIELDS, raw.viz, 'viz', notices);
  if (raw.cam !== undefined) {
    if (isObj(raw.cam)) {
      const { folder: _ignored, ...xyz } = readFields(CAM_FIELDS, raw.cam, 'cam', notices, [
        'target',
      ]);
      Object.assign(p.cam, xyz);
      if (raw.cam.target !== undefined) {
        const { folder: _none, ...target } = readFields(
          TARGET_FIELDS,
          raw.cam.target,
          'cam.target',
          notices,
        );
        Object.assign(p.cam.target, target);
      }
    } else notices.push(`cam: expected an object`);
  }
  p.folder = coerceFolder(raw.folder, p.folder, 'state', notices);
  if (isObj(raw.diag)) p.diag.folder = coerceFolder(raw.diag.folder, 'closed', 'diag', notices);
  const known = new Set([
    'expr',
    'name',
    'epilog',
    'left',
    'right',
    'cam',
    'folder',
    'diag',
    'matmul',
    ...Object.keys(ROOT_GROUPS),
  ]);
  for (const k of Object.keys(raw)) if (!known.has(k) && !isForeignRootKey(k)) ignoredSink.push(k);

  fixShapes(p);
  // A partition set on one matmul reaches every matmul that shares the dimension
  // (docs/animation.md, "Partitions").
  setBlockCounts(p, unifyBlocks(animTree(p)));
  // Names: explicit root name from the expression or the tree; derived names follow the tree.
  syncNames(p, rootSk.named ? rootSk.name : '');
  p.expr = exprOfTree(p);
  return { params: p, notices };
}
