/**
 * The shaders that draw one whole matrix as a thin box. Each matrix's look (colour and size of
 * every cell, docs/colors.md) is first baked into an RGBA8 texture with mip levels (`lookFragment`,
 * one pass per level whenever values or look uniforms change); the per-pixel shader then reads that
 * texture instead of computing colours, which keeps the per-pixel cost close to one texture fetch.
 * How a cell is drawn depends on how big it is on screen:
 *   - near (cells bigger than about five pixels): a ball. Balls are drawn as geometry, a square per
 *     ball ray-cast against that one ball (`ballVertex`); where that would take too many squares
 *     (a magnifier, huge matrices), the matrix shader ray-casts the balls of the two cells the view
 *     ray can touch;
 *   - mid (cells of about two to five pixels): a shaded disc in the cell where the ray crosses the
 *     matrix plane (at that size a disc and a ball are the same few pixels);
 *   - far (cells under about two pixels): flat shading from the max-|value| pooled level whose
 *     texel covers at least a pixel: no shimmer or moiré when zoomed out.
 * Interior product planes (PRODUCT) compute L[i,k] * R[k,j] and its colour per pixel instead.
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

/** Value -> colour and size (docs/colors.md), shared by the bake pass and the product planes. */
const lookFunctions = /* glsl */ `
uniform vec4 uViz;           // min size, min light, max light, elem scale
uniform vec3 uHue;           // zero hue, hue gap, hue spread
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
  return uViz.x + (1.0 - uViz.x) * sqrt(t);
}

// Colour of a value (docs/colors.md): hue from the sign and the signed normalized value, lightness
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

// Colour and size of a value; size 0 means "no ball" (an exact zero), a non-zero value keeps at
// least the smallest size the look texture can hold.
vec4 lookOf(float x) {
  if (x == 0.0) return vec4(0.0);
  return vec4(colorOf(x), max(sizeOf(x), 1.0 / 255.0));
}
`;

/**
 * Cells: where a cell's centre lies (block gaps included) and, while animating, whether it is
 * shown and highlighted. Shared by the matrix shader and the near balls.
 */
const cellFunctions = /* glsl */ `
uniform int uClip;           // 1: cells outside the highlighted ranges are not drawn
uniform ivec2 uShape;        // (columns, rows)
uniform vec4 uAxes;          // column block size, column gap, row block size, row gap
// Animation: which cells are shown and which are highlighted (block-local rules, see anim code).
uniform ivec4 uReveal;       // mode, count, -, -   (mode 0 = everything)
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
// Whether a cell is drawn at all in this animation step.
bool shown(int r, int c) {
  return revealed(r, c) && (uClip == 0 || highlighted(r, c));
}
#endif

`;

/** Ball shading: lit by n·v with a small highlight (reflect(-V, n) · V = 2(n·V)² - 1). */
const ballShadeFunction = /* glsl */ `
vec3 ballShade(vec3 rgb, float nv) {
  return rgb * (0.45 + 0.7 * nv) + vec3(0.35) * pow(max(2.0 * nv * nv - 1.0, 0.0), 24.0);
}
`;

/** Bake pass: one texel of the look texture per cell of one level of the value texture. */
export const lookVertex = /* glsl */ `
void main() {
  gl_Position = vec4(position.xy * 2.0 - 1.0, 0.0, 1.0);
}
`;

export const lookFragment = /* glsl */ `
precision highp float;
precision highp int;
uniform highp sampler2D uValues;
uniform int uLevel;
${lookFunctions}
out vec4 fragColor;
void main() {
  fragColor = lookOf(texelFetch(uValues, ivec2(gl_FragCoord.xy), uLevel).r);
}
`;

