/**
 * The menu's "export" folder: a PNG of the view (scale, transparent background, save). The
 * folder holds no state of the view, so it is not part of links; its own settings and whether it
 * is open survive the menu's rebuilds in this module.
 */
import type GUI from 'lil-gui';
import type { App } from './app';
import { download, fileName, renderImage, type ImageScale } from './export-image';
import { describe } from './data';

const settings = { scale: '2x', transparent: false };
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
  return f;
}
