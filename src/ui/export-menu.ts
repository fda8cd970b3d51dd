/**
 * The menu's "export" folder: a PNG of the view (scale, transparent background, save). The
 * folder holds no state of the view, so it is not part of links; its own settings and whether it
 * is open survive the menu's rebuilds in this module.
 */
import type GUI from 'lil-gui';
import type { App } from './app';
import { download, fileName, renderImage, type ImageScale } from './export-image';
import { describe } from './data';
import { VIDEO_FPS, VIDEO_MOTIONS, MAX_SECONDS } from './video-plan';

const settings = { scale: '2x', transparent: false, seconds: 5, fps: 30, motion: 'auto' };
let open = false;

export function addExportFolder(gui: GUI, app: App, notify: (msgs: string[]) => void): GUI {
  const f = gui.addFolder('export');
  if (!open) f.close();
  f.onOpenClose((g: GUI) => {
    if (g === f) open = !f._closed;
  });
  f.add(settings, 'scale', ['1x', '2x', '4x']).name('picture size');
  f.add(settings, 'transparent').name('transparent');
  const save = {
    png: async (): Promise<void> => {
      try {
        const scale = Number(settings.scale.replace('x', '')) as ImageScale;
        const { blob } = await renderImage(app.scene, { scale, transparent: settings.transparent });
        download(blob, fileName(app.params.expr, 'png'));
      } catch (e) {
        notify([`export: ${describe(e)}`]);
      }
    },
  };
  f.add(save, 'png').name('save PNG');
  f.add(settings, 'seconds', 1, MAX_SECONDS, 1).name('video seconds');
  f.add(settings, 'fps', [...VIDEO_FPS]).name('video fps');
  f.add(settings, 'motion', [...VIDEO_MOTIONS]).name('video motion');
  f.add({ webm: () => void saveVideo(app, notify) }, 'webm').name('save WebM');
  return f;
}

/** Renders the video with a progress bar and a cancel button, then offers the file. */
async function saveVideo(app: App, notify: (msgs: string[]) => void): Promise<void> {
  const abort = new AbortController();
  const box = document.createElement('div');
  box.id = 'export-progress';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-label', 'exporting video');
  box.style.cssText =
    'position:fixed;left:50%;bottom:24px;transform:translateX(-50%);background:#222;color:#eee;padding:8px 12px;border-radius:6px;font:13px sans-serif;z-index:30;display:flex;gap:8px;align-items:center';
  const label = document.createElement('span');
  label.textContent = 'video 0%';
  const bar = document.createElement('progress');
  bar.max = 1;
  bar.value = 0;
  const cancel = document.createElement('button');
  cancel.textContent = 'cancel';
  cancel.addEventListener('click', () => abort.abort());
  box.append(label, bar, cancel);
  document.body.appendChild(box);
  try {
    const req = {
      seconds: settings.seconds,
      fps: settings.fps,
      motion: settings.motion as (typeof VIDEO_MOTIONS)[number],
    };
    const { renderVideo } = await import('./export-video');
    const { blob } = await renderVideo(
      app,
      req,
      (p) => {
        bar.value = p;
        label.textContent = `video ${Math.round(p * 100)}%`;
      },
      abort.signal,
    );
    download(blob, fileName(app.params.expr, 'webm'));
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) notify([`export: ${describe(e)}`]);
  } finally {
    box.remove();
  }
}
