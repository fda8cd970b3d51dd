/**
 * How a ball is lit, in GLSL: by n·v with a small highlight (reflect(-V, n) · V = 2(n·V)² - 1).
 * One function for every way a ball is drawn (as geometry, ray-cast, as a disc), so they match.
 */
export const ballShadeFunction = /* glsl */ `
vec3 ballShade(vec3 rgb, float nv) {
  return rgb * (0.45 + 0.7 * nv) + vec3(0.35) * pow(max(2.0 * nv * nv - 1.0, 0.0), 24.0);
}
`;
