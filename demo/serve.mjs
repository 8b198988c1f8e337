#!/usr/bin/env node
// The demo site: static pages on their own origin (as a real site embedding the widget is),
// serving dist/inkeep-chat.js and filling %INKEEP_SERVER_URL% in each page with the Run API's
// URL. Usage: node demo/serve.mjs --port 5173 --server http://127.0.0.1:3003
// With INKEEP_DEMO_SIGNER (see demo/prepare-signed-in-demo.mjs, as `npm start` sets it) it is
// also the backend of a site whose visitors sign in: /demo/* below.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT } from 'jose';
import { demoSignerVariable } from './prepare-signed-in-demo.mjs';

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
        <a href="/signed-in.html">Signed in</a>
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

const signer = process.env[demoSignerVariable] ? JSON.parse(process.env[demoSignerVariable]) : null;
const signingKey = signer ? await importJWK(signer.key, 'ES256') : null;
/** How long a token the demo backend signs lives; the widget asks again at half of it. */
const tokenSeconds = 600;
const userCookie = 'demo_user';

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** The signed-in user's name, from the demo site's own session cookie. */
function userOf(request) {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === userCookie && value.length) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

async function readName(request) {
  const chunks = [];
  let length = 0;
  for await (const chunk of request) {
    length += chunk.length;
    if (length > 1024) return null;
    chunks.push(chunk);
  }
  try {
    const { name } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const trimmed = typeof name === 'string' ? name.trim() : '';
    return trimmed.length >= 1 && trimmed.length <= 60 ? trimmed : null;
  } catch {
    return null;
  }
}

/**
 * The demo site's backend, as a real site's would be: a session cookie says who is signed in
 * (here, whoever typed a name), and `POST /demo/chat-token` signs that user a short-lived token
 * for the widget with the private key whose public half app_demo registered.
 */
async function handleDemoApi(request, response, pathname) {
  const user = userOf(request);
  if (pathname === '/demo/session' && request.method === 'GET') {
    return sendJson(response, 200, { user: user ? { name: user } : null, signIn: !!signer });
  }
  if (!['/demo/sign-in', '/demo/sign-out', '/demo/chat-token'].includes(pathname)) {
    return sendJson(response, 404, { error: 'Not found' });
  }
  if (request.method !== 'POST') return sendJson(response, 405, { error: 'Use POST' });
  // Signing in and out must come from this site's own pages: a cross-site form cannot send JSON.
  // The token needs no such check: the cookie stays off cross-site requests (SameSite=Strict).
  const changesSession = pathname === '/demo/sign-in' || pathname === '/demo/sign-out';
  if (changesSession && !request.headers['content-type']?.startsWith('application/json')) {
    return sendJson(response, 415, { error: 'Send JSON' });
  }
  if (pathname === '/demo/sign-out') {
    response.writeHead(204, {
      'set-cookie': `${userCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    });
    return response.end();
  }
  if (!signer) {
    return sendJson(response, 503, {
      error: `Sign-in needs the demo's signing key: start the demo with npm start`,
    });
  }
  if (pathname === '/demo/sign-in') {
    const name = await readName(request);
    if (!name) return sendJson(response, 400, { error: 'A name of 1 to 60 characters' });
    response.setHeader(
      'set-cookie',
      `${userCookie}=${encodeURIComponent(name)}; Path=/; HttpOnly; SameSite=Strict`,
    );
    return sendJson(response, 200, { user: { name } });
  }
  if (pathname === '/demo/chat-token') {
    if (!user) return sendJson(response, 401, { error: 'Not signed in' });
    const now = Math.floor(Date.now() / 1000);
    // The user id is the name, case aside: the same name is the same user on every browser.
    const token = await new SignJWT({ name: user })
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid })
      .setSubject(`demo:${user.toLowerCase()}`)
      .setAudience(signer.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + tokenSeconds)
      .sign(signingKey);
    response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    return response.end(token);
  }
}

const server = createServer(async (request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname.startsWith('/demo/')) {
    return handleDemoApi(request, response, pathname).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { error: 'The demo backend failed' });
      else response.end();
    });
  }
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
