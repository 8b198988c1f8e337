import { createListBlock } from './create-list-block.ts';
import {
  breaksParagraph,
  cellsOf,
  closesFence,
  delimitsTable,
  type Fence,
  fenceOf,
  headingOf,
  isBlank,
  isRule,
  itemOf,
  quoteOf,
  stripIndent,
} from './markdown-lines.ts';
import { type RenderContext, renderCodeBlock } from './render-code-block.ts';
import { renderInline } from './render-inline.ts';

/** The block still being written; earlier blocks are final. */
export interface OpenBlock {
  /** Takes a complete line: true when it belongs here, else the block ends (a function: it becomes another block). */
  line(text: string): boolean | (() => OpenBlock);
  /** Shows the unfinished last line (or none); true when it belongs here. */
  preview(text: string | undefined): boolean;
  close(): void;
  /** True when the innermost open block is a paragraph, which a lazy line may continue. */
  inParagraph(): boolean;
}

/** Markdown blocks rendered into a parent line by line; see {@link createBlockStream}. */
export interface BlockStream extends OpenBlock {
  line(text: string): true;
}

/** True when a line being written can only ever be paragraph text, whatever follows. */
function startsParagraph(text: string): boolean {
  const line = text.trimStart();
  return (
    /^[^\d#>*+_`~|:-]/.test(line) ||
    // Markers followed by what no list item, rule, heading, fence or table row allows.
    (/^[*+_-]\S/.test(line) && /[^*+_|:\s-]/.test(line)) ||
    /^(?:\d{1,9}(?:[^\d.)]|[.)]\S)|\d{10}|#{1,6}[^#\s]|#{7}|`{1,2}[^`]|~{1,2}[^~])/.test(line) ||
    (/^[|:]/.test(line) && /[^|:\s-]/.test(line))
  );
}

function removeAll(nodes: Node[]): void {
  for (const node of nodes) node.parentNode?.removeChild(node);
}

/**
 * The plain-text end of a preview that a long line being written has outgrown. Past 256
 * characters a preview is rendered again only once its text has grown by a quarter; in between,
 * the new characters are appended here as they come. Writing a line of n characters then costs
 * O(n) however it is split, not O(n²), and a line that reaches its end is rendered in full.
 */
export interface Sketch {
  drawn: number;
  raw?: Text;
}

const blockTag = /^(?:UL|OL|LI|P|H\d|BLOCKQUOTE|DIV|TABLE|TBODY|TR|TD|TH)$/;

/** Appends the new end of `text` to the sketch's plain text; false when it must be rendered again. */
export function extendSketch(sketch: Sketch, text: string, context: RenderContext): boolean {
  const { raw, drawn } = sketch;
  const shown = drawn + (raw?.length ?? 0);
  if (context.text.complete || !raw?.parentNode || text.length <= 256 || text.length < shown)
    return false;
  if (text.length * 4 > drawn * 5) return false;
  raw.appendData(text.slice(shown));
  return true;
}

/** Restarts the sketch after `drawn` characters were rendered: its plain text goes at the end of `container`. */
export function restartSketch(sketch: Sketch, drawn: number, container: Node): Text {
  sketch.drawn = drawn;
  sketch.raw = container.appendChild(container.ownerDocument!.createTextNode(''));
  return sketch.raw;
}

/** The innermost block that ends `node` (`parent` when `node` is not a block). */
export function innermostBlock(node: Node | undefined, parent: Node): Node {
  if (!node || !blockTag.test(node.nodeName)) return parent;
  while (node.lastChild && blockTag.test(node.lastChild.nodeName)) node = node.lastChild;
  return node;
}

/**
 * Renders markdown into `parent` one complete line at a time, CommonMark style: each line goes
 * to the open block or starts a new one, so every line is parsed once and finished blocks are
 * never touched again. `preview` shows the unfinished last line as it would be if complete.
 * In a `tight` list item, paragraphs are rendered without `<p>`.
 */
