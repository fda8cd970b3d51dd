/**
 * Looking at values (docs/interaction.md, "Reading values"): a hover readout of the element under
 * the pointer at all times, and the magnifier — long press without moving (mouse or touch) or hold
 * ctrl — which follows the pointer and labels every element within `spotlight` cells of it with its
 * value (5 decimals). Picking is arithmetic on the layout (one plane per matrix), so it does not
 * grow with sizes.
 */
import * as THREE from 'three';
import type { App } from './app';
import { pickCell, pickMatrix, type Pick } from '../core/layout/pick';
import { cellPoint, type Vec3 } from '../core/layout/layout';

const LONG_PRESS_MS = 500;
const MOVE_TOLERANCE = 6;
const MAX_LABELS = 450;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v.toFixed(5);
}

export class Inspector {
  private readout: HTMLElement;
  private lensBox: HTMLElement;
  private labels: HTMLElement[] = [];
  private pointer: { x: number; y: number } | null = null;
  private pressTimer: number | undefined;
  private pressStart: { x: number; y: number } | null = null;
  private lensBy: 'press' | 'ctrl' | null = null;
  private pick: Pick | null = null;
  private ray: { o: Vec3; d: Vec3 } | null = null;
  /** Extra text for the hover readout of a cell (the head explorer names tokens); '' for none. */
  annotate: ((name: string, row: number, col: number) => string) | null = null;

