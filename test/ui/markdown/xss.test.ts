// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';
import { xssVectors } from './xss-vectors.ts';

const allowedTags = new Set(
  'P H1 H2 H3 H4 H5 H6 EM STRONG DEL CODE PRE UL OL LI BLOCKQUOTE TABLE THEAD TBODY TR TH TD A HR BR DIV SPAN BUTTON'.split(
    ' ',
  ),
);
const allowedAttributes = new Set([
  'href',
  'target',
  'rel',
  'class',
  'type',
  'aria-label',
  'start',
]);

function expectInert(root: HTMLElement, vector: string): void {
  for (const element of root.querySelectorAll('*')) {
    expect(allowedTags.has(element.tagName), `<${element.tagName}> from ${vector}`).toBe(true);
    for (const { name, value } of element.attributes) {
      expect(allowedAttributes.has(name), `${name}="${value}" from ${vector}`).toBe(true);
      expect(name.toLowerCase().startsWith('on'), vector).toBe(false);
    }
    const href = element.getAttribute('href');
    if (href !== null) expect(href, vector).toMatch(/^(https?|mailto):/);
    if (element.tagName === 'A') {
      expect(element.getAttribute('rel')).toBe('noopener noreferrer');
      expect(element.getAttribute('target')).toBe('_blank');
    }
  }
}

describe('markdown XSS vectors', () => {
  it('has at least 40 vectors', () => {
    expect(xssVectors.length).toBeGreaterThanOrEqual(40);
  });

  for (const vector of xssVectors) {
    it(`renders inert: ${JSON.stringify(vector)}`, () => {
      const root = document.createElement('div');
      const renderer = createMarkdownRenderer(root);
      renderer.update(`Before\n\n${vector}\n\nAfter *${vector}*`);
      renderer.finish();
      expectInert(root, vector);

      const streamed = document.createElement('div');
      const streaming = createMarkdownRenderer(streamed);
      for (let length = 1; length <= vector.length; length++) {
        streaming.update(vector.slice(0, length));
        expectInert(streamed, vector);
      }
      streaming.finish();
    });
  }

  it('shows raw HTML as the literal text', () => {
    const root = document.createElement('div');
    createMarkdownRenderer(root).update('a <script>alert(1)</script> <b onclick="x">b</b>');
    expect(root.textContent).toBe('a <script>alert(1)</script> <b onclick="x">b</b>');
    expect(root.querySelectorAll('*')).toHaveLength(1);
  });

  it('shows a link with a refused scheme as its text only', () => {
    const root = document.createElement('div');
    createMarkdownRenderer(root).update(
      '[click **me**](javascript:alert(1)) <javascript:alert(1)>',
    );
    expect(root.querySelector('a')).toBeNull();
    expect(root.querySelector('strong')?.textContent).toBe('me');
    expect(root.textContent).toBe('click me <javascript:alert(1)>');
  });
});
