/**
 * Offline after the first visit: registers the service worker that the build generates
 * (vite-plugin-pwa with Workbox, see vite.config.ts; it precaches the static site). Called once the
 * first state is drawn, so that precaching does not compete with the tool's start. Not on the dev
 * server (no service worker there) and not where the browser has none or refuses (file: pages,
 * private modes): the tool then simply needs the network as before.
 */
export function registerOffline(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(new URL('sw.js', document.baseURI), { scope: './' }).catch(() => undefined);
}