  constructor(
    private readonly app: App,
    private readonly host: HTMLElement,
  ) {
    this.readout = document.createElement('div');
    this.readout.id = 'readout';
    this.readout.hidden = true;
    this.lensBox = document.createElement('div');
    this.lensBox.id = 'lens';
    this.lensBox.hidden = true;
    document.body.append(this.readout, this.lensBox);
    const canvas = app.scene.renderer.domElement;
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    window.addEventListener('pointerup', () => this.up());
    window.addEventListener('pointercancel', () => this.up());
    canvas.addEventListener('pointerleave', () => {
      if (!this.lensBy) this.readout.hidden = true;
    });
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Control' && !this.lensBy && this.pointer) this.startLens('ctrl');
    });
    window.addEventListener('keyup', (e) => {
      if (e.key === 'Control' && this.lensBy === 'ctrl') this.stopLens();
    });
    window.addEventListener('blur', () => this.stopLens());
    app.scene.onLens = (cam, rect) => this.placeLabels(cam, rect);
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.app.scene.renderer.domElement.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private down(e: PointerEvent): void {
    this.pointer = this.local(e);
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    this.pressStart = this.pointer;
    window.clearTimeout(this.pressTimer);
    this.pressTimer = window.setTimeout(() => {
      if (this.pressStart) this.startLens('press');
    }, LONG_PRESS_MS);
  }

  private up(): void {
    window.clearTimeout(this.pressTimer);
    this.pressStart = null;
    if (this.lensBy === 'press') this.stopLens();
  }

  private move(e: PointerEvent): void {
    this.pointer = this.local(e);
    if (
      this.pressStart &&
      Math.hypot(this.pointer.x - this.pressStart.x, this.pointer.y - this.pressStart.y) >
        MOVE_TOLERANCE &&
      !this.lensBy
    ) {
      window.clearTimeout(this.pressTimer);
      this.pressStart = null;
    }
    if (e.ctrlKey && !this.lensBy && e.buttons === 0) this.startLens('ctrl');
    this.update();
  }

  /** Picks the cell under the pointer and refreshes the readout (and the lens). */
  update(): void {
    const pt = this.pointer;
    if (!pt) return;
    const scene = this.app.scene;
    const el = scene.renderer.domElement;
    const ndc = new THREE.Vector2(
      (pt.x / el.clientWidth) * 2 - 1,
      -(pt.y / el.clientHeight) * 2 + 1,
    );
    const ray = new THREE.Raycaster();
    ray.setFromCamera(ndc, scene.camera);
    const o = ray.ray.origin;
    const d = ray.ray.direction;
    this.ray = { o: [o.x, o.y, o.z], d: [d.x, d.y, d.z] };
    this.pick = pickCell(
      this.app.layout,
      [o.x, o.y, o.z],
      [d.x, d.y, d.z],
      (k) => scene.matrixView(k)?.mesh.visible ?? false,
    );
    const hit = this.pick;
    const values = hit ? this.app.values?.get(hit.key) : undefined;
    if (hit && values && hit.row < values.h && hit.col < values.w) {
      const p = this.app.layout.matrices.get(hit.key)!;
      const v = values.data[hit.row * values.w + hit.col]!;
      const note = this.annotate?.(p.name, hit.row, hit.col) ?? '';
      this.readout.textContent = `${p.name} [${hit.row}, ${hit.col}] = ${formatValue(v)}${note ? `  ${note}` : ''}`;
      this.readout.style.left = `${pt.x + 14}px`;
      this.readout.style.top = `${pt.y + 14}px`;
      this.readout.hidden = false;
    } else this.readout.hidden = true;
    if (this.lensBy) {
      const deco = this.app.params.deco;
      const side = deco.lensSize * el.clientHeight;
      scene.lens = { x: pt.x, y: pt.y, side, mag: deco.magnification };
      this.lensBox.style.left = `${pt.x - side / 2}px`;
      this.lensBox.style.top = `${pt.y - side / 2}px`;
      this.lensBox.style.width = `${side}px`;
      this.lensBox.style.height = `${side}px`;
      this.lensBox.hidden = false;
      scene.invalidate();
    }
  }

  private startLens(by: 'press' | 'ctrl'): void {
    this.lensBy = by;
    this.app.scene.controls.enabled = false;
    this.update();
  }

  private stopLens(): void {
    if (!this.lensBy) return;
    this.lensBy = null;
    this.app.scene.lens = null;
    this.app.scene.controls.enabled = true;
    this.lensBox.hidden = true;
    for (const l of this.labels) l.hidden = true;
    this.app.scene.invalidate();
  }

  /** Value labels for the cells within `spotlight` of the picked one, placed through the lens camera. */
  private placeLabels(
    cam: THREE.PerspectiveCamera,
    rect: { left: number; top: number; side: number },
  ): void {
    let used = 0;
    const hit = this.pick;
    const radius = this.app.params.deco.spotlight;
    const p = hit ? this.app.layout.matrices.get(hit.key) : undefined;
    const values = hit ? this.app.values?.get(hit.key) : undefined;
    if (hit && p && values && radius > 0) {
      const v = new THREE.Vector3();
      for (let r = Math.max(0, hit.row - radius); r <= Math.min(p.h - 1, hit.row + radius); r++) {
        for (let c = Math.max(0, hit.col - radius); c <= Math.min(p.w - 1, hit.col + radius); c++) {
          if (used >= MAX_LABELS) break;
          if ((r - hit.row) ** 2 + (c - hit.col) ** 2 > radius * radius) continue;
          const w: Vec3 = cellPoint(p, r, c);
          v.set(w[0], w[1], w[2]).project(cam);
          if (v.z > 1 || Math.abs(v.x) > 1 || Math.abs(v.y) > 1) continue;
          const el = this.label(used++);
          el.textContent = formatValue(values.data[r * values.w + c]!);
          el.dataset.cell = `${p.name}[${r},${c}]`;
          el.style.left = `${rect.left + ((v.x + 1) / 2) * rect.side}px`;
          el.style.top = `${rect.top + ((1 - v.y) / 2) * rect.side}px`;
          el.hidden = false;
        }
      }
    }
    if (this.app.params.deco.interiorSpotlight && this.ray && radius > 0)
      used = this.interiorLabels(cam, rect, used, radius);
    for (let n = used; n < this.labels.length; n++) this.labels[n]!.hidden = true;
  }

  /** Labels for the products on the interior planes near the pointer ray (`interior spotlight`). */
  private interiorLabels(
    cam: THREE.PerspectiveCamera,
    rect: { left: number; top: number; side: number },
    used: number,
    radius: number,
  ): number {
    const v = new THREE.Vector3();
    for (const { plane, placement } of this.app.scene.interior) {
      const hit = pickMatrix(placement, this.ray!.o, this.ray!.d);
      if (!hit) continue;
      const m = this.app.layout.matmuls.find((x) => x.key === plane.matmul);
      const L = m ? this.app.values?.get(m.left) : undefined;
      const R = m ? this.app.values?.get(m.right) : undefined;
      if (!m || !L || !R) continue;
      for (
        let r = Math.max(0, hit.row - radius);
        r <= Math.min(placement.h - 1, hit.row + radius);
        r++
      ) {
        const lr = r % placement.rows.size;
        if (lr < plane.rows[0] || lr >= plane.rows[1]) continue;
        for (
          let c = Math.max(0, hit.col - radius);
          c <= Math.min(placement.w - 1, hit.col + radius);
          c++
        ) {
          const lc = c % placement.cols.size;
          if (lc < plane.cols[0] || lc >= plane.cols[1] || used >= MAX_LABELS) continue;
          const i = plane.plane === 1 ? plane.fixed : r;
          const j = plane.plane === 2 ? plane.fixed : c;
          const k = plane.plane === 0 ? plane.fixed : plane.plane === 1 ? r : c;
          const w: Vec3 = cellPoint(placement, r, c);
          v.set(w[0], w[1], w[2]).project(cam);
          if (v.z > 1 || Math.abs(v.x) > 1 || Math.abs(v.y) > 1) continue;
          const el = this.label(used++);
          el.textContent = formatValue(L.data[i * m.K + k]! * R.data[k * m.J + j]!);
          el.dataset.cell = `${m.name}(${i},${j},${k})`;
          el.style.left = `${rect.left + ((v.x + 1) / 2) * rect.side}px`;
          el.style.top = `${rect.top + ((1 - v.y) / 2) * rect.side}px`;
          el.hidden = false;
        }
      }
    }
    return used;
  }

  private label(n: number): HTMLElement {
    let el = this.labels[n];
    if (!el) {
      el = document.createElement('div');
      el.className = 'lens-label';
      this.host.appendChild(el);
      this.labels[n] = el;
    }
    return el;
  }
}
