/**
 * The look bake program: one texel of a matrix's look texture (colour in rgb, ball size in a) per
 * cell of one level of its value texture, drawn as one full-target quad per level. The matrix and
 * ball programs then read colours instead of computing them.
 */
import * as THREE from 'three';
import { glslConstants } from './constants';
import { type LookUniforms, lookFunctions } from './look';

export type BakeUniforms = LookUniforms & {
  /** The values (level 0) and their pooled levels (mip levels). */
  uValues: THREE.IUniform<THREE.Texture>;
  /** The level baked by this pass. */
  uLevel: THREE.IUniform<number>;
};

/**
 * The bake pass's uniforms. The look uniforms start as placeholders: each bake points them at the
 * matrix's own vectors.
 */
export function bakeUniforms(values: THREE.Texture): BakeUniforms {
  return {
    uValues: { value: values },
    uLevel: { value: 0 },
    uViz: { value: new THREE.Vector4() },
    uHue: { value: new THREE.Vector3() },
    uRange: { value: new THREE.Vector2() },
  };
}

/** Vertex stage: the unit quad stretched over the whole target. */
export const bakeVertex = /* glsl */ `
void main() {
  gl_Position = vec4(position.xy * 2.0 - 1.0, 0.0, 1.0);
}
`;

/** Fragment stage: the look of the value under this texel. */
export const bakeFragment = /* glsl */ `
precision highp float;
precision highp int;
${glslConstants()}
uniform highp sampler2D uValues;
uniform int uLevel;
${lookFunctions}
out vec4 fragColor;
void main() {
  fragColor = lookOf(texelFetch(uValues, ivec2(gl_FragCoord.xy), uLevel).r);
}
`;
