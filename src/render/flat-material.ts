/**
 * A minimal unlit material (colour times optional vertex colour, with opacity) for guides and flow
 * arrows. three.js's built-in materials carry much more shader code, and on software renderers
 * every program's first draw pays for its size: this one compiles in a fraction of the time.
 */
import * as THREE from 'three';

const vertex = /* glsl */ `
#ifdef USE_COLOR
out vec3 vColor;
#endif
void main() {
#ifdef USE_COLOR
  vColor = color;
#endif
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

const fragment = /* glsl */ `
precision mediump float;
uniform vec3 uColor;
uniform float uOpacity;
#ifdef USE_COLOR
in vec3 vColor;
#endif
out vec4 fragColor;
void main() {
  vec3 c = uColor;
#ifdef USE_COLOR
  c *= vColor;
#endif
  fragColor = vec4(c, uOpacity);
}
`;

/**
 * A colour as the sRGB components its hex code says. (This shader writes colours as they are;
 * three.js would turn a Color into linear components for materials that convert back on output.)
 */
export function srgb(hex: number): THREE.Color {
  return new THREE.Color(hex).convertLinearToSRGB();
}

export interface FlatMaterial extends THREE.ShaderMaterial {
  uniforms: { uColor: THREE.IUniform<THREE.Color>; uOpacity: THREE.IUniform<number> };
}

export function flatMaterial(opts: {
  color?: number;
  opacity?: number;
  vertexColors?: boolean;
  side?: THREE.Side;
  depthWrite?: boolean;
}): FlatMaterial {
  return new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3,
    vertexShader: vertex,
    fragmentShader: fragment,
    vertexColors: opts.vertexColors ?? false,
    side: opts.side ?? THREE.FrontSide,
    transparent: true,
    depthWrite: opts.depthWrite ?? true,
    uniforms: {
      uColor: { value: srgb(opts.color ?? 0xffffff) },
      uOpacity: { value: opts.opacity ?? 1 },
    },
  }) as FlatMaterial;
}
