// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';
import { growth } from './cost-helpers.ts';
import { html, markup, stream } from './render-helpers.ts';

const lines = (count: number, lineOf: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => lineOf(index)).join('\n');

/**
 * Each input at a size (repetitions); four times the size must cost at most 4.5 times. Sizes
 * are well past `reach` (how far back a construct may open), where streaming costs settle to
 * a constant per character.
 */
const worstCases: Record<string, [(count: number) => string, number]> = {
  'unclosed emphasis': [(count) => '*a '.repeat(count), 500],
  'unclosed strong and underscores': [(count) => '**a __b '.repeat(count), 200],
  'mismatched emphasis': [(count) => '*a _b **c_ d* __e** f__ '.repeat(count), 60],
  'emphasis closed far away': [(count) => `*${'a '.repeat(count)}*`, 800],
  'a long single-line paragraph': [
    (count) => 'Some **bold** words, `code` and *more* text. '.repeat(count),
    40,
  ],
  'runs of backticks': [
    (count) =>
      Array.from({ length: count }, (_, index) => `${'`'.repeat(1 + (index % 9))}a `).join(''),
    250,
  ],
  'nested brackets': [(count) => '[a '.repeat(count) + '](x) '.repeat(count), 200],
  'unclosed brackets': [(count) => '[a '.repeat(count), 500],
  'link syntax without an end': [(count) => '[a](b '.repeat(count), 250],
  'links with half titles': [(count) => '[a](https://x.example "t '.repeat(count), 60],
  'deep list nesting': [
    (count) => lines(count, (index) => `${'  '.repeat(index % 40)}- item ${index}`),
    400,
  ],
  'deep quote nesting': [
    (count) => lines(count, (index) => `${'> '.repeat(index % 40)}quote ${index}`),
    400,
  ],
  '10,000 short lines': [(count) => lines(count, (index) => `l${index}`), 2500],
  'a long heading': [(count) => `# ${'Some *heading* words '.repeat(count)}`, 100],
  'a long table row': [(count) => `| a | b |\n| - | - |\n| ${'*x* y | '.repeat(count)}`, 250],
  'a long list item': [(count) => `- ${'item **words** '.repeat(count)}`, 150],
  'a long quote line': [(count) => `> ${'quoted *words* '.repeat(count)}`, 150],
  'one long word': [(count) => 'a'.repeat(count), 4000],
  'one long token of emphasis marks': [(count) => '*_'.repeat(count), 2000],
};

/** Single tokens with no space in them, checked whole (see the report on streaming them). */
const longTokens: Record<string, [(count: number) => string, number]> = {
  'one long run of backticks': [(count) => '`'.repeat(count), 4000],
  'one long URL': [(count) => `https://x.example/${'a'.repeat(count)}`, 4000],
  'bare URLs with parentheses': [(count) => `https://x.example/${')'.repeat(count)} `, 4000],
};

describe('markdown cost grows linearly with the input', () => {
  for (const [name, [textOf, count]] of Object.entries(worstCases)) {
    it(`${name}, whole`, () => {
      const { nodes, steps } = growth(textOf, count);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });

    it(`${name}, streamed four characters at a time`, () => {
      const { nodes, steps } = growth(textOf, count, 4);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });
  }

  for (const [name, [textOf, count]] of Object.entries(longTokens)) {
    it(`${name}, whole`, () => {
      const { nodes, steps } = growth(textOf, count);
      expect(nodes).toBeLessThanOrEqual(4.5);
      expect(steps).toBeLessThanOrEqual(4.5);
    });
  }
});

describe('a long line being written', () => {
  const line = `${'Some **bold** words. '.repeat(30)}`;
  const cases: Record<string, string> = {
    paragraph: 'x'.repeat(600),
    heading: `# ${line}`,
    'table row': `| a | b |\n|---|---|\n| ${line} | two |`,
    'list item': `- ${line}`,
    'second list item': `- one\n- ${line}`,
    'code line': `\`\`\`\n${line}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`shows every character of a ${name} and ends as rendered whole`, () => {
      const root = document.createElement('div');
      const renderer = createMarkdownRenderer(root);
      for (let end = 4; end < text.length; end += 4) {
        renderer.update(text.slice(0, end));
        // A sketched end shows the new characters as plain text: none is missing.
        expect(root.textContent!.replace(/[*#|`\s-]/g, '').length).toBeGreaterThanOrEqual(
          text
            .slice(0, end)
            .replace(/[*#|`\s-]/g, '')
            .replace(/^ab/, '').length - 4,
        );
      }
      renderer.update(text);
      renderer.finish();
      expect(html(root)).toBe(markup(text));
    });
  }
});

