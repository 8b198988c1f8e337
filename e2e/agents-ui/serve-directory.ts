import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

/** A static site on a free loopback port. */
export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Serves the files of `directory` on 127.0.0.1 (an origin the demo apps allow), `/` as
 * index.html; anything else is 404. In the test's own process: closed by `close()`.
 */
export async function serveDirectory(directory: string): Promise<StaticSite> {
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const relative = normalize(pathname === '/' ? '/index.html' : pathname);
    if (relative.includes('..')) {
      response.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(join(directory, relative));
      response
        .writeHead(200, {
          'content-type': types[extname(relative)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
