import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

// The built package as npm users get it, in Node (no browser, no DOM).
const root = new URL('..', import.meta.url);

test('the built ES module entries import in Node without a DOM and define nothing', () => {
  const script = `
    const entry = await import('inkeep-chat');
    await import('inkeep-chat/define');
    const server = await import('inkeep-chat/server');
    console.log(JSON.stringify({
      element: typeof entry.InkeepChatElement,
      error: typeof entry.InkeepChatError,
      session: typeof entry.createSession,
      window: typeof globalThis.window,
      document: typeof globalThis.document,
      server: typeof server.createServerApp,
    }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(JSON.parse(output)).toEqual({
    element: 'function',
    error: 'function',
    session: 'function',
    window: 'undefined',
    document: 'undefined',
    server: 'function',
  });
});

test('package.json points every export at a built file with types', () => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  for (const [path, target] of Object.entries(manifest.exports) as [string, unknown][]) {
    const files = typeof target === 'string' ? [target] : Object.values(target as object);
    for (const file of files) {
      expect(() => readFileSync(new URL(file as string, root)), `${path} → ${file}`).not.toThrow();
    }
  }
  expect(manifest.sideEffects).toContain('./dist/lib/define.js');
  expect(readFileSync(new URL(manifest.bin['inkeep-chat-server'], root), 'utf8')).toMatch(
    /^#!\/usr\/bin\/env node/,
  );
});
