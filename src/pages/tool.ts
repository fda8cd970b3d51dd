/**
 * The tool page's entry point. The page finishes loading first (its help box shows at once and the
 * browser's loading indicator stops), then the tool is fetched and started (./tool-main.ts).
 *
 * Why: while a page is loading, the browser keeps animating its loading indicator; with software
 * rendering those frames compete with the tool's first picture for the GPU thread (measured with
 * headless Chromium here: the default 256 @ 256 link was ready about 150 ms sooner this way).
 */
import '../ui/style.css';

function fail(e: unknown): void {
  const box = document.getElementById('notice-box');
  const list = document.getElementById('notices');
  if (!box || !list) return;
  const li = document.createElement('li');
  li.textContent = `mm3d could not start: ${e instanceof Error ? e.message : String(e)}. Reloading the page may help.`;
  list.replaceChildren(li);
  box.hidden = false;
}

function start(): void {
  import('./tool-main').catch(fail);
}

if (document.readyState === 'complete') start();
else window.addEventListener('load', start, { once: true });
