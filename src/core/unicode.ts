/**
 * Well-formed text. A lone UTF-16 surrogate cannot be written in UTF-8, so a link (or any UTF-8
 * channel) turns it into U+FFFD; a state that holds one would not survive its own link. The state
 * therefore never holds one: text entering it is made well-formed here, the same replacement the
 * link would make. (String.prototype.toWellFormed does this too, but is newer than our ES2022 lib.)
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` with every lone surrogate replaced by U+FFFD (same length, so positions stay valid). */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}