export function createBlockStream(
  parent: Node,
  context: RenderContext,
  tight = false,
): BlockStream {
  const { document } = context;
  // A nesting limit keeps adversarial input (`> > > …`) from exhausting the stack.
  const inner = (context.depth ?? 0) < 20 && { ...context, depth: (context.depth ?? 0) + 1 };
  let open: OpenBlock | undefined;
  let live: Node[] = [];
  const liveSketch: Sketch = { drawn: 0 };
  /** The paragraph a first line still being written will start, kept across updates. */
  let writing: ReturnType<typeof paragraph> | undefined;
  const forget = () => {
    writing?.discard();
    writing = undefined;
  };
  const append = <T extends Node>(node: T): T => parent.appendChild(node);
  const element = (tag: string, className?: string | false) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  };

  /** Renders lines in a fresh stream, for what is shown only until the next update. */
  function render(lines: string[]): Node[] {
    const fragment = document.createDocumentFragment();
    const stream = createBlockStream(fragment, context, tight);
    for (const line of lines) stream.line(line);
    stream.close();
    return [...fragment.childNodes];
  }

  function show(nodes: Node[]): Node[] {
    for (const node of nodes) append(node);
    return nodes;
  }

  /**
   * A paragraph whose start is rendered once and whose end is rendered again on each update.
   * The start grows to the last place where no inline construct can span the cut (see
   * `renderInline`'s `settle`), so an update renders a bounded end, not every line again.
   * `first` is undefined for a paragraph shown while its first line is still being written.
   */
  function paragraph(first: string | undefined): OpenBlock & { discard(): void } {
    let target = tight ? undefined : element('p');
    /** The `<p>`s of a long paragraph (see `draw`), the first one first. */
    const targets = target ? [target] : [];
    let frozenLength = 0;
    const lines = first === undefined ? [] : [first.trimStart()];
    /** The complete lines from the first character not yet rendered for good. */
    let rest = lines[0] ?? '';
    /** How much of the line being written is rendered for good (only once `rest` is). */
    let skip = 0;
    let frozen: Node[] = [];
    let shown: Node[] = [];
    const sketch: Sketch = { drawn: 0 };
    const header = () => lines[lines.length - 1];
    const continues = (text: string) =>
      (header() !== undefined && delimitsTable(text, header()!)) || !breaksParagraph(text);
    const attach = (nodes: Node[]) => {
      if (target && !target.parentNode && nodes.length > 0) append(target);
      for (const node of nodes) (target ?? parent).appendChild(node);
      return nodes;
    };
    const inline = (text: string, settle = false) => {
      const fragment = document.createDocumentFragment();
      const end = renderInline(text, fragment, { counter: context.counter, settle });
      return { nodes: [...fragment.childNodes], end };
    };
    /** Shows the lines and `writing` after the frozen start; freezes what can no longer change, up to `limit`. */
    function draw(writing: string | undefined, limit: number, sketchy = false): void {
      const text = writing === undefined ? rest : rest ? `${rest}\n${writing}` : writing;
      // An end that never settles (one long token) is sketched, not rendered on each update.
      if (sketchy && extendSketch(sketch, text, context)) return;
      removeAll(shown);
      const { nodes, end } = inline(text.trimEnd(), limit > 0);
      let drawn = text.length;
      if (end > 0 && end <= limit) {
        frozen.push(...attach(inline(text.slice(0, end)).nodes));
        if (end <= rest.length) rest = rest.slice(end);
        else {
          skip += rest ? end - rest.length - 1 : end;
          rest = '';
        }
        frozenLength += end;
        // A long paragraph goes on in another <p>, seamless but laid out on its own: a frame
        // then lays out a bounded end, not the whole paragraph again.
        if (target && frozenLength > 2048) {
          target = element('p', 'md-more');
          targets.push(target);
          frozenLength = 0;
        }
        shown = attach(inline(text.slice(end).trimEnd()).nodes);
        drawn -= end;
      } else shown = attach(nodes);
      if (target && !target.firstChild) target.remove();
      else if (sketchy) shown.push(restartSketch(sketch, drawn, target ?? parent));
    }
    /** Takes the last line out for a table; renders again what was frozen of it (once). */
    function withoutHeader(): string {
      const last = lines.pop()!;
      if (rest.length <= last.length) {
        removeAll(frozen);
        removeAll(targets.splice(1));
        target = targets[0];
        frozen = [];
        frozenLength = 0;
        rest = lines.join('\n');
      } else rest = rest.slice(0, rest.length - last.length - 1);
      return last;
    }
    return {
      line(text) {
        const last = header();
        if (last !== undefined && delimitsTable(text, last)) {
          withoutHeader();
          return () => table(last, text);
        }
        if (breaksParagraph(text)) return false;
        const line = text.trimStart();
        lines.push(line);
        rest = skip ? line.slice(skip) : rest ? `${rest}\n${line}` : line;
        skip = 0;
        return true;
      },
      preview(text) {
        const belongs = text !== undefined && continues(text);
        const last = header();
        if (belongs && last !== undefined && delimitsTable(text, last)) {
          withoutHeader();
          draw(undefined, rest.length);
          lines.push(last);
          rest = rest ? `${rest}\n${last}` : last;
          shown.push(...show(render([last, text])));
          return true;
        }
        const writing = belongs ? text.trimStart() : undefined;
        // The last complete line may still become a table's header, unless the line being
        // written can no longer be a delimiter row.
        const limit =
          writing !== undefined && startsParagraph(writing)
            ? rest.length + 1 + writing.length
            : last === undefined
              ? 0
              : rest.length - last.length - 1;
        draw(writing?.slice(rest ? 0 : skip), limit, true);
        return belongs;
      },
      close() {
        draw(undefined, 0);
      },
      discard() {
        removeAll(shown);
        removeAll(frozen);
        removeAll(targets);
      },
      inParagraph: () => true,
    };
  }

  function fence({ indent, marker, lang }: Fence): OpenBlock {
    const { pre, code } = renderCodeBlock(lang, context);
    append(pre);
    // Lines are appended to one text node: a long code block is never parsed or built again.
    const body = code.appendChild(document.createTextNode(''));
    const partial = code.appendChild(document.createTextNode(''));
    let closed = false;
    let separator = '';
    return {
      line(text) {
        partial.data = '';
        if (closed) return false;
        closed = closesFence(text, marker);
        if (!closed) body.appendData(separator + stripIndent(text, indent));
        separator = '\n';
        return true;
      },
      preview(text) {
        const hidden = text === undefined || closed || closesFence(text, marker);
        const shown = hidden ? '' : separator + stripIndent(text, indent);
        // The line being written grows: add its new end instead of copying it all again.
        if (partial.length && shown.length >= partial.length) {
          partial.appendData(shown.slice(partial.length));
        } else partial.data = shown;
        return !closed;
      },
      close() {
        partial.data = '';
      },
      inParagraph: () => false,
    };
  }

  function quote(nested: RenderContext): OpenBlock {
    const child = createBlockStream(append(element('blockquote')), nested);
    const contentOf = (text: string) =>
      quoteOf(text) ?? (child.inParagraph() && !breaksParagraph(text) ? text : undefined);
    return {
      line(text) {
        const content = contentOf(text);
        return content !== undefined && child.line(content);
      },
      preview(text) {
        const content = text === undefined ? undefined : contentOf(text);
        child.preview(content);
        return content !== undefined;
      },
      close: () => child.close(),
      inParagraph: () => child.inParagraph(),
    };
  }

  function table(header: string, delimiter: string): OpenBlock {
    const wrap = append(element('div', 'md-table-wrap'));
    const node = wrap.appendChild(element('table', 'md-table'));
    const head = cellsOf(header);
    const align = cellsOf(delimiter).map((cell) =>
      cell.endsWith(':')
        ? cell.startsWith(':')
          ? 'center'
          : 'right'
        : cell.startsWith(':') && 'left',
    );
    const row = (cells: string[], tag: string) => {
      const tr = element('tr');
      head.forEach((_, column) => {
        const cell = tr.appendChild(element(tag, align[column] && `md-align-${align[column]}`));
        renderInline(cells[column] ?? '', cell, { counter: context.counter });
      });
      return tr;
    };
    node.appendChild(element('thead')).appendChild(row(head, 'th'));
    const body = node.appendChild(element('tbody'));
    let shown: Node[] = [];
    const sketch: Sketch = { drawn: 0 };
    return {
      line(text) {
        removeAll(shown);
        if (breaksParagraph(text)) return false;
        body.appendChild(row(cellsOf(text), 'td'));
        return true;
      },
      preview(text) {
        const belongs = text !== undefined && !breaksParagraph(text);
        if (belongs && shown.length && extendSketch(sketch, text, context)) return true;
        removeAll(shown);
        shown = [];
        if (belongs) {
          shown = [body.appendChild(row(cellsOf(text), 'td'))];
          restartSketch(sketch, text.length, innermostBlock(shown[0], body));
        }
        return belongs;
      },
      close: () => removeAll(shown),
      inParagraph: () => false,
    };
  }

  function start(text: string): OpenBlock | undefined {
    const opening = fenceOf(text);
    const heading = headingOf(text);
    const item = itemOf(text);
    if (opening) return fence(opening);
    if (heading)
      renderInline(heading.text, append(element(`h${heading.level}`)), {
        counter: context.counter,
      });
    else if (isRule(text)) append(element('hr'));
    else if (inner && quoteOf(text) !== undefined) {
      const block = quote(inner);
      block.line(text);
      return block;
    } else if (inner && item) {
      const list = append(element(item.number === undefined ? 'ul' : 'ol'));
      return createListBlock({ list, item, context: inner, createStream: createBlockStream });
    } else if (!isBlank(text)) return paragraph(text);
    return undefined;
  }

  return {
    line(text) {
      context.counter.steps++;
      removeAll(live);
      live = [];
      forget();
      const result = open ? open.line(text) : false;
      if (result === true) return true;
      open?.close();
      open = typeof result === 'function' ? result() : start(text);
      return true;
    },
    preview(text) {
      context.counter.steps++;
      // A line that showed as a block of its own still does as it grows.
      if (live.length && text !== undefined && extendSketch(liveSketch, text, context)) return true;
      removeAll(live);
      live = [];
      if (open?.preview(text) || text === undefined) {
        forget();
        return true;
      }
      // A paragraph's first line is kept as a paragraph between updates, so that a long line
      // being written is not rendered in full on each of them.
      if (startsParagraph(text)) {
        writing ??= paragraph(undefined);
        writing.preview(text);
        return true;
      }
      forget();
      live = show(render([text]));
      const container = innermostBlock(live[live.length - 1], parent);
      const raw = restartSketch(liveSketch, text.length, container);
      if (container === parent) live.push(raw);
      return true;
    },
    close() {
      removeAll(live);
      live = [];
      forget();
      open?.close();
      open = undefined;
    },
    inParagraph: () => open?.inParagraph() ?? false,
  };
}
