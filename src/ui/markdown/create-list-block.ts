import {
  type BlockStream,
  extendSketch,
  innermostBlock,
  type OpenBlock,
  restartSketch,
  type Sketch,
} from './create-block-stream.ts';
import {
  breaksParagraph,
  indentOf,
  isBlank,
  itemOf,
  type ListItem,
  stripIndent,
} from './markdown-lines.ts';
import type { RenderContext } from './render-code-block.ts';

/** Options of {@link createListBlock}. */
export interface ListBlockOptions {
  /** The `<ul>` or `<ol>` to fill. */
  list: HTMLElement;
  item: ListItem;
  context: RenderContext;
  createStream(parent: Node, context: RenderContext, tight: boolean): BlockStream;
}

interface Item {
  lines: string[];
  element: HTMLElement;
  stream: BlockStream;
  indent: number;
}

/**
 * An open list: each item's content (de-indented) streams into its own `<li>`. A list turns
 * loose (paragraphs in `<p>`) when a blank line separates items or an item's blocks; then its
 * items are rendered again (once; and while a line still being written would do it).
 */
export function createListBlock({
  list,
  item: first,
  context,
  createStream,
}: ListBlockOptions): OpenBlock {
  const { document } = context;
  const items: Item[] = [];
  let loose = false;
  let gap = false;
  let shown: Node | undefined;
  let assumedLoose = false;
  const sketch: Sketch = { drawn: 0 };
  if (first.number !== undefined && first.number !== 1)
    list.setAttribute('start', String(first.number));

  const current = () => items[items.length - 1]!;
  const feed = (item: Item, text: string) => {
    item.lines.push(text);
    item.stream.line(text);
  };
  const add = ({ indent, content }: ListItem) => {
    current()?.stream.close();
    const element = list.appendChild(document.createElement('li'));
    const item = { lines: [], element, stream: createStream(element, context, !loose), indent };
    items.push(item);
    feed(item, content);
  };

  /** What `text` is to the list: its current item's content, a new item, or not part of it. */
  function classify(text: string): string | ListItem | undefined {
    const { indent, stream } = current();
    if (isBlank(text)) return '';
    if (indentOf(text) >= indent) return stripIndent(text, indent);
    const item = itemOf(text);
    if (item?.kind === first.kind) return item;
    return !gap && stream.inParagraph() && !breaksParagraph(text) ? text.trimStart() : undefined;
  }

  /** Renders the items again, with or without paragraphs. */
  function rebuild(asLoose: boolean): void {
    loose = asLoose;
    for (const item of items) {
      const element = document.createElement('li');
      list.replaceChild(element, item.element);
      item.element = element;
      item.stream = createStream(element, context, !loose);
      for (const line of item.lines) item.stream.line(line);
      if (item !== current()) item.stream.close();
    }
  }

  /** Removes what the last preview showed, including a looseness it only assumed. */
  function clear(): void {
    shown?.parentNode?.removeChild(shown);
    shown = undefined;
    if (assumedLoose) rebuild(false);
    assumedLoose = false;
  }

  add(first);
  return {
    line(text) {
      clear();
      const kind = classify(text);
      if (kind === undefined) return false;
      if (isBlank(text)) {
        feed(current(), '');
        gap = true;
        return true;
      }
      if (gap && !loose) rebuild(true);
      gap = false;
      if (typeof kind === 'string') feed(current(), kind);
      else add(kind);
      return true;
    },
    preview(text) {
      if (shown && text !== undefined && extendSketch(sketch, text, context)) return true;
      clear();
      const kind = text === undefined ? undefined : classify(text);
      if (kind && gap && !loose) {
        rebuild(true);
        assumedLoose = true;
      }
      if (typeof kind === 'string') {
        current().stream.preview(kind);
        return true;
      }
      current().stream.preview(undefined);
      if (!kind) return false;
      const element = list.appendChild(document.createElement('li'));
      const stream = createStream(element, context, !loose);
      stream.line(kind.content);
      stream.close();
      shown = element;
      restartSketch(sketch, text!.length, innermostBlock(element, list));
      return true;
    },
    close() {
      clear();
      current().stream.close();
    },
    inParagraph: () => current().stream.inParagraph(),
  };
}
