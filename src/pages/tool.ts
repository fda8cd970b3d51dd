/**
 * The tool page's entry point. The tool (./tool-main.ts) is fetched and compiled at once, and
 * starts once the page has finished loading (its help box shows at once and the browser's loading
 * indicator stops).
 *
 * Why: while a page is loading, the browser keeps animating its loading indicator; with software
 * rendering those frames compete with the tool's first picture for the GPU thread (measured with
 * headless Chromium here: the default 256 @ 256 link was ready about 150 ms sooner this way).
 */
import '../ui/style.css';
import { startContext } from '../render/early-context';

function fail(e: unknown): void {
  const box = document.getElementById('notice-box');
  const list = document.getElementById('notices');
  if (!box || !list) return;
  const li = document.createElement('li');
  li.textContent = `mm3d could not start: ${e instanceof Error ? e.message : String(e)}. Reloading the page may help.`;
  list.replaceChildren(li);
  box.hidden = false;
}

// The tool's code is fetched and compiled while the page loads (tool-main.ts itself waits for
// the load event before it starts anything that draws).
const main = import('./tool-main');
// The view's WebGL context is made now, while the tool's modules compile (../render/early-context.ts).
startContext(document.getElementById('view'));
main.catch(fail);
