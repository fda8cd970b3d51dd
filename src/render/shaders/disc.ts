/**
 * The disc path of the matrix program (MODE_NEAR and MODE_MID): a cell of a few pixels drawn as a
 * shaded disc where the fragment lies in the matrix plane (at that size a disc and a ball are the
 * same pixels). Uses the matrix program's lookAt and ballShade, so it is placed after them.
 */
export const discPath = /* glsl */ `
#if MODE != MODE_FAR
// The disc of \`cell\` at plane position q, or discard outside it (or for an exact zero).
vec3 discColor(vec2 q, ivec2 cell, float R) {
  vec4 look = lookAt(cell, 0);
  if (look.a == 0.0) discard;
  vec2 d = (q - vec2(posOf(cell.x, uAxes.x, uAxes.y), posOf(cell.y, uAxes.z, uAxes.w))) / (R * look.a);
  float rho2 = dot(d, d);
  if (rho2 > 1.0) discard;
  // The ball's normal where it shows this point of its disc: the offset from the centre as seen
  // on screen (the disc's offset turned into view space, its depth dropped), the rest towards the
  // viewer. Exact for a disc facing the viewer; close enough at a few pixels for any other.
  vec3 o = normalMatrix * vec3(d, 0.0);
  vec2 s = length(o.xy) > 0.0 ? normalize(o.xy) * sqrt(rho2) : vec2(0.0);
  return ballShade(look.rgb, vec3(s, sqrt(1.0 - rho2)));
}
#endif
`;
