/**
 * What the pages around the tool (guide, tour, gallery) tell tests and the bench about
 * themselves, as `window.mm3dPage`.
 */
export interface PageState {
  /** The page's first picture is drawn and its text is on the page. */
  ready: boolean;
  /** Guide examples sent to the tool. */
  sent: number;
  /** Tour figures opened live. */
  opened: number;
}

declare global {
  interface Window {
    mm3dPage?: PageState;
  }
}

/** The page's state, published on `window`; `mm3d:page-ready` is marked when it becomes ready. */
export function pageState(): { state: PageState; markReady: (at?: number) => void } {
  const state: PageState = { ready: false, sent: 0, opened: 0 };
  window.mm3dPage = state;
  return {
    state,
    /** `at`: when it became ready, if earlier than now (a paint time the browser reported). */
    markReady: (at?: number) => {
      if (state.ready) return;
      state.ready = true;
      performance.mark('mm3d:page-ready', at === undefined ? undefined : { startTime: at });
    },
  };
}
