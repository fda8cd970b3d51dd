/**
 * Bounds on raw state data before any decoder or normalize() walks it. Links (`?z=`, `?params=`,
 * `?config=`) and `{setParams}` messages hand us arbitrary data; walking it recursively can
 * overflow the stack (deep nesting), take exponential time (one sub-object shared many times,
 * which structured clone preserves) or never end (a cycle). `checkBounds` looks at every node once,
 * with an explicit stack (so it cannot overflow itself), and refuses the whole value at the first
 * bound it passes, naming that bound. Only plain data is accepted: null, booleans, numbers,
 * strings, arrays and plain objects.
 */

export interface Bounds {
  /** Deepest nesting of objects and arrays. */
  depth: number;
  /** Objects, arrays, keys and values, counted together. */
  nodes: number;
  /** Longest string (keys included). */
  string: number;
  /** Matmuls (objects with `matmul: true`) in the whole value. */
  matmuls: number;
}

/**
 * The state's own limits: nothing valid comes near them. An expression has at most 64 operands
 * (MAX_EXPR_OPERANDS), so 63 matmuls: the root and 62 below it, each object nested at most 64 deep.
 */
export const STATE_BOUNDS: Bounds = { depth: 64, nodes: 20_000, string: 10_000, matmuls: 62 };

/** What is wrong with `value` (a notice naming the bound), or null when it is within `b`. */
export function checkBounds(value: unknown, b: Bounds = STATE_BOUNDS): string | null {
  const seen = new Set<object>();
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  let nodes = 0;
  let matmuls = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    const where = path === '' ? 'the state' : path;
    if (++nodes > b.nodes) return `more than ${b.nodes} values in all`;
    switch (typeof v) {
      case 'string':
        if (v.length > b.string) return `${where}: text longer than ${b.string} characters`;
        continue;
      case 'number':
      case 'boolean':
      case 'undefined':
        continue;
      case 'object':
        break;
      default:
        return `${where}: a ${typeof v} is not plain data`;
    }
    if (v === null) continue;
    if (seen.has(v))
      return `${where}: the same object appears twice (shared or cyclic structures are not accepted)`;
    seen.add(v);
    if (depth >= b.depth) return `${where}: nested deeper than ${b.depth} levels`;
    if (Array.isArray(v)) {
      if (v.length > b.nodes) return `more than ${b.nodes} values in all`;
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ v: v[i] as unknown, depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      return `${where}: only plain objects are accepted`;
    const rec = v as Record<string, unknown>;
    if (rec.matmul === true || rec.matmul === 'true') {
      if (++matmuls > b.matmuls) return `more than ${b.matmuls} matmuls`;
    }
    const keys = Object.keys(rec);
    if (keys.length > b.nodes) return `more than ${b.nodes} values in all`;
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      if (k.length > b.string)
        return `${where}: a property name longer than ${b.string} characters`;
      nodes++;
      stack.push({
        v: rec[k],
        depth: depth + 1,
        path: path === '' ? k : `${path}.${k.slice(0, 40)}`,
      });
    }
  }
  return null;
}

/**
 * True when JSON text nests deeper than `depth` (brackets outside strings, counted in one pass),
 * so that deep text is refused before JSON.parse builds every level of it.
 */
export function jsonNestsDeeper(text: string, depth: number): boolean {
  let level = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++level > depth) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) level--;
  }
  return false;
}
