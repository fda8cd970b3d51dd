/**
 * The flat path of the matrix program (every MODE; all of MODE_FAR): a cell under about two
 * pixels drawn flat, from the pooled level whose texel covers at least a pixel (each pooled cell
 * stands for the average of the cells it covers), so there is no shimmer or moiré when zoomed out
 * and a matrix seen from afar looks like its average appearance. Uses the matrix program's lookAt, so it is placed
 * after it.
 */
export const flatPath = /* glsl */ `
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

// Flat colour of a cell drawn as less than a couple of pixels: its ball's average over the cell,
// the ball's mean light times the share of the cell its disc covers (docs/colors.md, "Shading and distance").
vec3 flatShade(vec4 look) {
  float d = look.a * VIZ_ELEM_SCALE;
  return look.rgb * (BALL_MEAN_LIGHT * min(1.0, 0.7854 * d * d));
}

// The flat colour of \`cell\` at plane position q, or discard for an exact zero.
vec3 flatColor(vec2 q, ivec2 cell) {
  vec4 look = farLook(q, cell);
  if (look.a == 0.0) discard;
  return flatShade(look);
}
`;
