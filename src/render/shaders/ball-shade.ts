/**
 * How a ball is lit, in GLSL: by (n·v)², bright in the middle and dark at the rim, like the
 * original tool's ball pictures (docs/colors.md, "Shading and distance"). Averaged over the ball's
 * disc the light is BALL_MEAN_LIGHT (constants.ts) of the colour, which the far-away look
 * (flat.ts) uses. One function for every way a ball is drawn (as geometry, ray-cast, as a disc),
 * so they match.
 */
export const ballShadeFunction = /* glsl */ `
vec3 ballShade(vec3 rgb, float nv) {
  return rgb * (0.02 + 0.93 * nv * nv);
}
`;
