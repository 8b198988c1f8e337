import { type BlockStream, createBlockStream } from './create-block-stream.ts';
import type { RenderContext } from './render-code-block.ts';

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

const withoutCarriageReturn = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Creates a streaming markdown renderer that builds DOM nodes directly (never HTML strings,
 * never `innerHTML`). Each complete line is parsed once; only the open block and the line still
 * being written are rebuilt on an update, so an answer costs time linear in its length.
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
  const context: RenderContext = {
    document: root.ownerDocument,
    copy: strings.copy ?? 'Copy',
    copied: strings.copied ?? 'Copied',
    copyCode: strings.copyCode ?? 'Copy code',
    onCopy: onCopy ?? ((text) => navigator.clipboard.writeText(text)),
  };
  let source = '';
  /** Offset of the first line not yet given to the stream (it has no line end yet). */
  let position = 0;
  let finished = false;
  let stream: BlockStream = createBlockStream(root, context);
  root.replaceChildren();

  function update(text: string): void {
    if (text === source) return;
    // Comparing the whole previous text on every token would make streaming quadratic: lines
    // already given to the stream are trusted; the unfinished line and the head are compared.
    const extended =
      !finished &&
      text.length > source.length &&
      text.startsWith(source.slice(position), position) &&
      text.startsWith(source.slice(0, Math.min(position, 64)));
    if (!extended) {
      root.replaceChildren();
      stream = createBlockStream(root, context);
      position = 0;
      finished = false;
    }
    source = text;
    for (let end = text.indexOf('\n', position); end !== -1; end = text.indexOf('\n', position)) {
      stream.line(withoutCarriageReturn(text.slice(position, end)));
      position = end + 1;
    }
    const partial = withoutCarriageReturn(text.slice(position));
    stream.preview(partial || undefined);
  }

  function finish(): void {
    if (finished) return;
    const partial = withoutCarriageReturn(source.slice(position));
    if (partial) stream.line(partial);
    stream.close();
    position = source.length;
    finished = true;
  }

  return { update, finish };
}
