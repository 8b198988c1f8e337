import type { Block } from './parse-blocks.ts';
import { renderInline } from './render-inline.ts';

/** What rendering a block needs besides the block: the document, copy texts and action. */
export interface RenderContext {
  document: Document;
  copy: string;
  copied: string;
  copyCode: string;
  onCopy(text: string): void | Promise<void>;
}

/** A code block with its language label and copy button; `code` holds the text. */
export function renderCodeBlock(
  lang: string,
  context: RenderContext,
): { pre: HTMLPreElement; code: HTMLElement } {
  const { document, copy, copied, copyCode, onCopy } = context;
  const pre = document.createElement('pre');
  pre.className = 'md-code';
  if (lang) {
    const label = pre.appendChild(document.createElement('span'));
    label.className = 'md-code-lang';
    label.textContent = lang;
  }
  const button = pre.appendChild(document.createElement('button'));
  const code = pre.appendChild(document.createElement('code'));
  const label = (text: string, name: string) => {
    button.textContent = text;
    button.setAttribute('aria-label', name);
  };
  button.type = 'button';
  button.className = 'md-copy';
  label(copy, copyCode);
  button.addEventListener('click', async () => {
    try {
      await onCopy(code.textContent ?? '');
      label(copied, copied);
      setTimeout(() => label(copy, copyCode), 2000);
    } catch {
      // Clipboard refused (no permission, insecure context): the button stays as it was.
    }
  });
  return { pre, code };
}

function renderItem(blocks: Block[], item: HTMLElement, loose: boolean, context: RenderContext) {
  for (const block of blocks) {
    if (!loose && block.type === 'paragraph') renderInline(block.text, item);
    else item.appendChild(renderBlock(block, context));
  }
}

function renderCell(tag: string, text: string, align: string | undefined, context: RenderContext) {
  const cell = context.document.createElement(tag);
  if (align) cell.className = `md-align-${align}`;
  renderInline(text, cell);
  return cell;
}

/** Builds the DOM of one block (and its children) from text nodes and a fixed set of tags. */
export function renderBlock(block: Block, context: RenderContext): Node {
  const { document } = context;
  switch (block.type) {
    case 'paragraph':
    case 'heading': {
      const node = document.createElement(block.type === 'heading' ? `h${block.level}` : 'p');
      renderInline(block.text, node);
      return node;
    }
    case 'code': {
      const { pre, code } = renderCodeBlock(block.lang, context);
      code.textContent = block.text;
      return pre;
    }
    case 'rule':
      return document.createElement('hr');
    case 'quote': {
      const node = document.createElement('blockquote');
      for (const child of block.children) node.appendChild(renderBlock(child, context));
      return node;
    }
    case 'list': {
      const node = document.createElement(block.start === undefined ? 'ul' : 'ol');
      if (block.start !== undefined && block.start !== 1) {
        node.setAttribute('start', String(block.start));
      }
      for (const item of block.items) {
        renderItem(item, node.appendChild(document.createElement('li')), block.loose, context);
      }
      return node;
    }
    case 'table': {
      const wrap = document.createElement('div');
      wrap.className = 'md-table-wrap';
      const table = wrap.appendChild(document.createElement('table'));
      table.className = 'md-table';
      const headRow = table
        .appendChild(document.createElement('thead'))
        .appendChild(document.createElement('tr'));
      block.head.forEach((text, column) => {
        headRow.appendChild(renderCell('th', text, block.align[column], context));
      });
      if (block.rows.length > 0) {
        const body = table.appendChild(document.createElement('tbody'));
        for (const row of block.rows) {
          const rowNode = body.appendChild(document.createElement('tr'));
          row.forEach((text, column) => {
            rowNode.appendChild(renderCell('td', text, block.align[column], context));
          });
        }
      }
      return wrap;
    }
  }
}
