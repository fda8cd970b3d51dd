/**
 * The view's WebGL context, made before the rest of the page's code has arrived. Creating a
 * context is a synchronous round trip to the browser's GPU process (tens of milliseconds with
 * software rendering); a page's entry script calls `startContext()` at once, while the tool's
 * modules are still being fetched and compiled, and the view (./scene.ts) later takes the canvas
 * with `takeEarlyCanvas()`. Nothing is drawn here, and the context is made with exactly the
 * attributes three.js asks for, so three.js's own `getContext` call returns this context and
 * everything it sets up (and draws) is what it would have been.
 */

/** What three.js's WebGLRenderer requests (r187; it always asks for alpha) for our options. */
export const CONTEXT_ATTRIBUTES: WebGLContextAttributes = {
  alpha: true,
  depth: true,
  stencil: false,
  antialias: false,
  premultipliedAlpha: true,
  preserveDrawingBuffer: false,
  powerPreference: 'high-performance',
  failIfMajorPerformanceCaveat: false,
};

/** What three.js (r187) requests at start-up and on the first textures and programs. */
const THREE_EXTENSIONS = [
  'EXT_color_buffer_float',
  'WEBGL_clip_cull_distance',
  'OES_texture_float_linear',
  'EXT_color_buffer_half_float',
  'WEBGL_multisampled_render_to_texture',
  'WEBGL_render_shared_exponent',
  'EXT_texture_filter_anisotropic',
  'KHR_parallel_shader_compile',
  'EXT_clip_control',
  'WEBGL_multi_draw',
];

let early: HTMLCanvasElement | null = null;

/** The view's pixel ratio (scene.ts uses the same): at most 2. */
export const viewRatio = (): number => Math.min(2, window.devicePixelRatio || 1);

/**
 * Makes the canvas and its WebGL2 context now; harmless where WebGL2 is missing (the view reports
 * that later). Given the view's container, the canvas gets the container's size first, so that
 * its drawing buffer is allocated once, at context creation, in the right size: the view then
 * need not resize it (each resize reallocates the buffer and waits for the GPU process, about
 * 130 ms at start-up here).
 */
export function startContext(container?: HTMLElement | null): void {
  if (early) return;
  try {
    const canvas = document.createElement('canvas');
    // As three.js styles the canvases it makes itself.
    canvas.style.display = 'block';
    const w = container?.clientWidth ?? 0;
    const h = container?.clientHeight ?? 0;
    if (w > 0 && h > 0) {
      canvas.width = Math.floor(w * viewRatio());
      canvas.height = Math.floor(h * viewRatio());
    }
    const gl = canvas.getContext('webgl2', CONTEXT_ATTRIBUTES);
    if (gl) {
      early = canvas;
      // The extensions three.js asks for when the view starts: each first request waits for the
      // GPU process (the list of requestable extensions, then each one), and here the page's
      // thread has time to wait while the rest of its code still arrives. Later requests return
      // the same objects at once.
      for (const name of THREE_EXTENSIONS) gl.getExtension(name);
    }
  } catch {
    // The view will try again itself and say what failed.
  }
}

/** The canvas made by startContext (once; null if there is none). */
export function takeEarlyCanvas(): HTMLCanvasElement | null {
  const c = early;
  early = null;
  return c;
}
