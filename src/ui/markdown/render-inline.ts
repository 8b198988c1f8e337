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

/** Counts parsing work, so that tests can check it grows linearly with the text. */
export interface StepCounter {
  steps: number;
}

/**
 * Emphasis, code spans and brackets close within this many characters of their opening. The
 * bounded look-ahead lets a streaming paragraph freeze what lies further back: a run that could
 * close anywhere later would make every update render the whole paragraph again.
 */
export const reach = 200;

function runLength(text: string, index: number): number {
  let end = index;
  while (text[end] === text[index]) end++;
  return end - index;
}

/**
 * Where each code span ends, keyed by the index of its opening backtick run (-1 when it never
 * closes). A run closes at the next run of the same length, so one backward pass over the runs
 * finds every end: searching forward from each unclosed run would rescan the text.
 */
function codeSpanEnds(text: string, counter: StepCounter): Map<number, number> {
  const runs: number[] = [];
  for (let at = text.indexOf('`'); at !== -1; at = text.indexOf('`', at + runLength(text, at))) {
    runs.push(at);
  }
  const ends = new Map<number, number>();
  const nextOfLength = new Map<number, number>();
  for (let run = runs.length - 1; run >= 0; run--) {
    const at = runs[run]!;
    const length = runLength(text, at);
    const next = nextOfLength.get(length);
    ends.set(at, next === undefined || next - at > reach ? -1 : next + length);
    nextOfLength.set(length, at);
  }
  counter.steps += text.length;
  return ends;
}

/**
 * The `]` matching each `[` within {@link reach}, found in one pass with a stack (escaped
 * brackets skipped), and the first `[` still open at the end (or the text's length).
 */
function bracketEnds(
  text: string,
  counter: StepCounter,
): { ends: Map<number, number>; open: number } {
  const ends = new Map<number, number>();
  const open: number[] = [];
  let base = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '[') open.push(index);
    else if (char === ']') {
      while (base < open.length && open[base]! < index - reach) base++;
      if (open.length > base) ends.set(open.pop()!, index);
    }
  }
  while (base < open.length && open[base]! < text.length - reach) base++;
  counter.steps += text.length;
  return { ends, open: open[base] ?? text.length };
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

/** Parses `[label](destination "title")` at `index` (the `[`, closed at `close`). */
function parseLink(
  text: string,
  index: number,
  close: number | undefined,
): { label: string; url: string; end: number } | undefined {
  if (close === undefined || text[close + 1] !== '(') return undefined;
  destination.lastIndex = close + 2;
  const match = destination.exec(text);
  if (!match) return undefined;
  return {
    label: text.slice(index + 1, close),
    url: unescapeDestination(match[1] ?? match[2] ?? ''),
    end: destination.lastIndex,
  };
}

/** Options of {@link renderInline}. */
export interface InlineOptions {
  counter?: StepCounter;
  /** Inside a link's text: no nested links. */
  inLink?: boolean;
  /** Return where the text can be cut for streaming (see `settledEnd`). */
  settle?: boolean;
}

/** A run of `*`, `_` or `~` that may still open emphasis, as in CommonMark's delimiter stack. */
interface Delimiter {
  node: Text;
  position: number;
  char: string;
  count: number;
}

// Deeper emphasis is left as text: adversarial input must not build a DOM too deep to lay out.
const maxNesting = 20;

/**
 * Appends the inline content of `text` (emphasis, code, links, breaks) to `parent` as DOM
 * nodes. Everything that is not markdown, raw HTML included, becomes text nodes. Each character
 * is read a bounded number of times: emphasis is resolved with a delimiter stack, code spans and
 * brackets from indexes built in one pass, so no input makes it rescan the text.
 */
