import { describe, expect, it } from 'vitest';
import { embedSnippet } from '../../src/manage/embed-snippet.ts';

describe('embedSnippet', () => {
  it('is a script tag and an element for the app and this server', () => {
    expect(embedSnippet('app_docs', 'http://127.0.0.1:3003/')).toBe(
      '<script src="http://127.0.0.1:3003/manage/inkeep-chat.js" defer></script>\n' +
        '<inkeep-chat app-id="app_docs" base-url="http://127.0.0.1:3003"></inkeep-chat>',
    );
  });

  it('escapes attribute values', () => {
    expect(embedSnippet('app_"x"', 'https://a.example')).toContain('app-id="app_&quot;x&quot;"');
  });
});
