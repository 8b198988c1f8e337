import { type BlockStream, createBlockStream } from './create-block-stream.ts';
import type { RenderContext } from './render-code-block.ts';

/** Options of {@link createMarkdownRenderer}. */
export interface MarkdownRendererOptions {
  strings?: { copy?: string; copied?: string; copyCode?: string };
  /** Copies a code block's text; `navigator.clipboard.writeText` by default. */
  onCopy?(text: string): void | Promise<void>;
  /** Runs a callback before the next paint; `requestAnimationFrame` by default. */
  requestFrame?(callback: () => void): void;
}

/** Renders one message's markdown into a root element as it streams. */
export interface MarkdownRenderer {
  /** Renders `text`, the whole message so far (past 16 KB, at the next animation frame). When `text` extends the previous text, completed blocks stay as they are (not re-parsed, not re-rendered) and only the last, still-open block is rebuilt; otherwise it starts over. */
  update(text: string): void;
  /** The message is complete: render the final block. */
  finish(): void;
}

// Reading a long string that the caller grows with `+=` makes V8 copy all of it (it flattens the
// rope), on every update: above this length, updates are coalesced to one per animation frame so
// that an answer streamed token by token still costs time linear in its length.
const coalesceAbove = 16_384;

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
  { strings = {}, onCopy, requestFrame }: MarkdownRendererOptions = {},
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

  let pending: string | undefined;
  const view = root.ownerDocument.defaultView;
  const nextFrame: (callback: () => void) => unknown =
    requestFrame ??
    view?.requestAnimationFrame?.bind(view) ??
    ((callback) => setTimeout(callback, 16));

  function flush(): void {
    const text = pending;
    pending = undefined;
    if (text !== undefined) render(text);
  }

  function update(text: string): void {
    if (text.length <= coalesceAbove) {
      pending = undefined;
      render(text);
      return;
    }
    const scheduled = pending !== undefined;
    pending = text;
    if (!scheduled) nextFrame(flush);
  }

  function render(text: string): void {
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
    flush();
    if (finished) return;
    const partial = withoutCarriageReturn(source.slice(position));
    if (partial) stream.line(partial);
    stream.close();
    position = source.length;
    finished = true;
  }

  return { update, finish };
}
