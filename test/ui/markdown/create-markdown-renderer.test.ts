// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';
import { answerFixture } from './answer-fixture.ts';
import { growth } from './cost-helpers.ts';
import { html, markup, render, stream } from './render-helpers.ts';

describe('createMarkdownRenderer', () => {
  it('renders every prefix of a streamed answer as a one-shot render would', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    for (let length = 1; length <= answerFixture.length; length++) {
      const prefix = answerFixture.slice(0, length);
      renderer.update(prefix);
      expect(html(root), `after ${JSON.stringify(prefix.slice(-20))}`).toBe(markup(prefix));
    }
  });

  it('renders the same from appended deltas, finished or not', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    for (let start = 0; start < answerFixture.length; start += 3) {
      renderer.append(answerFixture.slice(start, start + 3));
      expect(html(root)).toBe(markup(answerFixture.slice(0, start + 3)));
    }
    renderer.finish();
    renderer.append('\n\nMore *text*');
    expect(html(root)).toBe(markup(`${answerFixture}\n\nMore *text*`));
    renderer.update(`${answerFixture}\n\nMore *text* and more`);
    expect(html(root)).toBe(markup(`${answerFixture}\n\nMore *text* and more`));
  });

  it('renders the same whatever the chunk sizes', () => {
    const expected = markup(answerFixture);
    for (const sizes of [[1], [2, 5, 3], [7, 1, 13], [64], [answerFixture.length]]) {
      expect(html(stream(answerFixture, sizes)), `chunks ${sizes}`).toBe(expected);
    }
  });

  it('keeps completed blocks as the same nodes while more text arrives', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    // Blocks are final once a complete line of the next block has arrived.
    const cut = answerFixture.indexOf('## Options') + '## Options\n'.length;
    renderer.update(answerFixture.slice(0, cut));
    const heading = root.children[0]!;
    const paragraph = root.children[1]!;
    expect(heading.tagName).toBe('H1');
    expect(paragraph.tagName).toBe('P');
    const headingText = heading.firstChild;
    for (let length = cut + 1; length <= answerFixture.length; length++) {
      renderer.update(answerFixture.slice(0, length));
      expect(root.children[0]).toBe(heading);
      expect(root.children[1]).toBe(paragraph);
    }
    expect(heading.firstChild).toBe(headingText);
    renderer.finish();
    expect(root.children[0]).toBe(heading);
  });

  it('keeps an open code block as the same node, appending its lines', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    renderer.update('Intro\n\n```js\n');
    const pre = root.querySelector('pre')!;
    const button = pre.querySelector('button')!;
    let text = 'Intro\n\n```js\n';
    for (let line = 0; line < 50; line++) {
      for (const piece of ['let ', `x${line}`, ' = 1;', '\n']) {
        text += piece;
        renderer.update(text);
        expect(root.querySelector('pre')).toBe(pre);
        expect(pre.querySelector('button')).toBe(button);
      }
    }
    renderer.update(`${text}\`\`\`\n\nafter`);
    expect(root.querySelector('pre')).toBe(pre);
    expect(pre.querySelector('code')?.textContent).toBe(
      Array.from({ length: 50 }, (_, line) => `let x${line} = 1;`).join('\n'),
    );
    expect(html(root)).toBe(markup(`${text}\`\`\`\n\nafter`));
  });

  it('starts over when the text does not extend the previous text', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    renderer.update('# One\n\nfirst answer\n\nmore');
    const first = root.firstChild;
    renderer.update('# Two\n\nsecond');
    expect(html(root)).toBe(markup('# Two\n\nsecond'));
    expect(root.firstChild).not.toBe(first);
    renderer.update('# Two');
    expect(root.innerHTML).toBe('<h1>Two</h1>');
    renderer.update('');
    expect(root.innerHTML).toBe('');
    renderer.update('```\ncode\n');
    renderer.update('other');
    expect(root.innerHTML).toBe('<p>other</p>');
  });

  it('clears what the root held before', () => {
    const root = document.createElement('div');
    root.append('stale');
    createMarkdownRenderer(root).update('fresh');
    expect(root.innerHTML).toBe('<p>fresh</p>');
  });

  it('ignores an update with the same text and accepts one after finish', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    renderer.update('a *b*');
    const paragraph = root.firstChild;
    renderer.update('a *b*');
    expect(root.firstChild).toBe(paragraph);
    renderer.finish();
    renderer.finish();
    expect(root.innerHTML).toBe('<p>a <em>b</em></p>');
    renderer.update('a *b* c');
    expect(root.innerHTML).toBe('<p>a <em>b</em> c</p>');
  });
});

