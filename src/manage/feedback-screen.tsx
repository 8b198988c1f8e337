import type { ManageClient } from './create-manage-client.ts';
import { FeedbackCard } from './feedback-card.tsx';
import { ListStatus } from './list-status.tsx';
import { useApps } from './use-apps.ts';

/** Visitors' ratings of answers, per app of the signed-in project. */
export function FeedbackScreen({ client }: { client: ManageClient }) {
  const { apps, load, reload } = useApps(client);

  return (
    <section aria-labelledby="feedback-heading">
      <div class="section-header">
        <h2 id="feedback-heading" tabIndex={-1}>
          Feedback
        </h2>
      </div>
      <p class="note">
        What visitors thought of the answers: thumbs up and down, and what they said about the
        answers they rated down.
      </p>
      <ListStatus
        items={apps}
        pending={load.pending}
        error={load.error}
        onReload={reload}
        reloadLabel="Reload apps"
        loading="Loading apps…"
        empty="No apps yet, so no feedback."
      />
      <div class="cards">
        {apps?.map((app) => (
          <FeedbackCard key={app.id} app={app} client={client} />
        ))}
      </div>
    </section>
  );
}
