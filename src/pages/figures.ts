/**
 * The tour and the gallery (tour.html, gallery.html, made at build time by site/build.ts): still
 * pictures that the tool drew (`npm run figures`), so these pages start no WebGL at all. A tour
 * figure opens live in place on click: its picture is replaced by an iframe of the tool (or the
 * head explorer) on the figure's state. The page is ready when its first picture is decoded.
 */

import { pageState } from './page-state';

const { state: page, markReady } = pageState();

const first = document.querySelector<HTMLImageElement>('main img');
if (!first) markReady();
else
  first.decode().then(
    () => markReady(),
    () => markReady(),
  );

document.addEventListener('click', (e) => {
  const button = (e.target as Element).closest<HTMLButtonElement>('button.fig-open');
  const fig = button?.closest<HTMLElement>('figure.fig');
  const href = fig?.dataset.href;
  if (!button || !fig || !href) return;
  const frame = document.createElement('iframe');
  frame.className = 'fig-live';
  frame.title = fig.querySelector('img')?.alt ?? 'mm3d';
  frame.allow = 'fullscreen';
  frame.src = new URL(href, document.baseURI).href;
  button.replaceWith(frame);
  fig.classList.add('live');
  page.opened++;
});
