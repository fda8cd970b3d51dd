// Unit tests for src/render/resolution.ts: frame intervals fed by hand, the ratios expected written
// out for each case (full ratio 1: steps are 0.75, then 0.5625, never below 0.5).
import { describe, it, expect } from 'vitest';
import { NO_GAIN_PAUSE_MS, ResolutionPolicy, WINDOW } from '../../../src/render/resolution';

/**
 * One window of frames of `ms` each, drawn from `t` on, as the scene gives them: decided once the
 * window is full (earlier calls with fewer frames change nothing). Returns the ratio and the time.
 */
function feed(p: ResolutionPolicy, ms: number, t: number): { ratio: number; t: number } {
  const times: number[] = [];
  for (let k = 0; k < WINDOW - 1; k++) {
    times.push(ms);
    const before = p.ratio;
    expect(p.decide(times, t + 16 * k)).toBe(before);
  }
  times.push(ms);
  t += 16 * WINDOW;
  return { ratio: p.decide(times, t), t };
}

describe('ResolutionPolicy', () => {
  it('stays at full resolution while frames are within budget', () => {
    const p = new ResolutionPolicy(1);
    let t = 0;
    for (let w = 0; w < 10; w++) ({ t } = feed(p, 16.7, t));
    expect(p.ratio).toBe(1);
  });

  it('steps down when frames miss the budget, and keeps the step when it pays', () => {
    const p = new ResolutionPolicy(1);
    let r = feed(p, 40, 0);
    expect(r.ratio).toBe(0.75);
    // At 0.75 frames take 30 ms: 25 % faster, the step stays, and frames still miss: down again.
    r = feed(p, 30, r.t);
    expect(r.ratio).toBe(0.5625);
    // Then 20 ms: faster again, kept; between the two thresholds nothing changes.
    r = feed(p, 20, r.t);
    expect(r.ratio).toBe(0.5625);
    r = feed(p, 20, r.t);
    expect(r.ratio).toBe(0.5625);
  });

  it('never goes below half of the full ratio', () => {
    const p = new ResolutionPolicy(2);
    let r = { ratio: 2, t: 0 };
    // Each window 30 % faster than the one before, always over budget.
    let ms = 400;
    for (let w = 0; w < 8; w++) {
      r = feed(p, ms, r.t);
      ms *= 0.7;
    }
    expect(r.ratio).toBe(1);
  });

  it('takes back a step down that did not make frames faster, and waits before another', () => {
    const p = new ResolutionPolicy(1);
    let r = feed(p, 33, 0);
    expect(r.ratio).toBe(0.75);
    // The same 33 ms at the lower resolution (the compositor, not the drawing, sets the pace).
    r = feed(p, 33, r.t);
    expect(r.ratio).toBe(1);
    // Still slow, but within the pause: no new step down.
    r = feed(p, 33, r.t);
    expect(r.ratio).toBe(1);
    // After the pause it is tried again.
    r = feed(p, 33, r.t + NO_GAIN_PAUSE_MS);
    expect(r.ratio).toBe(0.75);
  });

  it('a reduced frame that costs more than a full one is taken back', () => {
    const p = new ResolutionPolicy(1);
    let r = feed(p, 30, 0);
    expect(r.ratio).toBe(0.75);
    r = feed(p, 45, r.t);
    expect(r.ratio).toBe(1);
  });

  it('steps back up once frames are fast, after the delay since the last step down', () => {
    const p = new ResolutionPolicy(1);
    let r = feed(p, 40, 0);
    expect(r.ratio).toBe(0.75);
    r = feed(p, 12, r.t); // judged: it paid; fast, but within a second of the step down
    expect(r.ratio).toBe(0.75);
    r = feed(p, 12, r.t + 1000);
    expect(r.ratio).toBe(1);
  });

  it('reset returns to full resolution', () => {
    const p = new ResolutionPolicy(1);
    feed(p, 40, 0);
    expect(p.ratio).toBe(0.75);
    p.reset();
    expect(p.ratio).toBe(1);
  });
});
