#!/usr/bin/env node
// The demo site: static pages on their own origin (as a real site embedding the widget is),
// serving dist/inkeep-chat.js and filling %INKEEP_SERVER_URL% in each page with the Run API's
// URL. Usage: node demo/serve.mjs --port 5173 --server http://127.0.0.1:3003
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    host: { type: 'string', default: '127.0.0.1' },
    server: { type: 'string', default: 'http://127.0.0.1:3003' },
  },
});
const serverUrl = values.server.replace(/\/$/, '');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The header every demo page shares, put where a page says `<!-- demo-header -->`. */
const header = `<header class="site">
      <strong>Acme Docs</strong>
      <nav>
        <a href="/">Script tag</a>
        <a href="/inline.html">Inline</a>
        <a href="/zero-markup.html">Zero markup</a>
        <a href="/strict-csp.html">Strict CSP</a>
        <a href="/spa/">SPA</a>
        <a href="/not-allowed.html">Not allowed</a>
      </nav>
    </header>`;

/** Extra headers per page: the strict-CSP page is served as a locked-down site would be. */
function headersFor(path) {
  if (path.endsWith('strict-csp.html')) {
    return {
      'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${serverUrl}; worker-src blob:; img-src 'self' data:`,
    };
  }
  if (path.endsWith('no-workers.html')) {
    return {
      'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${serverUrl}; worker-src 'none'`,
    };
  }
  return {};
}

function resolvePath(pathname) {
  if (pathname === '/inkeep-chat.js') return join(root, 'dist/inkeep-chat.js');
  if (pathname.startsWith('/spa/')) {
    const rest = pathname.slice('/spa/'.length);
    return join(root, 'dist/demo-spa', rest.includes('.') ? rest : 'index.html');
  }
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  if (relative.includes('..')) return null;
  return join(here, relative);
}

const server = createServer(async (request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const path = resolvePath(decodeURIComponent(pathname));
  if (!path) {
    response.writeHead(400).end('Bad path');
    return;
  }
  try {
    let body = await readFile(path);
    const type = types[extname(path)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      const html = body.toString('utf8').replace('<!-- demo-header -->', header);
      body = Buffer.from(html.replaceAll('%INKEEP_SERVER_URL%', serverUrl));
    }
    response.writeHead(200, {
      'content-type': type,
      'cache-control': 'no-store',
      ...headersFor(path),
    });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
});

server.listen(Number(values.port), values.host, () => {
  const { port } = server.address();
  console.log(`demo site listening on http://${values.host}:${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => server.close(() => process.exit(0)));
