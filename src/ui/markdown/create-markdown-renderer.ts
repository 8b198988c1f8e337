import { closesFence, fenceOf, parseBlocks, stripIndent } from './parse-blocks.ts';
import { type RenderContext, renderBlock, renderCodeBlock } from './render-block.ts';

/** Options of {@link createMarkdownRenderer}. */
export interface MarkdownRendererOptions {
  strings?: { copy?: string; copied?: string; copyCode?: string };
  /** Copies a code block's text; `navigator.clipboard.writeText` by default. */
  onCopy?(text: string): void | Promise<void>;
}

/** Renders one message's markdown into a root element as it streams. */
export interface MarkdownRenderer {
  /** Renders `text`, the whole message so far. When `text` extends the previous text, completed blocks stay as they are (not re-parsed, not re-rendered) and only the last, still-open block is rebuilt; otherwise it starts over. */
  update(text: string): void;
  /** The message is complete: render the final block. */
  finish(): void;
}

/** A top-level code fence still open at the end of the text, filled line by line. */
interface OpenFence {
  marker: string;
  indent: number;
  /** Offset of the first line not yet appended. */
  position: number;
  body: Text;
  partial: Text;
  hasLines: boolean;
}

function linesOf(text: string): { lines: string[]; starts: number[] } {
  const lines: string[] = [];
  const starts: number[] = [];
  for (let start = 0; ; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? undefined : end);
    starts.push(start);
    lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (end === -1) return { lines, starts };
    start = end + 1;
  }
}

/**
 * Creates a streaming markdown renderer that builds DOM nodes directly (never HTML strings).
 * Blocks followed by a complete line of another block are final and stay in the DOM; only the
 * text after them is parsed again on each update, so an answer costs time linear in its length.
 * @example
 * const renderer = createMarkdownRenderer(element);
 * renderer.update('# Title\n\nSome **bold');
 * renderer.update('# Title\n\nSome **bold** text');
 * renderer.finish();
 */
export function createMarkdownRenderer(
  root: HTMLElement,
  { strings = {}, onCopy }: MarkdownRendererOptions = {},
): MarkdownRenderer {
  const document = root.ownerDocument;
  const context: RenderContext = {
    document,
    copy: strings.copy ?? 'Copy',
    copied: strings.copied ?? 'Copied',
    copyCode: strings.copyCode ?? 'Copy code',
    onCopy: onCopy ?? ((text) => navigator.clipboard.writeText(text)),
  };
  root.replaceChildren();
  let source = '';
  /** Text before this offset is rendered into nodes that stay. */
  let committed = 0;
  /** Complete lines before this offset have been looked at for blocks to commit. */
  let scanned = 0;
  let live: Node[] = [];
  let fence: OpenFence | undefined;

  function advanceFence(open: OpenFence): boolean {
    for (;;) {
      const newline = source.indexOf('\n', open.position);
      const raw = source.slice(open.position, newline === -1 ? undefined : newline);
      const line = stripIndent(raw.endsWith('\r') ? raw.slice(0, -1) : raw, open.indent);
      const separator = open.hasLines ? '\n' : '';
      if (newline === -1) {
        // A last line that closes the fence so far hides, as it does when the text is complete.
        open.partial.data = closesFence(line, open.marker) ? '' : separator + line;
        return false;
      }
      open.position = newline + 1;
      if (closesFence(line, open.marker)) {
        open.partial.data = '';
        committed = scanned = open.position;
        fence = undefined;
        return true;
      }
      open.body.appendData(separator + line);
      open.hasLines = true;
    }
  }

  function commit(end: number): void {
    const base = committed;
    const { lines, starts } = linesOf(source.slice(base, end - 1));
    const blocks = parseBlocks(lines);
    const last = blocks.pop();
    if (!last) return;
    for (const block of blocks) root.appendChild(renderBlock(block, context));
    const opening = last.type === 'code' ? fenceOf(lines[last.line]!) : undefined;
    committed = base + starts[last.line]!;
    if (!opening || lines.slice(last.line + 1).some((line) => closesFence(line, opening.marker))) {
      return;
    }
    // An open fence is filled line by line from now on: a long code block is neither parsed
    // again nor rebuilt on every token, and its node (and copy button) stays the same.
    const { pre, code } = renderCodeBlock(opening.lang, context);
    root.appendChild(pre);
    fence = {
      marker: opening.marker,
      indent: opening.indent,
      position: base + (starts[last.line + 1] ?? end - base),
      body: code.appendChild(document.createTextNode('')),
      partial: code.appendChild(document.createTextNode('')),
      hasLines: false,
    };
  }

  function reset(): void {
    root.replaceChildren();
    source = '';
    committed = scanned = 0;
    live = [];
    fence = undefined;
  }

  function update(text: string): void {
    if (text === source) return;
    // Comparing the whole previous text on every token would make streaming quadratic: the
    // committed part is trusted, the rest and the head are compared.
    const stable = fence ? fence.position : committed;
    const extended =
      text.length > source.length &&
      text.startsWith(source.slice(stable), stable) &&
      text.startsWith(source.slice(0, Math.min(stable, 64)));
    if (!extended) reset();
    source = text;
    for (const node of live) root.removeChild(node);
    live = [];
    for (;;) {
      if (fence && !advanceFence(fence)) return;
      const end = source.lastIndexOf('\n') + 1;
      if (end <= scanned) break;
      scanned = end;
      commit(end);
      if (!fence) break;
    }
    for (const block of parseBlocks(linesOf(source.slice(committed)).lines)) {
      live.push(root.appendChild(renderBlock(block, context)));
    }
  }

  return {
    update,
    // Each update already renders the open block as it would be final; nothing is deferred.
    finish() {},
  };
}
