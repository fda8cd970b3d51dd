/**
 * The reference guide (reference.html): the tool in an iframe above, the guide below (made at
 * build time from docs/, see site/build.ts), and the bar between them. The page talks to the tool
 * only through the embedding messages (docs/embedding.md): an example button sends `setParams`
 * with its partial tree, reset or merged as the example says. Nothing in the guide is turned into
 * HTML here; the examples' trees are read from their buttons' data attributes as JSON.
 */

import { pageState } from './page-state';

const { state: page, markReady } = pageState();

const frame = document.getElementById('tool-frame') as HTMLIFrameElement;
const divider = document.getElementById('divider')!;
const pane = document.getElementById('tool-pane')!;

// ---- the divider: the tool's share of the height, by pointer or keyboard ----------------------

const MIN_SHARE = 10;
const MAX_SHARE = 90;

function setShare(v: number): void {
  const share = Math.min(MAX_SHARE, Math.max(MIN_SHARE, v));
  document.body.style.setProperty('--tool-share', share.toFixed(1));
  divider.setAttribute('aria-valuenow', String(Math.round(share)));
}

let dragging = false;
divider.addEventListener('pointerdown', (e) => {
  dragging = true;
  divider.setPointerCapture(e.pointerId);
  // The iframe would take the pointer's moves for itself while the bar is dragged over it.
  document.body.classList.add('dragging');
  e.preventDefault();
});
divider.addEventListener('pointermove', (e) => {
  // The bar follows the pointer: the tool's pane ends where the pointer is.
  if (dragging)
    setShare(((e.clientY - pane.getBoundingClientRect().top) / window.innerHeight) * 100);
});
const endDrag = (): void => {
  dragging = false;
  document.body.classList.remove('dragging');
};
divider.addEventListener('pointerup', endDrag);
divider.addEventListener('pointercancel', endDrag);
divider.addEventListener('keydown', (e) => {
  const now = Number(divider.getAttribute('aria-valuenow'));
  const to: Record<string, number> = {
    ArrowUp: now - 5,
    ArrowDown: now + 5,
    PageUp: now - 20,
    PageDown: now + 20,
    Home: MIN_SHARE,
    End: MAX_SHARE,
  };
  if (!(e.key in to)) return;
  setShare(to[e.key]!);
  e.preventDefault();
});

// ---- examples ---------------------------------------------------------------------------------

document.getElementById('guide-text')!.addEventListener('click', (e) => {
  const button = (e.target as Element).closest<HTMLButtonElement>('button.example-run');
  if (!button || !frame.contentWindow) return;
  let props: unknown;
  try {
    props = JSON.parse(button.dataset.props ?? '{}');
  } catch {
    return;
  }
  if (typeof props !== 'object' || props === null) return;
  // A new expression must rebuild the tree (docs/embedding.md, "setParams").
  const withExpr = 'expr' in props ? { ...props, sync_expr: true } : props;
  toTool({ setParams: { props: withExpr, reset: button.dataset.mode === 'reset' } });
  page.sent++;
  for (const b of document.querySelectorAll('button.example-run.current'))
    b.classList.remove('current');
  button.classList.add('current');
});

// ---- ready: the guide's text has been painted, and a picture of the tool is drawn --------------
// The picture is the poster (the tool's own still of its default view) until the live tool in
// the iframe says it has drawn; then the poster goes.

/** When (performance time) the text, the poster and the live tool were first on the screen. */
let textAt: number | null = null;
let posterAt: number | null = null;
let toolAt: number | null = null;
/** An example clicked before the tool listens: sent once it has drawn (the last one wins). */
let pending: unknown = null;
const poster = document.getElementById('tool-poster') as HTMLImageElement | null;
const maybeReady = (): void => {
  const picture = Math.min(posterAt ?? Infinity, toolAt ?? Infinity);
  if (picture !== Infinity && textAt !== null) markReady(Math.max(picture, textAt));
};
function toTool(msg: unknown): void {
  if (toolAt === null) {
    pending = msg;
    return;
  }
  // '*': the tool may be opened from file:// (origin "null"); nothing in the message is private.
  frame.contentWindow?.postMessage(msg, '*');
}
window.addEventListener('message', (e) => {
  if (e.source !== frame.contentWindow || toolAt !== null) return;
  const d: unknown = e.data;
  const status =
    typeof d === 'object' && d !== null ? (d as { status?: { ready?: unknown } }).status : null;
  if (status?.ready === true) {
    toolAt = performance.now();
    performance.mark('mm3d:tool-live');
    poster?.remove();
    if (pending !== null) toTool(pending);
    pending = null;
    maybeReady();
  }
});
if (poster) {
  // When the poster was painted, as the browser reports it (element timing); where it does not,
  // the first frame after the picture is decoded.
  let timed = false;
  try {
    new PerformanceObserver((list, observer) => {
      for (const e of list.getEntries() as (PerformanceEntry & {
        identifier?: string;
        renderTime?: number;
        loadTime?: number;
      })[]) {
        if (e.identifier !== 'tool-poster') continue;
        observer.disconnect();
        posterAt = e.renderTime || e.loadTime || performance.now();
        maybeReady();
      }
    }).observe({ type: 'element', buffered: true });
    timed = PerformanceObserver.supportedEntryTypes.includes('element');
  } catch {
    timed = false;
  }
  if (!timed)
    poster.decode().then(
      () =>
        requestAnimationFrame(() => {
          posterAt = performance.now();
          maybeReady();
        }),
      () => undefined,
    );
}
// The guide is in the page's HTML: its text is readable once the page has first painted text.
try {
  new PerformanceObserver((list, observer) => {
    const fcp = list.getEntriesByName('first-contentful-paint')[0];
    if (!fcp) return;
    observer.disconnect();
    textAt = fcp.startTime;
    maybeReady();
  }).observe({ type: 'paint', buffered: true });
} catch {
  // No paint timing in this browser: the text was parsed before this script ran.
  textAt = performance.now();
}
