/**
 * A data reference: where a matrix's values come from, as one string that fits in the `url`
 * property and so in shared links. The location is a URL, or `file:NAME` for a local file (whose
 * bytes never go into a link); options follow after `#`: `tensor=` (a safetensors tensor),
 * `index=` (fixed leading indices, comma separated), `rows=a:b`, `cols=a:b`, `t=1` (transpose).
 * Example: `https://host/gpt2.safetensors#tensor=h.0.attn.c_attn.weight&cols=256:320`.
 */
import type { SliceSpec } from './slice';

export interface DataRef {
  location: string;
  tensor?: string;
  slice: SliceSpec;
}

export const isLocalFile = (r: DataRef): boolean => r.location.startsWith('file:');

const range = (s: string | null): [number, number] | undefined => {
  if (!s) return undefined;
  const m = /^(\d+):(\d+)$/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};

export function parseDataRef(text: string): DataRef {
  const hash = text.indexOf('#');
  const location = (hash < 0 ? text : text.slice(0, hash)).trim();
  const ref: DataRef = { location, slice: {} };
  if (hash < 0) return ref;
  const sp = new URLSearchParams(text.slice(hash + 1));
  const tensor = sp.get('tensor');
  if (tensor) ref.tensor = tensor;
  const rows = range(sp.get('rows'));
  const cols = range(sp.get('cols'));
  if (rows) ref.slice.rows = rows;
  if (cols) ref.slice.cols = cols;
  const index = sp.get('index');
  if (index)
    ref.slice.index = index
      .split(',')
      .map((x) => Number(x))
      .filter((x) => Number.isInteger(x) && x >= 0);
  if (sp.get('t') === '1') ref.slice.transpose = true;
  return ref;
}

export function formatDataRef(r: DataRef): string {
  // Written by hand (not URLSearchParams) so that ranges stay readable: `cols=256:320`.
  const parts: string[] = [];
  if (r.tensor) parts.push(`tensor=${encodeURIComponent(r.tensor)}`);
  if (r.slice.index?.length) parts.push(`index=${r.slice.index.join(',')}`);
  if (r.slice.rows) parts.push(`rows=${r.slice.rows[0]}:${r.slice.rows[1]}`);
  if (r.slice.cols) parts.push(`cols=${r.slice.cols[0]}:${r.slice.cols[1]}`);
  if (r.slice.transpose) parts.push('t=1');
  return parts.length ? `${r.location}#${parts.join('&')}` : r.location;
}
