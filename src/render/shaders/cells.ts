/**
 * Cells, in GLSL: where a cell's centre lies (block gaps included) and, while animating, whether
 * it is shown and highlighted (block-local rules, see core/anim). Shared by the matrix program and
 * the ball program; `CellUniforms` is the TypeScript side of the uniforms it declares. Needs
 * glslConstants() earlier in the stage (REVEAL_*).
 */
import type * as THREE from 'three';

export type CellUniforms = {
  /** 1: cells outside the highlighted ranges are not drawn. */
  uClip: THREE.IUniform<number>;
  /** (columns, rows). */
  uShape: THREE.IUniform<THREE.Vector2>;
  /** Column block size, column gap, row block size, row gap. */
  uAxes: THREE.IUniform<THREE.Vector4>;
  /** Reveal mode (REVEAL in core/anim/view), count, unused, unused. */
  uReveal: THREE.IUniform<THREE.Vector4>;
  /** Highlighted row range [x, y) and column range [z, w), block-local. */
  uHiRows: THREE.IUniform<THREE.Vector4>;
  /** 0: nothing highlighted, 1: uHiRows is. */
  uHighlight: THREE.IUniform<number>;
  /** Brightness of cells not highlighted while highlighting. */
  uDim: THREE.IUniform<number>;
};

export const cellFunctions = /* glsl */ `
uniform int uClip;           // 1: cells outside the highlighted ranges are not drawn
uniform ivec2 uShape;        // (columns, rows)
uniform vec4 uAxes;          // column block size, column gap, row block size, row gap
// Animation: which cells are shown and which are highlighted (block-local rules, see anim code).
uniform ivec4 uReveal;       // mode, count, -, -   (REVEAL_ALL = everything)
uniform ivec4 uHiRows;       // highlighted row range [x, y) and column range [z, w) (block-local)
uniform int uHighlight;      // 0 = none
uniform float uDim;          // brightness of cells not highlighted while highlighting

float posOf(int idx, float size, float gap) {
#ifdef GAPS
  float fi = float(idx);
  return fi + gap * floor(fi / size);
#else
  return float(idx);
#endif
}

#ifdef ANIM
bool revealed(int r, int c) {
  int mode = uReveal.x;
  if (mode == REVEAL_ALL) return true;
  if (mode == REVEAL_HIDDEN) return false;
  int rb = int(uAxes.z);
  int cb = int(uAxes.x);
  int lr = r - (r / rb) * rb;
  int lc = c - (c / cb) * cb;
  int count = uReveal.y;
  if (mode == REVEAL_ROWMAJOR) return lr * cb + lc < count;   // row-major order within the block (full block width)
  if (mode == REVEAL_COLMAJOR) return lc * rb + lr < count;   // column-major
  if (mode == REVEAL_ROWS) return lr < count;                 // rows
  if (mode == REVEAL_COLS) return lc < count;                 // columns
  return true;
}

bool highlighted(int r, int c) {
  if (uHighlight == 0) return true;
  int rb = int(uAxes.z);
  int cb = int(uAxes.x);
  int lr = r - (r / rb) * rb;
  int lc = c - (c / cb) * cb;
  return lr >= uHiRows.x && lr < uHiRows.y && lc >= uHiRows.z && lc < uHiRows.w;
}
// Whether a cell is drawn at all in this animation step.
bool shown(int r, int c) {
  return revealed(r, c) && (uClip == 0 || highlighted(r, c));
}
#endif

`;
