// The video plan: request checks, animation steps per frame, camera turn.
import { describe, expect, it } from 'vitest';
import { framePlan, videoRequest } from '../../../src/ui/video-plan';

const sum = (f: (i: number) => number, n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return s;
};

describe('videoRequest', () => {
  it('reads seconds, fps and motion with defaults', () => {
    expect(videoRequest({})).toEqual({ seconds: 5, fps: 30, motion: 'auto' });
    expect(videoRequest({ seconds: '2', fps: 24, motion: 'spin' })).toEqual({
      seconds: 2,
      fps: 24,
      motion: 'spin',
    });
  });
  it('refuses what it cannot make', () => {
    expect(() => videoRequest({ seconds: 0 })).toThrow(/seconds/);
    expect(() => videoRequest({ seconds: 61 })).toThrow(/seconds/);
    expect(() => videoRequest({ seconds: 'x' })).toThrow(/seconds/);
    expect(() => videoRequest({ fps: 25 })).toThrow(/fps must be one of 10, 15, 24, 30, 60/);
    expect(() => videoRequest({ motion: 'zoom' })).toThrow(/motion/);
  });
});

describe('framePlan', () => {
  it('plays the animation at its speed: 20 steps/s over 3 s at 30 fps is 60 steps', () => {
    const p = framePlan(
      { seconds: 3, fps: 30, motion: 'auto' },
      { active: true, speed: 20, spin: 0 },
    );
    expect(p.frames).toBe(90);
    expect(p.steps(0)).toBe(0);
    expect(sum(p.steps, 90)).toBe(Math.floor((89 * 20) / 30)); // steps taken by the last frame's time
    expect([1, 2, 3].map(p.steps)).toEqual([0, 1, 1]); // 0.67, 1.33, 2.0 steps due by frames 1..3
    expect(p.spinSpeed).toBe(0);
  });
  it('takes one step per frame at speed 100 and above', () => {
    const p = framePlan(
      { seconds: 1, fps: 10, motion: 'animation' },
      { active: true, speed: 100, spin: 2 },
    );
    expect([0, 1, 2, 9].map(p.steps)).toEqual([0, 1, 1, 1]);
    expect(p.spinSpeed).toBe(0); // 'animation' never turns
  });
  it("keeps the view's spin with the animation", () => {
    expect(
      framePlan({ seconds: 2, fps: 30, motion: 'auto' }, { active: true, speed: 20, spin: 1.5 })
        .spinSpeed,
    ).toBe(1.5);
  });
  it('turns once around when there is nothing else to show', () => {
    // OrbitControls: 2π/60 * speed radians per second; one turn in 4 s is speed 15.
    const p = framePlan(
      { seconds: 4, fps: 15, motion: 'auto' },
      { active: false, speed: 20, spin: 0 },
    );
    expect(p.spinSpeed).toBe(15);
    expect(((2 * Math.PI) / 60) * p.spinSpeed * 4).toBeCloseTo(2 * Math.PI);
    expect(sum(p.steps, p.frames)).toBe(0);
    // 'spin' with an animation: the camera only
    const q = framePlan(
      { seconds: 4, fps: 15, motion: 'spin' },
      { active: true, speed: 20, spin: 0 },
    );
    expect([q.spinSpeed, sum(q.steps, q.frames)]).toEqual([15, 0]);
  });
});
