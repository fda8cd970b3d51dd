/**
 * Names of matrices and matmuls must survive the expression text they appear in: no `(`, `)`,
 * `@`, `=`, no spaces at the ends, not empty, and not absurdly long.
 */
import { isValidName } from '../expr/parse';
import { wellFormed } from '../unicode';

export const MAX_NAME = 200;

/** A valid name made from `name` (forbidden characters dropped, cut to length), or `fallback`. */
export function safeName(name: string, fallback: string): string {
  if (name.length <= MAX_NAME && isValidName(name)) return name;
  const cleaned = wellFormed(name)
    .replace(/[()@=]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME)
    .trim();
  return cleaned !== '' && isValidName(cleaned) ? cleaned : fallback;
}
