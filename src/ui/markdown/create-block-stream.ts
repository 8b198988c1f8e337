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

function removeAll(nodes: Node[]): void {
  for (const node of nodes) node.parentNode?.removeChild(node);
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

  function paragraph(first: string): OpenBlock {
    const lines = [first.trimStart()];
    let shown: Node[] = [];
    const continues = (text: string) =>
      delimitsTable(text, lines[lines.length - 1]!) || !breaksParagraph(text);
    return {
      line(text) {
        removeAll(shown);
        const header = lines[lines.length - 1]!;
        if (delimitsTable(text, header)) {
          lines.pop();
          return () => table(header, text);
        }
        if (breaksParagraph(text)) return false;
        lines.push(text.trimStart());
        return true;
      },
      preview(text) {
        removeAll(shown);
        const belongs = text !== undefined && continues(text);
        shown = show(render(belongs ? [...lines, text] : lines));
        return belongs;
      },
      close() {
        removeAll(shown);
        if (lines.length === 0) return;
        const target = tight ? document.createDocumentFragment() : element('p');
        renderInline(lines.join('\n').trimEnd(), target, context.counter);
        append(target);
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
        partial.data = hidden ? '' : separator + stripIndent(text, indent);
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
        renderInline(cells[column] ?? '', cell, context.counter);
      });
      return tr;
    };
    node.appendChild(element('thead')).appendChild(row(head, 'th'));
    const body = node.appendChild(element('tbody'));
    let shown: Node[] = [];
    return {
      line(text) {
        removeAll(shown);
        if (breaksParagraph(text)) return false;
        body.appendChild(row(cellsOf(text), 'td'));
        return true;
      },
      preview(text) {
        removeAll(shown);
        const belongs = text !== undefined && !breaksParagraph(text);
        if (belongs) shown = [body.appendChild(row(cellsOf(text), 'td'))];
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
    if (heading) renderInline(heading.text, append(element(`h${heading.level}`)), context.counter);
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
      removeAll(live);
      live = [];
      const result = open ? open.line(text) : false;
      if (result === true) return true;
      open?.close();
      open = typeof result === 'function' ? result() : start(text);
      return true;
    },
    preview(text) {
      removeAll(live);
      live = [];
      if (open?.preview(text) || text === undefined) return true;
      live = show(render([text]));
      return true;
    },
    close() {
      removeAll(live);
      live = [];
      open?.close();
      open = undefined;
    },
    inParagraph: () => open?.inParagraph() ?? false,
  };
}
