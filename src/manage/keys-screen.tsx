import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiKeyView, CreatedApiKey } from '../contract/api-key.ts';
import type { ManageClient } from './create-manage-client.ts';
import { CreatedKeyNotice } from './created-key-notice.tsx';
import { KeyCard } from './key-card.tsx';
import { KeyForm } from './key-form.tsx';
import { ListStatus } from './list-status.tsx';
import { rotationInput } from './rotation-input.ts';
import { useAction } from './use-action.ts';

/**
 * The API keys of the signed-in project: list, create (the key shown once), edit, usage and
 * revoke.
 * A new key lives only in this component's state: gone when dismissed, when the screen changes
 * or when the page is left.
 */
export function KeysScreen({ client }: { client: ManageClient }) {
  const [keys, setKeys] = useState<ApiKeyView[] | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);
  const [status, setStatus] = useState('');
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setKeys(await client.listKeys());
      }),
    [client, load.run],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  useEffect(() => {
    // Leaving the page (or the back-forward cache keeping it) must not keep the key on screen.
    const forget = () => setCreated(undefined);
    addEventListener('pagehide', forget);
    return () => removeEventListener('pagehide', forget);
  }, []);

  return (
    <section aria-labelledby="keys-heading">
      <div class="section-header">
        <h2 id="keys-heading" tabIndex={-1}>
          API keys
        </h2>
        {!creating && !created && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New key
          </button>
        )}
      </div>
      <p class="note" role="status">
        {status}
      </p>
      {created && (
        <CreatedKeyNotice
          created={created}
          onDismiss={() => {
            setCreated(undefined);
            document.getElementById('keys-heading')?.focus();
          }}
        />
      )}
      {creating && (
        <div class="card">
          <h3>New API key</h3>
          <KeyForm
            onSubmit={async (input) => {
              const result = await client.createKey(input);
              setCreating(false);
              setCreated(result);
              await reload();
            }}
            onCancel={() => setCreating(false)}
          />
        </div>
      )}
      <ListStatus
        items={keys}
        pending={load.pending}
        error={load.error}
        onReload={reload}
        reloadLabel="Reload keys"
        loading="Loading keys…"
        empty="No API keys yet."
      />
      <div class="cards">
        {keys?.map((key) => (
          <KeyCard
            key={key.id}
            apiKey={key}
            loadUsage={() => client.keyUsage(key.id)}
            onRotate={async () => {
              setCreated(await client.createKey(rotationInput(key)));
              setStatus(
                `Created a replacement for ${key.name}. Revoke the old key once its clients use the new one.`,
              );
              await reload();
            }}
            onUpdate={async (update) => {
              const saved = await client.updateKey(key.id, update);
              setStatus(`Saved ${saved.name}.`);
              await reload();
            }}
            onRevoke={async () => {
              await client.revokeKey(key.id);
              setStatus(`Revoked ${key.name}.`);
              await reload();
            }}
          />
        ))}
      </div>
    </section>
  );
}
