import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorMessage } from './error-message.tsx';
import { useAction } from './use-action.ts';

/**
 * A destructive action behind an inline confirmation: the first press asks `question`, the
 * second runs `onConfirm`; a failure stays next to the buttons.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  destructive = true,
}: {
  label: string;
  /** Styled as a danger (delete, revoke); false for a confirmed but harmless action. */
  destructive?: boolean;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
}) {
  const [asking, setAsking] = useState(false);
  const [returnFocus, setReturnFocus] = useState(false);
  const action = useAction();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (returnFocus) triggerRef.current?.focus();
  }, [asking, returnFocus]);

  if (!asking) {
    return (
      <button
        type="button"
        class={destructive ? 'danger' : undefined}
        ref={triggerRef}
        onClick={() => {
          setReturnFocus(false);
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  const cancel = () => {
    action.clear();
    setReturnFocus(true);
    setAsking(false);
  };
  return (
    <fieldset class="confirm" onKeyDown={(event) => event.key === 'Escape' && cancel()}>
      <legend>{question}</legend>
      <div class="buttons">
        <button
          type="button"
          class={destructive ? 'danger solid' : 'primary'}
          ref={confirmRef}
          disabled={action.pending}
          onClick={async () => {
            if (await action.run(onConfirm)) setAsking(false);
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </fieldset>
  );
}
