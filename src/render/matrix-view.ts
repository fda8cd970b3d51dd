/**
 * One matrix on the GPU: its values (and pooled levels) in a float texture, its look (colour and
 * size per cell) baked from them by a GPU pass into an RGBA8 texture with the same levels, drawn as
 * one box mesh with the ball shader. Colour and size settings are uniforms (they re-run the bake
 * pass, no CPU work per element); a new placement is a new matrix transform; only new values touch
 * the float texture.
 */
import * as THREE from 'three';
import { type MatrixPlacement, posOf } from '../core/layout/layout';
import { cellAtOrBefore } from '../core/layout/pick';
import type { MatrixValues } from '../core/model/values';
import type { Range, VizParams } from '../core/color';
import { REVEAL } from '../core/anim/view';
import {
  type MatrixUniforms,
  matrixFragment,
  matrixUniforms,
  matrixVertex,
} from './shaders/matrix';
import { type BallUniforms, ballFragment, ballUniforms, ballVertex } from './shaders/ball';
import { bakeFragment, bakeUniforms, bakeVertex } from './shaders/bake';
import { CELLS_PER_PIXEL, PROGRAM, type ProgramMode, packHue, packViz } from './shaders/constants';

const EMPTY = (() => {
  const t = new THREE.DataTexture(new Float32Array(1), 1, 1, THREE.RedFormat, THREE.FloatType);
  t.needsUpdate = true;
  return t;
})();

/** A unit square in the plane z = 0 (the bake pass's full-target quad). */
const unitQuad = (() => {
  const g = new THREE.PlaneGeometry(1, 1);
  g.translate(0.5, 0.5, 0);
  return g;
})();

/**
 * Up to `n` axis-aligned rectangles of the unit square (fractions of a matrix's box), as triangles:
 * a matrix is drawn as a few such pieces, each by the program its distance needs.
 */
function rectsGeometry(n: number): THREE.BufferGeometry {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(n * 18), 3));
  g.setDrawRange(0, 0);
  return g;
}

type Rect = [number, number, number, number];

function setRects(g: THREE.BufferGeometry, rects: Rect[]): void {
  const attr = g.getAttribute('position') as THREE.BufferAttribute;
  const a = attr.array as Float32Array;
  let changed = g.drawRange.count !== rects.length * 6;
  rects.forEach(([x0, y0, x1, y1], r) => {
    const corners = [x0, y0, 0, x1, y0, 0, x1, y1, 0, x0, y0, 0, x1, y1, 0, x0, y1, 0];
    for (let k = 0; k < 18; k++) {
      if (a[r * 18 + k] !== corners[k]) {
        a[r * 18 + k] = corners[k]!;
        changed = true;
      }
    }
  });
  if (changed) {
    attr.needsUpdate = true;
    g.setDrawRange(0, rects.length * 6);
  }
}

/** The unit square minus `r`, as up to four strips. */
function outside([x0, y0, x1, y1]: Rect): Rect[] {
  const rest: Rect[] = [];
  if (y0 > 0) rest.push([0, 0, 1, y0]);
  if (y1 < 1) rest.push([0, y1, 1, 1]);
  if (x0 > 0) rest.push([0, y0, x0, y1]);
  if (x1 < 1) rest.push([x1, y0, 1, y1]);
  return rest;
}

/** The cells along one axis whose squares meet [a, b] (local positions), padded by one cell; clamped to the matrix. */
/** Mip levels of a render target carry sizes only. */
const NO_DATA = new Uint8Array(0);

export function cellRange(
  a: number,
  b: number,
  axis: { n: number; size: number; gap: number },
): [number, number] {
  const clamp = (i: number): number => Math.max(0, Math.min(axis.n - 1, i));
  return [clamp(cellAtOrBefore(axis, a) - 1), clamp(cellAtOrBefore(axis, b) + 1)];
}

