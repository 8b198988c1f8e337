import { defineConfig } from 'vite';

// The development playground (`npm run dev`, index.html). Production builds: scripts/build.mjs.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { host: '127.0.0.1', port: 5174 },
});
