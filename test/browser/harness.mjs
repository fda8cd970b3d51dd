// Shared by the browser tests and the bench: a static server over dist/ (and optional extra
// routes), headless Debian Chromium through playwright-core, and helpers to wait for the page.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.png': 'image/png',
  '.npy': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Serves `root` on 127.0.0.1; `routes` maps a path to a handler (req, res) for test fixtures.
 * `cacheSeconds` (the bench's warm opens) lets the browser keep files as a static host would.
 */
export function serve(root, routes = {}, { cacheSeconds = 0 } = {}) {
  // A large header limit so that hostile-link tests can send ~1 MB query strings (Node's default is 16 KB).
  const server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = routes[url.pathname];
    if (route) return route(req, res);
    let p = path.join(root, decodeURIComponent(url.pathname));
    if (!p.startsWith(root)) {
      res.writeHead(403);
      return res.end();
    }
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
    if (!fs.existsSync(p)) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(p)] ?? 'application/octet-stream',
      ...(cacheSeconds > 0 ? { 'cache-control': `max-age=${cacheSeconds}` } : {}),
    });
    fs.createReadStream(p).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Waits until the tool reports that the current state is computed and drawn. */
export async function waitReady(page, timeout = 60000) {
  await page.waitForFunction(() => window.mm3d && window.mm3d.status().ready === true, null, {
    timeout,
    polling: 50,
  });
}

export async function newPage(browser, width = 1200, height = 800) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors, context };
}