describe('long answers', () => {
  const long = answerFixture.repeat(20);

  it('renders updates past 16 KB once per animation frame', async () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root);
    renderer.update(long.slice(0, 16_000));
    const shown = root.innerHTML;
    expect(shown).not.toBe('');
    renderer.update(long.slice(0, 20_000));
    renderer.update(long.slice(0, 24_000));
    expect(root.innerHTML).toBe(shown);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const streamed = document.createElement('div');
    createMarkdownRenderer(streamed, { requestFrame: (callback) => callback() }).update(
      long.slice(0, 24_000),
    );
    expect(root.innerHTML).toBe(streamed.innerHTML);
  });

  it('renders what is pending at finish', () => {
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root, { requestFrame: () => {} });
    renderer.update(long.slice(0, 20_000));
    renderer.update(long);
    expect(root.innerHTML).toBe('');
    renderer.finish();
    expect(html(root)).toBe(markup(long));
  });

  it('drops a pending long update when a short text replaces it', () => {
    const frames: (() => void)[] = [];
    const root = document.createElement('div');
    const renderer = createMarkdownRenderer(root, {
      requestFrame: (callback) => frames.push(callback),
    });
    renderer.update(long);
    renderer.update('short');
    for (const frame of frames) frame();
    expect(root.innerHTML).toBe('<p>short</p>');
  });
});

describe('half-written markdown', () => {
  it('shows an unclosed fence as a code block', () => {
    const root = render('Try:\n\n```py\nprint(1)\nprint(');
    expect(root.querySelector('pre .md-code-lang')?.textContent).toBe('py');
    expect(root.querySelector('pre code')?.textContent).toBe('print(1)\nprint(');
  });

  it('shows a fence still being opened as an empty code block', () => {
    expect(render('```').querySelector('pre code')?.textContent).toBe('');
    expect(render('```ty').querySelector('.md-code-lang')?.textContent).toBe('ty');
  });

  it('shows unclosed emphasis as text until it closes', () => {
    expect(stream('Some **bold').innerHTML).toBe('<p>Some **bold</p>');
    expect(stream('Some **bold**').innerHTML).toBe('<p>Some <strong>bold</strong></p>');
    expect(stream('Some `code').innerHTML).toBe('<p>Some `code</p>');
  });

  it('shows a half-written link as text until it closes', () => {
    expect(render('[docs](https://exa').textContent).toBe('[docs](https://exa');
    expect(markup('[docs](/do')).toBe('<p>[docs](/do</p>');
    expect(markup('[docs](https://example.com)')).toContain('<a href="https://example.com/"');
  });

  it('shows a table header as text until its delimiter row arrives', () => {
    expect(markup('| a | b |\n|--')).toBe('<p>| a | b |\n|--</p>');
    expect(render('| a | b |\n|--|--').querySelectorAll('th')).toHaveLength(2);
  });

  it('renders a list item being written', () => {
    expect(markup('Steps:\n\n1. first\n2.')).toBe('<p>Steps:</p><ol><li>first</li><li></li></ol>');
  });
});

describe('streaming cost', () => {
  it('grows linearly with the answer (12 KB against 50 KB, streamed four characters at a time)', () => {
    const small = answerFixture.repeat(Math.ceil(12_500 / answerFixture.length));
    const { nodes, steps } = growth((count) => small.repeat(count), 1, 4);
    // Four times the text creates about four times the nodes and steps; quadratic growth, sixteen.
    expect(nodes).toBeLessThan(4.5);
    expect(steps).toBeLessThan(4.5);
  });

  const longBlocks: Record<string, (index: number) => string> = {
    'a long list': (index) => `- item **${index}** with a few words`,
    'a long loose list': (index) => `${index + 1}. item *${index}*\n\n   more text\n`,
    'a long table': (index) => (index === 0 ? '| a | b |\n|---|---|' : `| ${index} | *x* |`),
    'a long quote': (index) => `> quoted line ${index}\n>`,
    'a long code block': (index) => (index === 0 ? '```js' : `const x${index} = ${index};`),
  };
  for (const [name, lineOf] of Object.entries(longBlocks)) {
    it(`streams ${name} in linear time`, () => {
      const text = (count: number) =>
        Array.from({ length: count }, (_, index) => lineOf(index)).join('\n');
      const { nodes, steps } = growth(text, 250, 4);
      expect(nodes).toBeLessThan(4.5);
      expect(steps).toBeLessThan(4.5);
    });
  }
});
