// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';
import { markup, render } from './render-helpers.ts';

describe('markdown blocks', () => {
  it('renders paragraphs separated by blank lines, keeping soft breaks', () => {
    expect(markup('one\ntwo\n\n\nthree')).toBe('<p>one\ntwo</p><p>three</p>');
  });

  it('renders ATX headings of every level', () => {
    expect(markup('# One\n## Two ##\n###   Three   ###\n#### 4\n##### 5\n###### 6')).toBe(
      '<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>4</h4><h5>5</h5><h6>6</h6>',
    );
  });

  it('keeps hashtags and seven hashes as text', () => {
    expect(markup('#hashtag\n\n####### seven')).toBe('<p>#hashtag</p><p>####### seven</p>');
  });

  it('renders horizontal rules', () => {
    expect(markup('a\n\n---\n\n* * *\n\n___')).toBe('<p>a</p><hr><hr><hr>');
  });

  it('renders a fenced code block with a language label and a copy button', () => {
    const root = render('```ts\nconst a = 1;\n  indented <b>\n```\n\nafter');
    const pre = root.querySelector('pre')!;
    expect(pre.className).toBe('md-code');
    expect(pre.querySelector('.md-code-lang')?.textContent).toBe('ts');
    expect(pre.querySelector('code')?.textContent).toBe('const a = 1;\n  indented <b>');
    const button = pre.querySelector('button')!;
    expect(button.type).toBe('button');
    expect(button.className).toBe('md-copy');
    expect(button.getAttribute('aria-label')).toBe('Copy code');
    expect(button.textContent).toBe('Copy');
    expect(root.querySelector('p')?.textContent).toBe('after');
  });

  it('renders tilde fences, longer closing fences and fences without a language', () => {
    const root = render('~~~\n```\nstill code\n~~~~\n\n````\nx\n```\ny\n````');
    const blocks = root.querySelectorAll('pre');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.querySelector('code')?.textContent).toBe('```\nstill code');
    expect(blocks[0]!.querySelector('.md-code-lang')).toBeNull();
    expect(blocks[1]!.querySelector('code')?.textContent).toBe('x\n```\ny');
  });

  it('removes the fence indentation from code lines', () => {
    expect(render('  ```\n  a\n    b\nc\n  ```').querySelector('code')?.textContent).toBe(
      'a\n  b\nc',
    );
  });

  it('copies the code with onCopy and says so', async () => {
    vi.useFakeTimers();
    const onCopy = vi.fn();
    const root = document.createElement('div');
    createMarkdownRenderer(root, {
      onCopy,
      strings: { copy: 'Kopieren', copied: 'Kopiert', copyCode: 'Code kopieren' },
    }).update('```sh\nnpm i\n```');
    const button = root.querySelector('button')!;
    expect(button.textContent).toBe('Kopieren');
    expect(button.getAttribute('aria-label')).toBe('Code kopieren');
    button.click();
    await expect.poll(() => button.textContent).toBe('Kopiert');
    expect(onCopy).toHaveBeenCalledWith('npm i');
    vi.advanceTimersByTime(2000);
    expect(button.textContent).toBe('Kopieren');
    vi.useRealTimers();
  });

  it('copies with navigator.clipboard by default and survives a refusal', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    const button = render('```\nx\n```').querySelector('button')!;
    button.click();
    await expect.poll(() => writeText).toHaveBeenCalledWith('x');
    writeText.mockRejectedValueOnce(new Error('denied'));
    const refused = render('```\ny\n```').querySelector('button')!;
    refused.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(refused.textContent).toBe('Copy');
    vi.unstubAllGlobals();
  });

  it('renders tight lists without paragraphs and nested lists', () => {
    expect(markup('- a\n- b\n  - c\n    1. d\n- e')).toBe(
      '<ul><li>a</li><li>b<ul><li>c<ol><li>d</li></ol></li></ul></li><li>e</li></ul>',
    );
  });

  it('renders ordered lists with their start number and either delimiter', () => {
    expect(markup('3. a\n4. b\n\n1) c')).toBe(
      '<ol start="3"><li>a</li><li>b</li></ol><ol><li>c</li></ol>',
    );
  });

  it('renders loose lists with paragraphs', () => {
    expect(markup('- a\n\n- b\n\n  more\n- c')).toBe(
      '<ul><li><p>a</p></li><li><p>b</p><p>more</p></li><li><p>c</p></li></ul>',
    );
  });

  it('starts a new list for another bullet and ends a list at unindented text', () => {
    expect(markup('- a\n+ b\n\npara')).toBe('<ul><li>a</li></ul><ul><li>b</li></ul><p>para</p>');
  });

  it('continues list items lazily and with indented lines', () => {
    expect(markup('1. first\nlazy\n   indented\n2. second')).toBe(
      '<ol><li>first\nlazy\nindented</li><li>second</li></ol>',
    );
  });

  it('lets a list interrupt a paragraph, but not an ordered one starting elsewhere', () => {
    expect(markup('text\n- item')).toBe('<p>text</p><ul><li>item</li></ul>');
    expect(markup('The year\n1986. was good')).toBe('<p>The year\n1986. was good</p>');
  });

  it('renders blockquotes, nested and with blocks inside', () => {
    expect(markup('> a\nlazy\n> > b\n>\n> - c')).toBe(
      '<blockquote><p>a\nlazy</p><blockquote><p>b</p></blockquote><ul><li>c</li></ul></blockquote>',
    );
  });

  it('renders GFM tables with alignment', () => {
    expect(markup('| a | b | c | d |\n|---|:--|:-:|--:|\n| 1 | *2* | `3` | 4 |')).toBe(
      '<div class="md-table-wrap"><table class="md-table"><thead><tr><th>a</th>' +
        '<th class="md-align-left">b</th><th class="md-align-center">c</th>' +
        '<th class="md-align-right">d</th></tr></thead><tbody><tr><td>1</td>' +
        '<td class="md-align-left"><em>2</em></td><td class="md-align-center"><code>3</code></td>' +
        '<td class="md-align-right">4</td></tr></tbody></table></div>',
    );
  });

  it('renders tables without outer pipes, with escaped pipes and ragged rows', () => {
    const root = render('a | b\n--|--\n1 \\| 2\nx | y | z\n\nafter');
    const cells = [...root.querySelectorAll('td')].map((cell) => cell.textContent);
    expect(cells).toEqual(['1 | 2', '', 'x', 'y']);
    expect(root.querySelector('p')?.textContent).toBe('after');
  });

  it('starts a table right after a paragraph line', () => {
    const root = render('Here it is:\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(root.querySelector('p')?.textContent).toBe('Here it is:');
    expect(root.querySelectorAll('th')).toHaveLength(2);
  });

  it('keeps a pipe line without a matching delimiter row as a paragraph', () => {
    expect(markup('a | b\n|---|')).toBe('<p>a | b\n|---|</p>');
  });

  it('renders a header-only table', () => {
    expect(render('| a |\n| - |').querySelectorAll('tbody tr')).toHaveLength(0);
  });

  it('accepts CRLF line ends', () => {
    expect(markup('# A\r\n\r\n- b\r\n- c\r\n')).toBe('<h1>A</h1><ul><li>b</li><li>c</li></ul>');
  });
});

describe('markdown nesting limits', () => {
  it('renders deeply nested quotes, lists and emphasis without exhausting the stack', () => {
    const quotes = render(`${'> '.repeat(5000)}deep`);
    expect(quotes.textContent).toContain('deep');
    expect(quotes.querySelectorAll('blockquote').length).toBeLessThanOrEqual(21);
    const lists = render(
      Array.from({ length: 3000 }, (_, level) => `${'  '.repeat(level)}- ${level}`).join('\n'),
    );
    expect(lists.textContent).toContain('2999');
    const emphasis = render(`${'*a _'.repeat(3000)}x${'_ a*'.repeat(3000)}`);
    expect(emphasis.textContent).toContain('x');
  });
});
