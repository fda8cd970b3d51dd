/**
 * An accepted state, checked against the schema table field by field (independently of
 * normalize(), which produced it): every number within its range (and whole where it must be),
 * every choice one of its choices, every string within its length, folders 'open' or 'closed',
 * names usable in an expression, no unknown keys, and `expr` the text of the tree. Returns the
 * violations as text (empty when the state is valid).
 */
import {
  type Field,
  ANIM_FIELDS,
  BLOCK_FIELDS,
  CAM_FIELDS,
  CHILD_GROUPS,
  DECO_FIELDS,
  LAYOUT_FIELDS,
  MATMUL_ARG_FIELDS,
  MATRIX_FIELDS,
  TARGET_FIELDS,
  VIZ_FIELDS,
  codeName,
} from '../../src/core/params/schema';
import { isValidName, parseExpr } from '../../src/core/expr/parse';
import { printExpr } from '../../src/core/expr/print';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkField(f: Field, v: unknown, path: string, out: string[]): void {
  switch (f.kind) {
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v))
        out.push(`${path}: ${String(v)} is not a finite number`);
      else if (v < f.min || v > f.max) out.push(`${path}: ${v} outside ${f.min}..${f.max}`);
      else if (f.int && !Number.isInteger(v)) out.push(`${path}: ${v} is not whole`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') out.push(`${path}: ${String(v)} is not a boolean`);
      return;
    case 'choice':
      if (typeof v !== 'string' || !f.choices.includes(v))
        out.push(`${path}: ${typeof v === 'string' ? v : typeof v} is not a choice`);
      return;
    case 'string':
      if (typeof v !== 'string') out.push(`${path}: not a string`);
      else if (v.length > f.maxLength) out.push(`${path}: longer than ${f.maxLength}`);
      return;
  }
}

/** Fields are stored under their code names (`minSize` for 'min size'). */
function checkGroup(
  g: unknown,
  fields: readonly Field[],
  path: string,
  out: string[],
  extra: string[] = [],
): void {
  if (!isRec(g)) {
    out.push(`${path}: missing`);
    return;
  }
  const keys = new Set([...fields.map((f) => codeName(f.key)), 'folder', ...extra]);
  for (const k of Object.keys(g)) if (!keys.has(k)) out.push(`${path}.${k}: unknown key`);
  for (const f of fields)
    if (!extra.includes(f.key))
      checkField(f, g[codeName(f.key)], `${path}.${codeName(f.key)}`, out);
  if (g.folder !== 'open' && g.folder !== 'closed') out.push(`${path}.folder: ${String(g.folder)}`);
}

function checkArg(a: unknown, path: string, out: string[], depth: number): void {
  if (!isRec(a)) {
    out.push(`${path}: missing`);
    return;
  }
  if (depth > 64) {
    out.push(`${path}: deeper than 64`);
    return;
  }
  if (a.matmul === true) {
    checkGroup(a, MATMUL_ARG_FIELDS, path, out, [
      'name',
      'left',
      'right',
      'anim',
      'block',
      'layout',
    ]);
    if (
      typeof a.name !== 'string' ||
      (a.name !== '' && !isValidName(a.name) && !a.name.includes('@'))
    )
      out.push(`${path}.name: not usable`);
    checkGroup(a.anim, CHILD_GROUPS.anim!, `${path}.anim`, out);
    checkGroup(a.block, CHILD_GROUPS.block!, `${path}.block`, out);
    checkGroup(a.layout, CHILD_GROUPS.layout!, `${path}.layout`, out);
    checkArg(a.left, `${path}.left`, out, depth + 1);
    checkArg(a.right, `${path}.right`, out, depth + 1);
  } else if (a.matmul === false) {
    checkGroup(a, MATRIX_FIELDS, path, out, ['name']);
    if (typeof a.name !== 'string' || !isValidName(a.name) || a.name.length > 200)
      out.push(`${path}.name: ${JSON.stringify(a.name)} is not a usable name`);
  } else out.push(`${path}.matmul: ${String(a.matmul)}`);
}

export function schemaViolations(p: unknown): string[] {
  const out: string[] = [];
  if (!isRec(p)) return ['state: not an object'];
  const keys = [
    'expr',
    'name',
    'epilog',
    'left',
    'right',
    'anim',
    'block',
    'layout',
    'deco',
    'viz',
    'cam',
    'folder',
    'diag',
  ];
  for (const k of Object.keys(p)) if (!keys.includes(k)) out.push(`${k}: unknown key`);
  checkField(MATMUL_ARG_FIELDS[2]!, p.epilog, 'epilog', out);
  checkGroup(p.anim, ANIM_FIELDS, 'anim', out);
  checkGroup(p.block, BLOCK_FIELDS, 'block', out);
  checkGroup(p.layout, LAYOUT_FIELDS, 'layout', out);
  checkGroup(p.deco, DECO_FIELDS, 'deco', out);
  checkGroup(p.viz, VIZ_FIELDS, 'viz', out);
  const cam = p.cam;
  if (isRec(cam)) {
    for (const f of CAM_FIELDS) checkField(f, cam[f.key], `cam.${f.key}`, out);
    if (isRec(cam.target))
      for (const f of TARGET_FIELDS) checkField(f, cam.target[f.key], `cam.target.${f.key}`, out);
    else out.push('cam.target: missing');
  } else out.push('cam: missing');
  if (p.folder !== 'open' && p.folder !== 'closed') out.push('folder');
  checkArg(p.left, 'left', out, 1);
  checkArg(p.right, 'right', out, 1);
  if (typeof p.expr !== 'string') out.push('expr: not a string');
  else {
    try {
      const e = parseExpr(p.expr);
      if (printExpr(e) !== p.expr) out.push('expr: not in canonical form');
    } catch (e) {
      out.push(`expr: does not parse (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return out;
}
