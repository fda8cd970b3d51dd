/**
 * How a ball is lit, in GLSL: by a light from the upper left of the window, slightly in front
 * (the direction BALL_LIGHT, in view space: x right, y up, z towards the viewer), as the original
 * tool's ball picture is lit: brightest up and left of the middle, a bright rim on that side and a
 * dark rim down and right (docs/colors.md, "Shading and distance"). The light is fixed to the
 * window, not to the scene, like a picture that always faces the viewer. Its level is 0.945 of
 * the ball picture's own: the original's balls, its 64-pixel picture shrunk with mip levels to
 * the 5 to 15 pixels its links open with, are darker at the rim than the picture; the level is
 * the one that puts every fixture of the original (test/fixtures/original) within the fidelity
 * test's bounds, a state with balls only as well as states full of guides (docs/colors.md).
 * Averaged over the ball's disc the light is BALL_MEAN_LIGHT (constants.ts) of the colour, which
 * the far-away look (flat.ts) uses. One function for every way a ball is drawn (as geometry, ray-cast, as a disc),
 * so they match; each passes the unit normal of the point seen, in view space.
 */
import { BALL_LIGHT, glslFloat } from './constants';

export const ballShadeFunction = /* glsl */ `
vec3 ballShade(vec3 rgb, vec3 n) {
  return rgb * (0.019 + 0.902 * max(dot(n, vec3(${BALL_LIGHT.map(glslFloat).join(', ')})), 0.0));
}
`;
