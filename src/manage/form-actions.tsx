import { ErrorMessage } from './error-message.tsx';
import type { Action } from './use-action.ts';

/** A form's submit and Cancel buttons, then what went wrong when it was last submitted. */
export function FormActions({
  label,
  action,
  onCancel,
}: {
  label: string;
  action: Pick<Action, 'pending' | 'error'>;
  onCancel: () => void;
}) {
  return (
    <>
      <div class="buttons">
        <button type="submit" class="primary" disabled={action.pending}>
          {label}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </>
  );
}
