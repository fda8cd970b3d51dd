/**
 * Pictures of the current view: a PNG at 1x, 2x or 4x the view's size in CSS pixels, on the
 * page's black background or transparent. The view is drawn once more into an offscreen render
 * target of that size (the canvas on screen is untouched), read back, and encoded by the browser.
 * Used by the menu's "export" folder and the embedding message `{exportImage: {scale, transparent}}`.
 */
import * as THREE from 'three';
import type { SceneView } from '../render/scene';

export const IMAGE_SCALES = [1, 2, 4] as const;
export type ImageScale = (typeof IMAGE_SCALES)[number];

export interface ImageRequest {
  scale: ImageScale;
  transparent: boolean;
}

/** Reads `{scale, transparent}` from a message: scale one of 1, 2, 4 (default 1). */
export function imageRequest(v: unknown): ImageRequest {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const scale = o.scale === undefined ? 1 : Number(o.scale);
  if (!(IMAGE_SCALES as readonly number[]).includes(scale))
    throw new Error(`exportImage: scale must be 1, 2 or 4, not ${String(o.scale)}`);
  return { scale: scale as ImageScale, transparent: o.transparent === true };
}

/**
 * The picture's size: the view's CSS size times `scale`, made smaller (same aspect) when the GPU
 * cannot draw that large.
 */
export function imageSize(
  cssW: number,
  cssH: number,
  scale: number,
  maxSide: number,
): { width: number; height: number } {
  let width = Math.max(1, Math.round(cssW * scale));
  let height = Math.max(1, Math.round(cssH * scale));
  const over = Math.max(width, height) / maxSide;
  if (over > 1) {
    width = Math.max(1, Math.floor(width / over));
    height = Math.max(1, Math.floor(height / over));
  }
  return { width, height };
}

/** The largest side the GPU draws into (and that we allow). */
export function maxSide(scene: SceneView): number {
  const gl = scene.renderer.getContext();
  return Math.min(
    gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number,
    gl.getParameter(gl.MAX_TEXTURE_SIZE) as number,
    8192,
  );
}

/**
 * Draws the view offscreen at a fixed size, as often as asked (one picture, or each frame of a
 * video): one render target and one pixel buffer for all of them.
 */
export class FrameGrabber {
  private readonly target: THREE.WebGLRenderTarget;
  private readonly pixels: Uint8Array;
  readonly image: ImageData;

  constructor(
    private readonly scene: SceneView,
    readonly width: number,
    readonly height: number,
    private readonly transparent: boolean,
  ) {
    this.target = new THREE.WebGLRenderTarget(width, height, {
      depthBuffer: true,
      stencilBuffer: false,
    });
    this.pixels = new Uint8Array(width * height * 4);
    this.image = new ImageData(width, height);
  }

  /** Draws the current view and returns its pixels, top row first (`this.image`, reused). */
  grab(): ImageData {
    const renderer = this.scene.renderer;
    const clear = renderer.getClearColor(new THREE.Color());
    const clearAlpha = renderer.getClearAlpha();
    try {
      renderer.setClearColor(0x000000, this.transparent ? 0 : 1);
      this.scene.drawTo(this.target, this.height);
      renderer.readRenderTargetPixels(this.target, 0, 0, this.width, this.height, this.pixels);
    } finally {
      renderer.setClearColor(clear, clearAlpha);
    }
    const { width, height, pixels } = this;
    const d = this.image.data;
    // GL rows run bottom-up; images top-down.
    const row = width * 4;
    for (let y = 0; y < height; y++)
      d.set(pixels.subarray((height - 1 - y) * row, (height - y) * row), y * row);
    if (this.transparent) {
      // Blending over a clear (0, 0, 0, 0) background leaves colours multiplied by their alpha
      // (legend text's soft edges); images store them unmultiplied.
      for (let i = 0; i < d.length; i += 4) {
        const a = d[i + 3]!;
        if (a > 0 && a < 255) {
          d[i] = Math.min(255, Math.round((d[i]! * 255) / a));
          d[i + 1] = Math.min(255, Math.round((d[i + 1]! * 255) / a));
          d[i + 2] = Math.min(255, Math.round((d[i + 2]! * 255) / a));
        }
      }
    }
    return this.image;
  }

  dispose(): void {
    this.target.dispose();
  }
}

/** Draws the view at the asked size and returns it as a PNG blob. */
export async function renderImage(
  scene: SceneView,
  req: ImageRequest,
): Promise<{ blob: Blob; width: number; height: number }> {
  const canvas = scene.renderer.domElement;
  const { width, height } = imageSize(
    canvas.clientWidth,
    canvas.clientHeight,
    req.scale,
    maxSide(scene),
  );
  const grabber = new FrameGrabber(scene, width, height, req.transparent);
  let image: ImageData;
  try {
    image = grabber.grab();
  } finally {
    grabber.dispose();
  }
  const out = new OffscreenCanvas(width, height);
  out.getContext('2d')!.putImageData(image, 0, 0);
  const blob = await out.convertToBlob({ type: 'image/png' });
  return { blob, width, height };
}

export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('could not read the picture'));
    r.readAsDataURL(blob);
  });
}

/** Offers a blob as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A file name from the expression: `out = A @ B` → `mm3d-out-A-B.png`. */
export function fileName(expr: string, ext: string): string {
  const stem = expr
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `mm3d${stem ? `-${stem}` : ''}.${ext}`;
}
