import { useState } from 'preact/hooks';
import { AppCard } from './app-card.tsx';
import { AppForm } from './app-form.tsx';
import type { ManageClient } from './create-manage-client.ts';
import { ListStatus } from './list-status.tsx';
import { useApps } from './use-apps.ts';

/** The apps of the signed-in project: the list, and a form for a new one. */
export function AppsScreen({
  client,
  origin = globalThis.location?.origin ?? '',
}: {
  client: ManageClient;
  origin?: string;
}) {
  const { apps, setApps, load, reload } = useApps(client);
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState('');

  return (
    <section aria-labelledby="apps-heading">
      <div class="section-header">
        <h2 id="apps-heading" tabIndex={-1}>
          Apps
        </h2>
        {!creating && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New app
          </button>
        )}
      </div>
      <p class="note">
        Each app’s “Try it” page runs on this server ({origin}): it works for apps whose allowed
        domains include this host.
      </p>
      <p class="note" role="status">
        {status}
      </p>
      {creating && (
        <div class="card">
          <h3>New app</h3>
          <AppForm
            idPrefix="new-app"
            onSubmit={async (input) => {
              const app = await client.createApp(input);
              setCreating(false);
              setStatus(`Created ${app.name}.`);
              await reload();
            }}
            onCancel={() => setCreating(false)}
          />
        </div>
      )}
      <ListStatus
        items={apps}
        pending={load.pending}
        error={load.error}
        onReload={reload}
        reloadLabel="Reload apps"
        loading="Loading apps…"
        empty="No apps yet. Create one to embed the chat."
      />
      <div class="cards">
        {apps?.map((app) => (
          <AppCard
            key={app.id}
            app={app}
            origin={origin}
            onUpdate={async (input) => {
              const updated = await client.updateApp(app.id, input);
              setApps((list) => list?.map((item) => (item.id === app.id ? updated : item)));
              setStatus(`Saved ${updated.name}.`);
            }}
            onRevokeSessions={async (sub) => {
              const { revokedBefore } = await client.revokeSessions(app.id, sub ? { sub } : {});
              if (sub) {
                setStatus(`Signed out visitor ${sub} of ${app.name}.`);
                return;
              }
              setApps((list) =>
                list?.map((item) =>
                  item.id === app.id ? { ...item, sessionsRevokedBefore: revokedBefore } : item,
                ),
              );
              setStatus(`Signed out all visitors of ${app.name}.`);
            }}
            onDelete={async () => {
              await client.deleteApp(app.id);
              setApps((list) => list?.filter((item) => item.id !== app.id));
              setStatus(`Deleted ${app.name}.`);
              // The card and its focused button are gone: continue from the list's heading.
              document.getElementById('apps-heading')?.focus();
            }}
          />
        ))}
      </div>
    </section>
  );
}