/**
 * The balls' geometry, one for every matrix: their shader works from the vertex index alone, so
 * the only data is two triangles per ball over four corners, and an attribute as long as the
 * vertices (a draw needs one; one byte each). Each matrix sets how many balls to draw just before
 * its draw (see showBalls), so no matrix owns GPU buffers for its balls. It holds as many balls as
 * the largest draw so far needs (rounded up to a power of two): made for the most balls any view
 * can need, it was 4.5 MB to fill and send to the GPU before the first frame of every page.
 */
let ballGeometry: THREE.BufferGeometry | null = null;
let ballCapacity = 0;
function sharedBallGeometry(balls: number): THREE.BufferGeometry {
  if (!ballGeometry || balls > ballCapacity) {
    ballGeometry?.dispose();
    ballCapacity = Math.min(MAX_BALLS, Math.max(1024, 2 ** Math.ceil(Math.log2(balls))));
    const index = new Uint32Array(6 * ballCapacity);
    for (let b = 0, v = 0, i = 0; b < ballCapacity; b++, v += 4, i += 6) {
      index[i] = v;
      index[i + 1] = v + 1;
      index[i + 2] = v + 2;
      index[i + 3] = v;
      index[i + 4] = v + 2;
      index[i + 5] = v + 3;
    }
    ballGeometry = new THREE.BufferGeometry();
    ballGeometry.setIndex(new THREE.BufferAttribute(index, 1));
    ballGeometry.setAttribute(
      'position',
      new THREE.BufferAttribute(new Uint8Array(4 * ballCapacity), 1),
    );
    // Set, so that three never derives one from the placeholder attribute (used for sorting only).
    ballGeometry.boundingSphere = new THREE.Sphere(new THREE.Vector3(), 1);
  }
  return ballGeometry;
}

/** The bake pass (shared by all matrices): one full-target quad, the look shader. */
const bake = (() => {
  const uniforms = bakeUniforms(EMPTY);
  const material = new THREE.ShaderMaterial({
    glslVersion: THREE.GLSL3,
    vertexShader: bakeVertex,
    fragmentShader: bakeFragment,
    depthTest: false,
    depthWrite: false,
    uniforms,
  });
  const mesh = new THREE.Mesh(unitQuad, material);
  mesh.frustumCulled = false;
  const scene = new THREE.Scene();
  scene.add(mesh);
  return { uniforms, scene, camera: new THREE.Camera() };
})();

const scratch = new THREE.Vector3();
/** Cells per pixel below which balls are ray-cast, and above which cells are drawn flat (shared with the shaders). */
const NEAR = CELLS_PER_PIXEL.near;
const FAR = CELLS_PER_PIXEL.far;
/** At most this many balls are drawn as geometry (more near cells: the ray-caster draws them). */
const MAX_BALLS = 160_000;
const inverse = new THREE.Matrix4();

/** A render target like the look's, to compile the bake program as the bakes will use it. */
let bakeCompileTarget: THREE.WebGLRenderTarget | null = null;

/** Sends the bake program to the GPU for compiling (without waiting for it). */
export function compileBake(renderer: THREE.WebGLRenderer): void {
  // three keys programs on the output's colour space: compiled for the canvas, this program would
  // be compiled a second time, during the first frame, for the bakes into render targets.
  bakeCompileTarget ??= new THREE.WebGLRenderTarget(1, 1);
  const previous = renderer.getRenderTarget();
  renderer.setRenderTarget(bakeCompileTarget);
  renderer.compile(bake.scene, bake.camera);
  renderer.setRenderTarget(previous);
}

/** Column-major basis from a placement: x → columns, y → rows, z → columns × rows (det +1). */
export function placementMatrix(p: MatrixPlacement): THREE.Matrix4 {
  const c = new THREE.Vector3(...p.colDir);
  const r = new THREE.Vector3(...p.rowDir);
  const z = new THREE.Vector3().crossVectors(c, r);
  return new THREE.Matrix4().makeBasis(c, r, z).setPosition(...p.origin);
}

