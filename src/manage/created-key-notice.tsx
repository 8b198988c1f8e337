import { useEffect, useRef } from 'preact/hooks';
import type { CreatedApiKey } from '../contract/api-key.ts';
import { CopyButton } from './copy-button.tsx';

/**
 * The one time a new key is shown: the full key, a copy button and a warning. Dismissing it
 * forgets the key for good.
 */
export function CreatedKeyNotice({
  created,
  onDismiss,
}: {
  created: CreatedApiKey;
  onDismiss: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section class="card created" aria-labelledby="created-key-heading">
      <h3 id="created-key-heading" ref={headingRef} tabIndex={-1}>
        Key “{created.data.name}” created
      </h3>
      <p class="warning" id="created-key-warning">
        Copy this key now and store it somewhere safe. It will not be shown again.
      </p>
      <label for="created-key-value">API key</label>
      <input
        id="created-key-value"
        class="secret"
        readOnly
        value={created.key}
        spellcheck={false}
        autoComplete="off"
        aria-describedby="created-key-warning"
        onFocus={(event) => event.currentTarget.select()}
      />
      {created.signingSecret && (
        <>
          <label for="created-key-signing">Signing secret</label>
          <input
            id="created-key-signing"
            class="secret"
            readOnly
            value={created.signingSecret}
            spellcheck={false}
          />
        </>
      )}
      <div class="buttons">
        <CopyButton text={created.key} label="Copy key" />
        <button type="button" class="primary" onClick={onDismiss}>
          I have stored the key
        </button>
      </div>
    </section>
  );
}
