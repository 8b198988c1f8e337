// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { markup, render } from './render-helpers.ts';

const link = (href: string, text: string) =>
  `<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;

describe('markdown inline content', () => {
  it('renders emphasis, strong, both, and strikethrough', () => {
    expect(markup('*a* _b_ **c** __d__ ***e*** ~~f~~')).toBe(
      '<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> ' +
        '<em><strong>e</strong></em> <del>f</del></p>',
    );
  });

  it('nests emphasis', () => {
    expect(markup('*a **b** c* and **x *y* z** and *it **bold***')).toBe(
      '<p><em>a <strong>b</strong> c</em> and <strong>x <em>y</em> z</strong> and ' +
        '<em>it <strong>bold</strong></em></p>',
    );
  });

  it('leaves unclosed or unflanked delimiters as text', () => {
    expect(markup('**open and * alone and a * b and ~single~')).toBe(
      '<p>**open and * alone and a * b and ~single~</p>',
    );
  });

  it('does not emphasize inside words with underscores', () => {
    expect(markup('snake_case_name and __init__')).toBe(
      '<p>snake_case_name and <strong>init</strong></p>',
    );
  });

  it('renders code spans literally, with longer fences and trimmed padding', () => {
    expect(markup('`a *b*` ``c ` d`` ` `` ` x ` `unclosed')).toBe(
      '<p><code>a *b*</code> <code>c ` d</code> <code>``</code> x <code> </code>unclosed</p>',
    );
  });

  it('does not end emphasis inside a code span', () => {
    expect(markup('*a `*` b*')).toBe('<p><em>a <code>*</code> b</em></p>');
  });

  it('renders links with titles, angle destinations and balanced parentheses', () => {
    expect(
      markup(
        '[a](https://x.example/) [b](<https://x.example/a b> "t") [c](https://x.example/f(1))',
      ),
    ).toBe(
      `<p>${link('https://x.example/', 'a')} ${link('https://x.example/a%20b', 'b')} ${link('https://x.example/f(1)', 'c')}</p>`,
    );
  });

  it('renders formatting inside link text but no nested links', () => {
    expect(markup('[**a** [b](https://y.example)](https://x.example)')).toBe(
      `<p>${link('https://x.example/', '<strong>a</strong> [b](https://y.example)')}</p>`,
    );
  });

  it('renders mailto links and email autolinks', () => {
    expect(markup('[mail](mailto:a@b.example) <c@d.example>')).toBe(
      `<p>${link('mailto:a@b.example', 'mail')} ${link('mailto:c@d.example', 'c@d.example')}</p>`,
    );
  });

  it('renders autolinks and bare URLs without trailing punctuation', () => {
    expect(markup('<https://a.example/x> see https://b.example/p?q=1. (https://c.example/y)')).toBe(
      `<p>${link('https://a.example/x', 'https://a.example/x')} see ` +
        `${link('https://b.example/p?q=1', 'https://b.example/p?q=1')}. ` +
        `(${link('https://c.example/y', 'https://c.example/y')})</p>`,
    );
  });

  it('renders links with a relative or unknown destination as their text', () => {
    expect(markup('[a](/docs) [b](ftp://x.example) <ftp://y.example> [c]()')).toBe(
      '<p>a b &lt;ftp://y.example&gt; c</p>',
    );
  });

  it('keeps brackets that are not links', () => {
    expect(markup('[a] [b] (c) [d]: x ![e]')).toBe('<p>[a] [b] (c) [d]: x ![e]</p>');
  });

  it('renders images as links to the image, never as images', () => {
    expect(markup('![a chart](https://x.example/c.png)')).toBe(
      `<p>${link('https://x.example/c.png', 'a chart')}</p>`,
    );
    expect(render('![x](https://x.example/c.png)').querySelector('img')).toBeNull();
  });

  it('renders hard line breaks from two spaces or a backslash', () => {
    expect(markup('a  \nb\\\nc \nd')).toBe('<p>a<br>b<br>c\nd</p>');
  });

  it('decodes backslash escapes and character references as text', () => {
    expect(markup('\\*a\\* \\[b\\] &amp; &lt;i&gt; &#65; &#x42; &nbsp; &bogus; \\q')).toBe(
      '<p>*a* [b] &amp; &lt;i&gt; A B &nbsp; &amp;bogus; \\q</p>',
    );
  });

  it('replaces invalid numeric references', () => {
    expect(render('&#0; &#xD800;').textContent).toBe('\ufffd \ufffd');
  });

  it('renders inline content in headings, list items and table cells', () => {
    expect(markup('# A *b*\n\n- `c`\n\n| **d** |\n|---|')).toContain('<h1>A <em>b</em></h1>');
    expect(render('- `c`').querySelector('li code')?.textContent).toBe('c');
    expect(render('| **d** |\n|---|').querySelector('th strong')?.textContent).toBe('d');
  });
});