describe('a paragraph rendered in parts while it streams', () => {
  const prose = 'Some **bold words** and `a code span` with [a link](https://x.example/a) here. ';
  const inputs: Record<string, string> = {
    'long prose': prose.repeat(30),
    'prose over several lines': Array.from({ length: 30 }, () => prose).join('\n'),
    'hard breaks': 'line one  \nline two\\\nline three \nfour'.repeat(20),
    'emphasis across lines': 'start *of an\nemphasis that* ends **on the\nnext** line '.repeat(15),
    'a first line that starts with markers': `*a ${prose.repeat(12)}`,
    'a long paragraph that becomes a table': `${prose.repeat(8)}\n${prose}\n| a | b |\n|---|---|\n| 1 | 2 |`,
    'a table header after long lines': `${prose.repeat(8)}\n| a | b |\n|--|--|`,
    'unclosed emphasis and brackets': '*a [b `c '.repeat(120),
    'a list item paragraph': `- ${prose.repeat(10)}\n  ${prose.repeat(10)}`,
    'a quoted paragraph': `> ${prose.repeat(10)}\n> ${prose.repeat(10)}`,
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`shows ${name} streamed as it shows it whole`, () => {
      const whole = markup(text);
      for (const sizes of [[1], [4], [3, 7, 1]]) {
        expect(html(stream(text, sizes)), `chunks ${sizes}`).toBe(whole);
      }
    });
  }

  // Kept under 256 characters left unsettled: past that, a preview is sketched (`Sketch`).
  it('shows every prefix of a long paragraph as a one-shot render would', () => {
    const text = `${prose.repeat(3)}\n| a | b |\n|---|`;
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    for (let length = 1; length <= text.length; length++) {
      renderer.update(text.slice(0, length));
      expect(html(root), `at ${length}`).toBe(markup(text.slice(0, length)));
    }
  });
});

describe('a long answer laid out in bounded pieces', () => {
  it('puts blocks past the first 48 into parts of 32, where each block stays', () => {
    const text = lines(100, (index) => `Paragraph ${index}.\n`);
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    // Where each paragraph was first shown: a block moved to another parent is laid out again.
    const firstParent = new Map<Element, Node | null>();
    for (let end = 7; end < text.length + 7; end += 7) {
      renderer.update(text.slice(0, end));
      for (const p of root.querySelectorAll('p'))
        if (!firstParent.has(p)) firstParent.set(p, p.parentNode);
    }
    renderer.finish();
    const parts = root.querySelectorAll(':scope > .md-part');
    expect(root.querySelectorAll(':scope > p').length).toBe(48);
    expect([...parts].map((part) => part.childElementCount)).toEqual([32, 20]);
    expect(parts[0]!.firstElementChild!.textContent).toBe('Paragraph 48.');
    const shown = [...root.querySelectorAll('p')];
    expect(shown).toHaveLength(100);
    expect(shown.filter((p) => firstParent.get(p) !== p.parentNode)).toEqual([]);
  });

  it('leaves a short answer without parts', () => {
    const root = stream(
      lines(20, (index) => `- item ${index}\n\nParagraph ${index}.\n`),
      [5],
    );
    expect(root.querySelector('.md-part')).toBeNull();
  });

  it('continues a long paragraph in further <p>s of about 2 KB', () => {
    const text = 'Some **bold** words and `code`. '.repeat(400);
    const root = stream(text, [5]);
    const continuations = root.querySelectorAll('p.md-more');
    expect(continuations.length).toBeGreaterThanOrEqual(5);
    expect(continuations.length).toBeLessThanOrEqual(7);
    expect(html(root)).toBe(markup(text));
  });
});
