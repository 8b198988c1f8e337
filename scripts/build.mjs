#!/usr/bin/env node
// Builds everything the package ships:
//   dist/inkeep-chat.js   one classic script (IIFE) that defines <inkeep-chat>: the script-tag bundle
//   dist/lib/             ES modules for npm (index: no side effects; define: registers the element)
//   dist/types/           .d.ts for both
//   dist/server/          the Run API server as plain JS, with the inkeep-chat-server bin
//   dist/demo-spa/        the demo single-page app, which imports the package by its name
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const oxc = { jsx: { runtime: 'automatic', importSource: 'preact' } };
const quiet = { configFile: false, root, logLevel: 'warn', oxc };

rmSync(dist, { recursive: true, force: true });

await build({
  ...quiet,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2020',
    lib: {
      entry: join(root, 'src/define.ts'),
      formats: ['iife'],
      name: 'InkeepChat',
      fileName: () => 'inkeep-chat.js',
    },
  },
});
// A second pass with terser over the minified bundle: it folds what the first minifier leaves
// (about 200 B gzip of the 30 KB budget). Only transforms that keep semantics for code that never
// reads `arguments`/`this` in arrow candidates or relies on method `.name`.
const bundlePath = join(dist, 'inkeep-chat.js');
const folded = await minify(readFileSync(bundlePath, 'utf8'), {
  ecma: 2020,
  compress: { passes: 2, unsafe_arrows: true, unsafe_methods: true },
});
writeFileSync(bundlePath, folded.code);

await build({
  ...quiet,
  build: {
    outDir: 'dist/lib',
    emptyOutDir: false,
    target: 'es2020',
    minify: false,
    lib: {
      entry: { index: join(root, 'src/index.ts'), define: join(root, 'src/define.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: (id) => /^(preact|idb-keyval|altcha-lib)(\/|$)/.test(id),
    },
  },
});

const tsc = join(root, 'node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.server.json'], {
  cwd: root,
  stdio: 'inherit',
});
chmodSync(join(dist, 'server/cli.js'), 0o755);

// A fresh embedded database, migrated, as a tarball beside the server: an in-memory server
// starts from it in about a second instead of running initdb in WebAssembly (about five).
execFileSync(process.execPath, ['scripts/build-embedded-seed.mjs'], {
  cwd: root,
  stdio: 'inherit',
});
// The demo SPA resolves `inkeep-chat/define` through the package's own exports, as an app that
// installed it from npm does; a link in node_modules stands in for that install.
const link = join(root, 'node_modules/inkeep-chat');
if (!existsSync(link)) symlinkSync('..', link, 'dir');
await build({
  ...quiet,
  root: join(root, 'demo/spa'),
  base: '/spa/',
  build: { outDir: join(dist, 'demo-spa'), emptyOutDir: true, target: 'es2020' },
});

await build({
  ...quiet,
  root: join(root, 'src/manage'),
  base: '/manage/',
  build: {
    outDir: join(dist, 'manage'),
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: join(root, 'src/manage/index.html'), try: join(root, 'src/manage/try.html') },
    },
  },
});

console.log('built dist/inkeep-chat.js, dist/lib, dist/types, dist/server, dist/demo-spa');