export interface RevealState {
  mode: number;
  count: number;
  hiRows?: [number, number];
  hiCols?: [number, number];
  dim?: number;
  /** Draw only the highlighted ranges (interior planes). */
  clip?: boolean;
}

export class MatrixView {
  readonly mesh: THREE.Mesh<THREE.BufferGeometry, THREE.ShaderMaterial>;
  /** The values' texture, from level `textureBase` on (see valueLevels); made when first needed. */
  private texture: THREE.DataTexture | null = null;
  private textureBase = 0;
  private values: MatrixValues | null = null;
  /** The baked look (RGBA8, one mip level per pooled level). */
  private look: THREE.WebGLRenderTarget | null = null;
  /**
   * The finest level of the look texture that is baked (levels below it are not needed yet);
   * Infinity when values or look uniforms changed since the last bake.
   */
  private bakedFrom = Infinity;
  private readonly product: boolean;
  placement: MatrixPlacement;

  /** The part of the matrix near the camera drawn by the ball ray-caster (when balls as geometry would be too many). */
  private readonly nearMesh: THREE.Mesh<THREE.BufferGeometry, THREE.ShaderMaterial>;
  /** Balls near the camera, one square per cell of a rectangle (see ballVertex). */
  private balls: THREE.Mesh<THREE.BufferGeometry, THREE.ShaderMaterial> | null = null;
  /** Indices of the shared ball geometry this matrix draws (set into its draw range before the draw). */
  private ballIndices = 0;
  private readonly cells: BallUniforms['uCells'] = { value: new THREE.Vector4(0, 0, 1, 0) };
  /** Uniforms shared by every program variant of this matrix. */
  readonly uniforms: MatrixUniforms;
  /** Program variants by (mode, gaps, anim): see the fragment shader's MODE, GAPS and ANIM. */
  private readonly materials = new Map<string, THREE.ShaderMaterial>();

  constructor(placement: MatrixPlacement, product = false) {
    this.placement = placement;
    this.product = product;
    this.uniforms = matrixUniforms(EMPTY);
    this.mesh = new THREE.Mesh(rectsGeometry(4), this.material(PROGRAM.near, false, product));
    this.mesh.frustumCulled = false;
    this.mesh.matrixAutoUpdate = false;
    setRects(this.mesh.geometry, [[0, 0, 1, 1]]);
    this.nearMesh = new THREE.Mesh(rectsGeometry(1), this.mesh.material);
    this.nearMesh.frustumCulled = false;
    this.nearMesh.matrixAutoUpdate = false;
    this.nearMesh.visible = false;
    this.mesh.add(this.nearMesh);
    this.setPlacement(placement);
  }

  /**
   * The program variant `key` of this matrix, made once by `make` (every variant shares the
   * uniform objects). Called every frame: nothing is built for a variant that exists.
   */
  private variant(
    key: string,
    make: () => {
      defines: Record<string, number>;
      vertexShader: string;
      fragmentShader: string;
      uniforms: MatrixUniforms | BallUniforms;
    },
  ): THREE.ShaderMaterial {
    let m = this.materials.get(key);
    if (!m) {
      m = new THREE.ShaderMaterial({ glslVersion: THREE.GLSL3, side: THREE.DoubleSide, ...make() });
      this.materials.set(key, m);
    }
    return m;
  }

  private material(mode: ProgramMode, gaps: boolean, anim: boolean): THREE.ShaderMaterial {
    return this.variant(`${mode}${gaps ? 'g' : ''}${anim ? 'a' : ''}`, () => {
      const defines: Record<string, number> = { MODE: mode };
      if (this.product) defines.PRODUCT = 1;
      if (gaps) defines.GAPS = 1;
      if (anim || this.product) defines.ANIM = 1;
      return {
        defines,
        vertexShader: matrixVertex,
        fragmentShader: matrixFragment,
        uniforms: this.uniforms,
      };
    });
  }

