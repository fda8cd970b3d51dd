/**
 * Drawing at reduced resolution with sharp text: while the view moves on a slow renderer, the
 * matrices are drawn into a smaller offscreen picture (colour and depth), which is then stretched
 * over the full-resolution canvas, depth included, so that the legends drawn afterwards at full
 * resolution are still hidden behind the matrices in front of them. The canvas itself never
 * changes size, so nothing flashes when the resolution changes.
 */
import * as THREE from 'three';

const vertex = /* glsl */ `
out vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = vec4(position.xy, 0.0, 1.0);
}
`;

const fragment = /* glsl */ `
precision highp float;
uniform sampler2D uColor;
uniform sampler2D uDepth;
in vec2 vUv;
out vec4 fragColor;
void main() {
  fragColor = texture(uColor, vUv);
  gl_FragDepth = texture(uDepth, vUv).r;
}
`;

export class ReducedTarget {
  private target: THREE.WebGLRenderTarget | null = null;
  private readonly material = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3,
    vertexShader: vertex,
    fragmentShader: fragment,
    uniforms: { uColor: { value: null }, uDepth: { value: null } },
    // Every pixel is written, colour and depth, whatever was there before.
    depthTest: true,
    depthWrite: true,
    depthFunc: THREE.AlwaysDepth,
  });
  private readonly quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), this.material);

  constructor() {
    this.quad.frustumCulled = false;
  }

  /** The offscreen picture for a canvas of `width` x `height` CSS pixels at `ratio`. */
  targetFor(width: number, height: number, ratio: number): THREE.WebGLRenderTarget {
    const w = Math.max(1, Math.round(width * ratio));
    const h = Math.max(1, Math.round(height * ratio));
    if (!this.target) {
      this.target = new THREE.WebGLRenderTarget(w, h, {
        minFilter: THREE.LinearFilter,
        magFilter: THREE.LinearFilter,
        depthTexture: new THREE.DepthTexture(w, h),
      });
    } else if (this.target.width !== w || this.target.height !== h) this.target.setSize(w, h);
    return this.target;
  }

  /**
   * Draws `scene` (without `overlay`) into the offscreen picture, stretches it over the canvas
   * with its depth, then draws `overlay` at the canvas's own resolution. `rect` (x, y, width,
   * height in canvas pixels, origin bottom left), when known, holds everything `scene` draws: only
   * it is stretched, the rest of the canvas is cleared. (On a software renderer the stretch costs
   * a texture read per pixel stretched, as much as a matrix's own shader: stretching the empty
   * part of the window made a reduced frame dearer than a full one.)
   */
  draw(
    renderer: THREE.WebGLRenderer,
    scene: THREE.Scene,
    overlay: THREE.Object3D,
    camera: THREE.Camera,
    target: THREE.WebGLRenderTarget,
    prepare: (heightPx: number) => void,
    rect: [number, number, number, number] | null = null,
  ): void {
    const was = overlay.visible;
    overlay.visible = false;
    prepare(target.height);
    renderer.setRenderTarget(target);
    renderer.clear();
    renderer.render(scene, camera);
    renderer.setRenderTarget(null);
    overlay.visible = was;
    this.material.uniforms.uColor!.value = target.texture;
    this.material.uniforms.uDepth!.value = target.depthTexture;
    const auto = renderer.autoClear;
    renderer.autoClear = false;
    renderer.clear();
    if (rect) {
      // three's scissor is in CSS pixels (it multiplies by its pixel ratio).
      const k = renderer.getPixelRatio();
      renderer.setScissor(rect[0] / k, rect[1] / k, rect[2] / k, rect[3] / k);
      renderer.setScissorTest(true);
    }
    if (!rect || (rect[2] > 0 && rect[3] > 0)) renderer.render(this.quad, camera);
    renderer.setScissorTest(false);
    if (was) renderer.render(overlay, camera);
    renderer.autoClear = auto;
  }

  dispose(): void {
    this.target?.depthTexture?.dispose();
    this.target?.dispose();
    this.target = null;
    this.quad.geometry.dispose();
    this.material.dispose();
  }
}
