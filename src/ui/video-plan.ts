/**
 * The plan of a video export, pure: the request as read from a message or the menu, and what each
 * frame shows (how many animation steps to take before it, how fast the camera turns).
 */

export const VIDEO_MOTIONS = ['auto', 'animation', 'spin'] as const;
export type VideoMotion = (typeof VIDEO_MOTIONS)[number];
export const VIDEO_FPS = [10, 15, 24, 30, 60] as const;
export const MAX_SECONDS = 60;

export interface VideoRequest {
  seconds: number;
  fps: number;
  motion: VideoMotion;
}

/** Reads `{seconds, fps, motion}` (defaults 5 s, 30 fps, auto); out-of-range values are errors. */
export function videoRequest(v: unknown): VideoRequest {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const seconds = o.seconds === undefined ? 5 : Number(o.seconds);
  const fps = o.fps === undefined ? 30 : Number(o.fps);
  const motion = o.motion === undefined ? 'auto' : String(o.motion);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > MAX_SECONDS)
    throw new Error(`exportVideo: seconds must be between 0.1 and ${MAX_SECONDS}`);
  if (!(VIDEO_FPS as readonly number[]).includes(fps))
    throw new Error(`exportVideo: fps must be one of ${VIDEO_FPS.join(', ')}`);
  if (!(VIDEO_MOTIONS as readonly string[]).includes(motion))
    throw new Error(`exportVideo: motion must be one of ${VIDEO_MOTIONS.join(', ')}`);
  return { seconds, fps, motion: motion as VideoMotion };
}

export interface FramePlan {
  frames: number;
  /** Animation steps to take before drawing frame i (0 for the first). */
  steps: (i: number) => number;
  /** OrbitControls' autoRotateSpeed while spinning (0: the camera stays). */
  spinSpeed: number;
}

/**
 * What each frame shows. `auto` plays the animation when there is one (with the view's spin, if
 * any), else turns the camera once around over the video. `speed` is the tool's animation speed
 * (steps per second; 100 and above: one step per frame); `spin` its spin setting.
 */
export function framePlan(
  req: VideoRequest,
  anim: { active: boolean; speed: number; spin: number },
): FramePlan {
  const frames = Math.max(1, Math.round(req.seconds * req.fps));
  const animate = anim.active && req.motion !== 'spin';
  // OrbitControls turns 2π/60 * speed radians per second: one turn per video is 60 / seconds.
  const oneTurn = 60 / (frames / req.fps);
  const spinSpeed =
    req.motion === 'animation'
      ? 0
      : req.motion === 'spin'
        ? anim.spin || oneTurn
        : animate
          ? anim.spin
          : anim.spin || oneTurn;
  const done = (i: number): number =>
    anim.speed >= 100 ? i : Math.floor((i * anim.speed) / req.fps);
  return { frames, steps: (i) => (animate && i > 0 ? done(i) - done(i - 1) : 0), spinSpeed };
}
