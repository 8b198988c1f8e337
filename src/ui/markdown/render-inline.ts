import { safeUrl } from './safe-url.ts';

const plainRun = /[^\\`*_~![<&\nhH]+/y;
const punctuation = /[!-/:-@[-`{-~]/;
const whitespace = /\s/;
const wordCharacter = /[\p{L}\p{N}]/u;
const entity = /&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/y;
const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};
const autolink = /<([a-zA-Z][\w+.-]{1,31}:[^\s<>]*)>/y;
const emailAutolink = /<([\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+)>/y;
const bareUrl = /https?:\/\/[^\s<]+/iy;

function runLength(text: string, index: number): number {
  let end = index;
  while (text[end] === text[index]) end++;
  return end - index;
}

/** The index just after the code span opened at `index`, or -1 when it never closes. */
function codeSpanEnd(text: string, index: number): number {
  const length = runLength(text, index);
  const fence = text.slice(index, index + length);
  for (let at = text.indexOf(fence, index + length); at !== -1; at = text.indexOf(fence, at)) {
    const closing = runLength(text, at);
    if (closing === length) return at + length;
    at += closing;
  }
  return -1;
}

/** Where the emphasis run of `count` × `marker` closes, or -1 (code spans are skipped). */
function findCloser(text: string, from: number, marker: string, count: number): number {
  for (let index = from; index < text.length; ) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '`') {
      const end = codeSpanEnd(text, index);
      index = end === -1 ? index + runLength(text, index) : end;
    } else if (char === marker) {
      const length = runLength(text, index);
      const after = text[index + length] ?? ' ';
      // `***` closing `*` after `**`: the last characters close the outer emphasis.
      const at = length === count ? index : length === 3 ? index + 3 - count : -1;
      const flanking = index > from && !whitespace.test(text[index - 1]!);
      if (at !== -1 && flanking && (marker !== '_' || !wordCharacter.test(after))) return at;
      index += length;
    } else index++;
  }
  return -1;
}

/** Decodes backslash escapes and character references in a link destination. */
function unescapeDestination(text: string): string {
  return text
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g, decodeEntity);
}

function decodeEntity(match: string, decimal?: string, hex?: string, name?: string): string {
  if (name) return namedEntities[name] ?? match;
  const code = decimal ? Number(decimal) : Number.parseInt(hex ?? '', 16);
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
    ? String.fromCodePoint(code)
    : '\ufffd';
}

const destination =
  /[ \t\n]*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))(?:[ \t\n]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t\n]*\)/y;

/** Parses `[label](destination "title")` at `index` (the `[`); undefined when it is not one. */
function parseLink(
  text: string,
  index: number,
): { label: string; url: string; end: number } | undefined {
  let depth = 0;
  let close = index;
  for (; close < text.length; close++) {
    const char = text[close];
    if (char === '\\') close++;
    else if (char === '[') depth++;
    else if (char === ']' && --depth === 0) break;
  }
  if (text[close + 1] !== '(') return undefined;
  destination.lastIndex = close + 2;
  const match = destination.exec(text);
  if (!match) return undefined;
  return {
    label: text.slice(index + 1, close),
    url: unescapeDestination(match[1] ?? match[2] ?? ''),
    end: destination.lastIndex,
  };
}

/**
 * Appends the inline content of `text` (emphasis, code, links, breaks) to `parent` as DOM
 * nodes. Everything that is not markdown, raw HTML included, becomes text nodes.
 */