export function renderInline(
  text: string,
  parent: Node,
  { counter = { steps: 0 }, inLink = false, settle = false }: InlineOptions = {},
): number {
  const document = parent.ownerDocument!;
  const codeEnds = text.includes('`') ? codeSpanEnds(text, counter) : undefined;
  const pairs = !inLink && text.includes('[') ? bracketEnds(text, counter) : undefined;
  const brackets = pairs?.ends;
  /** Where a construct still open at the end begins: nothing from there on is final. */
  let pending = pairs?.open ?? text.length;
  /** Marks where constructs begin and end, to find a place no construct spans. */
  const spans = settle ? new Int32Array(text.length + 2) : undefined;
  const span = (start: number, end: number) => {
    if (!spans || end - start < 2) return;
    spans[start + 1]!++;
    spans[end]!--;
  };
  if (spans && brackets) for (const [start, end] of brackets) span(start, end + 1);
  /** Emphasis openers not yet closed, oldest first; those below `base` are out of reach. */
  const stack: Delimiter[] = [];
  let base = 0;
  /** Per marker, the stack index below which no opener of that marker remains (CommonMark's openers_bottom). */
  const bottom: Record<string, number> = { '*': 0, _: 0, '~': 0 };
  /** How deep each emphasis element built here nests. */
  const levels = new Map<Node, number>();
  /** Text of earlier lines not yet in a node, and of the current line (for hard breaks). */
  let buffer = '';
  let line = '';
  const flush = () => {
    if (buffer || line) parent.appendChild(document.createTextNode(buffer + line));
    buffer = line = '';
  };
  const add = (node: Node) => {
    flush();
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
    else renderInline(label, node, { counter, inLink: true });
    add(node);
  };
  /** Wraps what follows `opener` in an element; false when it would nest too deep. */
  const wrap = (opener: Delimiter, tag: string): boolean => {
    let level = 1;
    for (let node = opener.node.nextSibling; node; node = node.nextSibling) {
      counter.steps++;
      level = Math.max(level, (levels.get(node) ?? 0) + 1);
    }
    if (level > maxNesting) return false;
    const element = document.createElement(tag);
    while (opener.node.nextSibling) element.appendChild(opener.node.nextSibling);
    levels.set(element, level);
    parent.appendChild(element);
    return true;
  };
  /** Closes what a run of `count` × `char` can close; returns the characters left. */
  const close = (char: string, count: number, position: number): number => {
    while (base < stack.length && stack[base]!.position < position - reach) base++;
    bottom[char] = Math.max(bottom[char]!, base);
    for (let index = stack.length - 1; count > 0 && index >= bottom[char]!; index--) {
      counter.steps++;
      const opener = stack[index]!;
      if (opener.char !== char) continue;
      const used = char === '~' || (count >= 2 && opener.count >= 2) ? 2 : 1;
      flush();
      span(opener.position, position + count);
      if (!wrap(opener, char === '~' ? 'del' : used === 2 ? 'strong' : 'em')) {
        // Any later closer would enclose the same too-deep content: nothing before can open.
        stack.length = base = 0;
        break;
      }
      opener.count -= used;
      count -= used;
      opener.node.data = char.repeat(opener.count);
      if (opener.count === 0) opener.node.remove();
      // Delimiters between the opener and this closer can no longer be closed.
      stack.length = opener.count > 0 ? index + 1 : index;
      index = stack.length;
    }
    for (const marker in bottom) bottom[marker] = Math.min(bottom[marker]!, stack.length);
    if (count > 0) bottom[char] = stack.length;
    return count;
  };
  let index = 0;
  while (index < text.length) {
    counter.steps++;
    const char = text[index]!;
    plainRun.lastIndex = index;
    if (plainRun.test(text)) {
      line += text.slice(index, plainRun.lastIndex);
      counter.steps += plainRun.lastIndex - index;
      index = plainRun.lastIndex;
      continue;
    }
    const next = text[index + 1] ?? '';
    if (char === '\\' && punctuation.test(next)) {
      line += next;
      index += 2;
    } else if (char === '\\' && next === '\n') {
      add(document.createElement('br'));
      index += 2;
    } else if (char === '\n') {
      const trimmed = line.replace(/ +$/, '');
      if (line.length - trimmed.length >= 2) {
        line = trimmed;
        add(document.createElement('br'));
      } else {
        buffer += `${trimmed}\n`;
        line = '';
      }
      index++;
    } else if (char === '`') {
      const length = runLength(text, index);
      const end = codeEnds?.get(index) ?? -1;
      if (end === -1 && index >= text.length - reach) pending = Math.min(pending, index);
      span(index, end);
      if (end === -1) line += text.slice(index, index + length);
      else {
        let code = text.slice(index + length, end - length).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        const node = document.createElement('code');
        node.textContent = code;
        add(node);
      }
      counter.steps += end === -1 ? length : end - index;
      index = end === -1 ? index + length : end;
    } else if (char === '*' || char === '_' || char === '~') {
      const length = runLength(text, index);
      counter.steps += length;
      const before = text[index - 1] ?? ' ';
      const after = text[index + length] ?? ' ';
      const valid = char !== '~' || length === 2;
      const opens =
        valid &&
        !whitespace.test(after) &&
        (char !== '_' || index === 0 || !wordCharacter.test(before));
      const closes =
        valid && !whitespace.test(before) && (char !== '_' || !wordCharacter.test(after));
      const left = closes ? close(char, length, index) : length;
      if (opens && left > 0) {
        const node = document.createTextNode(char.repeat(left));
        add(node);
        stack.push({ node, position: index, char, count: left });
      } else line += char.repeat(left);
      index += length;
    } else if ((char === '[' || (char === '!' && next === '[')) && !inLink) {
      const image = char === '!';
      const open = index + (image ? 1 : 0);
      const closing = brackets?.get(open);
      const parsed = parseLink(text, open, closing);
      // A destination still being written may complete later.
      if (
        !parsed &&
        closing !== undefined &&
        text[closing + 1] === '(' &&
        index >= text.length - reach
      ) {
        pending = Math.min(pending, index);
      }
      if (!parsed) {
        line += char;
        index++;
        continue;
      }
      counter.steps += parsed.end - parsed.label.length - index;
      span(index, parsed.end);
      // Images are not loaded (no tracking pixels, strict CSP): they become links to the image.
      link(safeUrl(parsed.url), image ? parsed.label || parsed.url : parsed.label, image);
      index = parsed.end;
    } else if (char === '<' && !inLink) {
      autolink.lastIndex = emailAutolink.lastIndex = index;
      const url = autolink.exec(text);
      const email = url ? null : emailAutolink.exec(text);
      const found = url ?? email;
      if (!found) {
        line += char;
        index++;
        continue;
      }
      const href = safeUrl(email ? `mailto:${found[1]}` : found[1]!);
      if (href) link(href, found[1]!, true);
      else line += found[0];
      counter.steps += found[0].length;
      index += found[0].length;
    } else if (
      (char === 'h' || char === 'H') &&
      !inLink &&
      (index === 0 || !wordCharacter.test(text[index - 1]!))
    ) {
      bareUrl.lastIndex = index;
      let url = bareUrl.exec(text)?.[0] ?? '';
      counter.steps += url.length;
      // Parentheses are counted once: recounting them for each trimmed character would be quadratic.
      let unmatched = 0;
      for (const character of url) {
        if (character === '(') unmatched--;
        else if (character === ')') unmatched++;
      }
      for (;;) {
        const last = url[url.length - 1];
        if (last && ('?!.,:;*_~\'"'.includes(last) || (last === ')' && unmatched > 0))) {
          if (last === ')') unmatched--;
          url = url.slice(0, -1);
        } else break;
      }
      const href = safeUrl(url);
      if (href && url.length > 8) {
        link(href, url, true);
        index += url.length;
      } else {
        line += char;
        index++;
      }
    } else if (char === '&') {
      entity.lastIndex = index;
      const match = entity.exec(text);
      line += match ? decodeEntity(match[0], match[1], match[2], match[3]) : char;
      index += match ? match[0].length : 1;
    } else {
      line += char;
      index++;
    }
  }
  flush();
  if (!spans) return 0;
  for (let index = base; index < stack.length; index++) {
    if (stack[index]!.position >= text.length - reach) {
      pending = Math.min(pending, stack[index]!.position);
      break;
    }
  }
  return settledEnd(text, spans, pending);
}

/**
 * The last place before `limit` where the text can be cut and each side rendered alone with the
 * same result, whatever follows: after a space or line end, before a non-space, inside no
 * construct. 0 when there is none.
 */
function settledEnd(text: string, spans: Int32Array, limit: number): number {
  for (let index = 1; index <= limit; index++) spans[index]! += spans[index - 1]!;
  for (let index = Math.min(limit, text.length - 1); index > 0; index--) {
    const before = text[index - 1];
    if (
      spans[index] === 0 &&
      (before === ' ' || before === '\n') &&
      !whitespace.test(text[index]!)
    ) {
      return index;
    }
  }
  return 0;
}
