/**
 * The head explorer's entry point (explorer.html). Like the tool page, it lets the page finish
 * loading before the heavy part starts (see ./tool.ts for why), then runs ./explorer-main.ts.
 */
import '../ui/style.css';
import '../ui/explorer.css';

function fail(e: unknown): void {
  const box = document.getElementById('notice-box');
  const list = document.getElementById('notices');
  if (!box || !list) return;
  const li = document.createElement('li');
  li.textContent = `the explorer could not start: ${e instanceof Error ? e.message : String(e)}. Reloading the page may help.`;
  list.replaceChildren(li);
  box.hidden = false;
}

function start(): void {
  import('./explorer-main').catch(fail);
}

if (document.readyState === 'complete') start();
else window.addEventListener('load', start, { once: true });
