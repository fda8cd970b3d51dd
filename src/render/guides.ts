/**
 * Row guides (docs/parameters.md, "deco"): thin light lines over a matrix along its rows (outline
 * of every block and a line every ~h/8 rows) plus a small triangle at the (0, 0) corner. One
 * LineSegments per matrix, built in the matrix's local cell coordinates and placed with the same
 * transform as its balls.
 */
import * as THREE from 'three';
import { type FlatMaterial, flatMaterial } from './flat-material';
import type { MatrixPlacement } from '../core/layout/layout';
import { posOf } from '../core/layout/layout';
import { placementMatrix } from './matrix-view';

export function guideGeometry(p: MatrixPlacement): THREE.BufferGeometry {
  const pts: number[] = [];
  const seg = (x0: number, y0: number, x1: number, y1: number): void => {
    pts.push(x0, y0, 0, x1, y1, 0);
  };
  const rb = Math.ceil(p.rows.n / p.rows.size);
  const cb = Math.ceil(p.cols.n / p.cols.size);
  const every = Math.max(1, Math.round(p.h / 8));
  for (let bi = 0; bi < rb; bi++) {
    const r0 = bi * p.rows.size;
    const r1 = Math.min(p.rows.n, r0 + p.rows.size) - 1;
    const y0 = posOf(p.rows, r0) - 0.5;
    const y1 = posOf(p.rows, r1) + 0.5;
    for (let bj = 0; bj < cb; bj++) {
      const c0 = bj * p.cols.size;
      const c1 = Math.min(p.cols.n, c0 + p.cols.size) - 1;
      const x0 = posOf(p.cols, c0) - 0.5;
      const x1 = posOf(p.cols, c1) + 0.5;
      // Block outline: both side edges run along rows; top and bottom close it.
      seg(x0, y0, x1, y0);
      seg(x0, y1, x1, y1);
      seg(x0, y0, x0, y1);
      seg(x1, y0, x1, y1);
      for (let r = r0 + every; r <= r1; r += every) {
        const y = posOf(p.rows, r) - 0.5;
        seg(x0, y, x1, y);
      }
    }
  }
  // Corner triangle at (0, 0).
  const t = Math.max(1, Math.min(p.h, p.w) / 8);
  seg(-0.5 + t, -0.5, -0.5, -0.5 + t);
  return new THREE.BufferGeometry().setAttribute(
    'position',
    new THREE.Float32BufferAttribute(pts, 3),
  );
}

export class GuideView {
  readonly lines: THREE.LineSegments<THREE.BufferGeometry, FlatMaterial>;
  private key = '';

  constructor() {
    this.lines = new THREE.LineSegments(
      new THREE.BufferGeometry(),
      flatMaterial({ color: 0xfff0e0, opacity: 0.6, depthWrite: false }),
    );
    this.lines.matrixAutoUpdate = false;
    this.lines.frustumCulled = false;
  }

  setPlacement(p: MatrixPlacement): void {
    const key = `${p.h}x${p.w}:${p.rows.size},${p.cols.size},${p.rows.gap}`;
    if (key !== this.key) {
      this.lines.geometry.dispose();
      this.lines.geometry = guideGeometry(p);
      this.key = key;
    }
    this.lines.matrix.copy(placementMatrix(p));
    this.lines.matrixWorldNeedsUpdate = true;
  }

  setBrightness(b: number): void {
    this.lines.material.uniforms.uOpacity.value = b;
    this.lines.visible = b > 0;
  }

  dispose(): void {
    this.lines.geometry.dispose();
    this.lines.material.dispose();
  }
}
