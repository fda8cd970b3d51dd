/**
 * Legends (docs/parameters.md, "deco"): each matrix's name in large text on its face and, for input
 * matrices and the root result, its dimension along the edges (`I = 32`, with ` / n` when split
 * into blocks). SDF text (./text) with a bundled font, so nothing is fetched at run time. Every
 * label turns to stay readable from the camera's side: never mirrored, never upside down.
 */
import * as THREE from 'three';
import { type Layout, posOf } from '../core/layout/layout';
import { placementMatrix } from './matrix-view';
import { TextLabel } from './text';

interface Label {
  text: TextLabel;
  pos: THREE.Vector3;
  right: THREE.Vector3;
  up: THREE.Vector3;
}

/** Labels float this far off their face toward the viewer, so the balls do not cut them. */
const LIFT = 0.9;

const COLOR = 0xe0e0ff;
const ERROR_COLOR = 0xff7060;

/** Breaks a message into lines of about `n` characters. */
function wrap(s: string, n: number): string {
  const words = s.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + w.length + 1 > n) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.slice(0, 6).join('\n');
}

export class LegendsView {
  readonly group = new THREE.Group();
  private labels: Label[] = [];
  private key = '';
  /** Resolves when every label's glyphs are laid out. */
  ready: Promise<void> = Promise.resolve();

  update(
    layout: Layout,
    size: number,
    showShape: boolean,
    errors: Map<string, string> = new Map(),
  ): void {
    const parts: string[] = [String(size), String(showShape), JSON.stringify([...errors])];
    for (const p of layout.matrices.values())
      parts.push(
        p.key,
        p.name,
        String(p.h),
        String(p.w),
        p.origin.join(','),
        p.rowDir.join(','),
        p.colDir.join(','),
        String(p.rows.size),
        String(p.cols.size),
        String(p.rows.gap),
      );
    const key = parts.join('|');
    if (key === this.key) return;
    this.key = key;
    this.clear();
    const pending: Promise<void>[] = [];
    for (const p of layout.matrices.values()) {
      const m = placementMatrix(p);
      const xe = posOf(p.cols, p.cols.n - 1);
      const ye = posOf(p.rows, p.rows.n - 1);
      const err = errors.get(p.key);
      if (err) {
        // A matrix that could not be made says why, on the matrix itself (even with legends off).
        const s = Math.max(1, Math.min(p.h, p.w) / 14);
        const at = new THREE.Vector3(xe / 2, ye * 0.75, 0).applyMatrix4(m);
        pending.push(
          this.add(
            wrap(err, 48),
            s,
            at,
            new THREE.Vector3(1, 0, 0).transformDirection(m),
            new THREE.Vector3(0, -1, 0).transformDirection(m),
            0.95 * (xe + 1),
            ERROR_COLOR,
          ),
        );
      }
      if (size <= 0) continue;
      const scale = size / 6;
      const nameSize = scale * Math.max(1.5, Math.min(p.h, p.w, Math.sqrt(p.h * p.w)) / 3.6);
      const labelSize =
        scale * Math.max(1.2, Math.min(8 + Math.sqrt(p.h * p.w) / 12, Math.sqrt(p.h * p.w) / 11));
      const local = (x: number, y: number): THREE.Vector3 =>
        new THREE.Vector3(x, y, 0).applyMatrix4(m);
      const dir = (x: number, y: number): THREE.Vector3 =>
        new THREE.Vector3(x, y, 0).transformDirection(m);
      pending.push(
        this.add(p.name, nameSize, local(xe / 2, ye / 2), dir(1, 0), dir(0, -1), 0.9 * (xe + 1)),
      );
      if (!showShape) continue;
      const off = labelSize * 1.2;
      const dimText = (label: string, n: number, size: number): string => {
        const blocks = Math.ceil(n / size);
        return `${label} = ${n}${blocks > 1 ? ` / ${blocks}` : ''}`;
      };
      const { rowsLabel, colsLabel, rowsEdge, colsEdge } = p.labels;
      if (rowsLabel) {
        const onLastCol = rowsEdge === 'last';
        const x = onLastCol ? xe + 0.5 + off : -0.5 - off;
        pending.push(
          this.add(
            dimText(rowsLabel, p.h, p.rows.size),
            labelSize,
            local(x, ye / 2),
            dir(0, 1),
            dir(onLastCol ? 1 : -1, 0),
          ),
        );
      }
      if (colsLabel) {
        const onFirstRow = colsEdge === 'first';
        const y = onFirstRow ? -0.5 - off : ye + 0.5 + off;
        pending.push(
          this.add(
            dimText(colsLabel, p.w, p.cols.size),
            labelSize,
            local(xe / 2, y),
            dir(1, 0),
            dir(0, onFirstRow ? -1 : 1),
          ),
        );
      }
    }
    this.ready = Promise.all(pending).then(() => undefined);
  }

  private add(
    s: string,
    fontSize: number,
    pos: THREE.Vector3,
    right: THREE.Vector3,
    up: THREE.Vector3,
    maxWidth = Infinity,
    color = COLOR,
  ): Promise<void> {
    const text = new TextLabel(s, fontSize, color, maxWidth);
    text.position.copy(pos);
    this.group.add(text);
    this.labels.push({ text, pos, right: right.normalize(), up: up.normalize() });
    return text.ready;
  }

  /** Turns every label to read correctly from the camera. */
  orient(camera: THREE.Camera): void {
    const camPos = camera.position;
    const a = new THREE.Vector3();
    const b = new THREE.Vector3();
    for (const l of this.labels) {
      let right = l.right.clone();
      let up = l.up.clone();
      let facing = new THREE.Vector3().crossVectors(right, up);
      if (facing.dot(a.copy(camPos).sub(l.pos)) < 0) {
        right.negate();
        facing.negate();
      }
      a.copy(l.pos).project(camera);
      b.copy(l.pos).add(up).project(camera);
      const upScreen = b.y - a.y;
      const rightScreen = (() => {
        const c = l.pos.clone().add(right).project(camera);
        return c.x - a.x;
      })();
      // Upside down (or, for near-vertical text, reading top to bottom the wrong way): turn 180°.
      if (upScreen < 0 && Math.abs(upScreen) >= Math.abs(rightScreen) * 0.2) {
        right = right.negate();
        up = up.negate();
      }
      facing = new THREE.Vector3().crossVectors(right, up);
      const basis = new THREE.Matrix4().makeBasis(right, up, facing);
      l.text.quaternion.setFromRotationMatrix(basis);
      l.text.position.copy(l.pos).addScaledVector(facing, LIFT);
    }
  }

  private clear(): void {
    for (const l of this.labels) {
      this.group.remove(l.text);
      l.text.dispose();
    }
    this.labels = [];
  }

  dispose(): void {
    this.clear();
  }
}
