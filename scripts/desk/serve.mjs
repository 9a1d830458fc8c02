#!/usr/bin/env node
// Serves the built desk (scripts/desk/dist/) on 127.0.0.1, telling the page which node to
// connect to: `config.js` carries the WebSocket URL (a `?ws=` on the page's URL overrides it).
//
//   node desk/serve.mjs [--port 8080] [--ws ws://127.0.0.1:9944]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/**
 * Starts the server: resolves with `{ url, port, close }` once it listens. `port` 0 takes
 * a free one.
 */
export function serveDesk({ port = 8080, ws = 'ws://127.0.0.1:9944', dist = path.join(import.meta.dirname, 'dist') } = {}) {
  const server = createServer(async (request, response) => {
    let pathname;
    try {
      ({ pathname } = new URL(request.url, 'http://localhost'));
    } catch {
      response.writeHead(400).end('bad request');
      return;
    }
    if (pathname === '/config.js') {
      response.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
      response.end(`window.DESK_CONFIG = ${JSON.stringify({ ws })};\n`);
      return;
    }
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    const file = path.join(dist, path.normalize(name));
    if (!file.startsWith(dist + path.sep) || !TYPES[path.extname(file)]) {
      response.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)], 'cache-control': 'no-cache' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({ url: `http://127.0.0.1:${actual}/`, port: actual, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, ws: { type: 'string', default: 'ws://127.0.0.1:9944' } } });
  const { url } = await serveDesk({ port: Number(values.port), ws: values.ws });
  console.log(`clearing desk: ${url} (node ${values.ws}; Ctrl-C stops it)`);
}
