/**
 * The application controller: holds the current state, turns every input (menu edit, URL,
 * postMessage, key, camera move) into a new normalized `Params`, keeps history and the URL in
 * step, derives layout and values, and tells the scene, the menu and the embedding parent.
 * `status.ready` becomes true once the current state is completely computed and drawn.
 */
import type { Params } from '../core/params/schema';
import { defaultParams, toExternal } from '../core/params/schema';
import { type Path, clone, getAt } from '../core/params/tree';
import {
  type Decoded,
  MAX_Z_TEXT,
  decodeQuery,
  encodeCompressed,
  encodeState,
  fromPartial,
} from '../core/params/url';
import { STATE_BOUNDS, jsonNestsDeeper } from '../core/params/bounds';
import { type Layout, computeLayout } from '../core/layout/layout';
import { type LeafData, type MatrixValues, workOf } from '../core/model/values';
import { SceneView } from '../render/scene';
import { prepareText } from '../render/text';
import { ComputeClient, WORKER_WORK } from '../compute/client';
import { fitCamera } from './camera';
import { applySetParams } from '../core/params/message';
import { formulaWorkOf } from '../core/model/formula-steps';
import { Animator } from './animation';
import { DataManager } from './data';

export type HistoryMode = 'push' | 'replace' | 'none';

export interface Status {
  ready: boolean;
  elements: number;
  notices: string[];
  error: string | null;
  /**
   * Properties of the last link or message that neither mm3d nor the original tool knows
   * (dropped; shown in the diag panel, not as notices: core/params/foreign.ts).
   */
  ignored: string[];
}

export interface AppHooks {
  onState?: (p: Params, structural: boolean) => void;
  onStatus?: (s: Status) => void;
  onNotices?: (n: string[]) => void;
  onProgress?: (f: number | null) => void;
  onProgressText?: (t: string | null) => void;
}

function structureKey(p: Params): string {
  return p.expr;
}

/** The state without its menu folders' open/closed flags (which change nothing drawn). */
function drawnKey(p: Params): string {
  return JSON.stringify(p, (k, v: unknown) => (k === 'folder' ? undefined : v));
}

export class App {
  params: Params = defaultParams();
  layout: Layout;
  values: Map<string, MatrixValues> | null = null;
  readonly scene: SceneView;
  readonly animator: Animator;
  readonly status: Status = { ready: false, elements: 0, notices: [], error: null, ignored: [] };
  readonly leafData: LeafData = new Map();
  readonly data: DataManager;
  private compute: ComputeClient;
  private generation = 0;
  private hooks: AppHooks = {};
  private lastStructure = '';
  private cameraTimer: number | undefined;

  /**
   * Creates the app on the state of the page's link. For a big first state the compute worker is
   * started first and given a moment to load while the page is idle (a dedicated worker's start
   * needs the page's thread, which the WebGL start-up would otherwise hold for a long time). A
   * page whose link is not a tool state (the explorer) passes `{ linkState: false }`: nothing is
   * computed for the link, and no frame is drawn until the page's first setState (a frame of
   * nothing costs the main thread a compositor commit that waits for the GPU, busy compiling the
   * first state's programs, while the page waits for its model worker's answers).
   */
  static async start(container: HTMLElement, opts: { linkState?: boolean } = {}): Promise<App> {
    const client = new ComputeClient();
    const first = opts.linkState === false ? null : decodeQuery(window.location.search);
    // The legends' font and glyph atlas, before the (slow) WebGL view is made.
    void prepareText();
    if (
      first &&
      !first.configUrl &&
      workOf(first.params) + formulaWorkOf(first.params) >= WORKER_WORK
    )
      await client.warm();
    const app = new App(container, client, first);
    if (!first) {
      app.scene.hold = true;
      // The first state's products will need the kernel: compiled while the page waits.
      window.setTimeout(() => client.warmKernel(), 0);
    }
    return app;
  }

  constructor(
    container: HTMLElement,
    client = new ComputeClient(),
    first: Decoded | null = decodeQuery(window.location.search),
  ) {
    this.compute = client;
    this.data = new DataManager(this.leafData, {
      changed: () => this.refreshValues(),
      progress: (t) => this.hooks.onProgressText?.(t),
    });
    // Start the first computation before the (slow) WebGL context is made.
    if (first && !first.configUrl)
      void this.compute
        .compute(first.params, this.leafData, undefined, this.data.version)
        .catch(() => undefined);
    this.scene = new SceneView(container);
    this.animator = new Animator(this.scene);
    this.scene.onFrame = (now) => this.animator.tick(now);
    this.layout = computeLayout(this.params);
    this.scene.onCameraEnd = () => this.cameraMoved();
    window.addEventListener('popstate', () => this.loadFromLocation('none'));
  }

