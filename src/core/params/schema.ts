/**
 * The one table of properties. Every field of the parameter tree is declared here once,
 * with its default, its range or choices, and the name users see (which is also its URL name).
 * Defaults, clamping in `normalize()`, the menu and the URL codecs are all driven by this table,
 * so adding a property means adding one row (and its row in docs/parameters.md, which a unit
 * test checks against this table).
 */

export type Field =
  | { kind: 'number'; key: string; def: number; min: number; max: number; step?: number; int?: boolean; label?: string; menu?: boolean }
  | { kind: 'bool'; key: string; def: boolean; label?: string; menu?: boolean }
  | { kind: 'choice'; key: string; def: string; choices: readonly string[]; aliases?: Record<string, string>; label?: string; menu?: boolean }
  | { kind: 'string'; key: string; def: string; maxLength: number; label?: string; menu?: boolean };

export type FolderState = 'open' | 'closed';

export const ALGS = ['none', 'dotprod (row major)', 'dotprod (col major)', 'axpy', 'vmprod', 'mvprod', 'vvprod'] as const;
export const CHILD_ALGS = ['inherit', ...ALGS] as const;
export const FUSES = ['none', 'sync', 'async'] as const;
export const EPILOGS = [
  'none', 'relu', 'gelu', 'sigmoid', 'silu', 'tanh', 'x**2', 'layernorm', 'softmax',
  'softmax(x/sqrt(k))', 'softmax(tril(x/sqrt(k)))', 'x/k', 'x/sqrt(k)',
  // From the original tool's old links: causal softmax scaled by 1/8 whatever k is.
  'softmax(tril(x/8))',
] as const;
export const INITS = [
  'rows', 'cols', 'row major', 'col major', 'uniform', 'gaussian', 'pt linear',
  'tril mask', 'triu mask', 'eye', 'diff', 'url', 'expr',
] as const;
export const SCHEMES = ['blocks', 'zigzag', 'wheel', 'custom'] as const;
export const SENSITIVITIES = ['global', 'semilocal', 'local', 'superlocal'] as const;

/** Largest matrix side the tool accepts (the original tool stops at 1024; docs/differences.md). */
export const MAX_DIM = 4096;

export const ANIM_FIELDS: Field[] = [
  { kind: 'choice', key: 'alg', def: 'none', choices: ALGS },
  { kind: 'number', key: 'speed', def: 20, min: 1, max: 100, step: 1, int: true },
  { kind: 'choice', key: 'fuse', def: 'none', choices: FUSES },
  { kind: 'bool', key: 'hide inputs', def: false },
  { kind: 'number', key: 'spin', def: 0, min: -10, max: 10, step: 0.1 },
];
export const CHILD_ANIM_FIELDS: Field[] = [{ kind: 'choice', key: 'alg', def: 'inherit', choices: CHILD_ALGS }];

export const BLOCK_FIELDS: Field[] = [
  { kind: 'number', key: 'i blocks', def: 1, min: 1, max: 16, step: 1, int: true },
  { kind: 'number', key: 'k blocks', def: 1, min: 1, max: 16, step: 1, int: true },
  { kind: 'number', key: 'j blocks', def: 1, min: 1, max: 16, step: 1, int: true },
];

export const PLACEMENT_FIELDS: Field[] = [
  { kind: 'choice', key: 'polarity', def: 'negative', choices: ['negative', 'positive'] },
  { kind: 'choice', key: 'left placement', def: 'left', choices: ['left', 'right'] },
  { kind: 'choice', key: 'right placement', def: 'top', choices: ['top', 'bottom'] },
  { kind: 'choice', key: 'result placement', def: 'front', choices: ['front', 'back'] },
];
export const LAYOUT_FIELDS: Field[] = [
  { kind: 'choice', key: 'scheme', def: 'blocks', choices: SCHEMES },
  { kind: 'number', key: 'gap', def: 4, min: 1, max: 64, step: 1, int: true },
  { kind: 'number', key: 'scatter', def: 0, min: 0, max: 128, step: 1 },
  { kind: 'number', key: 'molecule', def: 1, min: 1, max: 8, step: 1, int: true },
  { kind: 'number', key: 'blast', def: 0, min: -2, max: 2, step: 0.01 },
  ...PLACEMENT_FIELDS,
];

export const DECO_FIELDS: Field[] = [
  { kind: 'number', key: 'legends', def: 6, min: 0, max: 10, step: 0.1 },
  { kind: 'bool', key: 'shape', def: true },
  { kind: 'number', key: 'row guides', def: 0.6, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'flow guides', def: 0.5, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'spotlight', def: 2, min: 0, max: 10, step: 1, int: true },
  { kind: 'number', key: 'lens size', def: 0.5, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'magnification', def: 7, min: 1, max: 25, step: 0.5 },
  { kind: 'bool', key: 'interior spotlight', def: false },
  { kind: 'bool', key: 'axes', def: false },
];

