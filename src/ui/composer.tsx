import { useEffect, useRef, useState } from 'preact/hooks';
import { SendIcon, StopIcon } from './icons.tsx';
import type { ChatStrings } from './strings.ts';

export interface ComposerProps {
  strings: ChatStrings;
  placeholder: string;
  streaming: boolean;
  /** Text handed back after a failed send; it replaces what the composer holds. */
  draft: string | null;
  onSend(text: string): void;
  onStop(): void;
  onDraftTaken(): void;
  inputRef?: { current: HTMLTextAreaElement | null };
}

/** The message box: Enter sends, Shift+Enter adds a line, it grows with its text. */
export function Composer({
  strings,
  placeholder,
  streaming,
  draft,
  onSend,
  onStop,
  onDraftTaken,
  inputRef,
}: ComposerProps) {
  const [text, setText] = useState('');
  const ownRef = useRef<HTMLTextAreaElement | null>(null);
  const textarea = inputRef ?? ownRef;

  useEffect(() => {
    if (draft === null) return;
    setText((current) => (current.trim() === '' ? draft : current));
    onDraftTaken();
  }, [draft, onDraftTaken]);

  useEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${element.scrollHeight + 2}px`;
  }, [text, textarea]);

  function submit() {
    if (streaming || text.trim() === '') return;
    onSend(text);
    setText('');
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
        onInput={(event) => setText(event.currentTarget.value)}
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
