import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Context, Hono } from 'hono';
import { ProblemError } from '../http/problem-error.ts';

/** Where the manage UI's built files are; both default next to the compiled server. */
export interface ManageUiOptions {
  /** The Vite output of `src/manage` (default `dist/manage`). */
  root?: string;
  /** The widget's script-tag bundle, served for the try page (default `dist/inkeep-chat.js`). */
  widgetFile?: string;
}

// From dist/server/routes/manage-ui-routes.js: ../../manage is dist/manage.
const defaultRoot = fileURLToPath(new URL('../../manage/', import.meta.url));
const defaultWidgetFile = fileURLToPath(new URL('../../inkeep-chat.js', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// The pages load only their own scripts and styles and talk only to this server; the widget on
// the try page solves proof of work in blob: workers.
const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const fileName = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

const notFound = () => new ProblemError(404, 'not_found', 'File not found');

async function send(c: Context, path: string, cacheControl: string): Promise<Response> {
  const type = contentTypes[extname(path)];
  if (!type) throw notFound();
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    throw notFound();
  }
  c.header('Content-Type', type);
  c.header('Cache-Control', cacheControl);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  if (type.startsWith('text/html')) {
    c.header('Content-Security-Policy', pagePolicy);
    c.header('X-Frame-Options', 'DENY');
  }
  return c.body(new Uint8Array(body), 200);
}

/**
 * Serves the owner's dashboard (built from `src/manage`) at `/manage/`: `index.html` for
 * `/manage` and `/manage/`, top-level pages, hashed assets under `/manage/assets/`, and the
 * widget bundle at `/manage/inkeep-chat.js`. Never a file outside its folder; the manage API
 * below `/manage/tenants/` is left to its own routes.
 */
export function createManageUiRoutes(options: ManageUiOptions = {}): Hono {
  const root = resolve(options.root ?? defaultRoot);
  const widgetFile = options.widgetFile ?? defaultWidgetFile;
  const routes = new Hono();
  const inside = (...parts: string[]) => {
    for (const part of parts) if (!fileName.test(part)) throw notFound();
    const path = resolve(join(root, ...parts));
    if (!path.startsWith(root + sep)) throw notFound();
    return path;
  };

  const index = (c: Context) => send(c, inside('index.html'), 'no-store');
  routes.get('/manage', index);
  routes.get('/manage/', index);
  routes.get('/manage/inkeep-chat.js', (c) => send(c, widgetFile, 'no-cache'));
  // Vite names assets by content hash, so they never change under the same name.
  routes.get('/manage/assets/:file', (c) =>
    send(c, inside('assets', c.req.param('file')), 'public, max-age=31536000, immutable'),
  );
  routes.get('/manage/:file', (c) => {
    const file = c.req.param('file');
    return send(c, inside(file), file.endsWith('.html') ? 'no-store' : 'no-cache');
  });
  return routes;
}
