/**
 * The menu (lil-gui), built from the schema and bound to a copy of `Params`. Every edit becomes
 * one call of `onEdit(path, value)`; the app turns it into a new state. Folder open/closed state
 * is part of the state. The menu is rebuilt when the structure of the expression changes and
 * only refreshed otherwise.
 */
import GUI, { type Controller } from 'lil-gui';
import {
  type Arg,
  type Field,
  type Params,
  ANIM_FIELDS,
  BLOCK_FIELDS,
  CHILD_ANIM_FIELDS,
  DECO_FIELDS,
  EPILOGS,
  LAYOUT_FIELDS,
  MATRIX_FIELDS,
  PLACEMENT_FIELDS,
  VIZ_FIELDS,
  codeName,
  defaultParams,
} from '../core/params/schema';
import { type Path, clone, getAt } from '../core/params/tree';

export interface MenuActions {
  onEdit: (path: Path, value: unknown) => void;
  onFolder: (path: Path, open: boolean) => void;
  onReseed: (path: Path) => void;
  onFit: () => void;
  onLoadFile: (path: Path) => void;
  /** Adds folders that are not part of the state (export, share) to a freshly built menu. */
  extras?: (gui: GUI) => void;
}

export interface DiagInfo {
  json: string;
  url: string;
  compressed: string;
  elements: number;
  frameMs: number;
  geometries: number;
  textures: number;
  /** Properties of the last link that neither tool knows, comma-separated (Status.ignored). */
  ignored: string;
}