export const matrixFragment = /* glsl */ `
precision highp float;
precision highp int;
#ifdef PRODUCT
// Interior plane of products L[i,k] * R[k,j]: which of i, j, k is fixed, and its index.
uniform highp sampler2D uLeft;
uniform highp sampler2D uRight;
uniform int uPlane;          // 0: k fixed (rows i, cols j); 1: i fixed (rows k, cols j); 2: j fixed (rows i, cols k)
uniform int uFixed;
${lookFunctions}
#else
uniform vec4 uViz;           // min size, min light, max light, elem scale
// Baked colour (rgb) and size (a, 0 = no ball) of every cell, with pooled levels as mip levels.
uniform highp sampler2D uLook;
#endif
uniform int uMaxLevel;
uniform int uFinest;         // finest baked level of uLook
uniform float uOpacity;
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
#if MODE == 0
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
  int i = uPlane == 1 ? uFixed : r;
  int j = uPlane == 2 ? uFixed : c;
  int k = uPlane == 0 ? uFixed : (uPlane == 1 ? r : c);
  return lookOf(texelFetch(uLeft, ivec2(k, i), 0).r * texelFetch(uRight, ivec2(j, k), 0).r);
#else
  return texelFetch(uLook, cell >> level, level);
#endif
}

// The look of a cell seen from far away: the pooled level whose texel covers at least a pixel.
vec4 farLook(vec2 q, ivec2 cell) {
#if defined(PRODUCT)
  return lookAt(cell, 0);
#elif defined(GAPS)
  vec2 fw = fwidth(q);
  int level = clamp(int(ceil(log2(max(fw.x, fw.y) * 1.5))), uFinest, uMaxLevel);
  return lookAt(cell, level);
#else
  // Without block gaps, texture coordinates follow cells: the level from the footprint of a pixel
  // in cells (one level coarser, a texel per pixel or more), never finer than the baked ones.
  vec2 dx = dFdx(q), dy = dFdy(q);
  float lod = 0.5 * log2(max(dot(dx, dx), dot(dy, dy))) + 1.0;
  return textureLod(uLook, (q + 0.5) / vec2(uShape), max(lod, float(uFinest)));
#endif
}

${ballShadeFunction}

// Flat colour of a cell drawn as less than a couple of pixels: darker when its ball is smaller.
vec3 flatShade(vec4 look) {
  return look.rgb * mix(0.35, 1.0, clamp(look.a * uViz.w, 0.0, 1.0));
}

vec3 finish(vec3 col, ivec2 cell) {
#ifdef ANIM
  if (!highlighted(cell.y, cell.x)) col *= uDim;
#endif
  return col;
}

// MODE 2 (far): every cell of the matrix is under about two pixels; MODE 1 (small): under about
// five (discs or flat, per pixel); MODE 0: any size, balls ray-cast where cells are big. The view
// picks the mode per frame for each piece of the matrix from its distance (the cheapest program
// that draws it exactly).
void main() {
  float R = 0.5 * uViz.w;
  float colSize = uAxes.x, colGap = uAxes.y, rowSize = uAxes.z, rowGap = uAxes.w;
#if MODE != 2
  vec2 fw = fwidth(vLocal.xy);
  float cellsPerPixel = max(fw.x, fw.y);
#endif
#if MODE == 0
  if (cellsPerPixel <= 0.2) {
    // Near: the ball of the cell where the ray crosses the matrix plane, and the ball of the
    // cell where it enters the slab |z| <= R (a ball nearer the viewer may cover the first).
    vec3 ro = vCam;
    vec3 rd = normalize(vLocal - vCam);
    if (abs(rd.z) < 1e-6) discard;
    float tp = -ro.z / rd.z;
    vec2 q0 = (ro + rd * tp).xy;
    float te = (sign(ro.z) * R - ro.z) / rd.z;
    vec2 q1 = (ro + rd * te).xy;
    float bestT = 1e30;
    vec3 bestC = vec3(0.0);
    float bestRad = 1.0;
    vec3 rgb = vec3(0.0);
    ivec2 cell = ivec2(-1);
    for (int s = 0; s < 2; s++) {
      vec2 q = s == 0 ? q1 : q0;
      int c = indexNear(q.x, colSize, colGap, uShape.x, R);
      int r = indexNear(q.y, rowSize, rowGap, uShape.y, R);
      if (c < 0 || r < 0) continue;
      ivec2 here = ivec2(c, r);
      if (s == 1 && here == cell) continue;
#ifdef ANIM
      if (!shown(r, c)) continue;
#endif
      vec4 look = lookAt(here, 0);
      if (look.a == 0.0) continue;
      float rad = R * look.a;
      vec3 centre = vec3(posOf(c, colSize, colGap), posOf(r, rowSize, rowGap), 0.0);
      vec3 oc = ro - centre;
      float bq = dot(oc, rd);
      float disc = bq * bq - (dot(oc, oc) - rad * rad);
      if (disc < 0.0) continue;
      float th = -bq - sqrt(disc);
      if (th < bestT) {
        bestT = th; bestC = centre; bestRad = rad; rgb = look.rgb; cell = here;
      }
    }
    if (bestT >= 1e29) discard;
    fragColor = vec4(finish(ballShade(rgb, max(dot((ro + rd * bestT - bestC) / bestRad, -rd), 0.0)), cell), uOpacity);
    return;
  }
#endif
  // Small cells: the quad is the matrix plane, so the cell is where this fragment lies.
  vec2 q = vLocal.xy;
  int c = indexAt(q.x, colSize, colGap, uShape.x);
  int r = indexAt(q.y, rowSize, rowGap, uShape.y);
  if (c < 0 || r < 0) discard;
  ivec2 cell = ivec2(c, r);
#ifdef ANIM
  if (!shown(r, c)) discard;
#endif
  vec3 col;
#if MODE != 2
  if (cellsPerPixel <= 0.6 || (uMaxLevel == 0 && uClip == 0)) {
    // Mid: a shaded disc (what a ball of a few pixels looks like).
    vec4 look = lookAt(cell, 0);
    if (look.a == 0.0) discard;
    vec2 d = (q - vec2(posOf(c, colSize, colGap), posOf(r, rowSize, rowGap))) / (R * look.a);
    float rho2 = dot(d, d);
    if (rho2 > 1.0) discard;
    col = ballShade(look.rgb, sqrt(1.0 - rho2));
  } else
#endif
  {
    vec4 look = farLook(q, cell);
    if (look.a == 0.0) discard;
    col = flatShade(look);
  }
  fragColor = vec4(finish(col, cell), uOpacity);
}
`;

/**
 * Balls near the camera, one square per cell of a rectangle of cells, all in one draw (the vertex
 * index says which cell and corner: no vertex data). The vertex shader reads the cell's look
 * (colour, size; nothing drawn for a zero or a cell not shown) and places a square, perpendicular
 * to the line of sight, that holds the ball's outline; the fragment shader intersects the view ray
 * with that one ball and writes its true depth. The cost follows the balls' pixels instead of a
 * search at every pixel of the matrix.
 */
export const ballVertex = /* glsl */ `
precision highp float;
precision highp int;
uniform highp sampler2D uLook;
uniform vec4 uViz;
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
  float rad = 0.5 * uViz.w * look.a;
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
  float nv = max(dot((hit - vCentre) / vRad, -rd), 0.0);
  fragColor = vec4(ballShade(vColor, nv) * vDim, uOpacity);
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * clip.z / clip.w + 0.5;
}
`;
