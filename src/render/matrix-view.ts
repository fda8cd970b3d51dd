/**
 * One matrix on the GPU: its values (and pooled levels) in a float texture, drawn as one box mesh
 * with the ball shader. Colour and size settings are uniforms; a new placement is a new matrix
 * transform; only new values touch the texture.
 */
import * as THREE from 'three';
import type { MatrixPlacement } from '../core/layout/layout';
import type { MatrixValues } from '../core/model/values';
import type { Range, VizParams } from '../core/color';
import { matrixFragment, matrixVertex } from './matrix-shader';

const EMPTY = (() => {
  const t = new THREE.DataTexture(new Float32Array(1), 1, 1, THREE.RedFormat, THREE.FloatType);
  t.needsUpdate = true;
  return t;
})();

/** A unit square in the plane z = 0 (scaled to the matrix's extent plus a ball radius margin). */
const unitQuad = (() => {
  const g = new THREE.PlaneGeometry(1, 1);
  g.translate(0.5, 0.5, 0);
  return g;
})();

/** Column-major basis from a placement: x → columns, y → rows, z → columns × rows (det +1). */
export function placementMatrix(p: MatrixPlacement): THREE.Matrix4 {
  const c = new THREE.Vector3(...p.colDir);
  const r = new THREE.Vector3(...p.rowDir);
  const z = new THREE.Vector3().crossVectors(c, r);
  return new THREE.Matrix4().makeBasis(c, r, z).setPosition(...p.origin);
}

export interface RevealState {
  mode: number;
  count: number;
  hiRows?: [number, number];
  hiCols?: [number, number];
  dim?: number;
  /** Draw only the highlighted ranges (interior planes). */
  clip?: boolean;
}

export class MatrixView {
  readonly mesh: THREE.Mesh<THREE.BufferGeometry, THREE.ShaderMaterial>;
  private texture: THREE.DataTexture | null = null;
  private values: MatrixValues | null = null;
  placement: MatrixPlacement;

