/**
 * Properties the original tool writes into its links that mm3d reads past without a word
 * (docs/links.md, "Properties mm3d does not use"). The original keeps, on every node, whatever
 * its menu once held there: a matmul carries the matrix properties it had before it became a
 * matmul (`h`, `w`, `init`, ...), a node copied from the root carries the root's folders (`deco`,
 * `viz`, `cam`, ...), and the root carries its own bookkeeping (`compress`). None of these change
 * what mm3d draws, so they are dropped silently. A property that neither tool knows is different:
 * it is listed once in the diag panel (`Normalized.ignored`), never in the notice box.
 *
 * The lists are keyed by the field table that reads the object, since that is what tells where in
 * the tree the object sits.
 */
import {
  type Field,
  ANIM_FIELDS,
  CHILD_ANIM_FIELDS,
  LAYOUT_FIELDS,
  MATMUL_ARG_FIELDS,
  MATRIX_FIELDS,
  PLACEMENT_FIELDS,
} from './schema';

/** What the original keeps on the root besides the tree (its link-writing switch, its counters). */
const ROOT_EXTRA = ['compress', 'sync_expr', 'count', 'total'];

/** Root folders a node copied from the root carries (the original copies whole subtrees). */
const ROOT_FOLDERS = ['expr', 'deco', 'viz', 'diag', 'cam', ...ROOT_EXTRA];

const MATRIX_KEYS = MATRIX_FIELDS.map((f) => f.key);
const keys = (fields: readonly Field[]): string[] => fields.map((f) => f.key);

const FOREIGN = new Map<readonly Field[], ReadonlySet<string>>([
  // A matmul below the root: its former matrix properties and copied root folders.
  [MATMUL_ARG_FIELDS, new Set([...MATRIX_KEYS, ...ROOT_FOLDERS])],
  // A matrix: what it held while it was a matmul (the original deletes these, but not always).
  [MATRIX_FIELDS, new Set(['epilog', 'anim', 'block', 'layout', 'left', 'right', ...ROOT_FOLDERS])],
  // A child's animation and placement folders copied from the root's fuller ones.
  [CHILD_ANIM_FIELDS, new Set(keys(ANIM_FIELDS))],
  [PLACEMENT_FIELDS, new Set(keys(LAYOUT_FIELDS))],
]);

/** True when the original writes `key` in an object read with `fields` (so it is dropped silently). */
export function isForeignKey(fields: readonly Field[], key: string): boolean {
  return FOREIGN.get(fields)?.has(key) ?? false;
}

/** True when the original writes `key` on the root (besides the groups mm3d reads). */
export function isForeignRootKey(key: string): boolean {
  return ROOT_EXTRA.includes(key);
}
