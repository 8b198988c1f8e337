import { useState } from 'preact/hooks';
import type { ActivityRange } from '../contract/activity.ts';
import { ActivityPanel } from './activity-panel.tsx';
import { ConversationLog } from './conversation-log.tsx';
import type { ManageClient } from './create-manage-client.ts';
import { ListStatus } from './list-status.tsx';
import { useApps } from './use-apps.ts';

const ranges: [ActivityRange, string][] = [
  ['24h', 'Last 24 hours'],
  ['30d', 'Last 30 days'],
];

/**
 * How one app of the signed-in project is used: sessions, chats, refusals and feedback over
 * the last 24 hours or 30 days, and its conversation log.
 */
export function ActivityScreen({ client }: { client: ManageClient }) {
  const { apps, load, reload } = useApps(client);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [range, setRange] = useState<ActivityRange>('24h');
  const app = apps?.find((item) => item.id === chosen) ?? apps?.[0];

  return (
    <section aria-labelledby="activity-heading">
      <div class="section-header">
        <h2 id="activity-heading" tabIndex={-1}>
          Activity
        </h2>
      </div>
      <p class="note">
        Sessions, chats and refusals counted by every server instance, feedback from the stored
        ratings, and the conversations visitors had. Visitors are shown as a hash, never their id.
      </p>
      <ListStatus
        items={apps}
        pending={load.pending}
        error={load.error}
        onReload={reload}
        reloadLabel="Reload apps"
        loading="Loading apps…"
        empty="No apps yet, so no activity."
      />
      {app && (
        <>
          <div class="activity-controls">
            <div>
              <label for="activity-app">App</label>
              <select
                id="activity-app"
                value={app.id}
                onChange={(event) => setChosen(event.currentTarget.value)}
              >
                {apps?.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name} ({item.id})
                  </option>
                ))}
              </select>
            </div>
            <fieldset class="range-switch">
              <legend class="sr-only">Range</legend>
              {ranges.map(([value, label]) => (
                <button
                  key={value}
                  type="button"
                  aria-pressed={range === value}
                  onClick={() => setRange(value)}
                >
                  {label}
                </button>
              ))}
            </fieldset>
          </div>
          <ActivityPanel key={`${app.id}-${range}`} app={app} client={client} range={range} />
          <ConversationLog key={app.id} app={app} client={client} />
        </>
      )}
    </section>
  );
}
