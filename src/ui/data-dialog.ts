/**
 * Local files onto matrices (docs/data.md, "Where data comes from"): the file picker and
 * drag-and-drop (onto a matrix, or onto the page), and a small dialog to choose the tensor, a 2-D
 * slice (fixed leading indices, row and column ranges) and whether to transpose. Only the chosen
 * tensor's bytes are read. The result becomes a data reference on the matrix
 * (`file:NAME#tensor=…`), so the link records where the values came from but never the bytes.
 */
import * as THREE from 'three';
import type { App } from './app';
import { applyEdit } from '../core/params/edit';
import { leaves, pathKey, type Path } from '../core/params/tree';
import { pickCell } from '../core/layout/pick';
import { formatDataRef, type DataRef } from '../data/ref';
import { loadFile, openSafetensorsFile } from '../data/loader';
import { describe } from './data';
import { MAX_DIM } from '../core/params/schema';

interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  attrs: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

const parseRange = (s: string, n: number): [number, number] | undefined => {
  const t = s.trim();
  if (t === '') return undefined;
  const m = /^(\d+)\s*:\s*(\d+)$/.exec(t);
  if (!m) throw new Error(`"${s}" is not a range like 0:64`);
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!(a < b && b <= n)) throw new Error(`range ${a}:${b} must lie within 0:${n}`);
  return [a, b];
};

export class DataDialog {
  private input: HTMLInputElement;
  private target: Path | null = null;

