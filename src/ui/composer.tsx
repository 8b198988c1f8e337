import { useLayoutEffect, useRef } from 'preact/hooks';
import { SendIcon, StopIcon } from './icons.tsx';
import type { ChatStrings } from './strings.ts';

export interface ComposerProps {
  strings: ChatStrings;
  placeholder: string;
  streaming: boolean;
  /** The text, held by the controller so it outlives the panel and failed sends. */
  text: string;
  onTextChange(text: string): void;
  onSend(text: string): void;
  onStop(): void;
  inputRef?: { current: HTMLTextAreaElement | null };
}

/** The message box: Enter sends, Shift+Enter adds a line, it grows with its text. */
export function Composer({
  strings,
  placeholder,
  streaming,
  text,
  onTextChange,
  onSend,
  onStop,
  inputRef,
}: ComposerProps) {
  const ownRef = useRef<HTMLTextAreaElement | null>(null);
  const textarea = inputRef ?? ownRef;

  useLayoutEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${element.scrollHeight + 2}px`;
  }, [text, textarea]);

  function submit() {
    if (streaming || text.trim() === '') return;
    onSend(text);
  }

  return (
    <form
      part="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={textarea}
        rows={1}
        value={text}
        aria-label={strings.messageLabel}
        placeholder={placeholder}
        onInput={(event) => onTextChange(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            submit();
          }
        }}
      />
      {streaming ? (
        <button type="button" class="send" aria-label={strings.stop} onClick={onStop}>
          <StopIcon />
        </button>
      ) : (
        <button type="submit" class="send" aria-label={strings.send} disabled={text.trim() === ''}>
          <SendIcon />
        </button>
      )}
    </form>
  );
}
