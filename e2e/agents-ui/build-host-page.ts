import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** A built host page in a temporary directory; `remove()` deletes it. */
export interface HostPage {
  directory: string;
  remove(): void;
}

const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Acme docs, with Inkeep's chat</title>
  </head>
  <body>
    <main>
      <h1>Acme docs</h1>
      <div id="chat" style="height: 640px; max-width: 720px"></div>
    </main>
    <script src="./host.js"></script>
  </body>
</html>
`;

/**
 * Bundles host-entry.ts (React 19 + @inkeep/agents-ui) with esbuild into a fresh temporary
 * directory beside an index.html that loads it: the bundle is test output, never committed.
 */
export async function buildHostPage(): Promise<HostPage> {
  const directory = mkdtempSync(join(tmpdir(), 'inkeep-agents-ui-host-'));
  await build({
    entryPoints: [join(here, 'host-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile: join(directory, 'host.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    logLevel: 'warning',
  });
  writeFileSync(join(directory, 'index.html'), html);
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
