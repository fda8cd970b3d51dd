/**
 * The flow guide (docs/parameters.md, "deco"): an arrow in the cube's interior pointing at the
 * result, two triangular vanes, blue from the left argument and red from the right argument.
 */
import * as THREE from 'three';
import { type FlatMaterial, flatMaterial, srgb } from './flat-material';
import type { MatmulPlacement } from '../core/layout/layout';

const BLUE = srgb(0x7fb2ee);
const RED = srgb(0xf08a84);

export class FlowView {
  readonly mesh: THREE.Mesh<THREE.BufferGeometry, FlatMaterial>;

  constructor() {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(new Float32Array(18), 3));
    const colors: number[] = [];
    for (let v = 0; v < 3; v++) colors.push(BLUE.r, BLUE.g, BLUE.b);
    for (let v = 0; v < 3; v++) colors.push(RED.r, RED.g, RED.b);
    g.setAttribute('color', new THREE.Float32BufferAttribute(colors, 3));
    this.mesh = new THREE.Mesh(g, flatMaterial({ vertexColors: true, side: THREE.DoubleSide }));
    this.mesh.frustumCulled = false;
  }

  set(m: MatmulPlacement, strength: number): void {
    const { tail, tip, leftVane, rightVane } = m.flow;
    // Vanes scale with strength about the tip.
    const s = Math.max(0, strength) * 2;
    const lerp = (a: number[], b: number[]): number[] => a.map((x, i) => b[i]! + (x - b[i]!) * s);
    const pos = this.mesh.geometry.getAttribute('position') as THREE.BufferAttribute;
    const arr = [
      ...lerp(tail, tip),
      ...tip,
      ...lerp(leftVane, tip),
      ...lerp(tail, tip),
      ...tip,
      ...lerp(rightVane, tip),
    ];
    (pos.array as Float32Array).set(arr);
    pos.needsUpdate = true;
    this.mesh.geometry.computeBoundingSphere();
    this.mesh.material.uniforms.uOpacity.value = Math.min(1, 0.4 + strength);
    this.mesh.visible = strength > 0;
  }

  dispose(): void {
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
  }
}
