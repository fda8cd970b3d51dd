// Unit tests for src/render/shaders: the GLSL is checked as text (no WebGL here; the browser tests
// compile and draw it). Each program's uniforms object must hold every uniform its stages declare
// (three.js leaves a missing one at zero without a word), every shared macro a shader uses must be
// defined by glslConstants(), and no mode or plane number may be written as a bare literal.
import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import {
  CELLS_PER_PIXEL,
  PROGRAM,
  glslConstants,
  glslFloat,
  packHue,
  packViz,
} from '../../../src/render/shaders/constants';
import { matrixFragment, matrixUniforms, matrixVertex } from '../../../src/render/shaders/matrix';
import { ballFragment, ballUniforms, ballVertex } from '../../../src/render/shaders/ball';
import { bakeFragment, bakeUniforms, bakeVertex } from '../../../src/render/shaders/bake';

/** Uniform names declared in GLSL source (all #if branches: the text is not preprocessed). */
function declared(...sources: string[]): Set<string> {
  const names = new Set<string>();
  for (const src of sources)
    for (const m of src.matchAll(/^\s*uniform\s+(?:\w+\s+)?\w+\s+(\w+)\s*;/gm)) names.add(m[1]!);
  return names;
}
/** Uniforms three.js provides to every ShaderMaterial (a stage may declare them itself). */
const BUILT_IN = new Set([
  'projectionMatrix',
  'modelViewMatrix',
  'modelMatrix',
  'viewMatrix',
  'cameraPosition',
  // three.js sets it for every object it draws (the inverse transpose of modelViewMatrix).
  'normalMatrix',
]);

const empty = new THREE.Texture();
const programs = {
  matrix: { stages: [matrixVertex, matrixFragment], uniforms: Object.keys(matrixUniforms(empty)) },
  ball: {
    stages: [ballVertex, ballFragment],
    uniforms: Object.keys(ballUniforms(matrixUniforms(empty), { value: new THREE.Vector4() })),
  },
  bake: { stages: [bakeVertex, bakeFragment], uniforms: Object.keys(bakeUniforms(empty)) },
};

describe('shader uniforms', () => {
  for (const [name, p] of Object.entries(programs)) {
    it(`${name}: every uniform its stages declare is in its uniforms object`, () => {
      const missing = [...declared(...p.stages)].filter(
        (u) => !BUILT_IN.has(u) && !p.uniforms.includes(u),
      );
      expect(missing).toEqual([]);
    });
  }

  it('matrix: every uniform of the object is read by the matrix or ball program (uValues: by the bake pass)', () => {
    const used = declared(matrixVertex, matrixFragment, ballVertex, ballFragment);
    const unused = Object.keys(matrixUniforms(empty)).filter((u) => !used.has(u));
    expect(unused).toEqual(['uValues']);
    expect(declared(bakeFragment).has('uValues')).toBe(true);
  });

  it('the declarations parsed are the ones in the source (spot check by hand)', () => {
    expect([...declared(bakeFragment)].sort()).toEqual([
      'uHue',
      'uLevel',
      'uRange',
      'uValues',
      'uViz',
    ]);
    expect(declared(ballFragment)).toEqual(new Set(['projectionMatrix', 'uOpacity']));
  });
});

describe('shared constants', () => {
  const all = [matrixVertex, matrixFragment, ballVertex, ballFragment, bakeVertex, bakeFragment];
  const defined = new Set([...glslConstants().matchAll(/^#define (\w+) /gm)].map((m) => m[1]!));

  it('every shared macro a shader uses is defined', () => {
    for (const src of all) {
      const body = src.replace(glslConstants(), '');
      for (const m of body.matchAll(
        /\b(?:REVEAL|PLANE|MODE|VIZ)_[A-Z_]+\b|\b(?:NEAR|FAR)_CELLS_PER_PIXEL\b|\b(?:ZERO_HUE|HUE_GAP|HUE_SPREAD)\b/g,
      )) {
        expect(defined.has(m[0]), m[0]).toBe(true);
      }
    }
  });

  it('no mode, plane or threshold is a bare literal in GLSL', () => {
    for (const withConstants of all) {
      const src = withConstants.replace(glslConstants(), '');
      expect(src).not.toMatch(/\bmode\s*[=!]=\s*\d/);
      expect(src).not.toMatch(/\buPlane\s*[=!]=\s*\d/);
      expect(src).not.toMatch(/#if\s+MODE\s*[=!]=\s*\d/);
      expect(src).not.toMatch(/cellsPerPixel\s*<=\s*\d/);
      // The packed look settings are read by name, never by component.
      expect(src).not.toMatch(/\buViz\.[xyzw]/);
      expect(src).not.toMatch(/\buHue\.[xyz]/);
    }
  });

  it('defines the numbers TypeScript uses (written out by hand)', () => {
    const lines = glslConstants().trim().split('\n');
    for (const l of [
      '#define REVEAL_ALL 0',
      '#define REVEAL_ROWMAJOR 1',
      '#define REVEAL_COLMAJOR 2',
      '#define REVEAL_ROWS 3',
      '#define REVEAL_COLS 4',
      '#define REVEAL_HIDDEN 5',
      '#define PLANE_K_FIXED 0',
      '#define PLANE_I_FIXED 1',
      '#define PLANE_J_FIXED 2',
      '#define MODE_NEAR 0',
      '#define MODE_MID 1',
      '#define MODE_FAR 2',
      '#define NEAR_CELLS_PER_PIXEL 0.2',
      '#define FAR_CELLS_PER_PIXEL 0.6',
      '#define VIZ_MIN_SIZE uViz.x',
      '#define VIZ_MIN_LIGHT uViz.y',
      '#define VIZ_MAX_LIGHT uViz.z',
      '#define VIZ_ELEM_SCALE uViz.w',
      '#define ZERO_HUE uHue.x',
      '#define HUE_GAP uHue.y',
      '#define HUE_SPREAD uHue.z',
    ])
      expect(lines).toContain(l);
    expect(PROGRAM).toEqual({ near: 0, mid: 1, far: 2 });
    expect(CELLS_PER_PIXEL).toEqual({ near: 0.2, far: 0.6 });
  });

  it('packs the look settings in the order the GLSL names them', () => {
    const viz = {
      minSize: 1,
      minLight: 2,
      maxLight: 3,
      elemScale: 4,
      zeroHue: 5,
      hueGap: 6,
      hueSpread: 7,
    };
    expect(packViz(viz)).toEqual([1, 2, 3, 4 * 0.7]);
    expect(packHue(viz)).toEqual([5, 6, 7]);
  });

  it('writes floats as GLSL float literals', () => {
    expect(glslFloat(0.2)).toBe('0.2');
    expect(glslFloat(1)).toBe('1.0');
    expect(glslFloat(-3)).toBe('-3.0');
    expect(glslFloat(1e-7)).toBe('1.0e-7');
    expect(glslFloat(2.5e-8)).toBe('2.5e-8');
    expect(() => glslFloat(Infinity)).toThrow();
  });
});
