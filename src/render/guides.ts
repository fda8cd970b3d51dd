/**
 * Row guides (docs/parameters.md, "deco"): thin light lines over a matrix along its rows, drawn
 * per block as the original tool draws them: through the cell centres, the block's first and last
 * columns joined by a line across every eighth of its rows (every row in blocks of up to nine
 * rows), and a small triangle at each block's (0, 0) corner. One LineSegments per matrix, built
 * in the matrix's local cell coordinates and placed with the same transform as its balls.
 */
import * as THREE from 'three';
import { type FlatMaterial, flatMaterial } from './flat-material';
import type { MatrixPlacement } from '../core/layout/layout';
import { posOf } from '../core/layout/layout';
import { placementMatrix } from './matrix-view';

export function guideGeometry(p: MatrixPlacement): THREE.BufferGeometry {
  const pts: number[] = [];
  const rb = Math.ceil(p.rows.n / p.rows.size);
  const cb = Math.ceil(p.cols.n / p.cols.size);
  for (let bi = 0; bi < rb; bi++) {
    const r0 = bi * p.rows.size;
    const n = Math.min(p.rows.n, r0 + p.rows.size) - r0;
    const y0 = posOf(p.rows, r0);
    for (let bj = 0; bj < cb; bj++) {
      const c0 = bj * p.cols.size;
      const m = Math.min(p.cols.n, c0 + p.cols.size) - c0;
      const x0 = posOf(p.cols, c0);
      // In block-local cell units: (row, column) from (0, 0) to (n - 1, m - 1).
      const seg = (r: number, c: number, r1: number, c1: number): void => {
        pts.push(x0 + c, y0 + r, 0, x0 + c1, y0 + r1, 0);
      };
      seg(0, 0, n - 1, 0);
      seg(0, m - 1, n - 1, m - 1);
      const stride = Math.max(1, (n - 1) / 8);
      // The last line lands on the last row up to rounding: allow for it.
      for (let r = 0; r < n - 1e-6; r += stride) seg(r, 0, r, m - 1);
      seg(0, m / 8, n / 8, 0);
    }
  }
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
