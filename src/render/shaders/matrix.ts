/**
 * The matrix program: one whole matrix drawn as a thin box (or a few rectangles of it), per pixel.
 * A matrix's look (colour and size of every cell) is baked beforehand (bake.ts); this program
 * reads it and draws each cell by how big it is on screen, in three variants (the MODE define,
 * PROGRAM in constants.ts), each a superset of the next:
 *   - MODE_NEAR: balls ray-cast where cells are bigger than about five pixels (near.ts), discs and
 *     flat cells elsewhere;
 *   - MODE_MID: discs for cells of about two to five pixels (disc.ts), flat cells below;
 *   - MODE_FAR: every cell flat, from the pooled level whose texel covers a pixel (flat.ts).
 * (On software renderers every line of a shader costs, taken or not, hence separate programs.)
 * Interior product planes (PRODUCT) compute L[i,k] * R[k,j] and its colour per pixel instead.
 * Other defines: GAPS (block gaps on an axis), ANIM (reveal and highlight rules are live).
 *
 * Local space: x = column position, y = row position (cell centres at integer positions plus block
 * gaps), z = along the normal.
 */
import * as THREE from 'three';
import { glslConstants } from './constants';
import { type LookUniforms, lookFunctions } from './look';
import { type CellUniforms, cellFunctions } from './cells';
import { ballShadeFunction } from './ball-shade';
import { nearPath } from './near';
import { discPath } from './disc';
import { flatPath } from './flat';

/**
 * Every uniform of a matrix: one object shared by all its program variants and its balls
 * (ball.ts adds the rectangle of cells), so a change reaches every variant at once.
 */
export type MatrixUniforms = LookUniforms &
  CellUniforms & {
    /** The values shown (computed, or an override such as partial sums); read by the bake pass. */
    uValues: THREE.IUniform<THREE.Texture>;
    /** Baked colour (rgb) and size (a, 0 = no ball) of every cell, pooled levels as mip levels. */
    uLook: THREE.IUniform<THREE.Texture | null>;
    /** Coarsest pooled level. */
    uMaxLevel: THREE.IUniform<number>;
    /** The finest baked level of the look texture: the far path reads no finer level. */
    uFinest: THREE.IUniform<number>;
    uOpacity: THREE.IUniform<number>;
    /** Product planes: the argument values, which index is fixed (PLANE in core/layout/interior) and its value. */
    uLeft: THREE.IUniform<THREE.Texture | null>;
    uRight: THREE.IUniform<THREE.Texture | null>;
    uPlane: THREE.IUniform<number>;
    uFixed: THREE.IUniform<number>;
    /** The box drawn, in local space: corner and size (the unit box's position maps onto it). */
    uBoxMin: THREE.IUniform<THREE.Vector3>;
    uBoxSize: THREE.IUniform<THREE.Vector3>;
  };

/** A matrix's uniforms before anything is known: `empty` (a placeholder texture) draws nothing. */
export function matrixUniforms(empty: THREE.Texture): MatrixUniforms {
  return {
    // An all-zero placeholder draws nothing until values arrive.
    uValues: { value: empty },
    uLook: { value: null },
    uShape: { value: new THREE.Vector2(1, 1) },
    uAxes: { value: new THREE.Vector4(1, 0, 1, 0) },
    uMaxLevel: { value: 0 },
    uFinest: { value: 0 },
    uViz: { value: new THREE.Vector4(0.2, 0.4, 0.7, 1.25) },
    uHue: { value: new THREE.Vector3(0.77, 0.74, 0.04) },
    uRange: { value: new THREE.Vector2(0, 1) },
    uOpacity: { value: 1 },
    uReveal: { value: new THREE.Vector4(0, 0, 0, 0) },
    uHiRows: { value: new THREE.Vector4(0, 0, 0, 0) },
    uHighlight: { value: 0 },
    uDim: { value: 1 },
    uClip: { value: 0 },
    uLeft: { value: empty },
    uRight: { value: empty },
    uPlane: { value: 0 },
    uFixed: { value: 0 },
    uBoxMin: { value: new THREE.Vector3() },
    uBoxSize: { value: new THREE.Vector3(1, 1, 1) },
  };
}

/** Vertex stage: the unit box (or rectangles of it) mapped onto the matrix's box. */
export const matrixVertex = /* glsl */ `
uniform vec3 uBoxMin;
uniform vec3 uBoxSize;
out vec3 vLocal;
flat out vec3 vCam;
void main() {
  vec3 p = uBoxMin + position * uBoxSize;
  vLocal = p;
  vCam = (inverse(modelMatrix) * vec4(cameraPosition, 1.0)).xyz;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 1.0);
}
`;

