/**
 * The one table of properties. Every field of the parameter tree is declared here once,
 * with its default, its range or choices, and the name users see (which is also its URL name).
 * Defaults, clamping in `normalize()`, the menu and the URL codecs are all driven by this table,
 * so adding a property means adding one row (and its row in docs/parameters.md, which a unit
 * test checks against this table).
 */

import { ALGS as ANIM_ALGS } from '../anim/types';

export type Field =
  | {
      kind: 'number';
      key: string;
      def: number;
      min: number;
      max: number;
      step?: number;
      int?: boolean;
      label?: string;
    }
  | { kind: 'bool'; key: string; def: boolean; label?: string }
  | {
      kind: 'choice';
      key: string;
      def: string;
      choices: readonly string[];
      aliases?: Record<string, string>;
      label?: string;
    }
  | { kind: 'string'; key: string; def: string; maxLength: number; label?: string };

/**
 * A field's name in code: its key in camelCase (`min size` -> `minSize`). The spaced key stays the
 * name users see, in links, menus and embedding messages; `toExternal` turns a tree back into it.
 */
export type CodeName<S extends string> = S extends `${infer A} ${infer B}`
  ? `${A}${Capitalize<CodeName<B>>}`
  : S;
export function codeName(key: string): string {
  return key.replace(/ ([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The type of a field's value: numbers, booleans, one of the choices, or text. */
export type ValueOf<F> = F extends { kind: 'number' }
  ? number
  : F extends { kind: 'bool' }
    ? boolean
    : F extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : string;

/** The object a field table describes, with code names as keys. */
export type FieldsOf<T extends readonly Field[]> = {
  -readonly [F in T[number] as CodeName<F['key']>]: ValueOf<F>;
};

export type FolderState = 'open' | 'closed';

/** The algorithms, as the animation defines them (core/anim/types.ts). */
export const ALGS = ANIM_ALGS;
export const CHILD_ALGS = ['inherit', ...ALGS] as const;
export const FUSES = ['none', 'sync', 'async'] as const;
export const EPILOGS = [
  'none',
  'relu',
  'gelu',
  'sigmoid',
  'silu',
  'tanh',
  'x**2',
  'layernorm',
  'softmax',
  'softmax(x/sqrt(k))',
  'softmax(tril(x/sqrt(k)))',
  'x/k',
  'x/sqrt(k)',
  // Causal softmax without a scale: for products whose scale is folded into a weight (the head explorer's qkov form).
  'softmax(tril(x))',
  // From the original tool's old links: causal softmax scaled by 1/8 whatever k is.
  'softmax(tril(x/8))',
] as const;
export const INITS = [
  'rows',
  'cols',
  'row major',
  'col major',
  'uniform',
  'gaussian',
  'pt linear',
  'tril mask',
  'triu mask',
  'eye',
  'diff',
  'url',
  'expr',
] as const;
export const SCHEMES = ['blocks', 'zigzag', 'wheel', 'custom'] as const;
export const SENSITIVITIES = ['global', 'semilocal', 'local', 'superlocal'] as const;

/** Largest matrix side the tool accepts (the original tool stops at 1024; docs/differences.md). */
export const MAX_DIM = 4096;

export const ANIM_FIELDS = [
  { kind: 'choice', key: 'alg', def: 'none', choices: ALGS },
  { kind: 'number', key: 'speed', def: 20, min: 1, max: 100, step: 1, int: true },
  { kind: 'choice', key: 'fuse', def: 'none', choices: FUSES },
  { kind: 'bool', key: 'hide inputs', def: false },
  { kind: 'number', key: 'spin', def: 0, min: -10, max: 10, step: 0.1 },
] as const satisfies readonly Field[];
export const CHILD_ANIM_FIELDS = [
  { kind: 'choice', key: 'alg', def: 'inherit', choices: CHILD_ALGS },
] as const satisfies readonly Field[];

export const BLOCK_FIELDS = [
  { kind: 'number', key: 'i blocks', def: 1, min: 1, max: 16, step: 1, int: true },
  { kind: 'number', key: 'k blocks', def: 1, min: 1, max: 16, step: 1, int: true },
  { kind: 'number', key: 'j blocks', def: 1, min: 1, max: 16, step: 1, int: true },
] as const satisfies readonly Field[];

export const PLACEMENT_FIELDS = [
  { kind: 'choice', key: 'polarity', def: 'negative', choices: ['negative', 'positive'] },
  { kind: 'choice', key: 'left placement', def: 'left', choices: ['left', 'right'] },
  { kind: 'choice', key: 'right placement', def: 'top', choices: ['top', 'bottom'] },
  { kind: 'choice', key: 'result placement', def: 'front', choices: ['front', 'back'] },
] as const satisfies readonly Field[];
export const LAYOUT_FIELDS = [
  { kind: 'choice', key: 'scheme', def: 'blocks', choices: SCHEMES },
  { kind: 'number', key: 'gap', def: 4, min: 1, max: 64, step: 1, int: true },
  { kind: 'number', key: 'scatter', def: 0, min: 0, max: 128, step: 1 },
  { kind: 'number', key: 'molecule', def: 1, min: 1, max: 8, step: 1, int: true },
  { kind: 'number', key: 'blast', def: 0, min: -2, max: 2, step: 0.01 },
  ...PLACEMENT_FIELDS,
] as const satisfies readonly Field[];

export const DECO_FIELDS = [
  { kind: 'number', key: 'legends', def: 6, min: 0, max: 10, step: 0.1 },
  { kind: 'bool', key: 'shape', def: true },
  { kind: 'number', key: 'row guides', def: 0.6, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'flow guides', def: 0.5, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'spotlight', def: 2, min: 0, max: 10, step: 1, int: true },
  { kind: 'number', key: 'lens size', def: 0.5, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'magnification', def: 7, min: 1, max: 25, step: 0.5 },
  { kind: 'bool', key: 'interior spotlight', def: false },
  { kind: 'bool', key: 'axes', def: false },
] as const satisfies readonly Field[];

export const VIZ_FIELDS = [
  { kind: 'choice', key: 'sensitivity', def: 'global', choices: SENSITIVITIES },
  { kind: 'number', key: 'min size', def: 0.2, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'min light', def: 0.4, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'max light', def: 0.7, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'elem scale', def: 1.25, min: 0.1, max: 2, step: 0.01 },
  { kind: 'number', key: 'zero hue', def: 0.77, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'hue gap', def: 0.74, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'hue spread', def: 0.04, min: 0, max: 1, step: 0.01 },
] as const satisfies readonly Field[];

const CAM_RANGE = 1e6;
export const CAM_FIELDS = [
  { kind: 'number', key: 'x', def: -48, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'y', def: 48, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'z', def: 48, min: -CAM_RANGE, max: CAM_RANGE },
] as const satisfies readonly Field[];
export const TARGET_FIELDS = [
  { kind: 'number', key: 'x', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'y', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'z', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
] as const satisfies readonly Field[];

/** Fields of a plain-matrix argument. Defaults for name and init differ by side (see below). */
export const MATRIX_FIELDS = [
  { kind: 'string', key: 'name', def: 'X', maxLength: 200 },
  { kind: 'bool', key: 'matmul', def: false },
  { kind: 'number', key: 'h', def: 32, min: 1, max: MAX_DIM, step: 1, int: true },
  { kind: 'number', key: 'w', def: 32, min: 1, max: MAX_DIM, step: 1, int: true },
  { kind: 'choice', key: 'init', def: 'row major', choices: INITS },
  { kind: 'number', key: 'min', def: -1, min: -1e9, max: 1e9 },
  { kind: 'number', key: 'max', def: 1, min: -1e9, max: 1e9 },
  { kind: 'number', key: 'dropout', def: 0, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'seed', def: 0, min: 0, max: 2 ** 31 - 1, step: 1, int: true },
  { kind: 'string', key: 'url', def: '', maxLength: 4000 },
  { kind: 'string', key: 'expr', def: '', maxLength: 2000 },
] as const satisfies readonly Field[];

export const EPILOG_FIELD = {
  kind: 'choice',
  key: 'epilog',
  def: 'none',
  choices: EPILOGS,
} as const satisfies Field;
export const MATMUL_ARG_FIELDS = [
  { kind: 'string', key: 'name', def: 'X', maxLength: 2000 },
  { kind: 'bool', key: 'matmul', def: true },
  EPILOG_FIELD,
] as const satisfies readonly Field[];

export const ROOT_FIELDS = [
  { kind: 'string', key: 'expr', def: 'L @ R', maxLength: 10000 },
  { kind: 'string', key: 'name', def: 'L @ R', maxLength: 10000 },
  EPILOG_FIELD,
] as const satisfies readonly Field[];

/** Sub-objects of the root, each a menu folder. */
export const ROOT_GROUPS = {
  anim: ANIM_FIELDS,
  block: BLOCK_FIELDS,
  layout: LAYOUT_FIELDS,
  deco: DECO_FIELDS,
  viz: VIZ_FIELDS,
} as const;
/** Sub-objects of a child matmul. */
export const CHILD_GROUPS = {
  anim: CHILD_ANIM_FIELDS,
  block: BLOCK_FIELDS,
  layout: PLACEMENT_FIELDS,
} as const;

export const SIDE_DEFAULTS = {
  left: { name: 'L', init: 'row major' },
  right: { name: 'R', init: 'col major' },
} as const;

// ---- Types of the normalized tree, derived from the tables ----------------------------------

export type Alg = (typeof ALGS)[number];
export type ChildAlg = (typeof CHILD_ALGS)[number];
export type Fuse = (typeof FUSES)[number];
export type Epilog = (typeof EPILOGS)[number];
export type Init = (typeof INITS)[number];
export type Scheme = (typeof SCHEMES)[number];
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** A field table's object plus whether its menu folder is open. */
export type GroupOf<T extends readonly Field[]> = FieldsOf<T> & { folder: FolderState };

export type AnimGroup = GroupOf<typeof ANIM_FIELDS>;
export type ChildAnimGroup = GroupOf<typeof CHILD_ANIM_FIELDS>;
export type BlockGroup = GroupOf<typeof BLOCK_FIELDS>;
export type PlacementGroup = GroupOf<typeof PLACEMENT_FIELDS>;
export type LayoutGroup = GroupOf<typeof LAYOUT_FIELDS>;
export type DecoGroup = GroupOf<typeof DECO_FIELDS>;
export type VizGroup = GroupOf<typeof VIZ_FIELDS>;

export type MatrixArg = Omit<FieldsOf<typeof MATRIX_FIELDS>, 'matmul'> & {
  matmul: false;
  folder: FolderState;
};

/**
 * What every matmul has, the root included: the root's groups hold more fields than a child's
 * (its anim and layout folders), and it has no `matmul` flag, but it is one of these.
 */
export interface MatmulNode {
  name: string;
  epilog: Epilog;
  left: Arg;
  right: Arg;
  anim: { alg: ChildAlg; folder: FolderState };
  block: BlockGroup;
  layout: PlacementGroup;
  folder: FolderState;
}

/** A matmul argument (a child of another matmul). */
export interface MatmulArg extends MatmulNode {
  matmul: true;
  anim: ChildAnimGroup;
  layout: PlacementGroup;
}

export type Arg = MatrixArg | MatmulArg;

export interface Vec3Param {
  x: number;
  y: number;
  z: number;
}

/** The whole state: the root matmul with the expression text and the root-only folders. */
export interface Params extends MatmulNode {
  expr: string;
  anim: AnimGroup;
  layout: LayoutGroup;
  deco: DecoGroup;
  viz: VizGroup;
  cam: Vec3Param & { target: Vec3Param };
  diag: { folder: FolderState };
}

/** A table's defaults, under code names. */
export function fieldDefaults<T extends readonly Field[]>(fields: T): FieldsOf<T> {
  const out: Record<string, Field['def']> = {};
  for (const f of fields) out[codeName(f.key)] = f.def;
  // The loop writes exactly the table's fields under their code names.
  return out as FieldsOf<T>;
}

export function groupDefaults<T extends readonly Field[]>(fields: T): GroupOf<T> {
  return { ...fieldDefaults(fields), folder: 'closed' };
}

export function defaultMatrix(name: string, init: Init, h = 32, w = 32): MatrixArg {
  return { ...fieldDefaults(MATRIX_FIELDS), name, init, h, w, matmul: false, folder: 'closed' };
}

export function defaultParams(): Params {
  return {
    expr: 'L @ R',
    name: 'L @ R',
    epilog: 'none',
    left: defaultMatrix('L', 'row major'),
    right: defaultMatrix('R', 'col major'),
    anim: groupDefaults(ANIM_FIELDS),
    block: groupDefaults(BLOCK_FIELDS),
    layout: groupDefaults(LAYOUT_FIELDS),
    deco: groupDefaults(DECO_FIELDS),
    viz: groupDefaults(VIZ_FIELDS),
    cam: { ...fieldDefaults(CAM_FIELDS), target: fieldDefaults(TARGET_FIELDS) },
    folder: 'closed',
    diag: { folder: 'closed' },
  };
}

/** Every field of every table (a field of the same key may appear in several). */
export const ALL_FIELDS: readonly Field[] = [
  ...ROOT_FIELDS,
  ...MATRIX_FIELDS,
  ...MATMUL_ARG_FIELDS,
  ...ANIM_FIELDS,
  ...CHILD_ANIM_FIELDS,
  ...BLOCK_FIELDS,
  ...LAYOUT_FIELDS,
  ...DECO_FIELDS,
  ...VIZ_FIELDS,
  ...CAM_FIELDS,
];

/** Every field that may appear with a given last path segment, for casting the original's URL values. */
export function fieldsBySegment(): Map<string, Field> {
  const m = new Map<string, Field>();
  for (const f of ALL_FIELDS) if (!m.has(f.key)) m.set(f.key, f);
  return m;
}

/** Spaced names by code name, for the fields whose two names differ. */
const EXTERNAL_NAMES: ReadonlyMap<string, string> = new Map(
  ALL_FIELDS.filter((f) => codeName(f.key) !== f.key).map((f) => [codeName(f.key), f.key]),
);

/** A JSON-like tree as it appears in links and messages. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * The state as users name it (spaced keys): for links, embedding messages and the diag panel.
 * `normalize()` reads this form back.
 */
export function toExternal(p: Params | Arg): { [k: string]: Json } {
  const walk = (o: object): { [k: string]: Json } => {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(o)) {
      out[EXTERNAL_NAMES.get(k) ?? k] =
        typeof v === 'object' && v !== null ? walk(v as object) : (v as Json);
    }
    return out;
  };
  return walk(p);
}
