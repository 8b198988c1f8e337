import { createMarkdownRenderer } from '../../../src/ui/markdown/create-markdown-renderer.ts';

/** Renders `text` in one update and returns the root element. */
export function render(text: string): HTMLElement {
  const root = document.createElement('div');
  const renderer = createMarkdownRenderer(root);
  renderer.update(text);
  renderer.finish();
  return root;
}

/**
 * The markup of a render as one document: parts (`md-part`) unwrapped and a long paragraph's
 * continuations (`md-more`) joined to it, which depend on how the text was split in updates.
 */
export function html(root: HTMLElement): string {
  const copy = root.cloneNode(true) as HTMLElement;
  for (const part of copy.querySelectorAll('.md-part')) part.replaceWith(...part.childNodes);
  for (const more of copy.querySelectorAll('p.md-more')) {
    more.previousElementSibling!.append(...more.childNodes);
    more.remove();
  }
  copy.normalize();
  return copy.innerHTML;
}

/** The rendered markup, for comparing renders (tests only; the renderer never uses HTML). */
export function markup(text: string): string {
  return html(render(text));
}

/** Streams `text` in chunks of the given sizes (cycled) and returns the root element. */
export function stream(text: string, sizes: number[] = [1]): HTMLElement {
  const root = document.createElement('div');
  const renderer = createMarkdownRenderer(root);
  for (let end = 0, step = 0; end < text.length; step++) {
    end = Math.min(text.length, end + (sizes[step % sizes.length] ?? 1));
    renderer.update(text.slice(0, end));
  }
  renderer.finish();
  return root;
}