/** Fragment stage: the helpers every path uses, the three paths, and the choice between them. */
export const matrixFragment = /* glsl */ `
precision highp float;
precision highp int;
${glslConstants()}
#ifdef PRODUCT
// Interior plane of products L[i,k] * R[k,j]: which of i, j, k is fixed, and its index.
uniform highp sampler2D uLeft;
uniform highp sampler2D uRight;
uniform int uPlane;          // PLANE_K_FIXED (rows i, cols j), PLANE_I_FIXED (rows k, cols j), PLANE_J_FIXED (rows i, cols k)
uniform int uFixed;
${lookFunctions}
#else
uniform vec4 uViz;           // VIZ_MIN_SIZE, VIZ_MIN_LIGHT, VIZ_MAX_LIGHT, VIZ_ELEM_SCALE
// Baked colour (rgb) and size (a, 0 = no ball) of every cell, with pooled levels as mip levels.
uniform highp sampler2D uLook;
#endif
uniform int uMaxLevel;
uniform int uFinest;         // finest baked level of uLook
uniform float uOpacity;
// Local to view space for directions (the light of the balls is given in view space).
uniform mat3 normalMatrix;
${cellFunctions}
in vec3 vLocal;
flat in vec3 vCam;
out vec4 fragColor;

// Index along one axis for a position, or -1 in a block gap / outside.
int indexAt(float p, float size, float gap, int n) {
#ifdef GAPS
  float period = size + gap;
  float q = p + 0.5;
  float b = floor(q / period);
  float within = q - b * period;
  if (within >= size || q < 0.0) return -1;
  int idx = int(b * size + floor(within));
#else
  if (p < -0.5) return -1;
  int idx = int(p + 0.5);
#endif
  return idx < n ? idx : -1;
}
#if MODE == MODE_NEAR
// Nearest index to a position (a ball reaches past its cell), or -1 when farther than reach.
int indexNear(float p, float size, float gap, int n, float reach) {
  float maxPos = posOf(n - 1, size, gap);
  if (p < -0.5 - reach || p > maxPos + 0.5 + reach) return -1;
  p = clamp(p, 0.0, maxPos);
#ifdef GAPS
  float period = size + gap;
  float b = floor((p + 0.5) / period);
  float within = p + 0.5 - b * period;
  int idx;
  if (within >= size) {
    idx = (within - size < 0.5 * gap) ? int(b * size + size - 1.0) : int((b + 1.0) * size);
  } else {
    idx = int(b * size + floor(within));
  }
  return min(idx, n - 1);
#else
  return min(int(p + 0.5), n - 1);
#endif
}
#endif

// Colour (rgb) and size (a; 0 = nothing drawn) of a cell at a pooled level.
vec4 lookAt(ivec2 cell, int level) {
#ifdef PRODUCT
  int r = cell.y, c = cell.x;
  int i = uPlane == PLANE_I_FIXED ? uFixed : r;
  int j = uPlane == PLANE_J_FIXED ? uFixed : c;
  int k = uPlane == PLANE_K_FIXED ? uFixed : (uPlane == PLANE_I_FIXED ? r : c);
  return lookOf(texelFetch(uLeft, ivec2(k, i), 0).r * texelFetch(uRight, ivec2(j, k), 0).r);
#else
  return texelFetch(uLook, cell >> level, level);
#endif
}

${ballShadeFunction}

vec3 finish(vec3 col, ivec2 cell) {
#ifdef ANIM
  if (!highlighted(cell.y, cell.x)) col *= uDim;
#endif
  return col;
}
${nearPath}
${discPath}
${flatPath}
// The view picks MODE per frame for each piece of the matrix from its distance (the cheapest
// program that draws it exactly); within a piece, each pixel picks the path its cell size needs.
void main() {
  float R = 0.5 * VIZ_ELEM_SCALE;
#if MODE != MODE_FAR
  vec2 fw = fwidth(vLocal.xy);
  float cellsPerPixel = max(fw.x, fw.y);
#endif
#if MODE == MODE_NEAR
  if (cellsPerPixel <= NEAR_CELLS_PER_PIXEL) {
    fragColor = vec4(nearBall(R), uOpacity);
    return;
  }
#endif
  // Small cells: the quad is the matrix plane, so the cell is where this fragment lies.
  vec2 q = vLocal.xy;
  int c = indexAt(q.x, uAxes.x, uAxes.y, uShape.x);
  int r = indexAt(q.y, uAxes.z, uAxes.w, uShape.y);
  if (c < 0 || r < 0) discard;
  ivec2 cell = ivec2(c, r);
#ifdef ANIM
  if (!shown(r, c)) discard;
#endif
  vec3 col;
#if MODE != MODE_FAR
  if (cellsPerPixel <= FAR_CELLS_PER_PIXEL || (uMaxLevel == 0 && uClip == 0)) {
    col = discColor(q, cell, R);
  } else
#endif
  {
    col = flatColor(q, cell);
  }
  fragColor = vec4(finish(col, cell), uOpacity);
}
`;
