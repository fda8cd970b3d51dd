/**
 * The three.js scene derived from the model: one MatrixView and GuideView per matrix, a flow arrow
 * per matmul, legends, optional axes. `sync(model)` reuses views by key and touches only what
 * changed. Frames are drawn on demand (state change, camera motion, spin or animation), so an idle
 * page costs nothing; frame times are recorded for the diag panel and the bench.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { Layout, MatrixPlacement } from '../core/layout/layout';
import { interiorPlanePlacement, partialSumPlacement } from '../core/layout/interior';
import { type InteriorPlane, type MatrixShow, REVEAL } from '../core/anim/view';
import type { MatrixValues } from '../core/model/values';
import type { Params } from '../core/params/schema';
import { type Sensitivity, type VizParams, rangeFor } from '../core/color';
import { MatrixView, compileBake } from './matrix-view';
import { GuideView } from './guides';
import { FlowView } from './flow';
import { LegendsView } from './legends';
import { KeyedPool } from './pool';
import { ReducedTarget } from './reduced';
import { CONTEXT_ATTRIBUTES, takeEarlyCanvas, viewRatio } from './early-context';
import { ResolutionPolicy } from './resolution';

export interface SceneModel {
  params: Params;
  layout: Layout;
  values: Map<string, MatrixValues> | null;
}

export function vizOf(p: Params): VizParams {
  const { minSize, minLight, maxLight, elemScale, zeroHue, hueGap, hueSpread } = p.viz;
  return { minSize, minLight, maxLight, elemScale, zeroHue, hueGap, hueSpread };
}

/** What colouring needs besides a matrix's own statistics (docs/colors.md). */
function lookContext(model: SceneModel): { viz: VizParams; sens: Sensitivity; globalMax: number } {
  let globalMax = 0;
  if (model.values)
    for (const v of model.values.values()) globalMax = Math.max(globalMax, v.stats.maxAbs);
  return { viz: vizOf(model.params), sens: model.params.viz.sensitivity, globalMax };
}

/**
 * Vertical field of view (degrees) for a window of this aspect: 45°, widened for windows taller
 * than wide so that the picture keeps its width, as the original tool does (docs/layout.md).
 */
export function fovFor(aspect: number): number {
  return 45 / Math.min(1, aspect > 0 ? aspect : 1);
}

/** The length of the axes (`deco.axes`), in cells. */
const AXES_LENGTH = 128;

const corner = new THREE.Vector3();

/**
 * The rectangle of a `width` x `height` drawing buffer (pixels, origin bottom left) that the box
 * `bounds` (world units, padded by a cell for balls that reach past it) covers as seen by
 * `camera`; null when part of the box is behind the camera (then it may cover any pixel).
 */
export function screenRect(
  bounds: Layout['bounds'],
  camera: THREE.Camera,
  width: number,
  height: number,
): [number, number, number, number] | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let k = 0; k < 8; k++) {
    corner.set(
      (k & 1 ? bounds.max[0] : bounds.min[0]) + (k & 1 ? 1 : -1),
      (k & 2 ? bounds.max[1] : bounds.min[1]) + (k & 2 ? 1 : -1),
      (k & 4 ? bounds.max[2] : bounds.min[2]) + (k & 4 ? 1 : -1),
    );
    corner.applyMatrix4(camera.matrixWorldInverse);
    if (corner.z >= -1e-6) return null;
    corner.applyMatrix4(camera.projectionMatrix);
    x0 = Math.min(x0, corner.x);
    x1 = Math.max(x1, corner.x);
    y0 = Math.min(y0, corner.y);
    y1 = Math.max(y1, corner.y);
  }
  const px = (v: number, n: number): number =>
    Math.max(0, Math.min(n, Math.round(((v + 1) / 2) * n)));
  const l = Math.max(0, px(x0, width) - 1);
  const b = Math.max(0, px(y0, height) - 1);
  const r = Math.min(width, px(x1, width) + 1);
  const t = Math.min(height, px(y1, height) + 1);
  return [l, b, Math.max(0, r - l), Math.max(0, t - b)];
}

