import { type BlockStream, createBlockStream } from './create-block-stream.ts';
import type { RenderContext } from './render-code-block.ts';
import type { StepCounter } from './render-inline.ts';

/** Options of {@link createMarkdownRenderer}. */
export interface MarkdownRendererOptions {
  strings?: { copy?: string; copied?: string; copyCode?: string };
  /** Copies a code block's text; `navigator.clipboard.writeText` by default. */
  onCopy?(text: string): void | Promise<void>;
  /** Runs a callback before the next paint; `requestAnimationFrame` by default. */
  requestFrame?(callback: () => void): void;
  /** Counts parsing work (its `steps` grow with each line and inline token), for tests. */
  counter?: StepCounter;
}

/** Renders one message's markdown into a root element as it streams. */
export interface MarkdownRenderer {
  /** Renders `text`, the whole message so far (past 16 KB, at the next animation frame). When `text` extends the previous text, completed blocks stay as they are (not re-parsed, not re-rendered) and only the last, still-open block is rebuilt; otherwise it starts over. */
  update(text: string): void;
  /** Adds `delta` to the message: for callers that have the deltas, the whole text is never read again. */
  append(delta: string): void;
  /** The message is complete: render the final block. */
  finish(): void;
}

// Reading a long string that the caller grows with `+=` makes V8 copy all of it (it flattens the
// rope), on every update: above this length, updates are coalesced to one per animation frame so
// that the copy is made once a frame, not once a token. `append` avoids the copy altogether.
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
  { strings = {}, onCopy, requestFrame, counter = { steps: 0 } }: MarkdownRendererOptions = {},
): MarkdownRenderer {
  const context: RenderContext = {
    document: root.ownerDocument,
    copy: strings.copy ?? 'Copy',
    copied: strings.copied ?? 'Copied',
    copyCode: strings.copyCode ?? 'Copy code',
    onCopy: onCopy ?? ((text) => navigator.clipboard.writeText(text)),
    counter,
    text: {},
  };
  let stream: BlockStream = createBlockStream(sink(), context);
  /** The first characters of the text, to notice a different text without reading it all. */
  let head = '';
  /** The text after the last line end: the line still being written. */
  let tail = '';
  /** How many characters of the message have been taken. */
  let length = 0;
  let pending: string | undefined;
  const view = root.ownerDocument.defaultView;
  const nextFrame: (callback: () => void) => unknown =
    requestFrame ??
    view?.requestAnimationFrame?.bind(view) ??
    ((callback) => setTimeout(callback, 16));
  root.replaceChildren();

  function append(delta: string): void {
    if (head.length < 64) head = (head + delta).slice(0, 64);
    length += delta.length;
    const text = tail + delta;
    let start = 0;
    for (let end = text.indexOf('\n', tail.length); end !== -1; end = text.indexOf('\n', start)) {
      stream.line(withoutCarriageReturn(text.slice(start, end)));
      start = end + 1;
    }
    tail = text.slice(start);
    // The line being written is shown as it will be when complete, so finishing changes nothing.
    stream.preview(withoutCarriageReturn(tail) || undefined);
  }

  /**
   * Where the top level's blocks go. Past the first 48 nodes, into parts of 32 that the browser
   * may skip (`content-visibility`) once they are off screen: without them each frame lays out
   * and paints the whole answer, so a long answer's frames grow with its length. A block goes to
   * the last part when it is first shown and never moves: a moved block is laid out again.
   */
  function sink(): Node {
    let part: Element | undefined;
    const appendChild = (node: Node) => {
      if (!part && root.childNodes.length < 48) return root.appendChild(node);
      if (!part || part.childNodes.length >= 32) {
        part = root.appendChild(root.ownerDocument.createElement('div'));
        part.className = 'md-part';
      }
      return part.appendChild(node);
    };
    return { ownerDocument: root.ownerDocument, appendChild } as unknown as Node;
  }

  function render(text: string): void {
    if (text.length === length && text.startsWith(head) && text.endsWith(tail)) return;
    // Only the line being written and the head are compared: comparing the whole previous text
    // on every token would make streaming quadratic.
    const extended =
      text.length > length && text.startsWith(tail, length - tail.length) && text.startsWith(head);
    if (!extended) {
      root.replaceChildren();
      stream = createBlockStream(sink(), context);
      head = tail = '';
      length = 0;
    }
    append(text.slice(length));
  }

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

  return {
    update,
    append(delta) {
      flush();
      append(delta);
    },
    finish() {
      flush();
      // Sketched previews (see `Sketch`) are rendered in full now that the text is complete.
      context.text.complete = true;
      stream.preview(withoutCarriageReturn(tail) || undefined);
    },
  };
}