  private ballMaterial(gaps: boolean, anim: boolean): THREE.ShaderMaterial {
    return this.variant(`balls${gaps ? 'g' : ''}${anim ? 'a' : ''}`, () => {
      const defines: Record<string, number> = {};
      if (gaps) defines.GAPS = 1;
      if (anim) defines.ANIM = 1;
      // The same uniform objects as the other programs, plus the rectangle of cells.
      return {
        defines,
        vertexShader: ballVertex,
        fragmentShader: ballFragment,
        uniforms: ballUniforms(this.uniforms, this.cells),
      };
    });
  }

  /** Shows the balls of columns c0..c1 and rows r0..r1. */
  private showBalls(
    c0: number,
    c1: number,
    r0: number,
    r1: number,
    gaps: boolean,
    anim: boolean,
  ): void {
    const count = (c1 - c0 + 1) * (r1 - r0 + 1);
    if (!this.balls) {
      this.balls = new THREE.Mesh(sharedBallGeometry(count), this.ballMaterial(gaps, anim));
      this.balls.onBeforeRender = (_r, _s, _c, g) => g.setDrawRange(0, this.ballIndices);
      this.balls.frustumCulled = false;
      this.balls.matrixAutoUpdate = false;
      this.mesh.add(this.balls);
      // Added after the matrix was placed: take its transform at the next draw.
      this.balls.matrixWorldNeedsUpdate = true;
    }
    // (the shared geometry is replaced by a bigger one when a draw needs more balls)
    this.balls.geometry = sharedBallGeometry(count);
    this.balls.material = this.ballMaterial(gaps, anim);
    this.cells.value.set(c0, r0, c1 - c0 + 1, 0);
    this.ballIndices = 6 * count;
    this.balls.visible = true;
  }

