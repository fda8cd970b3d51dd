// A local HTTP server for checkpoint tests and the bench: serves files with or without Range
// support, optionally cut short (a truncated file), with or without CORS headers, and counts the
// body bytes it sends, so a test can check what a load transferred independently of the loader.
import fs from 'node:fs';
import http from 'node:http';

/**
 * routes: { '/path': { file, range = true, cors = true, truncateTo, status } }.
 * Returns { base, url(path), sent: () => bytes, requests: [{method, path, range}], reset(), close() }.
 */
export async function rangeServer(routes) {
  let sent = 0;
  const requests = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const r = routes[path];
    const cors = r?.cors ?? true;
    const headers = cors
      ? {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Headers': 'Range',
          'Access-Control-Expose-Headers': 'Content-Range, Content-Length, ETag, Accept-Ranges',
        }
      : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...headers, 'Access-Control-Allow-Methods': 'GET, HEAD' });
      return res.end();
    }
    requests.push({ method: req.method, path, range: req.headers.range ?? null });
    if (!r || r.status) {
      res.writeHead(r?.status ?? 404, { ...headers, 'Content-Type': 'text/plain' });
      return res.end(req.method === 'HEAD' ? undefined : 'not found');
    }
    const st = fs.statSync(r.file);
    const size = Math.min(st.size, r.truncateTo ?? Infinity);
    const etag = `"${size}-${Math.floor(st.mtimeMs)}"`;
    const base = { ...headers, 'Content-Type': 'application/octet-stream', ETag: etag };
    if (r.range !== false) base['Accept-Ranges'] = 'bytes';
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (m && r.range !== false) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      if (start >= size) {
        res.writeHead(416, { ...base, 'Content-Range': `bytes */${size}` });
        return res.end();
      }
      status = 206;
      base['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
    res.writeHead(status, { ...base, 'Content-Length': String(end - start + 1) });
    if (req.method === 'HEAD') return res.end();
    const stream = fs.createReadStream(r.file, { start, end });
    stream.on('data', (c) => (sent += c.length));
    stream.pipe(res);
    res.on('close', () => stream.destroy());
  });
  // Long keep-alive: a test that blocks its event loop for a while (writing a fixture) must not find
  // its idle connections closed under it.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    url: (p) => base + p,
    sent: () => sent,
    requests,
    reset() {
      sent = 0;
      requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
