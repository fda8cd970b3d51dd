/**
 * The tool page (`/`): full-page visualization, the menu at the top right, the title, notices,
 * progress, a dismissible help box, and the embedding API. Imported by ./tool.ts while the page
 * loads; it starts once the page has loaded.
 */
import { App, type Status } from '../ui/app';
import { Menu } from '../ui/menu';
import { installEmbedding } from '../ui/embed';
import { installKeys } from '../ui/input';
import { Inspector } from '../ui/inspect';
import { DataDialog } from '../ui/data-dialog';
import { addExportFolder } from '../ui/export-menu';
import { addShareFolder } from '../ui/share';
import { registerOffline } from '../ui/offline';
import { applyEdit } from '../core/params/edit';
import { clone } from '../core/params/tree';
import type { Alg } from '../core/params/schema';
import { registerDataSource } from '../ui/data';

const el = (id: string): HTMLElement => document.getElementById(id)!;

// Heads opened from the explorer ("open in the tool") keep `explorer:` references on their leaves;
// the explorer's model worker computes them, loaded only when such a link is opened.
registerDataSource('explorer:', (ref) =>
  import('../ui/explorer-client').then((m) => m.loadExplorerLeaf(ref)),
);

// Started once the page has loaded (see ./tool.ts for why); fetching and compiling this module
// and its imports has overlapped the loading.
if (document.readyState !== 'complete')
  await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
performance.mark('mm3d:start');
const app = await App.start(el('view'));
performance.mark('mm3d:app');
/** The live status (ready turns false as soon as a new state starts, true once it is drawn). */
const currentStatus = (): Status => ({ ...app.status, notices: [...app.status.notices] });
const embed = installEmbedding(app, currentStatus);

const dataDialog = new DataDialog(app, (m) => app.notify(m));
const menu = new Menu(el('menu'), {
  onLoadFile: (path) => dataDialog.pick(path),
  onEdit: (path, value) => {
    const n = applyEdit(app.params, path, value);
    app.setState(n.params, { history: 'push', notices: n.notices });
  },
  onFolder: (path, open) => app.setFolder(path, open),
  onReseed: (path) => {
    const n = applyEdit(app.params, [...path, 'seed'], Math.floor(Math.random() * 2 ** 31));
    app.setState(n.params, { history: 'push', notices: n.notices });
  },
  onFit: () => app.fit(),
  extras: (gui) => {
    addExportFolder(gui, app, (m) => app.notify(m));
    addShareFolder(gui, () => app.params);
  },
});

const labelHost = document.createElement('div');
labelHost.id = 'lens-labels';
document.body.appendChild(labelHost);
const inspector = new Inspector(app, labelHost);
let menuShown = false;
const noticesEl = el('notices');
const progressEl = el('progress');
app.setHooks({
  onState: (p) => {
    el('title').textContent = p.expr;
    document.title = `${p.expr} — mm3d`;
    // The menu is built after the first picture is up, to keep it off the critical path.
    if (menuShown) menu.show(p);
    embed.stateChanged();
    embed.statusChanged(currentStatus());
  },
  onStatus: (s) => {
    // (also when the first state failed: the menu is how the user gets out of it)
    if (!menuShown && (s.ready || s.error)) {
      menuShown = true;
      setTimeout(() => menu.show(app.params), 0);
      registerOffline();
    }
    embed.statusChanged(s);
  },
  onNotices: (n) => {
    noticesEl.replaceChildren();
    for (const text of n.slice(0, 12)) {
      const li = document.createElement('li');
      li.textContent = text;
      noticesEl.appendChild(li);
    }
    if (n.length > 12) {
      const li = document.createElement('li');
      li.textContent = `… and ${n.length - 12} more`;
      noticesEl.appendChild(li);
    }
    el('notice-box').hidden = n.length === 0;
  },
  onProgressText: (t) => {
    progressEl.hidden = t === null;
    if (t !== null) progressEl.textContent = t;
  },
  onProgress: (f) => {
    if (f === null) {
      progressEl.hidden = true;
      return;
    }
    progressEl.hidden = false;
    progressEl.textContent = `computing… ${Math.round(f * 100)}%`;
  },
});
el('notice-close').addEventListener('click', () => {
  el('notice-box').hidden = true;
});
el('help-close').addEventListener('click', () => {
  el('help').hidden = true;
  try {
    localStorage.setItem('mm3d.help', 'hidden');
  } catch {
    // storage may be unavailable (privacy mode); the box just shows again next time
  }
});
try {
  if (localStorage.getItem('mm3d.help') === 'hidden') el('help').hidden = true;
} catch {
  // ignore
}

performance.mark('mm3d:menu');
// Space toggles animation and spin (remembering both), p pauses, s steps (docs/interaction.md).
let remembered: { alg: Alg; spin: number } = { alg: 'vmprod', spin: 1 };
installKeys(app.scene, (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  if (e.key === ' ') {
    const { alg, spin } = app.params.anim;
    const next = clone(app.params);
    if (alg !== 'none' || spin !== 0) {
      remembered = { alg: alg !== 'none' ? alg : remembered.alg, spin: spin !== 0 ? spin : 0 };
      next.anim.alg = 'none';
      next.anim.spin = 0;
    } else {
      next.anim.alg = remembered.alg;
      next.anim.spin = remembered.spin;
    }
    app.setState(next, { history: 'push' });
    return true;
  }
  if (e.key === 'p') {
    app.animator.togglePause();
    return true;
  }
  if (e.key === 's') {
    app.animator.stepOnce();
    return true;
  }
  return false;
});

// Diag panel refresh, only while it is open and the page visible (encoding URLs is not free).
setInterval(() => {
  if (document.hidden || !menu.diagOpen) return;
  const info = app.urlInfo();
  const gi = app.scene.info();
  menu.setDiag({
    json: info.json,
    url: info.url,
    compressed: info.compressed,
    elements: app.status.elements,
    frameMs: Math.round(app.scene.frameTime() * 10) / 10,
    geometries: gi.geometries,
    textures: gi.textures,
    ignored: app.status.ignored.join(', '),
  });
}, 1000);

// For tests and the bench: read-only handles, no code paths of their own.
declare global {
  interface Window {
    /** The running tool, for tests and the console (nothing reads it back as input). */
    mm3d?: {
      app: App;
      status: () => Status;
      inspector: Inspector;
      /** The tool page's data dialog. */
      dataDialog?: DataDialog;
      /** The explorer page's own handles (explorer-main.ts). */
      explorer?: object;
    };
  }
}
window.mm3d = { app, status: currentStatus, inspector, dataDialog };

app.loadFromLocation('replace');
