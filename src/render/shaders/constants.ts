/**
 * Numbers that both TypeScript and the shaders use, written once here: the GLSL sees them as
 * `#define`s made by `glslConstants()` (placed at the top of every shader stage that needs them),
 * so a mode number or a threshold cannot drift between the two languages. Also the layout of
 * the packed look uniforms (`uViz`, `uHue`), named on both sides.
 */
import { REVEAL } from '../../core/anim/view';
import { PLANE } from '../../core/layout/interior';
import type { VizParams } from '../../core/color';

/**
 * The three programs a matrix box is drawn with (the fragment shader's MODE), picked per frame
 * and per part of the matrix from how big its cells are on screen: `near` ray-casts balls,
 * `mid` draws discs (or flat cells where they are smaller), `far` draws every cell flat.
 */
export const PROGRAM = { near: 0, mid: 1, far: 2 } as const;
export type ProgramMode = (typeof PROGRAM)[keyof typeof PROGRAM];

/**
 * Cells per pixel at which the drawing changes: at or below `near` cells are big enough (five
 * pixels or more) to be drawn as balls; above `far` (under about two pixels) they are drawn flat;
 * in between, as discs.
 */
export const CELLS_PER_PIXEL = { near: 0.2, far: 0.6 } as const;

/**
 * The four colour and size settings packed into the `uViz` vec4, in component order x, y, z, w;
 * GLSL reads them as VIZ_MIN_SIZE, VIZ_MIN_LIGHT, VIZ_MAX_LIGHT and VIZ_ELEM_SCALE:
 *   minSize: smallest ball, as a fraction of the largest (the size of |value| = absmin);
 *   minLight / maxLight: lightness of the smallest and of the largest |value|;
 *   elemScale: packed as the largest ball's diameter in cells (elemScale times
 *   BALL_DIAMETER_PER_ELEM_SCALE; a ball's radius is 0.5 * VIZ_ELEM_SCALE * size).
 */
export const VIZ_PACKING = [
  'minSize',
  'minLight',
  'maxLight',
  'elemScale',
] as const satisfies readonly (keyof VizParams)[];
/** The hue settings packed into `uHue` (vec3), x, y, z: read as ZERO_HUE, HUE_GAP, HUE_SPREAD. */
export const HUE_PACKING = [
  'zeroHue',
  'hueGap',
  'hueSpread',
] as const satisfies readonly (keyof VizParams)[];

/**
 * The largest ball's visible diameter, in cells, per unit of `elem scale` (docs/colors.md,
 * "Size"). The original tool draws a ball as a sprite `elem scale` times the window's height
 * across at unit depth, the ball filling 0.84 of the sprite, while a 45° camera spans the height
 * with 2 tan(22.5°) = 0.83 units at unit depth: 0.84 * 0.83 = 0.70. So at `elem scale` 1.25 the
 * largest balls nearly touch (0.87 of a cell) and faces stay see-through.
 */
export const BALL_DIAMETER_PER_ELEM_SCALE = 0.7;

/**
 * The direction a ball is lit from, in view space (x right, y up, z towards the viewer): up and
 * to the left, mostly from the front (ball-shade.ts). With a light of 0.02 + 0.955 max(n·L, 0) it
 * reproduces the original tool's ball picture to within 0.07 of full light at every pixel (least
 * squares over its disc); ball-shade.ts takes 0.945 of that (see there).
 */
export const BALL_LIGHT = [-0.4, 0.4, 0.8247] as const;

/**
 * The light of a ball averaged over its disc, as a fraction of its colour (ball-shade.ts): the
 * mean over the disc of 0.019 + 0.902 max(n·BALL_LIGHT, 0).
 */
export const BALL_MEAN_LIGHT = 0.528;

/**
 * `uViz` and `uHue` components, in packing order, of a set of look settings. `elemScale` reaches
 * the shaders as the largest ball's diameter in cells.
 */
export function packViz(v: VizParams): [number, number, number, number] {
  const [a, b, c, d] = VIZ_PACKING;
  return [v[a], v[b], v[c], v[d] * BALL_DIAMETER_PER_ELEM_SCALE];
}
export function packHue(v: VizParams): [number, number, number] {
  const [a, b, c] = HUE_PACKING;
  return [v[a], v[b], v[c]];
}

const SWIZZLE = ['x', 'y', 'z', 'w'] as const;

/** camelCase or lower-case key → GLSL macro word: `rowmajor` → ROWMAJOR, `kFixed` → K_FIXED. */
function macroWord(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A number as a GLSL float literal (GLSL needs the point: `1` is an int). */
export function glslFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`no GLSL literal for ${x}`);
  const s = String(x);
  return /[.eE]/.test(s) ? (s.includes('.') ? s : s.replace(/[eE]/, '.0e')) : `${s}.0`;
}

/** A number as a GLSL int literal. */
function glslInt(x: number): string {
  if (!Number.isInteger(x)) throw new Error(`${x} is not an integer`);
  return String(x);
}

/**
 * The `#define` lines for every shared number, to be placed in a shader stage before any code:
 * REVEAL_<MODE> (reveal modes, core/anim/view), PLANE_<KIND> (interior planes, core/layout/interior),
 * MODE_NEAR / MODE_MID / MODE_FAR (the matrix program variants), NEAR_CELLS_PER_PIXEL and
 * FAR_CELLS_PER_PIXEL, and the names of the packed `uViz` / `uHue` components.
 */
export function glslConstants(): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(REVEAL))
    lines.push(`#define REVEAL_${macroWord(k)} ${glslInt(v)}`);
  for (const [k, v] of Object.entries(PLANE))
    lines.push(`#define PLANE_${macroWord(k)} ${glslInt(v)}`);
  for (const [k, v] of Object.entries(PROGRAM))
    lines.push(`#define MODE_${macroWord(k)} ${glslInt(v)}`);
  for (const [k, v] of Object.entries(CELLS_PER_PIXEL))
    lines.push(`#define ${macroWord(k)}_CELLS_PER_PIXEL ${glslFloat(v)}`);
  lines.push(`#define BALL_MEAN_LIGHT ${glslFloat(BALL_MEAN_LIGHT)}`);
  VIZ_PACKING.forEach((k, i) => lines.push(`#define VIZ_${macroWord(k)} uViz.${SWIZZLE[i]}`));
  HUE_PACKING.forEach((k, i) => lines.push(`#define ${macroWord(k)} uHue.${SWIZZLE[i]}`));
  return lines.join('\n') + '\n';
}