  /** The first state drawn by this page (see setState). */
  private firstState = true;

  setHooks(h: AppHooks): void {
    this.hooks = h;
  }

  /** Opens the state in the page's URL (first load and back/forward). */
  loadFromLocation(mode: HistoryMode): void {
    const d = decodeQuery(window.location.search);
    if (d.configUrl) {
      void this.loadConfig(d.configUrl);
      return;
    }
    this.setState(d.params, {
      history: mode,
      notices: d.notices,
      fit: !d.hasCamera,
      ignored: d.ignored,
    });
  }

  private async loadConfig(url: string): Promise<void> {
    try {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
      const text = await r.text();
      // Refused before parsing: a fetched tree is as hostile as a link.
      if (text.length > MAX_Z_TEXT || jsonNestsDeeper(text, STATE_BOUNDS.depth))
        throw new Error(
          `the file is longer than ${MAX_Z_TEXT} characters or nested deeper than ${STATE_BOUNDS.depth} levels`,
        );
      const raw = JSON.parse(text) as unknown;
      const n = fromPartial(raw);
      // A tree with its own camera keeps it, as links in the other forms do.
      const hasCamera = typeof raw === 'object' && raw !== null && 'cam' in raw;
      this.setState(n.params, {
        history: 'replace',
        notices: n.notices,
        fit: !hasCamera,
        ignored: n.ignored,
      });
    } catch (e) {
      this.setState(this.params, {
        history: 'none',
        notices: [`config: could not load ${url}: ${e instanceof Error ? e.message : String(e)}`],
      });
    }
  }

  /** Applies a raw (partial) tree: embedding's setParams and tests. */
  applyPartial(props: unknown, reset: boolean, syncExpr: boolean): void {
    const n = applySetParams(this.params, props, reset, syncExpr);
    if (n.refused) this.notify(n.notices);
    else this.setState(n.params, { history: 'push', notices: n.notices, ignored: n.ignored });
  }

  /** Opens or closes a menu folder (part of the state, so links keep it). */
  setFolder(path: Path, open: boolean): void {
    const next = clone(this.params);
    const obj = getAt(next, path);
    if (typeof obj !== 'object' || obj === null || !('folder' in obj)) return;
    obj.folder = open ? 'open' : 'closed';
    this.setState(next, { history: 'replace' });
  }

  setState(
    next: Params,
    opts: { history?: HistoryMode; notices?: string[]; fit?: boolean; ignored?: string[] } = {},
  ): void {
    if (
      !opts.fit &&
      !opts.notices?.length &&
      !opts.ignored?.length &&
      !this.firstState &&
      this.values !== null &&
      drawnKey(next) === drawnKey(this.params)
    ) {
      // Only menu folders changed: nothing to lay out, compute or draw.
      this.params = next;
      this.writeHistory(opts.history ?? 'push');
      this.hooks.onState?.(next, false);
      return;
    }
    const gen = ++this.generation;
    let layout: Layout;
    try {
      layout = computeLayout(next);
    } catch (e) {
      this.showNotices([
        `layout failed: ${e instanceof Error ? e.message : String(e)}; kept the last good state`,
      ]);
      return;
    }
    const structural = structureKey(next) !== this.lastStructure;
    if (opts.fit || (structural && this.lastStructure !== '' && opts.history !== 'none')) {
      next = {
        ...next,
        cam: fitCamera(
          layout,
          opts.fit ? defaultParams().cam : this.scene.cameraState(),
          !opts.fit,
        ),
      };
    }
    this.lastStructure = structureKey(next);
    this.params = next;
    this.layout = layout;
    this.status.ready = false;
    this.status.error = null;
    this.status.notices = opts.notices ?? [];
    this.status.ignored = opts.ignored ?? [];
    this.status.elements = 0;
    for (const p of layout.matrices.values()) this.status.elements += p.h * p.w;
    this.showNotices(this.status.notices);
    performance.mark('mm3d:layout');
    this.scene.setCamera(next.cam);
    // Draw at once with what is known (old values stay where shapes still fit), then the new values.
    this.scene.sync({ params: next, layout, values: this.values });
    this.animator.configure(next, this.values);
    if (this.firstState) {
      // The first picture waits for its values (at most a couple of seconds): the GPU compiles
      // the programs meanwhile, instead of holding up the page on a picture of nothing.
      this.firstState = false;
      this.scene.precompile();
      this.scene.hold = true;
      window.setTimeout(() => this.releaseHold(), 2000);
    }
    performance.mark('mm3d:synced');
    this.writeHistory(opts.history ?? 'push');
    this.hooks.onState?.(next, structural);
    performance.mark('mm3d:onstate');
    this.data.sync(next);
    this.recompute(gen);
  }

