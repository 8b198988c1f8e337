import { describeError } from './manage-api-error.ts';

/** An API error shown next to the control that caused it (announced as an alert). */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  if (error === undefined) return null;
  return (
    <p class="error" role="alert" id={id}>
      {describeError(error)}
    </p>
  );
}
