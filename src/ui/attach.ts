/**
 * Tensors that arrive in memory rather than as files or URLs: the embedding message
 * `{setData: {path, npy}}` (a notebook hands over a NumPy array) and any page that computes a tensor
 * itself. This module owns three small steps: finding the matrices a `path` names (a leaf's path
 * such as `left` or `left.right`, else every matrix with that name), reading the `npy` payload
 * (bytes or base64) with the same .npy reader, size limit and dtype checks as a dropped file, and
 * `attachTensorToLeaves`, the one shared entry that keeps a tensor in the DataManager and points the
 * matrices at it (`init: url`, `url: file:NAME`, sized to the tensor). Nothing in a message is run
 * as code; a bad message gets an `{error}` reply and the state is left as it was.
 */
import type { App } from './app';
import { applyEdit } from '../core/params/edit';
import { MAX_DIM, type Params } from '../core/params/schema';
import { getAt, leaves, pathKey, type Path } from '../core/params/tree';
import { computeLayout } from '../core/layout/layout';
import { fitCamera } from './camera';
import { bytesFromBase64 } from '../core/base64';
import { loadFile, MAX_BYTES, tooLarge } from '../data/loader';
import { DataError, type Tensor } from '../data/types';

/** The longest `path` or name accepted in a message (names in the tree are short). */
const MAX_PATH = 200;

/**
 * The leaves a message's `path` names: a dotted leaf path (`left`, `left.right`, or an array of
 * steps) first, else every matrix whose name is `path` (one name is one matrix in an expression).
 */
export function findLeaves(p: Params, path: unknown): Path[] {
  const all = leaves(p);
  if (Array.isArray(path) && path.every((s) => typeof s === 'string')) path = path.join('.');
  if (typeof path !== 'string' || path === '' || path.length > MAX_PATH) {
    throw new DataError(
      'format',
      'setData: path must be a matrix name or a leaf path like "left.right"',
    );
  }
  const byPath = all.filter((l) => pathKey(l.path) === path);
  if (byPath.length) return byPath.map((l) => l.path);
  const byName = all.filter((l) => l.node.name === path);
  if (byName.length) return byName.map((l) => l.path);
  const names = all
    .map((l) => `${l.node.name} (${pathKey(l.path)})`)
    .slice(0, 12)
    .join(', ');
  throw new DataError(
    'format',
    `setData: no matrix "${path}" in the expression; its matrices are ${names}`,
  );
}

/**
 * The bytes of a message's `npy` field: an ArrayBuffer, a typed array (or DataView), or base64
 * text (a `data:` URL too). Larger than `maxBytes` is refused before anything is decoded.
 */
export function npyBytes(v: unknown, maxBytes = MAX_BYTES): Uint8Array<ArrayBuffer> {
  if (v instanceof ArrayBuffer) {
    if (v.byteLength > maxBytes) throw tooLarge(v.byteLength, maxBytes, 'the .npy data');
    return new Uint8Array(v);
  }
  if (ArrayBuffer.isView(v)) {
    if (v.byteLength > maxBytes) throw tooLarge(v.byteLength, maxBytes, 'the .npy data');
    // A copy: the view may be of a SharedArrayBuffer or a window of a larger buffer.
    return new Uint8Array(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  if (typeof v === 'string') {
    const b64 = v.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
    // 4 base64 characters hold 3 bytes: refuse by length before decoding anything.
    const approx = Math.floor((b64.length * 3) / 4);
    if (approx > maxBytes) throw tooLarge(approx, maxBytes, 'the .npy data');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) {
      throw new DataError('format', 'setData: npy is text but not base64');
    }
    return bytesFromBase64(b64);
  }
  throw new DataError(
    'format',
    'setData: npy must be the bytes of a .npy file (ArrayBuffer, Uint8Array or base64 text)',
  );
}

/** The matrix shape a tensor is shown as: its last two dimensions, a vector as one row. */
export function matrixShape(t: Pick<Tensor, 'shape'>): [number, number] {
  const s = t.shape;
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [1, s[0]!];
  return [s[s.length - 2]!, s[s.length - 1]!];
}

/** A name for the `file:NAME` reference: letters, digits, `_.-` only (it goes into links). */
export function dataName(path: string): string {
  return `${path.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64)}.npy`;
}

/**
 * The shared entry: keeps `tensor` in memory as `name` and makes the leaves at `paths` show it
 * (sized to its last two dimensions, clamped to MAX_DIM; leading dimensions at index 0). One new
 * state, one history entry. Returns the notices of the change.
 */
export function attachTensorToLeaves(
  app: App,
  paths: readonly Path[],
  name: string,
  tensor: Tensor,
): string[] {
  app.data.attachTensor(name, tensor);
  const [h, w] = matrixShape(tensor);
  const notices: string[] = [];
  if (h > MAX_DIM || w > MAX_DIM)
    notices.push(
      `${name} is ${h}x${w}; matrices stop at ${MAX_DIM}, so only its first part is shown`,
    );
  if (tensor.shape.length > 2)
    notices.push(
      `${name} has shape [${tensor.shape.join(', ')}]: showing its first ${h}x${w} plane`,
    );
  let p = app.params;
  for (const path of paths) {
    for (const [key, value] of [
      ['init', 'url'],
      ['url', `file:${name}`],
      ['h', Math.min(h, MAX_DIM)],
      ['w', Math.min(w, MAX_DIM)],
    ] as const) {
      const n = applyEdit(p, [...path, key], value);
      p = n.params;
      notices.push(...n.notices);
    }
  }
  // New sizes: frame the new extent from the same direction (a 32x32 view of a 2x3 matrix is a dot).
  const sizes = (q: Params): string =>
    JSON.stringify(paths.map((path) => [getAt(q, [...path, 'h']), getAt(q, [...path, 'w'])]));
  if (sizes(p) !== sizes(app.params)) {
    try {
      p = { ...p, cam: fitCamera(computeLayout(p), app.scene.cameraState(), true) };
    } catch {
      // setState reports a layout that fails; the camera stays
    }
  }
  app.setState(p, { history: 'push', notices });
  return notices;
}

/** What `{setData}` answers on success. */
export interface DataSetReply {
  data_set: { path: string; paths: string[]; name: string; shape: number[]; dtype: string };
}

/** Handles `{setData: {path, npy}}`: resolves, reads and attaches; throws a DataError to report. */
export async function handleSetData(app: App, msg: unknown): Promise<DataSetReply> {
  if (typeof msg !== 'object' || msg === null)
    throw new DataError('format', 'setData: expected {path, npy}');
  const { path, npy } = msg as { path?: unknown; npy?: unknown };
  // Resolve first (cheap, and a wrong name should not wait for a large decode).
  findLeaves(app.params, path);
  const bytes = npyBytes(npy);
  const label = Array.isArray(path) ? path.join('.') : String(path);
  const name = dataName(label);
  // The same reader as a dropped .npy file: header checks, dtype table, worker for large data.
  const tensor = await loadFile(new File([bytes], name));
  // The expression may have changed while decoding: resolve again on the current state.
  const paths = findLeaves(app.params, path);
  attachTensorToLeaves(app, paths, name, tensor);
  return {
    data_set: {
      path: label,
      paths: paths.map(pathKey),
      name,
      shape: tensor.shape,
      dtype: tensor.dtype,
    },
  };
}
