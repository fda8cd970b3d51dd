/**
 * Videos of the view: a WebM of the running animation and/or a spin of the camera, rendered frame
 * by frame (not in real time, so every frame is there however slow the drawing is), encoded with
 * WebCodecs (VP9, else VP8) and written into WebM by the Mediabunny muxer. While it runs, the live
 * view is frozen (no drawing, no spin) and the animation is stepped by hand; afterwards camera,
 * spin and pause are as they were. The frame plan is in ./video-plan.ts. Loaded on demand (the
 * muxer stays out of the page's start).
 */
import {
  BufferTarget,
  CanvasSource,
  Output,
  QUALITY_HIGH,
  WebMOutputFormat,
  canEncodeVideo,
  type VideoCodec,
} from 'mediabunny';
import type { App } from './app';
import { FrameGrabber, imageSize, maxSide } from './export-image';
import { framePlan, type VideoRequest } from './video-plan';

let busy = false;

/** The first codec this browser encodes at that size. */
async function pickCodec(width: number, height: number): Promise<VideoCodec> {
  for (const codec of ['vp9', 'vp8'] as const)
    if (await canEncodeVideo(codec, { width, height })) return codec;
  throw new Error('this browser cannot encode WebM video (WebCodecs VP9 or VP8)');
}

export interface VideoResult {
  blob: Blob;
  width: number;
  height: number;
  frames: number;
  codec: string;
  /** Main-thread time spent drawing and reading back frames, and waiting for the encoder (ms, for the bench). */
  drawMs: number;
  encodeMs: number;
}

/** Renders and encodes the video; `progress` gets 0..1; aborting `signal` cancels (rejects with AbortError). */
export async function renderVideo(
  app: App,
  req: VideoRequest,
  progress: (f: number) => void,
  signal?: AbortSignal,
): Promise<VideoResult> {
  if (typeof VideoEncoder === 'undefined')
    throw new Error('this browser has no WebCodecs video encoder');
  if (busy) throw new Error('an export is already running');
  busy = true;
  const scene = app.scene;
  const animator = app.animator;
  const canvas = scene.renderer.domElement;
  const size = imageSize(canvas.clientWidth, canvas.clientHeight, 1, maxSide(scene));
  // Video codecs work on 2x2 blocks of colour: even sizes.
  const width = Math.max(2, size.width - (size.width % 2));
  const height = Math.max(2, size.height - (size.height % 2));
  const plan = framePlan(req, {
    active: animator.active,
    speed: Number(app.params.anim.speed),
    spin: Number(app.params.anim.spin),
  });
  const wasPaused = animator.paused;
  const wasHold = scene.hold;
  const camera = scene.cameraState();
  const spin = Number(app.params.anim.spin);
  let grabber: FrameGrabber | null = null;
  let output: Output | null = null;
  try {
    const codec = await pickCodec(width, height);
    grabber = new FrameGrabber(scene, width, height, false);
    const frame = new OffscreenCanvas(width, height);
    const ctx = frame.getContext('2d')!;
    const target = new BufferTarget();
    output = new Output({ format: new WebMOutputFormat(), target });
    const source = new CanvasSource(frame, { codec, quality: QUALITY_HIGH });
    output.addVideoTrack(source, { frameRate: req.fps });
    await output.start();
    // Freeze the live view: no frames drawn, no spin; the animation steps only when told.
    scene.hold = true;
    scene.setSpin(0);
    if (animator.active && req.motion !== 'spin') {
      // From the first step: `stepOnce` advances by one from here, to step 0.
      animator.step = -1;
      animator.stepOnce();
    }
    const controls = scene.controls;
    let drawMs = 0;
    let encodeMs = 0;
    for (let i = 0; i < plan.frames; i++) {
      if (signal?.aborted) throw new DOMException('the export was cancelled', 'AbortError');
      if (i > 0) {
        for (let k = plan.steps(i); k > 0; k--) animator.stepOnce();
        if (plan.spinSpeed !== 0) {
          controls.autoRotate = true;
          controls.autoRotateSpeed = plan.spinSpeed;
          controls.update(1 / req.fps);
          controls.autoRotate = false;
        }
      }
      const t0 = performance.now();
      ctx.putImageData(grabber.grab(), 0, 0);
      const t1 = performance.now();
      await source.add(i / req.fps, 1 / req.fps);
      drawMs += t1 - t0;
      encodeMs += performance.now() - t1;
      progress((i + 1) / plan.frames);
      // Let the page breathe (progress bar, cancel button) every few frames.
      if (i % 3 === 2) await new Promise((r) => setTimeout(r, 0));
    }
    await output.finalize();
    const buffer = target.buffer;
    if (!buffer) throw new Error('the video came out empty');
    return {
      blob: new Blob([buffer], { type: 'video/webm' }),
      width,
      height,
      frames: plan.frames,
      codec,
      drawMs,
      encodeMs,
    };
  } catch (e) {
    if (output && output.state !== 'finalized' && output.state !== 'canceled')
      await output.cancel().catch(() => undefined);
    throw e;
  } finally {
    grabber?.dispose();
    scene.setCamera(camera);
    scene.setSpin(spin);
    scene.hold = wasHold;
    if (!wasPaused && animator.paused) animator.togglePause();
    scene.invalidate();
    busy = false;
  }
}
