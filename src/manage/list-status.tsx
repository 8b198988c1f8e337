import { ErrorMessage } from './error-message.tsx';

export interface ListStatusProps {
  /** The list, once loaded. */
  items: readonly unknown[] | undefined;
  pending: boolean;
  error: unknown;
  onReload(): void;
  /** Texts: the reload button, the loading line, the empty line. */
  reloadLabel: string;
  loading: string;
  empty: string;
}

/** What a list shows instead of (or above) its items: a load failure, loading, or nothing yet. */
export function ListStatus({
  items,
  pending,
  error,
  onReload,
  reloadLabel,
  loading,
  empty,
}: ListStatusProps) {
  return (
    <>
      {error !== undefined && (
        <div class="buttons">
          <ErrorMessage error={error} />
          <button type="button" onClick={onReload}>
            {reloadLabel}
          </button>
        </div>
      )}
      {items === undefined && pending && <p class="note">{loading}</p>}
      {items?.length === 0 && <p class="note">{empty}</p>}
    </>
  );
}
