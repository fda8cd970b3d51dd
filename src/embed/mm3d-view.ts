/**
 * `<mm3d-view src="QUERY or link" height="400">`: the tool in any page (docs sites, Observable,
 * Quarto, the project's own tour) as a custom element, built as the standalone ES module
 * `mm3d-view.js` next to the tool's index.html. Each element is an iframe of the tool, driven by
 * the embedding messages (see src/ui/embed.ts); this module imports nothing else so that a page
 * loads only it and the frame.
 *
 * Attributes: `src` (a query such as `expr=A%20%40%20B&left.h=8`, or a link to the tool), `height`
 * (pixels, default 400), `width` (CSS width, default 100%), `base` (where the tool is; default: next
 * to this module). JS API: `setParams(props, reset?)`, `setData(path, npy)`, `getParams()`,
 * `exportImage({scale, transparent})`, each queued until the tool has started; requests that expect
 * an answer are sent one at a time, so each reply belongs to the request before it. Events:
 * `state` (detail `{search_params}`) after each change, `status` (detail: the tool's status).
 */

type Reply = Record<string, unknown>;

interface Pending {
  msg: unknown;
  /** Which reply ends this request (none: a message without answer). */
  accepts?: (m: Reply) => boolean;
  resolve: (m: Reply) => void;
  reject: (e: Error) => void;
}

const isObj = (v: unknown): v is Reply => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The tool URL for a `src` attribute: an http(s) link as it is, anything else a query on `base`. */
export function toolUrl(src: string, base: string): string {
  const s = src.trim();
  if (/^https?:\/\//i.test(s)) return s;
  const baseUrl = new URL(base, document.baseURI);
  const q = s.replace(/^\?/, '');
  const page = baseUrl.pathname.endsWith('/') ? new URL('index.html', baseUrl) : baseUrl;
  page.search = q;
  return page.href;
}

export class Mm3dView extends HTMLElement {
  static observedAttributes = ['src', 'height', 'width', 'base'];
  private frame: HTMLIFrameElement;
  private started = false;
  private queue: Pending[] = [];
  private current: Pending | null = null;
  private readonly onMessage = (e: MessageEvent): void => this.received(e);

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent =
      ':host{display:block} iframe{display:block;border:0;width:100%;height:100%}';
    this.frame = document.createElement('iframe');
    this.frame.title = 'mm3d';
    this.frame.allow = 'clipboard-write; fullscreen';
    root.append(style, this.frame);
  }

  connectedCallback(): void {
    window.addEventListener('message', this.onMessage);
    this.layout();
    if (!this.frame.getAttribute('src')) this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'src' || name === 'base') {
      if (this.isConnected) this.load();
    } else this.layout();
  }

  /** The iframe inside (for tests and pages that need it). */
  get iframe(): HTMLIFrameElement {
    return this.frame;
  }

  setParams(props: Record<string, unknown>, reset = false): Promise<void> {
    return this.request({ setParams: { props, reset } }).then(() => undefined);
  }

  /** Puts a .npy tensor (bytes or base64) on the matrices `path` names; resolves with the tool's `data_set`. */
  setData(path: string, npy: ArrayBuffer | ArrayBufferView | string): Promise<Reply> {
    return this.request({ setData: { path, npy } }, (m) => 'data_set' in m || 'error' in m).then(
      (m) => m.data_set as Reply,
    );
  }

  getParams(): Promise<Reply> {
    return this.request({ getParams: true }, (m) => 'params' in m).then((m) => m.params as Reply);
  }

  /** A PNG of the view as a data URL. */
  exportImage(opts: { scale?: 1 | 2 | 4; transparent?: boolean } = {}): Promise<string> {
    return this.request({ exportImage: opts }, (m) => 'image' in m || 'error' in m).then((m) =>
      String(m.image),
    );
  }

  private layout(): void {
    const h = Number(this.getAttribute('height') ?? 400);
    this.style.height = `${Number.isFinite(h) && h > 0 ? Math.min(h, 10000) : 400}px`;
    const w = this.getAttribute('width');
    // Only plain lengths: the attribute must not smuggle other CSS in.
    this.style.width = w && /^\d+(\.\d+)?(px|%|em|rem|vw)$/.test(w) ? w : '100%';
  }

  private load(): void {
    const base = this.getAttribute('base') ?? new URL('./', import.meta.url).href;
    this.started = false;
    // Requests in flight belong to the old view.
    if (this.current) this.current.reject(new Error('mm3d-view: the view was reloaded'));
    this.current = null;
    this.frame.src = toolUrl(this.getAttribute('src') ?? '', base);
  }

  private request(msg: unknown, accepts?: (m: Reply) => boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, accepts, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const target = this.frame.contentWindow;
    while (this.started && !this.current && this.queue.length && target) {
      const next = this.queue.shift()!;
      target.postMessage(next.msg, '*');
      if (next.accepts) this.current = next;
      else next.resolve({});
    }
  }

  private received(e: MessageEvent): void {
    if (e.source !== this.frame.contentWindow || !isObj(e.data)) return;
    const m = e.data;
    if (typeof m.search_params === 'string') {
      // The tool posts its state once it listens: from now on requests can go.
      this.started = true;
      this.dispatchEvent(new CustomEvent('state', { detail: { search_params: m.search_params } }));
      this.pump();
      return;
    }
    if (isObj(m.status) && !this.current?.accepts?.(m)) {
      this.dispatchEvent(new CustomEvent('status', { detail: m.status }));
      return;
    }
    const cur = this.current;
    if (cur?.accepts?.(m)) {
      this.current = null;
      if (typeof m.error === 'string') cur.reject(new Error(m.error));
      else cur.resolve(m);
      this.pump();
    }
  }
}

if (!customElements.get('mm3d-view')) customElements.define('mm3d-view', Mm3dView);

declare global {
  interface HTMLElementTagNameMap {
    'mm3d-view': Mm3dView;
  }
}