  /**
   * Before drawing with `camera` into a viewport `heightPx` pixels high: bakes the look texture
   * as far as needed and picks the cheapest program for each part of the matrix. Cells under
   * about two pixels everywhere need only the flat far path, under about five the disc path; the
   * part of the matrix near the camera (a rectangle around the camera's foot) needs balls: drawn
   * as geometry, or by the ray-caster on that rectangle when there would be too many. (On
   * software renderers every line of a shader costs, taken or not, so the paths are separate
   * programs.)
   */
  prepare(
    renderer: THREE.WebGLRenderer,
    camera: THREE.PerspectiveCamera,
    heightPx: number,
    bakeNow = true,
  ): void {
    const focal = Math.max(1e-9, (camera.projectionMatrix.elements[5]! * heightPx) / 2);
    const local = scratch
      .copy(camera.position)
      .applyMatrix4(inverse.copy(this.mesh.matrix).invert());
    const lo = this.uniforms.uBoxMin.value;
    const size = this.uniforms.uBoxSize.value;
    const dx = local.x - THREE.MathUtils.clamp(local.x, lo.x, lo.x + size.x);
    const dy = local.y - THREE.MathUtils.clamp(local.y, lo.y, lo.y + size.y);
    // Cells per pixel at the nearest point, seen head-on (seen obliquely they are smaller still).
    const cellsPerPixel = Math.hypot(dx, dy, local.z) / focal;
    // Where every cell is drawn flat from a pooled level, levels finer than the one a pixel covers
    // nearest the camera are not read (with a level to spare: pixels off the view's axis see cells
    // up to a fifth bigger, and the sampler rounds).
    if (bakeNow)
      this.bakeLook(renderer, cellsPerPixel > FAR ? Math.floor(Math.log2(cellsPerPixel * 0.7)) : 0);
    const p = this.placement;
    const gaps =
      (p.cols.gap > 0 && p.cols.size < p.cols.n) || (p.rows.gap > 0 && p.rows.size < p.rows.n);
    const u = this.uniforms;
    const anim =
      u.uReveal.value.x !== REVEAL.all || u.uHighlight.value !== 0 || u.uClip.value !== 0;
    let near: Rect | null = null;
    if (cellsPerPixel <= NEAR) {
      // Points nearer than NEAR * focal: within a circle around the camera's foot on the plane.
      const r = Math.sqrt(Math.max(0, (NEAR * focal) ** 2 - local.z ** 2));
      const fx = (x: number): number => THREE.MathUtils.clamp((x - lo.x) / size.x, 0, 1);
      const fy = (y: number): number => THREE.MathUtils.clamp((y - lo.y) / size.y, 0, 1);
      near = [fx(local.x - r), fy(local.y - r), fx(local.x + r), fy(local.y + r)];
      if (near[2] <= near[0] || near[3] <= near[1]) near = null;
    }
    if (this.balls) this.balls.visible = false;
    const whole = near !== null && near[0] <= 0 && near[1] <= 0 && near[2] >= 1 && near[3] >= 1;
    if (near && !this.product) {
      // Near balls as geometry, when there are not too many: cells whose squares meet the rectangle.
      const cols = cellRange(lo.x + near[0] * size.x, lo.x + near[2] * size.x, p.cols);
      const rows = cellRange(lo.y + near[1] * size.y, lo.y + near[3] * size.y, p.rows);
      if ((cols[1] - cols[0] + 1) * (rows[1] - rows[0] + 1) <= MAX_BALLS) {
        this.showBalls(cols[0], cols[1], rows[0], rows[1], gaps, anim);
        this.mesh.material = this.material(PROGRAM.mid, gaps, anim);
        this.hideNear();
        setRects(this.mesh.geometry, whole ? [] : outside(near));
        return;
      }
    }
    if (!near || whole) {
      // One program for the whole matrix.
      this.mesh.material = this.material(
        near
          ? PROGRAM.near
          : cellsPerPixel > FAR
            ? PROGRAM.far
            : cellsPerPixel > NEAR
              ? PROGRAM.mid
              : PROGRAM.near,
        gaps,
        anim,
      );
      setRects(this.mesh.geometry, [[0, 0, 1, 1]]);
      this.hideNear();
      return;
    }
    // The near rectangle with the ray-caster, the rest (up to four strips) with the disc path.
    this.mesh.material = this.material(PROGRAM.mid, gaps, anim);
    setRects(this.mesh.geometry, outside(near));
    this.nearMesh.material = this.material(PROGRAM.near, gaps, anim);
    setRects(this.nearMesh.geometry, [near]);
    this.nearMesh.visible = true;
  }

  /**
   * Hides the near piece, which then keeps the matrix's program: three.js's `compile` (how the
   * view sends the first frame's programs ahead, ./scene.ts) compiles the programs of hidden
   * objects too, and a program the frame does not draw is work for the GPU process before the
   * first frame (every matrix's hidden near piece kept the ray-caster's program, which a view
   * with no ray-cast piece never draws).
   */
  private hideNear(): void {
    this.nearMesh.visible = false;
    this.nearMesh.material = this.mesh.material;
  }

  setPlacement(p: MatrixPlacement): void {
    this.placement = p;
    this.mesh.matrix.copy(placementMatrix(p));
    this.mesh.matrixWorldNeedsUpdate = true;
    const u = this.uniforms;
    u.uShape.value.set(p.w, p.h);
    u.uAxes.value.set(p.cols.size, p.cols.gap, p.rows.size, p.rows.gap);
    this.updateBox();
  }

  private updateBox(): void {
    const p = this.placement;
    const R = 0.5 * this.uniforms.uViz.value.w;
    const xe = posOf(p.cols, p.cols.n - 1);
    const ye = posOf(p.rows, p.rows.n - 1);
    this.uniforms.uBoxMin.value.set(-0.5 - R, -0.5 - R, 0);
    this.uniforms.uBoxSize.value.set(xe + 1 + 2 * R, ye + 1 + 2 * R, 1);
  }

  /** The texture holding this matrix's values, every level (for interior product planes). */
  get valueTexture(): THREE.DataTexture {
    return this.values ? this.valueLevels(0) : EMPTY;
  }

