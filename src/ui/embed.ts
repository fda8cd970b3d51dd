/**
 * Embedding (docs/embedding.md): answers postMessage requests from any origin (the tool holds no
 * secrets) and never evaluates anything from them; malformed messages are ignored. After every
 * state change the page posts `{search_params}` to its parent, and `{status}` once the state is
 * drawn. `{setData: {path, npy}}` puts a tensor (.npy bytes) on a matrix, see ./attach.ts;
 * `{exportImage: {scale, transparent}}` answers with a PNG of the view, see ./export-image.ts;
 * `{exportVideo: {seconds, fps, motion}}` with a WebM, see ./export-video.ts.
 */
import type { App, Status } from './app';
import { toExternal } from '../core/params/schema';
import { handleSetData } from './attach';
import { blobToDataUrl, imageRequest, renderImage } from './export-image';
import { videoRequest } from './video-plan';
import { describe } from './data';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function installEmbedding(
  app: App,
  getStatus: () => Status,
): { stateChanged: () => void; statusChanged: (s: Status) => void } {
  const reply = (e: MessageEvent, msg: unknown): void => {
    const target = e.source as WindowProxy | null;
    if (target && typeof target.postMessage === 'function') target.postMessage(msg, '*');
  };
  window.addEventListener('message', (e: MessageEvent) => {
    const d: unknown = e.data;
    if (!isObj(d)) return;
    try {
      if ('getParams' in d) reply(e, { params: toExternal(app.params) });
      else if ('getUrlInfo' in d) reply(e, { url_info: app.urlInfo() });
      else if ('getStatus' in d) reply(e, { status: getStatus() });
      else if ('setParams' in d) {
        const s = d.setParams;
        if (!isObj(s)) return;
        const props = isObj(s.props) ? s.props : {};
        app.applyPartial(props, s.reset === true, props.sync_expr === true);
      } else if ('exportImage' in d) {
        // A PNG of the view: {image: "data:image/png;base64,...", width, height} or {error}.
        const req = d.exportImage;
        Promise.resolve()
          .then(() => renderImage(app.scene, imageRequest(req)))
          .then(async ({ blob, width, height }) =>
            reply(e, { image: await blobToDataUrl(blob), width, height }),
          )
          .catch((err: unknown) => reply(e, { error: describe(err) }));
      } else if ('exportVideo' in d) {
        // A WebM of the animation or a spin: {export_progress} while rendering, then {video, ...} or {error}.
        const req = d.exportVideo;
        Promise.resolve()
          .then(async () => {
            const r = videoRequest(req);
            const { renderVideo } = await import('./export-video');
            return renderVideo(app, r, (f) => reply(e, { export_progress: f }));
          })
          .then(async ({ blob, width, height, frames, codec, drawMs, encodeMs }) =>
            reply(e, {
              video: await blobToDataUrl(blob),
              width,
              height,
              frames,
              codec,
              drawMs,
              encodeMs,
            }),
          )
          .catch((err: unknown) => reply(e, { error: describe(err) }));
      } else if ('setData' in d) {
        // A tensor as .npy bytes for a matrix (./attach.ts); answered with {data_set} or {error}.
        handleSetData(app, d.setData).then(
          (ok) => reply(e, ok),
          (err: unknown) => reply(e, { error: describe(err) }),
        );
      }
    } catch {
      // A message that cannot be handled is ignored; the page keeps its state.
    }
  });
  const toParent = (msg: unknown): void => {
    if (window.parent !== window) window.parent.postMessage(msg, '*');
  };
  return {
    stateChanged: () => toParent({ search_params: app.urlInfo().search_params }),
    statusChanged: (s) => toParent({ status: s }),
  };
}
