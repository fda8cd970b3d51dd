/**
 * Value → colour and size of a cell (the colour and size rules), in GLSL: used by the bake pass
 * (look texture of a matrix) and by interior product planes, which colour each product per pixel.
 * Declares the look uniforms; `LookUniforms` is their TypeScript side.
 */
import type * as THREE from 'three';

/** The uniforms `lookFunctions` declares (packing of uViz and uHue: see constants.ts). */
export type LookUniforms = {
  uViz: THREE.IUniform<THREE.Vector4>;
  uHue: THREE.IUniform<THREE.Vector3>;
  /** absmin, absmax of the values coloured. */
  uRange: THREE.IUniform<THREE.Vector2>;
};

/** Needs glslConstants() earlier in the stage (VIZ_*, hue names). */
export const lookFunctions = /* glsl */ `
uniform vec4 uViz;           // VIZ_MIN_SIZE, VIZ_MIN_LIGHT, VIZ_MAX_LIGHT, VIZ_ELEM_SCALE
uniform vec3 uHue;           // ZERO_HUE, HUE_GAP, HUE_SPREAD
uniform vec2 uRange;         // absmin, absmax

vec3 hsl2rgb(float h, float s, float l) {
  vec3 k = mod(vec3(0.0, 8.0, 4.0) + h * 12.0, 12.0);
  float a = s * min(l, 1.0 - l);
  return l - a * clamp(min(k - 3.0, 9.0 - k), -1.0, 1.0);
}

float sizeOf(float x) {
  if (isnan(x) || isinf(x)) return 1.0;
  float span = uRange.y - uRange.x;
  float t = span > 0.0 ? clamp((abs(x) - uRange.x) / span, 0.0, 1.0) : 1.0;
  return VIZ_MIN_SIZE + (1.0 - VIZ_MIN_SIZE) * sqrt(t);
}

// Colour of a value: hue from the sign and the signed normalized value, lightness
// from the magnitude; NaN and infinities are white.
vec3 colorOf(float x) {
  if (isnan(x) || isinf(x)) return vec3(1.0);
  float span = uRange.y - uRange.x;
  float t = span > 0.0 ? clamp((abs(x) - uRange.x) / span, 0.0, 1.0) : 1.0;
  float sg = sign(x);
  float s = span > 0.0 ? (x - sg * uRange.x) / span : sg;
  float hue = fract(ZERO_HUE + sg * HUE_GAP + s * HUE_SPREAD);
  return hsl2rgb(hue, 1.0, VIZ_MIN_LIGHT + (VIZ_MAX_LIGHT - VIZ_MIN_LIGHT) * sqrt(t));
}

// Colour and size of a value; size 0 means "no ball" (an exact zero), a non-zero value keeps at
// least the smallest size the look texture can hold.
vec4 lookOf(float x) {
  if (x == 0.0) return vec4(0.0);
  return vec4(colorOf(x), max(sizeOf(x), 1.0 / 255.0));
}
`;