  /**
   * The value texture with every level from `finest` on (its level 0 is pooled level
   * `textureBase`). Levels finer than a view has needed are not uploaded: a big matrix seen from
   * afar needs only its coarse levels, and uploading the values of a GPT-2 layer (73 MB as floats)
   * held up its first frame by a few hundred milliseconds with software rendering. A view that
   * comes closer uploads the finer levels then (the texture is made again from that level on).
   */
  private valueLevels(finest: number): THREE.DataTexture {
    const v = this.values!;
    if (this.texture && this.textureBase <= finest) return this.texture;
    this.texture?.dispose();
    const base = Math.max(0, Math.min(finest, v.levels.length));
    const mips: THREE.CompressedTextureMipmap[] = [
      { data: v.data, width: v.w, height: v.h },
      ...v.levels.map((l) => ({ data: l.data, width: l.w, height: l.h })),
    ].slice(base);
    const tex = new THREE.DataTexture(
      mips[0]!.data as Float32Array,
      mips[0]!.width,
      mips[0]!.height,
      THREE.RedFormat,
      THREE.FloatType,
    );
    tex.mipmaps = mips;
    tex.minFilter = mips.length > 1 ? THREE.NearestMipmapNearestFilter : THREE.NearestFilter;
    tex.magFilter = THREE.NearestFilter;
    tex.generateMipmaps = false;
    tex.unpackAlignment = 1;
    tex.needsUpdate = true;
    this.texture = tex;
    this.textureBase = base;
    return tex;
  }

  /** Shows `data` (same shape) instead of the computed values, e.g. partial sums while animating. */
  setOverride(data: Float32Array | null): void {
    if (!data) {
      if (this.override) {
        this.override.dispose();
        this.override = null;
        this.uniforms.uValues.value = this.texture ?? EMPTY;
        this.uniforms.uMaxLevel.value = this.values?.levels.length ?? 0;
        this.bakedFrom = Infinity;
      }
      return;
    }
    if (
      !this.override ||
      this.override.image.width !== this.placement.w ||
      this.override.image.height !== this.placement.h
    ) {
      this.override?.dispose();
      this.override = new THREE.DataTexture(
        data,
        this.placement.w,
        this.placement.h,
        THREE.RedFormat,
        THREE.FloatType,
      );
    } else (this.override.image as { data: Float32Array }).data = data;
    this.override.needsUpdate = true;
    this.uniforms.uValues.value = this.override;
    this.uniforms.uMaxLevel.value = 0;
    this.bakedFrom = Infinity;
  }

  private override: THREE.DataTexture | null = null;

  setValues(v: MatrixValues): void {
    if (v === this.values) return;
    this.values = v;
    // Uploaded when a view needs it, from the finest level it needs (valueLevels).
    this.texture?.dispose();
    this.texture = null;
    if (!this.override) {
      this.uniforms.uValues.value = EMPTY;
      this.uniforms.uMaxLevel.value = v.levels.length;
      this.bakedFrom = Infinity;
    }
    this.mesh.visible = true;
  }

  setLook(range: Range, viz: VizParams): void {
    const r = this.uniforms.uRange.value;
    const z = this.uniforms.uViz.value;
    const h = this.uniforms.uHue.value;
    const before = [r.x, r.y, z.x, z.y, z.z, h.x, h.y, h.z];
    r.set(range.absmin, range.absmax);
    z.set(...packViz(viz));
    h.set(...packHue(viz));
    const after = [r.x, r.y, z.x, z.y, z.z, h.x, h.y, h.z];
    if (after.some((x, i) => x !== before[i])) this.bakedFrom = Infinity;
    this.updateBox();
  }