export class SceneView {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  readonly legends = new LegendsView();
  /** Per matrix (by key): its view and its row guides. */
  private readonly matrixViews = new KeyedPool<string, MatrixView>();
  private readonly guideViews = new KeyedPool<string, GuideView>();
  /** Per matmul, interior plane and partial-sum plane shown (by position in their lists). */
  private readonly flowViews = new KeyedPool<number, FlowView>();
  private readonly planeViews = new KeyedPool<number, MatrixView>();
  private readonly partialViews = new KeyedPool<number, MatrixView>();
  /** The interior planes shown now, with their placements (for labels in the magnifier). */
  interior: { plane: InteriorPlane; placement: MatrixPlacement }[] = [];
  private axes: THREE.AxesHelper | null = null;
  private dirty = true;
  private model: SceneModel | null = null;
  private frameTimes: number[] = [];
  private lastFrame = 0;
  private spin = 0;
  /**
   * Full-resolution pixel ratio (the canvas's), and the one the matrices are drawn at: lower
   * while the view moves and frames miss their budget (adaptive); legends stay at full.
   */
  private readonly fullRatio: number;
  private ratio: number;
  private lastMotion = 0;
  private restoreTimer: number | undefined;
  private readonly reduced = new ReducedTarget();
  /** When to draw at reduced resolution while moving (steps down only where that pays). */
  private readonly policy: ResolutionPolicy;
  /**
   * For tests and the bench: the ratio to draw at while the view moves, instead of the one the
   * frame times call for; null: adaptive.
   */
  fixedRatio: number | null = null;
  /** Called after each drawn frame (for the animation driver, stats and "ready"). */
  onFrame: ((now: number) => void) | null = null;
  /** Called when a camera move ends. */
  onCameraEnd: (() => void) | null = null;
  /** The magnifier: centre in CSS pixels, side in CSS pixels, zoom factor; null when off. */
  lens: { x: number; y: number; side: number; mag: number } | null = null;
  readonly lensCamera = new THREE.PerspectiveCamera();
  /** Called after the lens is drawn (to place value labels). */
  onLens:
    | ((cam: THREE.PerspectiveCamera, rect: { left: number; top: number; side: number }) => void)
    | null = null;
  /** Extra per-frame work that keeps the loop drawing (animation). */
  animating = false;
  framesDrawn = 0;

