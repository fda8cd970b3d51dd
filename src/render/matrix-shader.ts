/**
 * The shader that draws one whole matrix as a thin box: the fragment shader finds which cells the
 * view ray can touch, intersects their balls (size and colour by value, SPEC 7) and writes the
 * true depth, so the cost follows covered pixels, not the element count. When cells get smaller
 * than about two pixels it switches to the max-|value| pooled mip level that is one texel per
 * pixel or coarser, shaded flat: no shimmer or moiré when zoomed out.
 *
 * Local space: x = column position, y = row position (cell centres at integer positions plus block
 * gaps), z = along the normal.
 */

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

export const matrixFragment = /* glsl */ `
precision highp float;
precision highp int;
uniform highp sampler2D uValues;
#ifdef PRODUCT
// Interior plane of products L[i,k] * R[k,j]: which of i, j, k is fixed, and its index.
uniform highp sampler2D uLeft;
uniform highp sampler2D uRight;
uniform int uPlane;          // 0: k fixed (rows i, cols j); 1: i fixed (rows k, cols j); 2: j fixed (rows i, cols k)
uniform int uFixed;
#endif
uniform int uClip;           // 1: cells outside the highlighted ranges are not drawn
uniform ivec2 uShape;        // (columns, rows)
uniform vec4 uAxes;          // column block size, column gap, row block size, row gap
uniform int uMaxLevel;
uniform vec4 uViz;           // min size, min light, max light, elem scale
uniform vec3 uHue;           // zero hue, hue gap, hue spread
uniform vec2 uRange;         // absmin, absmax
uniform float uOpacity;
// Animation: which cells are shown and which are highlighted (block-local rules, see anim code).
uniform ivec4 uReveal;       // mode, count, -, -   (mode 0 = everything)
uniform ivec4 uHiRows;       // highlighted row range [x, y) and column range [z, w) (block-local)
uniform int uHighlight;      // 0 = none
uniform float uDim;          // brightness of cells not highlighted while highlighting
in vec3 vLocal;
flat in vec3 vCam;
out vec4 fragColor;

// Index along one axis for a position, or -1 in a block gap / outside.
int indexAt(float p, float size, float gap, int n) {
  float period = size + gap;
  float q = p + 0.5;
  float b = floor(q / period);
  float within = q - b * period;
  if (within >= size || q < 0.0) return -1;
  int idx = int(b * size + floor(within));
  return idx < n ? idx : -1;
}
float posOf(int idx, float size, float gap) {
  float fi = float(idx);
  return fi + gap * floor(fi / size);
}
// Nearest index to a position (a ball reaches past its cell), or -1 when farther than reach.
int indexNear(float p, float size, float gap, int n, float reach) {
  float maxPos = posOf(n - 1, size, gap);
  if (p < -0.5 - reach || p > maxPos + 0.5 + reach) return -1;
  p = clamp(p, 0.0, maxPos);
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
}

vec3 hsl2rgb(float h, float s, float l) {
  vec3 k = mod(vec3(0.0, 8.0, 4.0) + h * 12.0, 12.0);
  float a = s * min(l, 1.0 - l);
  return l - a * clamp(min(k - 3.0, 9.0 - k), -1.0, 1.0);
}

float sizeOf(float x) {
  if (isnan(x) || isinf(x)) return 1.0;
  float span = uRange.y - uRange.x;
  float t = span > 0.0 ? clamp((abs(x) - uRange.x) / span, 0.0, 1.0) : 1.0;
  return uViz.x + (1.0 - uViz.x) * sqrt(t);
}

// Colour of a value (SPEC 7): hue from the sign and the signed normalized value, lightness
// from the magnitude; NaN and infinities are white.
vec3 colorOf(float x) {
  if (isnan(x) || isinf(x)) return vec3(1.0);
  float span = uRange.y - uRange.x;
  float t = span > 0.0 ? clamp((abs(x) - uRange.x) / span, 0.0, 1.0) : 1.0;
  float sg = sign(x);
  float s = span > 0.0 ? (x - sg * uRange.x) / span : sg;
  float hue = fract(uHue.x + sg * uHue.y + s * uHue.z);
  return hsl2rgb(hue, 1.0, uViz.y + (uViz.z - uViz.y) * sqrt(t));
}

bool revealed(int r, int c) {
  int mode = uReveal.x;
  if (mode == 0) return true;
  if (mode == 5) return false;
  int rb = int(uAxes.z);
  int cb = int(uAxes.x);
  int lr = r - (r / rb) * rb;
  int lc = c - (c / cb) * cb;
  int count = uReveal.y;
  if (mode == 1) return lr * cb + lc < count;   // row-major order within the block (full block width)
  if (mode == 2) return lc * rb + lr < count;   // column-major
  if (mode == 3) return lr < count;             // rows
  if (mode == 4) return lc < count;             // columns
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

float valueAt(ivec2 cell, int level) {
#ifdef PRODUCT
  int r = cell.y, c = cell.x;
  int i = uPlane == 1 ? uFixed : r;
  int j = uPlane == 2 ? uFixed : c;
  int k = uPlane == 0 ? uFixed : (uPlane == 1 ? r : c);
  return texelFetch(uLeft, ivec2(k, i), 0).r * texelFetch(uRight, ivec2(j, k), 0).r;
#else
  if (level == 0) return texelFetch(uValues, cell, 0).r;
  ivec2 ls = textureSize(uValues, level);
  return texelFetch(uValues, min(cell >> level, ls - 1), level).r;
#endif
}


void main() {
  vec2 fw = fwidth(vLocal.xy);
  float cellsPerPixel = max(fw.x, fw.y);
  vec3 ro = vCam;
  vec3 rd = normalize(vLocal - vCam);
  float R = 0.5 * uViz.w;
  float colSize = uAxes.x, colGap = uAxes.y, rowSize = uAxes.z, rowGap = uAxes.w;
  if (abs(rd.z) < 1e-6) discard;
  float tp = -ro.z / rd.z;
  vec2 q0 = (ro + rd * tp).xy;
  bool far = cellsPerPixel > 0.6 && (uMaxLevel > 0 || uClip == 1);
  float x = 0.0;
  ivec2 cell = ivec2(-1);
  // Brightness: flat by coverage when far; a lit ball (n·v and a highlight) when near.
  float nv = 0.0;
  float cover = 0.0;

  if (far) {
    // Far away: flat shading from a pooled level whose texel covers at least a pixel.
    if (tp < 0.0) discard;
    int c = indexAt(q0.x, colSize, colGap, uShape.x);
    int r = indexAt(q0.y, rowSize, rowGap, uShape.y);
    if (c < 0 || r < 0) discard;
    if (!revealed(r, c)) discard;
    if (uClip == 1 && !highlighted(r, c)) discard;
    int level = clamp(int(ceil(log2(cellsPerPixel * 1.5))), 0, uMaxLevel);
    cell = ivec2(c, r);
    x = valueAt(cell, level);
    if (x == 0.0) discard;
    cover = clamp(sizeOf(x) * uViz.w, 0.0, 1.0);
  } else {
    // Near: the ball of the cell where the ray crosses the matrix plane, and the ball of the
    // cell where it enters the slab |z| <= R (a ball nearer the viewer may cover the first).
    float te = (sign(ro.z) * R - ro.z) / rd.z;
    vec2 q1 = (ro + rd * te).xy;
    float bestT = 1e30;
    vec3 bestC = vec3(0.0);
    float bestRad = 1.0;
    for (int s = 0; s < 2; s++) {
      vec2 q = s == 0 ? q1 : q0;
      int c = indexNear(q.x, colSize, colGap, uShape.x, R);
      int r = indexNear(q.y, rowSize, rowGap, uShape.y, R);
      if (c < 0 || r < 0) continue;
      ivec2 here = ivec2(c, r);
      if (s == 1 && here == cell) continue;
      if (!revealed(r, c)) continue;
      if (uClip == 1 && !highlighted(r, c)) continue;
      float v = valueAt(here, 0);
      if (v == 0.0) continue;
      float rad = R * sizeOf(v);
      vec3 centre = vec3(posOf(c, colSize, colGap), posOf(r, rowSize, rowGap), 0.0);
      vec3 oc = ro - centre;
      float bq = dot(oc, rd);
      float disc = bq * bq - (dot(oc, oc) - rad * rad);
      if (disc < 0.0) continue;
      float th = -bq - sqrt(disc);
      if (th < bestT) {
        bestT = th; bestC = centre; bestRad = rad; x = v; cell = here;
      }
    }
    if (bestT >= 1e29) discard;
    nv = max(dot((ro + rd * bestT - bestC) / bestRad, -rd), 0.0);
  }

  vec3 rgb = colorOf(x);
  // reflect(-V, n) · V = 2(n·V)² - 1 gives a small highlight without a light vector.
  vec3 col = far ? rgb * mix(0.35, 1.0, cover)
                 : rgb * (0.45 + 0.7 * nv) + vec3(0.35) * pow(max(2.0 * nv * nv - 1.0, 0.0), 24.0);
  if (!highlighted(cell.y, cell.x)) col *= uDim;
  fragColor = vec4(col, uOpacity);
}
`;
