/**
 * Offline after the first visit: registers the service worker that the build generates
 * (vite-plugin-pwa with Workbox, see vite.config.ts; it precaches the static site). Called once the
 * first state is drawn, so that precaching does not compete with the tool's start. Not on the dev
 * server (no service worker there) and not where the browser has none or refuses (file: pages,
 * private modes): the tool then simply needs the network as before.
 *
 * Browsers driven by automation (`navigator.webdriver`: the tests and the bench) register it only
 * when asked with `localStorage['mm3d.offline'] = 'on'`: precaching a megabyte right after the
 * first picture stalls a busy machine's frames for a second or two, which timing tests would read
 * as the tool's own slowness.
 */
export function registerOffline(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  if (navigator.webdriver && !asked()) return;
  navigator.serviceWorker
    .register(new URL('sw.js', document.baseURI), { scope: './' })
    .catch(() => undefined);
}

function asked(): boolean {
  try {
    return localStorage.getItem('mm3d.offline') === 'on';
  } catch {
    return false;
  }
}
