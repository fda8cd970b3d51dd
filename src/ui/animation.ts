/**
 * The animation driver (docs/animation.md): advances the pure schedule at `speed` steps per second
 * (100 = one step per frame), shows each step through the scene, and handles pause and single
 * steps. Pause and the current step are not part of the stored state (docs/parameters.md, "anim").
 */
import type { Params } from '../core/params/schema';
import type { MatrixValues } from '../core/model/values';
import { type Schedule, buildSchedule, frameAt } from '../core/anim/schedule';
import { stepAt } from '../core/anim/algorithms';
import { PartialSums, blockPartials, fuseOf, stepView } from '../core/anim/view';
import { animTree } from '../core/params/partitions';
import type { SceneView } from '../render/scene';

export class Animator {
  private schedule: Schedule | null = null;
  private key = '';
  step = 0;
  paused = false;
  private carry = 0;
  private last = 0;
  private speed = 20;
  private hideInputs = false;
  private values: Map<string, MatrixValues> | null = null;
  private partials = new Map<string, PartialSums>();
  private fullPartials = new Map<string, Float32Array[]>();
  /** Main-thread time of the last step (ms), for the bench. */
  lastStepMs = 0;

  constructor(private readonly scene: SceneView) {}

  get active(): boolean {
    return this.schedule !== null && this.schedule.totalSteps > 0;
  }

  configure(p: Params, values: Map<string, MatrixValues> | null): void {
    this.speed = p.anim.speed;
    this.hideInputs = p.anim.hideInputs;
    const tree = animTree(p);
    const key = JSON.stringify([tree, fuseOf(p)]);
    const valuesChanged = values !== this.values;
    this.values = values;
    if (key !== this.key || valuesChanged) {
      this.key = key;
      this.partials.clear();
      this.fullPartials.clear();
      let sched: Schedule | null = null;
      try {
        sched = p.anim.alg === 'none' ? null : buildSchedule(tree, fuseOf(p));
      } catch {
        sched = null;
      }
      const changedShape =
        !this.schedule || !sched || sched.totalSteps !== this.schedule.totalSteps;
      this.schedule = sched;
      if (changedShape) this.step = 0;
    }
    this.scene.animating = this.active && !this.paused;
    this.apply();
  }

  /** Called every drawn frame. */
  tick(now: number): void {
    if (!this.active || this.paused) {
      this.last = now;
      return;
    }
    const dt = this.last ? Math.min(0.25, (now - this.last) / 1000) : 0;
    this.last = now;
    let steps: number;
    if (this.speed >= 100) steps = 1;
    else {
      this.carry += dt * this.speed;
      steps = Math.floor(this.carry);
      this.carry -= steps;
    }
    if (steps > 0) {
      this.step = (this.step + steps) % this.schedule!.totalSteps;
      this.apply();
    }
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.scene.animating = this.active && !this.paused;
  }

  stepOnce(): void {
    if (!this.active) return;
    this.paused = true;
    this.scene.animating = false;
    this.step = (this.step + 1) % this.schedule!.totalSteps;
    this.apply();
  }

  private apply(): void {
    const t0 = performance.now();
    if (!this.active) {
      this.scene.showStep(null, [], false);
      this.scene.showPartials([]);
      for (const key of this.partialKeys) this.scene.matrixView(key)?.setOverride(null);
      this.partialKeys = [];
      return;
    }
    const sched = this.schedule!;
    const frame = frameAt(sched, this.step);
    const view = stepView(frame);
    const used: string[] = [];
    for (const [id, desc] of view.accumulating) {
      const entry = sched.entries.find((e) => e.id === id)!;
      const prefix = id === 'root' ? '' : `${id}.`;
      const L = this.values?.get(`${prefix}left`);
      const R = this.values?.get(`${prefix}right`);
      if (!L || !R) continue;
      let ps = this.partials.get(id);
      if (!ps) {
        ps = new PartialSums(
          entry.shape.I,
          entry.shape.K,
          entry.shape.J,
          L.data,
          R.data,
          desc.partialPlanes > 0 ? desc.blocks.k : 1,
        );
        this.partials.set(id, ps);
      }
      ps.advanceTo(desc.t, (t) => stepAt(entry.shape, t));
      this.scene.matrixView(id)?.setOverride(ps.data);
      used.push(id);
    }
    for (const key of this.partialKeys)
      if (!used.includes(key)) this.scene.matrixView(key)?.setOverride(null);
    this.partialKeys = used;
    this.scene.showStep(view.matrices, view.planes, this.hideInputs);
    // k-blocked matmuls that are running: one partial-sum plane per k block.
    const partials: {
      matmul: string;
      kBlock: number;
      data: Float32Array;
      show: { mode: number; count: number };
    }[] = [];
    for (const [id, f] of frame) {
      if (f.phase !== 'running' || !f.desc || f.desc.partialPlanes === 0) continue;
      const d = f.desc;
      const show = view.matrices.get(id) ?? { mode: 0, count: 0 };
      const acc = this.partials.get(id);
      if (view.accumulating.has(id) && acc) {
        acc.blocks.forEach((data, kBlock) => partials.push({ matmul: id, kBlock, data, show }));
        continue;
      }
      let full = this.fullPartials.get(id);
      if (!full) {
        const entry = sched.entries.find((e) => e.id === id)!;
        const prefix = id === 'root' ? '' : `${id}.`;
        const L = this.values?.get(`${prefix}left`);
        const R = this.values?.get(`${prefix}right`);
        if (!L || !R) continue;
        full = blockPartials(
          L.data,
          R.data,
          entry.shape.I,
          entry.shape.K,
          entry.shape.J,
          d.blockSize.k,
        );
        this.fullPartials.set(id, full);
      }
      full.forEach((data, kBlock) => partials.push({ matmul: id, kBlock, data, show }));
    }
    this.scene.showPartials(partials);
    this.lastStepMs = performance.now() - t0;
  }

  private partialKeys: string[] = [];
}
