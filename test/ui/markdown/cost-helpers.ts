import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';

/** The work of rendering some markdown: DOM nodes created and parser steps. */
export interface Cost {
  nodes: number;
  steps: number;
}

/**
 * The work of rendering `text`, fed `chunk` characters at a time (every update rendered at once,
 * no frame coalescing), or whole. Counting work instead of timing it keeps the check exact on a
 * busy machine: a renderer that rescanned text or rebuilt finished content would create nodes
 * and take steps in proportion to the square of the text.
 */
export function costOf(text: string, chunk = text.length): Cost {
  const root = document.createElement('div');
  const counter = { steps: 0 };
  const renderer = createMarkdownRenderer(root, {
    requestFrame: (callback) => callback(),
    counter,
  });
  // Counted by wrapping, not by a spy: a spy would keep every call's arguments.
  let nodes = 0;
  const { createElement, createTextNode } = document;
  document.createElement = function (
    this: Document,
    ...args: Parameters<Document['createElement']>
  ) {
    nodes++;
    return createElement.apply(this, args);
  } as Document['createElement'];
  document.createTextNode = function (this: Document, data: string) {
    nodes++;
    return createTextNode.call(this, data);
  };
  try {
    for (let start = 0; start < text.length; start += chunk) {
      renderer.append(text.slice(start, start + chunk));
    }
    renderer.finish();
    return { nodes, steps: counter.steps };
  } finally {
    document.createElement = createElement;
    document.createTextNode = createTextNode;
  }
}

/** How much more work four times the input takes: about 4 when linear, 16 when quadratic. */
export function growth(textOf: (count: number) => string, count: number, chunk?: number): Cost {
  const one = costOf(textOf(count), chunk);
  const four = costOf(textOf(count * 4), chunk);
  return { nodes: four.nodes / one.nodes, steps: four.steps / one.steps };
}
