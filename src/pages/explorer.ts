/**
 * The head explorer's entry point (explorer.html). Like the tool page, it imports
 * ./explorer-main.ts at once, which lets the page finish loading before it draws (see ./tool.ts
 * for why).
 */
import '../ui/style.css';
import '../ui/explorer.css';
import { startContext } from '../render/early-context';
// Starts the model worker and the first view's model, weights and head (see the module).
import './explorer-early';

function fail(e: unknown): void {
  const box = document.getElementById('notice-box');
  const list = document.getElementById('notices');
  if (!box || !list) return;
  const li = document.createElement('li');
  li.textContent = `the explorer could not start: ${e instanceof Error ? e.message : String(e)}. Reloading the page may help.`;
  list.replaceChildren(li);
  box.hidden = false;
}

// The explorer's code is fetched and compiled while the page loads (the page names it as
// modulepreload links); explorer-main.ts starts its model worker at once and waits for the load
// event before it starts drawing. The view's WebGL context is made meanwhile.
const main = import('./explorer-main');
startContext(document.getElementById('view'));
main.catch(fail);
