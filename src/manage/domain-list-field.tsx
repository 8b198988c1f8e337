import { validateDomainRule } from './validate-domain-rule.ts';

/** One editable entry of an app's allowed domains. */
export interface DomainEntry {
  value: string;
  /** Shown its problems once left or submitted. */
  touched: boolean;
  /** What the server said about it on the last save. */
  serverError?: string | undefined;
}

/** The message for an entry, from the browser-side rules first, then the server's. */
export function domainError(entry: DomainEntry): string | undefined {
  if (!entry.touched) return;
  if (!entry.value.trim()) return;
  return validateDomainRule(entry.value) ?? entry.serverError;
}

/**
 * The allowed-domains list of the app form: one labelled input per pattern, each checked as it
 * is edited, with add and remove buttons.
 */
export function DomainListField({
  idPrefix,
  entries,
  onChange,
}: {
  idPrefix: string;
  entries: DomainEntry[];
  onChange: (entries: DomainEntry[]) => void;
}) {
  const update = (index: number, change: Partial<DomainEntry>) =>
    onChange(entries.map((entry, at) => (at === index ? { ...entry, ...change } : entry)));
  const hintId = `${idPrefix}-domains-hint`;
  return (
    <fieldset class="domains">
      <legend>Allowed domains</legend>
      <p class="note" id={hintId}>
        Sites that may use this app: <code>example.com</code> (any port and scheme),{' '}
        <code>*.example.com</code> (and subdomains), <code>example.com:8443</code>,{' '}
        <code>https://example.com</code>, or <code>*</code> for every site.
      </p>
      {entries.length === 0 && <p class="note">No domains: no site can use this app yet.</p>}
      {entries.map((entry, index) => {
        const id = `${idPrefix}-domain-${index}`;
        const error = domainError(entry);
        return (
          <div class="domain" key={index}>
            <label for={id}>Domain {index + 1}</label>
            <div class="row">
              <input
                id={id}
                value={entry.value}
                spellcheck={false}
                autoComplete="off"
                placeholder="example.com"
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={error ? `${id}-error` : hintId}
                onInput={(event) =>
                  update(index, { value: event.currentTarget.value, serverError: undefined })
                }
                onBlur={() => update(index, { touched: true })}
              />
              <button
                type="button"
                aria-label={`Remove domain ${index + 1}`}
                onClick={() => onChange(entries.filter((_, at) => at !== index))}
              >
                Remove
              </button>
            </div>
            {error && (
              <p class="error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => {
          onChange([...entries, { value: '', touched: false }]);
          // Focus the new entry once it is rendered.
          requestAnimationFrame(() =>
            document.getElementById(`${idPrefix}-domain-${entries.length}`)?.focus(),
          );
        }}
      >
        Add domain
      </button>
    </fieldset>
  );
}