  constructor(
    private readonly app: App,
    private readonly notify: (msgs: string[]) => void,
  ) {
    this.input = el('input', undefined, {
      type: 'file',
      accept: '.csv,.tsv,.txt,.npy,.safetensors',
      hidden: '',
    });
    document.body.appendChild(this.input);
    this.input.addEventListener('change', () => {
      const f = this.input.files?.[0];
      this.input.value = '';
      if (f) void this.open(f, this.target);
    });
    const canvas = app.scene.renderer.domElement;
    window.addEventListener('dragover', (e) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    });
    window.addEventListener('drop', (e) => {
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault();
      void this.open(f, this.leafAt(e.clientX, e.clientY, canvas));
    });
  }

  /** Opens the file picker for a matrix (menu button). */
  pick(target: Path | null): void {
    this.target = target;
    this.input.click();
  }

  private leafAt(x: number, y: number, canvas: HTMLCanvasElement): Path | null {
    const r = canvas.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((x - r.left) / r.width) * 2 - 1,
      -((y - r.top) / r.height) * 2 + 1,
    );
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, this.app.scene.camera);
    const o = ray.ray.origin;
    const d = ray.ray.direction;
    const hit = pickCell(this.app.layout, [o.x, o.y, o.z], [d.x, d.y, d.z]);
    const p = hit ? this.app.layout.matrices.get(hit.key) : undefined;
    return p && p.leaf ? p.path : null;
  }

  /** Reads the file's tensor list, asks for the slice, then puts the data on the matrix. */
  async open(file: File, target: Path | null): Promise<void> {
    let tensors: TensorInfo[];
    try {
      if (/\.safetensors$/i.test(file.name)) {
        const h = await openSafetensorsFile(file);
        tensors = h.header.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
      } else {
        const t = await loadFile(file);
        tensors = [{ name: '', dtype: t.dtype, shape: t.shape }];
      }
    } catch (e) {
      this.notify([`${file.name}: ${describe(e)}`]);
      return;
    }
    if (tensors.length === 0) {
      this.notify([`${file.name}: the file holds no tensors`]);
      return;
    }
    this.app.data.attachFile(file);
    this.show(file, tensors, target);
  }

  private show(file: File, tensors: TensorInfo[], target: Path | null): void {
    document.getElementById('data-dialog')?.remove();
    const box = el('div', undefined, {
      id: 'data-dialog',
      role: 'dialog',
      'aria-label': `load ${file.name}`,
    });
    box.appendChild(el('h3', `Load ${file.name}`));
    const form = el('form');
    box.appendChild(form);
    const row = (label: string, control: HTMLElement): void => {
      const l = el('label', label);
      l.appendChild(control);
      form.appendChild(l);
    };
    const tensorSel = el('select', undefined, { name: 'tensor' });
    for (const t of tensors) {
      const o = el('option', `${t.name || file.name}  ${t.dtype} [${t.shape.join(', ')}]`);
      o.value = t.name;
      tensorSel.appendChild(o);
    }
    if (tensors.length > 1 || tensors[0]!.name) row('tensor ', tensorSel);
    const targetSel = el('select', undefined, { name: 'target' });
    for (const { path, node } of leaves(this.app.params)) {
      const o = el('option', `${node.name} (${node.h}x${node.w})`);
      o.value = pathKey(path);
      if (target && pathKey(target) === pathKey(path)) o.selected = true;
      targetSel.appendChild(o);
    }
    row('matrix ', targetSel);
    const index = el('input', undefined, { name: 'index', placeholder: 'e.g. 0,4', size: '8' });
    row('leading indices ', index);
    const rows = el('input', undefined, { name: 'rows', placeholder: 'all', size: '10' });
    row('rows a:b ', rows);
    const cols = el('input', undefined, { name: 'cols', placeholder: 'all', size: '10' });
    row('columns a:b ', cols);
    const transpose = el('input', undefined, { name: 'transpose', type: 'checkbox' });
    row('transpose ', transpose);
    const info = el('p', '');
    form.appendChild(info);
    const error = el('p', '', { class: 'error', role: 'alert' });
    form.appendChild(error);
    const ok = el('button', 'load', { type: 'submit' });
    const cancel = el('button', 'cancel', { type: 'button' });
    form.append(ok, cancel);
    const describeTensor = (): void => {
      const t = tensors.find((x) => x.name === tensorSel.value) ?? tensors[0]!;
      info.textContent =
        t.shape.length > 2
          ? `rank ${t.shape.length}: give ${t.shape.length - 2} leading indices`
          : '';
    };
    tensorSel.addEventListener('change', describeTensor);
    describeTensor();
    cancel.addEventListener('click', () => box.remove());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      try {
        const t = tensors.find((x) => x.name === tensorSel.value) ?? tensors[0]!;
        const shape2 = t.shape.length >= 2 ? t.shape.slice(-2) : [1, t.shape[0] ?? 1];
        const ref: DataRef = { location: `file:${file.name}`, slice: {} };
        if (t.name) ref.tensor = t.name;
        const idx = index.value.trim() ? index.value.split(',').map((x) => Number(x.trim())) : [];
        if (idx.some((x) => !Number.isInteger(x) || x < 0))
          throw new Error('leading indices must be whole numbers, comma separated');
        if (t.shape.length > 2 && idx.length !== t.shape.length - 2)
          throw new Error(`this tensor needs ${t.shape.length - 2} leading indices`);
        if (idx.length) ref.slice.index = idx;
        const rr = parseRange(rows.value, shape2[0]!);
        const cc = parseRange(cols.value, shape2[1]!);
        if (rr) ref.slice.rows = rr;
        if (cc) ref.slice.cols = cc;
        if (transpose.checked) ref.slice.transpose = true;
        let h = rr ? rr[1] - rr[0] : shape2[0]!;
        let w = cc ? cc[1] - cc[0] : shape2[1]!;
        if (transpose.checked) [h, w] = [w, h];
        this.apply(targetSel.value.split('.'), ref, h, w);
        box.remove();
      } catch (err) {
        error.textContent = describe(err);
      }
    });
    document.body.appendChild(box);
    tensorSel.focus();
  }

  /** Puts a data reference on a matrix and sizes the matrix to the data (shared sizes follow). */
  private apply(path: Path, ref: DataRef, h: number, w: number): void {
    const notes: string[] = [];
    if (h > MAX_DIM || w > MAX_DIM)
      notes.push(
        `the slice is ${h}x${w}; matrices stop at ${MAX_DIM}, so only its first part is shown`,
      );
    let n = applyEdit(this.app.params, [...path, 'init'], 'url');
    n = applyEdit(n.params, [...path, 'url'], formatDataRef(ref));
    n = applyEdit(n.params, [...path, 'h'], Math.min(h, MAX_DIM));
    n = applyEdit(n.params, [...path, 'w'], Math.min(w, MAX_DIM));
    this.app.setState(n.params, { history: 'push', notices: [...notes, ...n.notices] });
  }
}