  constructor(placement: MatrixPlacement, product = false) {
    this.placement = placement;
    const material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      defines: product ? { PRODUCT: 1 } : {},
      vertexShader: matrixVertex,
      fragmentShader: matrixFragment,
      side: THREE.DoubleSide,
      uniforms: {
        uValues: { value: null },
        uShape: { value: new THREE.Vector2(1, 1) },
        uAxes: { value: new THREE.Vector4(1, 0, 1, 0) },
        uMaxLevel: { value: 0 },
        uViz: { value: new THREE.Vector4(0.2, 0.4, 0.7, 1.25) },
        uHue: { value: new THREE.Vector3(0.77, 0.74, 0.04) },
        uRange: { value: new THREE.Vector2(0, 1) },
        uOpacity: { value: 1 },
        uReveal: { value: new THREE.Vector4(0, 0, 0, 0) },
        uHiRows: { value: new THREE.Vector4(0, 0, 0, 0) },
        uHighlight: { value: 0 },
        uDim: { value: 1 },
        uClip: { value: 0 },
        uLeft: { value: EMPTY },
        uRight: { value: EMPTY },
        uPlane: { value: 0 },
        uFixed: { value: 0 },
        uBoxMin: { value: new THREE.Vector3() },
        uBoxSize: { value: new THREE.Vector3(1, 1, 1) },
      },
    });
    this.mesh = new THREE.Mesh(unitQuad, material);
    this.mesh.frustumCulled = false;
    this.mesh.matrixAutoUpdate = false;
    // An all-zero placeholder draws nothing but lets the shader compile with the first frame.
    material.uniforms.uValues!.value = EMPTY;
    this.setPlacement(placement);
  }

  get uniforms(): Record<string, THREE.IUniform> {
    return this.mesh.material.uniforms;
  }

  setPlacement(p: MatrixPlacement): void {
    this.placement = p;
    this.mesh.matrix.copy(placementMatrix(p));
    this.mesh.matrixWorldNeedsUpdate = true;
    const u = this.uniforms;
    (u.uShape!.value as THREE.Vector2).set(p.w, p.h);
    (u.uAxes!.value as THREE.Vector4).set(p.cols.size, p.cols.gap, p.rows.size, p.rows.gap);
    this.updateBox();
  }

  private updateBox(): void {
    const p = this.placement;
    const R = 0.5 * (this.uniforms.uViz!.value as THREE.Vector4).w;
    const xe = p.cols.n - 1 + p.cols.gap * Math.floor((p.cols.n - 1) / p.cols.size);
    const ye = p.rows.n - 1 + p.rows.gap * Math.floor((p.rows.n - 1) / p.rows.size);
    (this.uniforms.uBoxMin!.value as THREE.Vector3).set(-0.5 - R, -0.5 - R, 0);
    (this.uniforms.uBoxSize!.value as THREE.Vector3).set(xe + 1 + 2 * R, ye + 1 + 2 * R, 1);
  }

  /** The texture holding this matrix's values (for interior product planes). */
  get valueTexture(): THREE.DataTexture {
    return this.texture ?? EMPTY;
  }

  /** Shows `data` (same shape) instead of the computed values, e.g. partial sums while animating. */
  setOverride(data: Float32Array | null): void {
    if (!data) {
      if (this.override) {
        this.override.dispose();
        this.override = null;
        this.uniforms.uValues!.value = this.texture ?? EMPTY;
        this.uniforms.uMaxLevel!.value = this.values?.levels.length ?? 0;
      }
      return;
    }
    if (!this.override || this.override.image.width !== this.placement.w || this.override.image.height !== this.placement.h) {
      this.override?.dispose();
      this.override = new THREE.DataTexture(data, this.placement.w, this.placement.h, THREE.RedFormat, THREE.FloatType);
    } else (this.override.image as { data: Float32Array }).data = data;
    this.override.needsUpdate = true;
    this.uniforms.uValues!.value = this.override;
    this.uniforms.uMaxLevel!.value = 0;
  }

  private override: THREE.DataTexture | null = null;

  setValues(v: MatrixValues): void {
    if (v === this.values) return;
    this.values = v;
    this.texture?.dispose();
    const tex = new THREE.DataTexture(v.data, v.w, v.h, THREE.RedFormat, THREE.FloatType);
    tex.mipmaps = [{ data: v.data, width: v.w, height: v.h }, ...v.levels.map((l) => ({ data: l.data, width: l.w, height: l.h }))] as unknown as THREE.DataTexture['mipmaps'];
    tex.minFilter = v.levels.length ? THREE.NearestMipmapNearestFilter : THREE.NearestFilter;
    tex.magFilter = THREE.NearestFilter;
    tex.generateMipmaps = false;
    tex.unpackAlignment = 1;
    tex.needsUpdate = true;
    this.texture = tex;
    if (!this.override) {
      this.uniforms.uValues!.value = tex;
      this.uniforms.uMaxLevel!.value = v.levels.length;
    }
    this.mesh.visible = true;
  }

  setLook(range: Range, viz: VizParams): void {
    (this.uniforms.uRange!.value as THREE.Vector2).set(range.absmin, range.absmax);
    (this.uniforms.uViz!.value as THREE.Vector4).set(viz.minSize, viz.minLight, viz.maxLight, viz.elemScale);
    (this.uniforms.uHue!.value as THREE.Vector3).set(viz.zeroHue, viz.hueGap, viz.hueSpread);
    this.updateBox();
  }

  setReveal(r: RevealState | null): void {
    const u = this.uniforms;
    if (!r) {
      (u.uReveal!.value as THREE.Vector4).set(0, 0, 0, 0);
      u.uHighlight!.value = 0;
      u.uDim!.value = 1;
      return;
    }
    (u.uReveal!.value as THREE.Vector4).set(r.mode, r.count, 0, 0);
    u.uClip!.value = r.clip ? 1 : 0;
    if (r.hiRows && r.hiCols) {
      // Highlighted ranges: the rest is dimmed, or (clip) not drawn at all.
      (u.uHiRows!.value as THREE.Vector4).set(r.hiRows[0], r.hiRows[1], r.hiCols[0], r.hiCols[1]);
      u.uHighlight!.value = 1;
      u.uDim!.value = r.dim ?? 0.45;
    } else {
      u.uHighlight!.value = 0;
      u.uDim!.value = 1;
    }
  }

  dispose(): void {
    this.texture?.dispose();
    this.override?.dispose();
    this.mesh.material.dispose();
  }
}