export function renderInline(text: string, parent: Node, inLink = false, depth = 0): void {
  const document = parent.ownerDocument!;
  let buffer = '';
  const add = (node: Node) => {
    if (buffer) parent.appendChild(document.createTextNode(buffer));
    buffer = '';
    parent.appendChild(node);
  };
  const link = (href: string | undefined, label: string, plain = false) => {
    let node: Node = document.createDocumentFragment();
    if (href) {
      const anchor = document.createElement('a');
      anchor.href = href;
      anchor.target = '_blank';
      anchor.rel = 'noopener noreferrer';
      node = anchor;
    }
    if (plain) node.appendChild(document.createTextNode(label));
    else renderInline(label, node, true, depth + 1);
    add(node);
  };
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    plainRun.lastIndex = index;
    if (plainRun.test(text)) {
      buffer += text.slice(index, plainRun.lastIndex);
      index = plainRun.lastIndex;
      continue;
    }
    const next = text[index + 1] ?? '';
    if (char === '\\' && punctuation.test(next)) {
      buffer += next;
      index += 2;
    } else if (char === '\\' && next === '\n') {
      add(document.createElement('br'));
      index += 2;
    } else if (char === '\n') {
      const trimmed = buffer.replace(/ +$/, '');
      const hard = buffer.length - trimmed.length >= 2;
      buffer = hard ? trimmed : `${trimmed}\n`;
      if (hard) add(document.createElement('br'));
      index++;
    } else if (char === '`') {
      const length = runLength(text, index);
      const end = codeSpanEnd(text, index);
      if (end === -1) buffer += text.slice(index, index + length);
      else {
        let code = text.slice(index + length, end - length).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        const node = document.createElement('code');
        node.textContent = code;
        add(node);
      }
      index = end === -1 ? index + length : end;
    } else if (char === '*' || char === '_' || char === '~') {
      const length = runLength(text, index);
      const after = text[index + length] ?? ' ';
      // A nesting limit keeps adversarial input from exhausting the stack.
      const opens =
        depth < 20 &&
        !whitespace.test(after) &&
        (char !== '_' || index === 0 || !wordCharacter.test(text[index - 1]!)) &&
        (char !== '~' || length === 2);
      let count = char === '~' ? 2 : Math.min(length, 3);
      let close = -1;
      for (; opens && count > 0 && close === -1; count--) {
        close = findCloser(text, index + length, char, count);
      }
      count++;
      if (close === -1) {
        buffer += text.slice(index, index + length);
        index += length;
      } else {
        buffer += text.slice(index, index + length - count);
        const content = text.slice(index + length, close);
        const tag = char === '~' ? 'del' : count === 2 ? 'strong' : 'em';
        const node = document.createElement(tag);
        const inner = count === 3 ? node.appendChild(document.createElement('strong')) : node;
        renderInline(content, inner, inLink, depth + 1);
        add(node);
        index = close + count;
      }
    } else if ((char === '[' || (char === '!' && next === '[')) && !inLink) {
      const image = char === '!';
      const parsed = parseLink(text, index + (image ? 1 : 0));
      if (!parsed) {
        buffer += char;
        index++;
        continue;
      }
      // Images are not loaded (no tracking pixels, strict CSP): they become links to the image.
      link(safeUrl(parsed.url), image ? parsed.label || parsed.url : parsed.label, image);
      index = parsed.end;
    } else if (char === '<' && !inLink) {
      autolink.lastIndex = emailAutolink.lastIndex = index;
      const url = autolink.exec(text);
      const email = url ? null : emailAutolink.exec(text);
      const found = url ?? email;
      if (!found) {
        buffer += char;
        index++;
        continue;
      }
      const href = safeUrl(email ? `mailto:${found[1]}` : found[1]!);
      if (href) link(href, found[1]!, true);
      else buffer += found[0];
      index += found[0].length;
    } else if (
      (char === 'h' || char === 'H') &&
      !inLink &&
      (index === 0 || !wordCharacter.test(text[index - 1]!))
    ) {
      bareUrl.lastIndex = index;
      let url = bareUrl.exec(text)?.[0] ?? '';
      for (;;) {
        const last = url[url.length - 1];
        const unbalanced = last === ')' && url.split('(').length < url.split(')').length;
        if (last && ('?!.,:;*_~\'"'.includes(last) || unbalanced)) url = url.slice(0, -1);
        else break;
      }
      const href = safeUrl(url);
      if (href && url.length > 8) {
        link(href, url, true);
        index += url.length;
      } else {
        buffer += char;
        index++;
      }
    } else if (char === '&') {
      entity.lastIndex = index;
      const match = entity.exec(text);
      buffer += match ? decodeEntity(match[0], match[1], match[2], match[3]) : char;
      index += match ? match[0].length : 1;
    } else {
      buffer += char;
      index++;
    }
  }
  if (buffer) parent.appendChild(document.createTextNode(buffer));
}
