/**
 * A small static file server for the built site (docs/.vitepress/dist) on 127.0.0.1, respecting
 * the site's base path: `/base/x` serves `dist/x`, `/base/x` without an extension tries
 * `x.html` (VitePress' clean URLs), folders serve their index.html; anything else is a 404.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.ipynb': 'application/x-ipynb+json',
};

/** A running server: its origin, the site's root URL, and how to stop it. */
export interface StaticSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** origin + base, e.g. `http://127.0.0.1:PORT/normlab/` */
  root: string;
  close(): Promise<void>;
}

function resolveFile(dist: string, relativePath: string): string | null {
  const clean = normalize(decodeURIComponent(relativePath)).replace(/^(\.\.[/\\])+/, '');
  const candidates = [join(dist, clean)];
  if (!extname(clean)) candidates.push(join(dist, `${clean}.html`), join(dist, clean, 'index.html'));
  for (const file of candidates) {
    if (!file.startsWith(dist)) return null;
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

/** Serve `dist` under `base` (`/` or `/something/`) on a free port of 127.0.0.1. */
export function serveStatic(dist: string, base = '/'): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = url.pathname.startsWith(base) ? resolveFile(dist, url.pathname.slice(base.length)) : null;
    if (!file) {
      const notFound = join(dist, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      if (existsSync(notFound)) createReadStream(notFound).pipe(res);
      else res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        origin,
        root: `${origin}${base}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
