/**
 * The ball program: balls near the camera as geometry, one square per cell of a rectangle of
 * cells, all in one draw (the vertex index says which cell and corner: no vertex data). The vertex
 * stage reads the cell's baked look (colour, size; nothing drawn for a zero or a cell not shown)
 * and places a square, perpendicular to the line of sight, that holds the ball's outline; the
 * fragment stage intersects the view ray with that one ball and writes its true depth. The cost
 * follows the balls' pixels instead of a search at every pixel of the matrix.
 */
import type * as THREE from 'three';
import { glslConstants } from './constants';
import { cellFunctions } from './cells';
import { ballShadeFunction } from './ball-shade';
import type { MatrixUniforms } from './matrix';

/** The matrix's own uniforms plus the rectangle of cells drawn. */
export type BallUniforms = MatrixUniforms & {
  /** First column, first row, columns in the rectangle, unused. */
  uCells: THREE.IUniform<THREE.Vector4>;
};

/**
 * The ball program's uniforms: the matrix's own objects (shared, so a change reaches every
 * program of the matrix) plus `cells`, the matrix's rectangle of cells.
 */
export function ballUniforms(shared: MatrixUniforms, cells: BallUniforms['uCells']): BallUniforms {
  return { ...shared, uCells: cells };
}

/** Vertex stage: a square around one ball, or a point outside the clip volume for no ball. */
export const ballVertex = /* glsl */ `
precision highp float;
precision highp int;
${glslConstants()}
uniform highp sampler2D uLook;
uniform vec4 uViz;           // VIZ_MIN_SIZE, VIZ_MIN_LIGHT, VIZ_MAX_LIGHT, VIZ_ELEM_SCALE
uniform ivec4 uCells;        // first column, first row, columns in the rectangle, -
${cellFunctions}
out vec3 vView;
flat out vec3 vCentre;
flat out float vRad;
flat out vec3 vColor;
flat out float vDim;
void main() {
  // Four corners per ball (two triangles through an index buffer), balls in row-major order over
  // the rectangle of cells.
  int ball = gl_VertexID / 4;
  int corner = gl_VertexID - ball * 4;
  vec2 at = vec2(corner == 1 || corner == 2 ? 1.0 : -1.0, corner >= 2 ? 1.0 : -1.0);
  int c = uCells.x + ball % uCells.z;
  int r = uCells.y + ball / uCells.z;
  vec4 look = texelFetch(uLook, ivec2(c, r), 0);
  bool show = look.a > 0.0 && c < uShape.x && r < uShape.y;
  vDim = 1.0;
#ifdef ANIM
  show = show && shown(r, c);
  if (!highlighted(r, c)) vDim = uDim;
#endif
  float rad = 0.5 * VIZ_ELEM_SCALE * look.a;
  vec3 centre = (modelViewMatrix * vec4(posOf(c, uAxes.x, uAxes.y), posOf(r, uAxes.z, uAxes.w), 0.0, 1.0)).xyz;
  float d = length(centre);
  if (!show || d <= rad * 1.001) {
    gl_Position = vec4(0.0, 0.0, 2.0, 1.0);   // outside the clip volume: nothing is drawn
    return;
  }
  vec3 w = centre / d;
  vec3 u = normalize(cross(abs(w.y) < 0.99 ? vec3(0.0, 1.0, 0.0) : vec3(1.0, 0.0, 0.0), w));
  vec3 v = cross(w, u);
  float halfSide = rad * d / sqrt(d * d - rad * rad);
  vView = centre + (u * at.x + v * at.y) * halfSide;
  vCentre = centre;
  vRad = rad;
  vColor = look.rgb;
  gl_Position = projectionMatrix * vec4(vView, 1.0);
}
`;

/** Fragment stage: the view ray against the ball; shaded like every other ball, at its true depth. */
export const ballFragment = /* glsl */ `
precision highp float;
uniform mat4 projectionMatrix;
uniform float uOpacity;
in vec3 vView;
flat in vec3 vCentre;
flat in float vRad;
flat in vec3 vColor;
flat in float vDim;
out vec4 fragColor;
${ballShadeFunction}
void main() {
  vec3 rd = normalize(vView);
  float b = dot(vCentre, rd);
  float disc = b * b - (dot(vCentre, vCentre) - vRad * vRad);
  if (disc < 0.0) discard;
  vec3 hit = rd * (b - sqrt(disc));
  fragColor = vec4(ballShade(vColor, (hit - vCentre) / vRad) * vDim, uOpacity);
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * clip.z / clip.w + 0.5;
}
`;
