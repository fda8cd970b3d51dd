/**
 * Embedding (docs/embedding.md): answers postMessage requests from any origin (the tool holds no
 * secrets) and never evaluates anything from them; malformed messages are ignored. After every
 * state change the page posts `{search_params}` to its parent, and `{status}` once the state is
 * drawn.
 */
import type { App, Status } from './app';
import { toExternal } from '../core/params/schema';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function installEmbedding(app: App, getStatus: () => Status): { stateChanged: () => void; statusChanged: (s: Status) => void } {
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