export class Menu {
  private gui: GUI | null = null;
  /** The menu's own copy of the state; lil-gui writes into it, `onEdit` reports each change. */
  private model: Params = defaultParams();
  private structure = '';
  private diag: DiagInfo = {
    json: '',
    url: '',
    compressed: '',
    elements: 0,
    frameMs: 0,
    geometries: 0,
    textures: 0,
    ignored: '',
  };
  private diagControllers: Controller[] = [];
  /** True while the menu itself opens and closes folders to show a state (not the user's doing). */
  private quiet = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly actions: MenuActions,
  ) {}

  /** Shows a state: rebuilds on a structural change, refreshes values otherwise. */
  show(p: Params): void {
    const structure = JSON.stringify([p.expr, scheme(p)]);
    this.model = clone(p);
    this.quiet = true;
    try {
      if (structure !== this.structure || !this.gui) {
        this.structure = structure;
        this.build(p);
      } else {
        this.rebind(this.gui);
      }
    } finally {
      this.quiet = false;
    }
  }

  /** Whether the diag folder is open (its numbers are only worth computing then). */
  get diagOpen(): boolean {
    const df = this.gui?.folders.find(
      (f) => (f as GUI & { _mmPath?: Path })._mmPath?.[0] === 'diag',
    );
    return df !== undefined && !df._closed && !this.gui!._closed;
  }

  setDiag(d: DiagInfo): void {
    Object.assign(this.diag, d);
    for (const c of this.diagControllers) c.updateDisplay();
  }

  private rebind(gui: GUI): void {
    for (const c of gui.controllers) {
      if ((c as Controller & { _mmPath?: Path })._mmPath) {
        const cp = (c as Controller & { _mmPath: Path })._mmPath;
        const parent = getAt(this.model, cp.slice(0, -1)) as Record<string, unknown> | undefined;
        if (parent) c.object = parent;
        c.updateDisplay();
      }
    }
    for (const f of gui.folders) {
      const fp = (f as GUI & { _mmPath?: Path })._mmPath;
      if (fp) {
        const o = getAt(this.model, fp) as { folder?: string } | undefined;
        if (o?.folder) {
          if (o.folder === 'open' && f._closed) f.open();
          if (o.folder === 'closed' && !f._closed) f.close();
        }
        this.rebind(f);
      }
    }
  }

  private build(p: Params): void {
    this.gui?.destroy();
    const gui = new GUI({ container: this.container, title: 'mm' });
    this.gui = gui;
    this.diagControllers = [];
    this.trackFolder(gui, []);
    if (p.folder === 'closed') gui.close();

    const exprCtl = gui.add(this.model, 'expr').name('expr');
    this.bind(exprCtl, ['expr']);
    this.bind(gui.add(this.model, 'name').name('name'), ['name']);
    this.bind(gui.add(this.model, 'epilog', [...EPILOGS]).name('epilog'), ['epilog']);

    this.argFolder(gui, p.left, ['left'], 'left');
    this.argFolder(gui, p.right, ['right'], 'right');
    this.groupFolder(gui, 'anim', ANIM_FIELDS, ['anim']);
    this.groupFolder(gui, 'block', BLOCK_FIELDS, ['block']);
    const lf = this.groupFolder(gui, 'layout', LAYOUT_FIELDS, ['layout']);
    lf.add({ fit: () => this.actions.onFit() }, 'fit').name('fit camera');
    this.groupFolder(gui, 'deco', DECO_FIELDS, ['deco']);
    this.groupFolder(gui, 'colors and sizes', VIZ_FIELDS, ['viz']);

    const df = gui.addFolder('diag');
    (df as GUI & { _mmPath?: Path })._mmPath = ['diag'];
    this.trackFolder(df, ['diag']);
    if (p.diag.folder === 'closed') df.close();
    const ro = (key: keyof DiagInfo, label: string): void => {
      const c = df.add(this.diag, key).name(label);
      c.disable();
      this.diagControllers.push(c);
    };
    ro('json', 'JSON');
    ro('url', 'URL');
    ro('compressed', 'compressed URL');
    ro('elements', 'elements');
    ro('frameMs', 'frame ms');
    ro('geometries', 'GPU geometries');
    ro('textures', 'GPU textures');
    ro('ignored', 'ignored properties');
    this.actions.extras?.(gui);
  }

  private trackFolder(g: GUI, path: Path): void {
    g.onOpenClose((changed: GUI) => {
      // Folders the menu sets from the state need no edit (and each edit writes the URL).
      if (changed !== g || this.quiet) return;
      this.actions.onFolder(path, !g._closed);
    });
  }

  private bind(c: Controller, path: Path): Controller {
    (c as Controller & { _mmPath?: Path })._mmPath = path;
    c.onFinishChange((v: unknown) => this.actions.onEdit(path, v));
    return c;
  }

  /** One control for a field: labelled with the users' name, bound to the field's code name. */
  private field(g: GUI, f: Field, obj: Record<string, unknown>, path: Path): Controller {
    const prop = codeName(f.key);
    let c: Controller;
    if (f.kind === 'number') c = g.add(obj, prop, f.min, f.max, f.step ?? (f.int ? 1 : undefined));
    else if (f.kind === 'choice') c = g.add(obj, prop, [...f.choices]);
    else c = g.add(obj, prop);
    c.name(f.label ?? f.key);
    return this.bind(c, [...path, prop]);
  }

  private groupFolder(parent: GUI, title: string, fields: readonly Field[], path: Path): GUI {
    const f = parent.addFolder(title);
    (f as GUI & { _mmPath?: Path })._mmPath = path;
    this.trackFolder(f, path);
    const obj = getAt(this.model, path) as Record<string, unknown>;
    if (obj.folder !== 'open') f.close();
    for (const fd of fields) this.field(f, fd, obj, path);
    return f;
  }

  private argFolder(parent: GUI, a: Arg, path: Path, title: string): void {
    const f = parent.addFolder(`${title}: ${a.name}`);
    (f as GUI & { _mmPath?: Path })._mmPath = path;
    this.trackFolder(f, path);
    if (a.folder !== 'open') f.close();
    const obj = getAt(this.model, path) as Record<string, unknown>;
    this.bind(f.add(obj, 'name').name('name'), [...path, 'name']);
    this.bind(f.add(obj, 'matmul').name('matmul'), [...path, 'matmul']);
    if (!a.matmul) {
      for (const fd of MATRIX_FIELDS) {
        if (fd.key === 'name' || fd.key === 'matmul') continue;
        this.field(f, fd, obj, path);
      }
      f.add({ reseed: () => this.actions.onReseed(path) }, 'reseed').name('reseed');
      f.add({ load: () => this.actions.onLoadFile(path) }, 'load').name('load file…');
      return;
    }
    this.bind(f.add(obj, 'epilog', [...EPILOGS]).name('epilog'), [...path, 'epilog']);
    this.argFolder(f, a.left, [...path, 'left'], 'left');
    this.argFolder(f, a.right, [...path, 'right'], 'right');
    this.groupFolder(f, 'anim', CHILD_ANIM_FIELDS, [...path, 'anim']);
    this.groupFolder(f, 'block', BLOCK_FIELDS, [...path, 'block']);
    if (this.model.layout.scheme === 'custom')
      this.groupFolder(f, 'layout', PLACEMENT_FIELDS, [...path, 'layout']);
  }
}

function scheme(p: Params): string {
  return p.layout.scheme;
}
