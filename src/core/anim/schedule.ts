// Whole-expression animation timeline (docs/animation.md, "Compound expressions").
//
// This module owns the timeline of a compound expression as pure data: `buildSchedule` resolves
// algorithms (`inherit` from the parent, `none` at the root disables everything), takes the start
// time of every matmul from fusion.ts (leaf-to-root dependency order, independent sub-expressions
// in parallel, fused groups in lockstep or pipelined), and adds a hold at the end; `frameAt` says,
// for a global step, what phase every matmul is in and, if running, its compact StepDesc.
//
// Timeline: global steps 0 .. makespan-1 animate; steps makespan .. totalSteps-1 are the hold
// (everything done); the animation loops, so `frameAt` takes any integer step modulo totalSteps.
// A matmul with start s and n steps is 'waiting' before s, 'running' with block-local step
// t = step - s during s .. s+n-1, and 'done' from s+n on ('none' matmuls have n = 0: they flip from
// waiting to done when their inputs exist, at 0 when nothing below them animates).
// With no animation at all (root alg 'none', or a bare matrix), makespan = totalSteps = 0 and
// every frame reports every matmul 'done'. frameAt is O(number of matmuls) per call.

import type { AnimNode, Fuse } from './types';
import { matmulsPostOrder } from './types';
import { stepAt, type MatmulShape, type StepDesc } from './algorithms';
import { planFusion, type FusionPlan } from './fusion';

export type Phase = 'waiting' | 'running' | 'done';

export type MatmulFrame = {
  phase: Phase;
  /** Present when running. */
  desc?: StepDesc;
  /** Index into schedule.plan.groups when the matmul belongs to a fused group. */
  group?: number;
};

export type ScheduleEntry = {
  id: string;
  shape: MatmulShape;
  start: number;
  steps: number;
  end: number;
  group: number | undefined;
};

export type Schedule = {
  fuse: Fuse;
  /** Matmuls, children before parents. */
  entries: ScheduleEntry[];
  /** First step at which every matmul is done. */
  makespan: number;
  /** Steps held at the end with everything done before looping. */
  hold: number;
  /** Length of one loop: makespan + hold. */
  totalSteps: number;
  plan: FusionPlan;
};

export type ScheduleOptions = {
  /** hold steps at the end (default 1; 0 when nothing animates) */ hold?: number;
};

export function buildSchedule(root: AnimNode, fuse: Fuse, opts: ScheduleOptions = {}): Schedule {
  const plan = planFusion(root, fuse);
  const entries: ScheduleEntry[] = matmulsPostOrder(root).map((m) => ({
    id: m.id,
    shape: plan.shapes.get(m.id)!,
    start: plan.start.get(m.id)!,
    steps: plan.steps.get(m.id)!,
    end: plan.end.get(m.id)!,
    group: plan.groupOf.get(m.id),
  }));
  let makespan = 0;
  for (const e of entries) makespan = Math.max(makespan, e.end);
  const hold = makespan > 0 ? Math.max(0, Math.floor(opts.hold ?? 1)) : 0;
  return { fuse, entries, makespan, hold, totalSteps: makespan + hold, plan };
}

/** Phase and descriptor of every matmul at global step `step` (taken modulo totalSteps). */
export function frameAt(schedule: Schedule, step: number): Map<string, MatmulFrame> {
  const T = schedule.totalSteps;
  const s = T > 0 ? ((Math.floor(step) % T) + T) % T : 0;
  const out = new Map<string, MatmulFrame>();
  for (const e of schedule.entries) {
    let f: MatmulFrame;
    if (T === 0 || s >= e.end) f = { phase: 'done' };
    else if (s < e.start) f = { phase: 'waiting' };
    else f = { phase: 'running', desc: stepAt(e.shape, s - e.start) };
    if (e.group !== undefined) f.group = e.group;
    out.set(e.id, f);
  }
  return out;
}