  constructor(private readonly container: HTMLElement) {
    // The canvas whose context the page's entry made while the code loaded (./early-context.ts),
    // if any: three.js's getContext call then returns that context.
    const canvas = takeEarlyCanvas() ?? undefined;
    this.renderer = new THREE.WebGLRenderer({
      canvas,
      antialias: CONTEXT_ATTRIBUTES.antialias,
      stencil: CONTEXT_ATTRIBUTES.stencil,
      powerPreference: CONTEXT_ATTRIBUTES.powerPreference,
    });
    this.fullRatio = viewRatio();
    this.ratio = this.fullRatio;
    this.policy = new ResolutionPolicy(this.fullRatio);
    const w = container.clientWidth;
    const h = container.clientHeight;
    if (canvas && this.fullRatio === 1 && canvas.width === w && canvas.height === h) {
      // The early canvas already has the view's size, and three.js took it as its own (at pixel
      // ratio 1): setting it again would reallocate the drawing buffer. Only the style remains.
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    } else {
      this.renderer.setPixelRatio(this.fullRatio);
      this.renderer.setSize(w, h);
    }
    this.renderer.setClearColor(0x000000, 1);
    container.appendChild(this.renderer.domElement);
    this.camera = new THREE.PerspectiveCamera(
      fovFor(container.clientWidth / Math.max(1, container.clientHeight)),
      container.clientWidth / Math.max(1, container.clientHeight),
      0.1,
      1e6,
    );
    this.camera.position.set(-48, 48, 48);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = false;
    this.controls.zoomSpeed = 1.2;
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', () => {
      this.lastMotion = performance.now();
      this.invalidate();
    });
    this.controls.addEventListener('end', () => this.onCameraEnd?.());
    this.scene.add(this.legends.group);
    new ResizeObserver(() => this.resize()).observe(container);
    const loop = (now: number): void => {
      requestAnimationFrame(loop);
      this.frame(now);
    };
    requestAnimationFrame(loop);
  }

  invalidate(): void {
    this.dirty = true;
  }

  /** The container changed size: the canvas follows at the next drawn frame (see frame()). */
  private resize(): void {
    this.sizeDirty = true;
    this.invalidate();
  }

  private sizeDirty = false;

  private applySize(): void {
    this.sizeDirty = false;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    if (w === 0 || h === 0) return;
    // Setting a canvas's size, even to the one it has, reallocates (and clears) its drawing
    // buffer: the resize observer's first report (the size set in the constructor) would cost
    // the first picture a full-screen reallocation.
    const now = this.renderer.getSize(new THREE.Vector2());
    if (now.x === w && now.y === h) return;
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.fov = fovFor(w / h);
    this.camera.updateProjectionMatrix();
  }

  private frame(now: number): void {
    if (this.spin !== 0) {
      this.controls.autoRotate = true;
      this.controls.autoRotateSpeed = this.spin;
      this.controls.update((now - (this.lastFrame || now)) / 1000);
    }
    if (this.hold || (!this.dirty && !this.animating && this.spin === 0)) {
      this.lastFrame = now;
      return;
    }
    this.dirty = false;
    // A new resolution or size is applied right before drawing: resizing clears the canvas, and a
    // cleared canvas left for the compositor would flash black.
    if (this.pendingRatio !== null) {
      this.setRatio(this.pendingRatio);
      this.pendingRatio = null;
    }
    if (this.sizeDirty) this.applySize();
    this.legends.orient(this.camera);
    const t0 = performance.now();
    this.drawScene();
    if (this.lens) this.drawLens();
    const cpu = performance.now() - t0;
    if (this.framesDrawn < 3)
      performance.measure(`mm3d:frame${this.framesDrawn}`, { start: t0, duration: cpu });
    const moving = this.isMoving(now);
    // While the view moves, the time between frames is the frame time; a single redraw after a
    // pause has no meaningful interval, so its own drawing time counts instead.
    this.frameTimes.push(moving && this.lastFrame ? now - this.lastFrame : cpu);
    if (moving) this.adapt();
    // A still frame left at reduced resolution (the view stopped, or an animation paused between
    // the last check and its last frame) goes back to full resolution shortly.
    else if (this.ratio !== (this.fixedRatio ?? this.fullRatio)) this.scheduleRestore();
    if (this.frameTimes.length > 120) this.frameTimes.shift();
    this.lastFrame = now;
    this.framesDrawn++;
    this.onFrame?.(now);
  }

  /** Whether the view is moving (spin, animation, or a camera move in the last 200 ms). */
  private isMoving(now: number): boolean {
    return this.spin !== 0 || this.animating || now - this.lastMotion < 200;
  }

  /** Whether the view is moving now (for tests). */
  get moving(): boolean {
    return this.isMoving(performance.now());
  }

  /**
   * The current view: the whole scene at full resolution, or, at a reduced ratio, the matrices
   * offscreen at that ratio stretched over the canvas and the legends on top at full resolution.
   */
  private drawScene(): void {
    const el = this.renderer.domElement;
    if (this.ratio >= this.fullRatio) {
      this.prepareViews(this.camera, el.height);
      this.renderer.render(this.scene, this.camera);
      return;
    }
    const target = this.reduced.targetFor(el.clientWidth, el.clientHeight, this.ratio);
    this.reduced.draw(
      this.renderer,
      this.scene,
      this.legends.group,
      this.camera,
      target,
      (h) => this.prepareViews(this.camera, h),
      this.model ? screenRect(this.model.layout.bounds, this.camera, el.width, el.height) : null,
    );
  }

  /**
   * While the view moves, frames that take too long are drawn at a lower resolution (down to half
   * in each direction), and a lower resolution is left again, a step at a time, once frames come
   * in under budget (a step up that misses the budget at once is retried later and later); a step
   * down that does not make frames faster is taken back (resolution.ts). A still view is drawn at
   * full resolution. Software renderers (and slow GPUs) pay per pixel, so this
   * keeps motion fluid without touching what a still picture shows; legends are always drawn at
   * full resolution.
   */
  private adapt(): void {
    const now = performance.now();
    this.scheduleRestore();
    if (this.fixedRatio !== null) {
      if (this.ratio !== this.fixedRatio) this.pendingRatio = this.fixedRatio;
      return;
    }
    const next = this.policy.decide(this.frameTimes, now);
    if (next !== this.ratio) {
      this.pendingRatio = next;
      // The next decision looks only at frames drawn at the new ratio.
      this.frameTimes.length = 0;
    }
  }

  /** Back to full resolution 300 ms after the view stops moving. */
  private scheduleRestore(): void {
    window.clearTimeout(this.restoreTimer);
    this.restoreTimer = window.setTimeout(() => {
      const target = this.fixedRatio ?? this.fullRatio;
      if (this.spin === 0 && !this.animating && this.ratio !== target) {
        this.pendingRatio = target;
        this.policy.reset();
        this.invalidate();
      }
    }, 300);
  }

  /** A resolution to switch to at the next drawn frame (see frame()). */
  private pendingRatio: number | null = null;

  /** The ratio the matrices are drawn at (the canvas stays at full resolution). */
  private setRatio(r: number): void {
    this.ratio = Math.min(r, this.fullRatio);
  }

  /** The matrices' drawing resolution relative to CSS pixels (lower while moving on slow renderers). */
  get pixelRatio(): number {
    return this.ratio;
  }

  /** Readies every visible matrix for drawing with `camera` into a viewport `heightPx` high. */
  private prepareViews(camera: THREE.PerspectiveCamera, heightPx: number, bake = true): void {
    for (const list of [
      this.matrixViews.values(),
      this.partialViews.values(),
      this.planeViews.values(),
    ]) {
      for (const v of list) if (v.mesh.visible) v.prepare(this.renderer, camera, heightPx, bake);
    }
  }

  /**
   * Sends every program the current scene needs to the GPU for compiling, without drawing or
   * waiting, so that the GPU process can start on them before the first draw (which waits for
   * them).
   */
  precompile(): void {
    this.prepareViews(this.camera, this.renderer.domElement.height, false);
    compileBake(this.renderer);
    this.renderer.compile(this.scene, this.camera);
    // Commands wait in the page until flushed; the GPU process can start compiling now.
    this.renderer.getContext().flush();
  }

  /** While true, no frame is drawn (the first state's values are still being made). */
  hold = false;

  private drawLens(): void {
    const lens = this.lens!;
    const el = this.renderer.domElement;
    const w = el.clientWidth;
    const h = el.clientHeight;
    const side = Math.max(8, Math.min(lens.side, w, h));
    const sub = side / Math.max(1, lens.mag);
    const cam = this.lensCamera;
    cam.copy(this.camera);
    cam.setViewOffset(w, h, lens.x - sub / 2, lens.y - sub / 2, sub, sub);
    cam.updateProjectionMatrix();
    const left = Math.round(lens.x - side / 2);
    const top = Math.round(lens.y - side / 2);
    const bottom = h - (top + side);
    this.renderer.setScissorTest(true);
    this.renderer.setScissor(left, bottom, side, side);
    this.renderer.setViewport(left, bottom, side, side);
    this.renderer.clear();
    // Magnified legends would cover the values the lens is for.
    this.legends.group.visible = false;
    this.prepareViews(cam, side * this.renderer.getPixelRatio());
    this.renderer.render(this.scene, cam);
    this.legends.group.visible = true;
    this.renderer.setScissorTest(false);
    this.renderer.setViewport(0, 0, w, h);
    this.onLens?.(cam, { left, top, side });
  }

  /**
   * For benchmarks: the time to draw the current view at each drawing resolution, including the
   * GPU's work (each draw is followed by reading back one pixel, which waits for it); median of
   * `repeats` draws, in ms. The view is left as it was.
   */
  measureDraw(ratios: number[], repeats = 7): number[] {
    const gl = this.renderer.getContext();
    const px = new Uint8Array(4);
    const was = this.ratio;
    const out = ratios.map((r) => {
      this.setRatio(r);
      const times: number[] = [];
      for (let k = 0; k < repeats; k++) {
        const t0 = performance.now();
        this.drawScene();
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return times[times.length >> 1]!;
    });
    this.setRatio(was);
    this.invalidate();
    return out;
  }

  /**
   * Draws the current view into `target` (exports: a picture larger than the canvas), with every
   * matrix readied for a viewport `heightPx` high. The canvas itself is left alone.
   */
  drawTo(target: THREE.WebGLRenderTarget, heightPx = target.height): void {
    this.legends.orient(this.camera);
    this.prepareViews(this.camera, heightPx);
    const was = this.renderer.getRenderTarget();
    this.renderer.setRenderTarget(target);
    this.renderer.clear();
    this.renderer.render(this.scene, this.camera);
    this.renderer.setRenderTarget(was);
    this.invalidate();
  }

  /** Median time between drawn frames (ms), over the last couple of seconds. */
  frameTime(): number {
    if (!this.frameTimes.length) return 0;
    const s = [...this.frameTimes].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  }

  setSpin(spin: number): void {
    this.spin = spin;
    this.controls.autoRotate = spin !== 0;
    this.invalidate();
  }

  setCamera(cam: Params['cam']): void {
    this.camera.position.set(cam.x, cam.y, cam.z);
    this.controls.target.set(cam.target.x, cam.target.y, cam.target.z);
    this.controls.update();
    this.invalidate();
  }

  cameraState(): Params['cam'] {
    const r = (x: number): number => Math.round(x * 1000) / 1000;
    const p = this.camera.position;
    const t = this.controls.target;
    return { x: r(p.x), y: r(p.y), z: r(p.z), target: { x: r(t.x), y: r(t.y), z: r(t.z) } };
  }

  sync(model: SceneModel): void {
    this.model = model;
    const { params, layout, values } = model;
    const { viz, sens, globalMax } = lookContext(model);
    const guides = params.deco.rowGuides;

    this.matrixViews.sync(
      layout.matrices,
      (_key, p) => this.added(new MatrixView(p)),
      (mv, p, key) => {
        mv.setPlacement(p);
        const v = values?.get(key);
        if (v && v.h === p.h && v.w === p.w) {
          mv.setValues(v);
          mv.setLook(rangeFor(sens, v.stats, globalMax), viz);
        }
      },
      (mv) => this.removed(mv),
    );
    this.guideViews.sync(
      layout.matrices,
      () => {
        const gv = new GuideView();
        this.scene.add(gv.lines);
        return gv;
      },
      (gv, p) => {
        gv.setPlacement(p);
        gv.setBrightness(guides);
      },
      (gv) => {
        this.scene.remove(gv.lines);
        gv.dispose();
      },
    );
    // Flow arrows.
    const flow = params.deco.flowGuides;
    this.flowViews.sync(
      layout.matmuls.entries(),
      () => {
        const f = new FlowView();
        this.scene.add(f.mesh);
        return f;
      },
      (f, m) => f.set(m, flow),
      (f) => {
        this.scene.remove(f.mesh);
        f.dispose();
      },
    );
    // Legends and axes.
    const errors = new Map<string, string>();
    if (values) for (const [k, v] of values) if (v.error) errors.set(k, v.error);
    this.legends.update(layout, params.deco.legends, params.deco.shape, errors);
    void this.legends.ready.then(() => this.invalidate());
    const wantAxes = params.deco.axes;
    if (wantAxes && !this.axes) {
      this.axes = new THREE.AxesHelper(1);
      this.scene.add(this.axes);
    } else if (!wantAxes && this.axes) {
      this.scene.remove(this.axes);
      this.axes.dispose();
      this.axes = null;
    }
    // 128 cells long from the origin (the expression's centre), as the original's axes are, so
    // a link of the original frames them as it did.
    if (this.axes) this.axes.scale.setScalar(AXES_LENGTH);
    this.setSpin(params.anim.spin);
    this.invalidate();
  }

  /** Shows one animation step: reveal and highlight per matrix, interior product planes. */
  showStep(
    shows: Map<string, MatrixShow> | null,
    planes: InteriorPlane[],
    hideLeaves: boolean,
  ): void {
    const model = this.model;
    if (!model) return;
    for (const [key, mv] of this.matrixViews.entries()) {
      const s = shows?.get(key);
      mv.setReveal(s ? { mode: s.mode, count: s.count, hiRows: s.hiRows, hiCols: s.hiCols } : null);
      const leaf = model.layout.matrices.get(key)?.leaf ?? false;
      mv.mesh.visible = !(hideLeaves && leaf && shows !== null);
      const gv = this.guideViews.get(key);
      // A hidden input keeps its outline and row guides (docs/animation.md).
      if (gv) gv.lines.visible = model.params.deco.rowGuides > 0;
    }
    const { viz, sens, globalMax } = lookContext(model);
    this.interior = [];
    const shown = planes.flatMap((plane, n) => {
      const m = model.layout.matmuls.find((x) => x.key === plane.matmul);
      return m
        ? [{ plane, m, placement: interiorPlanePlacement(m, plane.plane, plane.fixed, n) }]
        : [];
    });
    this.planeViews.sync(
      shown.entries(),
      (_n, { placement }) => this.added(new MatrixView(placement, true)),
      (v, { plane: pl, m, placement }) => {
        this.interior.push({ plane: pl, placement });
        v.setPlacement(placement);
        const lv = this.matrixViews.get(m.left);
        const rv = this.matrixViews.get(m.right);
        const u = v.uniforms;
        u.uLeft.value = lv?.valueTexture ?? null;
        u.uRight.value = rv?.valueTexture ?? null;
        u.uPlane.value = pl.plane;
        u.uFixed.value = pl.fixed;
        const ls = model.values?.get(m.left)?.stats;
        const rs = model.values?.get(m.right)?.stats;
        const localMax = (ls?.maxAbs ?? 1) * (rs?.maxAbs ?? 1);
        const range = rangeFor(
          sens === 'superlocal' ? 'local' : sens,
          { maxAbs: localMax, minAbs: 0 },
          Math.max(globalMax, localMax),
        );
        v.setLook(range, viz);
        v.setReveal({ mode: REVEAL.all, count: 0, hiRows: pl.rows, hiCols: pl.cols, clip: true });
        v.mesh.visible = true;
      },
      (v) => this.removed(v),
    );
    this.invalidate();
  }

  /**
   * Partial-sum planes of k-blocked matmuls while animating (docs/animation.md, "Partitions"): one
   * plane per k block, in the gap after the block, parallel to the result and revealed like it.
   */
  showPartials(
    list: { matmul: string; kBlock: number; data: Float32Array; show: MatrixShow }[],
  ): void {
    const model = this.model;
    if (!model) {
      this.partialViews.clear((v) => this.removed(v));
      return;
    }
    const { viz, sens, globalMax } = lookContext(model);
    const shown = list.flatMap((p) => {
      const m = model.layout.matmuls.find((x) => x.key === p.matmul);
      return m ? [{ p, m, placement: partialSumPlacement(m, p.kBlock) }] : [];
    });
    this.partialViews.sync(
      shown.entries(),
      (_n, { placement }) => this.added(new MatrixView(placement)),
      (v, { p, m, placement }) => {
        v.setPlacement(placement);
        v.setOverride(p.data);
        const stats = model.values?.get(m.key)?.stats ?? { maxAbs: 1, minAbs: 0 };
        v.setLook(rangeFor(sens, stats, globalMax), viz);
        v.setReveal({ mode: p.show.mode, count: p.show.count });
        v.mesh.visible = true;
      },
      (v) => this.removed(v),
    );
    this.invalidate();
  }

  /** A new matrix view, added to the scene (pool `create`). */
  private added(v: MatrixView): MatrixView {
    this.scene.add(v.mesh);
    return v;
  }

  /** A matrix view the pool let go: out of the scene, GPU resources freed. */
  private removed(v: MatrixView): void {
    this.scene.remove(v.mesh);
    v.dispose();
  }

  matrixView(key: string): MatrixView | undefined {
    return this.matrixViews.get(key);
  }

  info(): { geometries: number; textures: number; calls: number; triangles: number } {
    const i = this.renderer.info;
    return {
      geometries: i.memory.geometries,
      textures: i.memory.textures,
      calls: i.render.calls,
      triangles: i.render.triangles,
    };
  }
}