  /**
   * Bakes the look texture from level `finest` up, where not baked since values or look uniforms
   * last changed: one GPU pass per level (a texel per cell). A matrix seen from afar only needs its
   * coarse levels; the fine ones are baked when the view comes closer. Called before drawing.
   */
  private bakeLook(renderer: THREE.WebGLRenderer, finest: number): void {
    if (this.product) return;
    // The values shown (an override's, the computed ones, or none yet) and their full size.
    const shown = this.override ?? (this.values ? null : EMPTY);
    const { width: w, height: h } = shown
      ? (shown.image as { width: number; height: number })
      : { width: this.values!.w, height: this.values!.h };
    const levels = this.uniforms.uMaxLevel.value;
    let rt = this.look;
    if (
      !rt ||
      rt.width !== w ||
      rt.height !== h ||
      rt.texture.mipmaps.length !== (levels ? levels + 1 : 0)
    ) {
      rt?.dispose();
      rt = new THREE.WebGLRenderTarget(w, h, {
        depthBuffer: false,
        stencilBuffer: false,
        type: THREE.UnsignedByteType,
        format: THREE.RGBAFormat,
        generateMipmaps: false,
        minFilter: levels ? THREE.NearestMipmapNearestFilter : THREE.NearestFilter,
        magFilter: THREE.NearestFilter,
      });
      // Storage for every pooled level (GL sizes: halved with floor, at least 1, as the levels are).
      // (Only the sizes are read for a render target; there is no data to upload.)
      const sizes: THREE.CompressedTextureMipmap[] = Array.from({ length: levels + 1 }, (_, l) => ({
        data: NO_DATA,
        width: Math.max(1, w >> l),
        height: Math.max(1, h >> l),
      }));
      if (levels) rt.texture.mipmaps = sizes;
      this.look = rt;
      this.bakedFrom = Infinity;
    }
    const from = Math.min(Math.max(0, finest), levels);
    if (from >= this.bakedFrom) return;
    const src = shown ?? this.valueLevels(from);
    // The source texture's level 0 is this level of the values.
    const base = shown ? 0 : this.textureBase;
    // (uValues: the texture the look was last baked from)
    this.uniforms.uValues.value = src;
    const u = bake.uniforms;
    u.uValues.value = src;
    u.uViz.value = this.uniforms.uViz.value;
    u.uHue.value = this.uniforms.uHue.value;
    u.uRange.value = this.uniforms.uRange.value;
    const previous = renderer.getRenderTarget();
    for (let l = from; l < Math.min(this.bakedFrom, levels + 1); l++) {
      u.uLevel.value = l - base;
      rt.viewport.set(0, 0, Math.max(1, w >> l), Math.max(1, h >> l));
      renderer.setRenderTarget(rt, 0, l);
      renderer.render(bake.scene, bake.camera);
    }
    rt.viewport.set(0, 0, w, h);
    renderer.setRenderTarget(previous);
    this.bakedFrom = from;
    this.uniforms.uLook.value = rt.texture;
    this.uniforms.uFinest.value = from;
  }

  setReveal(r: RevealState | null): void {
    const u = this.uniforms;
    if (!r) {
      u.uReveal.value.set(REVEAL.all, 0, 0, 0);
      u.uClip.value = 0;
      u.uHighlight.value = 0;
      u.uDim.value = 1;
      return;
    }
    u.uReveal.value.set(r.mode, r.count, 0, 0);
    u.uClip.value = r.clip ? 1 : 0;
    if (r.hiRows && r.hiCols) {
      // Highlighted ranges: the rest is dimmed, or (clip) not drawn at all.
      u.uHiRows.value.set(r.hiRows[0], r.hiRows[1], r.hiCols[0], r.hiCols[1]);
      u.uHighlight.value = 1;
      u.uDim.value = r.dim ?? 0.7;
    } else {
      u.uHighlight.value = 0;
      u.uDim.value = 1;
    }
  }

  dispose(): void {
    this.texture?.dispose();
    this.look?.dispose();
    this.override?.dispose();
    for (const m of this.materials.values()) m.dispose();
    this.mesh.geometry.dispose();
    this.nearMesh.geometry.dispose();
  }
}