export const VIZ_FIELDS: Field[] = [
  { kind: 'choice', key: 'sensitivity', def: 'global', choices: SENSITIVITIES },
  { kind: 'number', key: 'min size', def: 0.2, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'min light', def: 0.4, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'max light', def: 0.7, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'elem scale', def: 1.25, min: 0.1, max: 2, step: 0.01 },
  { kind: 'number', key: 'zero hue', def: 0.77, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'hue gap', def: 0.74, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'hue spread', def: 0.04, min: 0, max: 1, step: 0.01 },
];

const CAM_RANGE = 1e6;
export const CAM_FIELDS: Field[] = [
  { kind: 'number', key: 'x', def: -48, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'y', def: 48, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'z', def: 48, min: -CAM_RANGE, max: CAM_RANGE },
];
export const TARGET_FIELDS: Field[] = [
  { kind: 'number', key: 'x', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'y', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
  { kind: 'number', key: 'z', def: 0, min: -CAM_RANGE, max: CAM_RANGE },
];

/** Fields of a plain-matrix argument. Defaults for name and init differ by side (see below). */
export const MATRIX_FIELDS: Field[] = [
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
];

export const MATMUL_ARG_FIELDS: Field[] = [
  { kind: 'string', key: 'name', def: 'X', maxLength: 2000 },
  { kind: 'bool', key: 'matmul', def: true },
  { kind: 'choice', key: 'epilog', def: 'none', choices: EPILOGS },
];

export const ROOT_FIELDS: Field[] = [
  { kind: 'string', key: 'expr', def: 'L @ R', maxLength: 10000 },
  { kind: 'string', key: 'name', def: 'L @ R', maxLength: 10000 },
  MATMUL_ARG_FIELDS[2]!,
];

/** Sub-objects of the root, each a menu folder. */
export const ROOT_GROUPS: Record<string, Field[]> = {
  anim: ANIM_FIELDS,
  block: BLOCK_FIELDS,
  layout: LAYOUT_FIELDS,
  deco: DECO_FIELDS,
  viz: VIZ_FIELDS,
};
/** Sub-objects of a child matmul. */
export const CHILD_GROUPS: Record<string, Field[]> = {
  anim: CHILD_ANIM_FIELDS,
  block: BLOCK_FIELDS,
  layout: PLACEMENT_FIELDS,
};

export const SIDE_DEFAULTS = {
  left: { name: 'L', init: 'row major' },
  right: { name: 'R', init: 'col major' },
} as const;

// ---- Types of the normalized tree ------------------------------------------------------------

export type Scalar = number | boolean | string;
export type Group = Record<string, Scalar> & { folder: FolderState };

export interface MatrixArg {
  name: string;
  matmul: false;
  h: number;
  w: number;
  init: string;
  min: number;
  max: number;
  dropout: number;
  seed: number;
  url: string;
  expr: string;
  folder: FolderState;
}

export interface MatmulArg {
  name: string;
  matmul: true;
  epilog: string;
  left: Arg;
  right: Arg;
  anim: Group;
  block: Group;
  layout: Group;
  folder: FolderState;
}

export type Arg = MatrixArg | MatmulArg;

export interface Params {
  expr: string;
  name: string;
  epilog: string;
  left: Arg;
  right: Arg;
  anim: Group;
  block: Group;
  layout: Group;
  deco: Group;
  viz: Group;
  cam: { x: number; y: number; z: number; target: { x: number; y: number; z: number } };
  folder: FolderState;
  diag: { folder: FolderState };
}

export function fieldDefaults(fields: Field[]): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const f of fields) out[f.key] = f.def;
  return out;
}

export function groupDefaults(fields: Field[]): Group {
  return { ...fieldDefaults(fields), folder: 'closed' } as Group;
}

export function defaultMatrix(name: string, init: string, h = 32, w = 32): MatrixArg {
  const d = fieldDefaults(MATRIX_FIELDS) as unknown as MatrixArg;
  return { ...d, name, init, h, w, matmul: false, folder: 'closed' };
}

export function defaultParams(): Params {
  const groups = Object.fromEntries(
    Object.entries(ROOT_GROUPS).map(([k, fields]) => [k, groupDefaults(fields)]),
  ) as Record<string, Group>;
  return {
    expr: 'L @ R',
    name: 'L @ R',
    epilog: 'none',
    left: defaultMatrix('L', 'row major'),
    right: defaultMatrix('R', 'col major'),
    anim: groups.anim!,
    block: groups.block!,
    layout: groups.layout!,
    deco: groups.deco!,
    viz: groups.viz!,
    cam: { x: -48, y: 48, z: 48, target: { x: 0, y: 0, z: 0 } },
    folder: 'closed',
    diag: { folder: 'closed' },
  };
}

/** Every field that may appear with a given last path segment, for casting the original's URL values. */
export function fieldsBySegment(): Map<string, Field> {
  const m = new Map<string, Field>();
  const all = [
    ...ROOT_FIELDS, ...MATRIX_FIELDS, ...MATMUL_ARG_FIELDS, ...ANIM_FIELDS, ...BLOCK_FIELDS,
    ...LAYOUT_FIELDS, ...DECO_FIELDS, ...VIZ_FIELDS, ...CAM_FIELDS,
  ];
  for (const f of all) if (!m.has(f.key)) m.set(f.key, f);
  return m;
}