  /** Recomputes values for the current state (data arrived, or a new state). */
  private recompute(gen: number): void {
    const next = this.params;
    this.hooks.onProgress?.(0);
    performance.mark('mm3d:compute-start');
    this.compute
      .compute(
        next,
        this.leafData,
        (f) => {
          if (gen === this.generation) this.hooks.onProgress?.(f);
        },
        this.data.version,
      )
      .then((values) => {
        this.releaseHold();
        if (gen !== this.generation) return;
        performance.mark('mm3d:compute-end');
        this.values = values;
        this.hooks.onProgress?.(null);
        this.scene.sync({ params: this.params, layout: this.layout, values });
        this.animator.configure(this.params, values);
        const errs = [...values.entries()]
          .filter(([, v]) => v.error)
          .map(([k, v]) => `${this.layout.matrices.get(k)?.name ?? k}: ${v.error}`);
        if (errs.length) this.showNotices([...this.status.notices, ...errs]);
        void this.scene.legends.ready.then(() => {
          performance.mark('mm3d:legends');
          this.whenDrawn(gen);
        });
      })
      .catch((e: unknown) => {
        this.releaseHold();
        if (gen !== this.generation || (e instanceof Error && e.message === 'superseded')) return;
        this.hooks.onProgress?.(null);
        this.status.error = e instanceof Error ? e.message : String(e);
        this.showNotices([...this.status.notices, `computation failed: ${this.status.error}`]);
        this.announce();
      });
  }

  private releaseHold(): void {
    if (!this.scene.hold) return;
    this.scene.hold = false;
    this.scene.invalidate();
  }

  /** New data for some matrix: same state, new values (no history entry). */
  refreshValues(): void {
    const gen = ++this.generation;
    this.status.ready = false;
    this.recompute(gen);
  }

  private whenDrawn(gen: number): void {
    this.scene.invalidate();
    const drawn = this.scene.framesDrawn;
    const check = (): void => {
      if (gen !== this.generation) return;
      // Not ready while data for some matrix is still loading: its values are not the final ones.
      if (this.scene.framesDrawn > drawn && !this.data.loading) {
        performance.mark('mm3d:ready');
        this.status.ready = true;
        this.announce();
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }

  private announce(): void {
    this.hooks.onStatus?.({ ...this.status, notices: [...this.status.notices] });
  }

  /** Adds notices for the user (e.g. a file that could not be read); the state is unchanged. */
  notify(msgs: string[]): void {
    this.status.notices = [...this.status.notices, ...msgs];
    this.showNotices(this.status.notices);
  }

  private showNotices(n: string[]): void {
    this.hooks.onNotices?.(n);
  }

  private writeHistory(mode: HistoryMode): void {
    if (mode === 'none') return;
    const url = `${window.location.pathname}?${encodeState(this.params)}${window.location.hash}`;
    if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`)
      return;
    if (mode === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  urlInfo(): { json: string; url: string; compressed: string; search_params: string } {
    const search = encodeState(this.params);
    const base = `${window.location.origin}${window.location.pathname}`;
    return {
      json: JSON.stringify(toExternal(this.params)),
      url: `${base}?${search}`,
      compressed: `${base}?${encodeCompressed(this.params)}`,
      search_params: search,
    };
  }

  /** Camera moves are saved once per completed move (throttled). */
  private cameraMoved(): void {
    window.clearTimeout(this.cameraTimer);
    this.cameraTimer = window.setTimeout(() => {
      const cam = this.scene.cameraState();
      if (JSON.stringify(cam) === JSON.stringify(this.params.cam)) return;
      this.params = { ...this.params, cam };
      this.writeHistory('push');
      this.hooks.onState?.(this.params, false);
    }, 250);
  }

  /** Frames the whole expression from the current direction. */
  fit(): void {
    const cam = fitCamera(this.layout, this.scene.cameraState(), true);
    this.setState({ ...this.params, cam }, { history: 'push' });
  }
}
