import type { StepCounter } from './render-inline.ts';

/** What rendering a block needs besides the block: the document, copy texts and action. */
export interface RenderContext {
  document: Document;
  copy: string;
  copied: string;
  copyCode: string;
  onCopy(text: string): void | Promise<void>;
  /** How many quotes and lists enclose the blocks being rendered. */
  depth?: number;
  /** Counts parsing work (lines taken, inline steps), for tests. */
  counter: StepCounter;
  /** Shared by nested contexts: once the text is complete, previews are rendered in full, never sketched. */
  text: { complete?: boolean };
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
