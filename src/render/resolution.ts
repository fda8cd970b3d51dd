/**
 * When to draw at reduced resolution while the view moves (the adaptive resolution of scene.ts):
 * a pure policy over the intervals between frames, so that it can be tested without a browser.
 *
 * A reduced frame is not free: the matrices are drawn offscreen, stretched over the canvas and the
 * legends drawn on top at full resolution (reduced.ts). On a software renderer that stretch can
 * cost more than the pixels it saves, and a frame can miss its budget for reasons that no
 * resolution helps (a busy machine, the compositor). So the policy steps down only while frames
 * miss the budget, then compares: a step down that did not make frames faster is taken back at
 * once, and not tried again for a while. Steps up follow when frames come in under budget (a
 * step up that misses the budget at once is retried later and later).
 */

/** A frame slower than this (ms, median of a window) misses the budget: try a lower resolution. */
export const SLOW_MS = 24;
/** A frame faster than this (ms) leaves room for a higher resolution. */
export const FAST_MS = 18;
/** Frames per decision: the median of this many intervals at one resolution is compared. */
export const WINDOW = 6;
/** A step down must make frames at least this much faster (fraction of the time before) to stay. */
export const MIN_GAIN = 0.15;
/** After a step down that did not pay: no new one for this long (ms). */
export const NO_GAIN_PAUSE_MS = 10_000;

export class ResolutionPolicy {
  /** The ratio to draw at now. */
  ratio: number;
  private readonly min: number;
  /** Median interval at the ratio before the last step down (and that ratio); null: no step to judge. */
  private before: { ratio: number; median: number } | null = null;
  private lastDown = -Infinity;
  private lastUp = -Infinity;
  private upDelay = 1000;
  private pausedUntil = -Infinity;

  /** `full`: the canvas's own ratio; the policy never goes below half of it. */
  constructor(private readonly full: number) {
    this.ratio = full;
    this.min = full * 0.5;
  }

  /**
   * The ratio to draw the next frame at, from `recent`, the intervals (ms) between the frames drawn
   * while moving at the current ratio, at time `now` (ms). The caller gives only frames drawn since
   * the ratio last changed (none before WINDOW of them): the first window after a step down is
   * the one that judges it.
   */
  decide(recent: readonly number[], now: number): number {
    if (recent.length < WINDOW) return this.ratio;
    const sorted = recent.slice(-WINDOW).sort((a, b) => a - b);
    const median = sorted[WINDOW >> 1]!;
    const judged = this.before;
    this.before = null;
    // The last step down is judged first: if frames did not get faster, it is taken back.
    if (judged && median > (1 - MIN_GAIN) * judged.median) {
      this.ratio = judged.ratio;
      this.pausedUntil = now + NO_GAIN_PAUSE_MS;
      return this.ratio;
    }
    if (median > SLOW_MS && this.ratio > this.min && now >= this.pausedUntil) {
      this.before = { ratio: this.ratio, median };
      this.ratio = Math.max(this.min, this.ratio * 0.75);
      // A step up that did not hold: wait longer before the next one.
      if (now - this.lastUp < 1000) this.upDelay = Math.min(8000, this.upDelay * 2);
      this.lastDown = now;
    } else if (median < FAST_MS && this.ratio < this.full && now - this.lastDown > this.upDelay) {
      this.ratio = Math.min(this.full, this.ratio / 0.75);
      this.lastUp = now;
    }
    return this.ratio;
  }

  /** The view stopped (or a fixed ratio took over): back to full resolution. */
  reset(): void {
    this.ratio = this.full;
    this.before = null;
    this.upDelay = 1000;
  }
}
