import type { SigningKey } from '../contract/app.ts';

/** The most keys an app may hold (the server's limit, zod-free here). */
const maxKeys = 10;

/** One editable public key of an app's signed-in visitors. */
export interface SigningKeyEntry {
  kid: string;
  /** PEM text, or a JWK as JSON. */
  key: string;
  /** The algorithm the server resolved, for a saved key. */
  alg?: string | undefined;
  /** Shown its problems once submitted. */
  touched: boolean;
  /** What the server said about it on the last save. */
  serverError?: string | undefined;
}

/** The entries for an app's saved keys: PEM as is, a JWK as indented JSON. */
export function signingKeyEntries(keys: readonly SigningKey[] | undefined): SigningKeyEntry[] {
  return (keys ?? []).map(({ kid, alg, key }) => ({
    kid,
    alg,
    key: typeof key === 'string' ? key : JSON.stringify(key, null, 2),
    touched: true,
  }));
}

const isBlank = (entry: SigningKeyEntry) => !entry.kid.trim() && !entry.key.trim();

/** The key as the manage API takes it: a JWK object for JSON text, else the PEM text. */
function parsedKey(text: string): string | Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The message for an entry: the browser's own checks first, then the server's. */
export function signingKeyError(entry: SigningKeyEntry): string | undefined {
  if (!entry.touched || isBlank(entry)) return;
  if (!entry.kid.trim()) return 'Enter a key id (kid): the one the site puts in its tokens.';
  if (!entry.key.trim()) return 'Paste the public key: PEM text or a JWK.';
  if (parsedKey(entry.key) === undefined) return 'This JWK is not valid JSON.';
  if (/PRIVATE KEY/.test(entry.key) || /"d"\s*:/.test(entry.key)) {
    return 'This is a private key: paste the public key only.';
  }
  return entry.serverError;
}

/** The keys to send (blank entries dropped) and where each sits among the entries. */
export function toSigningKeys(entries: readonly SigningKeyEntry[]): {
  keys: { kid: string; key: string | Record<string, unknown> }[];
  positions: number[];
} {
  const positions = entries.flatMap((entry, index) => (isBlank(entry) ? [] : [index]));
  const keys = positions.map((index) => {
    const entry = entries[index] as SigningKeyEntry;
    return { kid: entry.kid.trim(), key: parsedKey(entry.key) ?? entry.key };
  });
  return { keys, positions };
}

/**
 * The signed-in visitors part of the app form: the public keys the site's backend signs its
 * users' tokens with (a key id and a PEM or JWK each; several while rotating) and the audience
 * their tokens must name.
 */
export function SigningKeysField({
  idPrefix,
  entries,
  onChange,
  audience,
  onAudienceChange,
  audienceError,
}: {
  idPrefix: string;
  entries: SigningKeyEntry[];
  onChange: (entries: SigningKeyEntry[]) => void;
  audience: string;
  onAudienceChange: (audience: string) => void;
  audienceError?: string | undefined;
}) {
  const update = (index: number, change: Partial<SigningKeyEntry>) =>
    onChange(
      entries.map((entry, at) =>
        at === index ? { ...entry, ...change, serverError: undefined, alg: undefined } : entry,
      ),
    );
  const hintId = `${idPrefix}-keys-hint`;
  const audienceId = `${idPrefix}-audience`;
  return (
    <fieldset class="signing-keys">
      <legend>Signed-in visitors</legend>
      <p class="note" id={hintId}>
        Public keys your site's backend signs its users' tokens with (RS256, ES256 or EdDSA), each
        with the key id (<code>kid</code>) its tokens name. Add the new key before you rotate, and
        remove the old one after. Up to {maxKeys} keys.
      </p>
      {entries.length === 0 && <p class="note">No keys: visitors can only chat anonymously.</p>}
      {entries.map((entry, index) => {
        const id = `${idPrefix}-signing-key-${index}`;
        const error = signingKeyError(entry);
        return (
          <div class="signing-key" key={index}>
            <label for={`${id}-kid`}>Key id (kid) {index + 1}</label>
            <input
              id={`${id}-kid`}
              value={entry.kid}
              spellcheck={false}
              autoComplete="off"
              maxLength={128}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? `${id}-error` : hintId}
              onInput={(event) => update(index, { kid: event.currentTarget.value })}
            />
            <label for={`${id}-key`}>
              Public key {index + 1} (PEM or JWK){entry.alg ? `: ${entry.alg}` : ''}
            </label>
            <textarea
              id={`${id}-key`}
              rows={4}
              value={entry.key}
              spellcheck={false}
              placeholder="-----BEGIN PUBLIC KEY-----"
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? `${id}-error` : hintId}
              onInput={(event) => update(index, { key: event.currentTarget.value })}
            />
            <button
              type="button"
              aria-label={`Remove signing key ${index + 1}`}
              onClick={() => onChange(entries.filter((_, at) => at !== index))}
            >
              Remove
            </button>
            {error && (
              <p class="error" id={`${id}-error`} role="alert">
                {error}
              </p>
            )}
          </div>
        );
      })}
      {entries.length < maxKeys && (
        <button
          type="button"
          onClick={() => {
            onChange([...entries, { kid: '', key: '', touched: false }]);
            requestAnimationFrame(() =>
              document.getElementById(`${idPrefix}-signing-key-${entries.length}-kid`)?.focus(),
            );
          }}
        >
          Add signing key
        </button>
      )}
      <label for={audienceId}>Audience (optional)</label>
      <input
        id={audienceId}
        value={audience}
        maxLength={200}
        spellcheck={false}
        placeholder="https://docs.example.com"
        aria-invalid={audienceError ? 'true' : undefined}
        aria-describedby={audienceError ? `${audienceId}-error` : `${audienceId}-hint`}
        onInput={(event) => onAudienceChange(event.currentTarget.value)}
      />
      <p class="note" id={`${audienceId}-hint`}>
        When set, a token must name it in <code>aud</code>. Set one if these keys also sign tokens
        for anything else (an identity provider’s keys): without it, every token they sign is taken
        as a chat sign-in.
      </p>
      {audienceError && (
        <p class="error" id={`${audienceId}-error`} role="alert">
          {audienceError}
        </p>
      )}
    </fieldset>
  );
}
