import { useCallback, useEffect, useState } from 'preact/hooks';
import type { App } from '../contract/app.ts';
import type { FeedbackSummary } from '../contract/feedback.ts';
import type { ManageClient } from './create-manage-client.ts';
import { ErrorMessage } from './error-message.tsx';
import { formatDate } from './format-date.ts';
import { useAction } from './use-action.ts';

/**
 * One app's feedback: how many answers visitors rated up and down, and the latest answers rated
 * down, each with the question it answered, an excerpt of the answer and the visitor's comment.
 * Loads on mount; a failure shows next to a reload button.
 */
export function FeedbackCard({
  app,
  client,
}: {
  app: App;
  client: Pick<ManageClient, 'appFeedback'>;
}) {
  const [feedback, setFeedback] = useState<FeedbackSummary | undefined>(undefined);
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setFeedback(await client.appFeedback(app.id));
      }),
    [client, app.id, load.run],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  const headingId = `feedback-${app.id}-name`;
  const negativeId = `feedback-${app.id}-negative`;
  return (
    <article class="card" aria-labelledby={headingId} aria-busy={load.pending}>
      <header class="card-header">
        <h3 id={headingId}>{app.name}</h3>
        <button
          type="button"
          disabled={load.pending}
          aria-label={`Reload feedback of ${app.name}`}
          onClick={reload}
        >
          Reload
        </button>
      </header>
      <ErrorMessage error={load.error} />
      {feedback === undefined && load.pending && <p class="note">Loading feedback…</p>}
      {feedback && (
        <>
          <dl class="facts">
            <dt>Rated helpful</dt>
            <dd data-feedback="positive">{feedback.counts.positive}</dd>
            <dt>Rated not helpful</dt>
            <dd data-feedback="negative">{feedback.counts.negative}</dd>
          </dl>
          <h4 id={negativeId}>Latest negative feedback</h4>
          {feedback.latestNegative.length === 0 ? (
            <p class="note">No negative feedback yet.</p>
          ) : (
            <ol class="feedback-list" aria-labelledby={negativeId}>
              {feedback.latestNegative.map((item) => (
                <li key={item.messageId} class="feedback-item">
                  <dl class="facts">
                    <dt>Question</dt>
                    <dd class="excerpt">{item.question ?? 'None'}</dd>
                    <dt>Answer</dt>
                    <dd class="excerpt">{item.answer}</dd>
                    <dt>Comment</dt>
                    <dd class="excerpt">{item.details || 'No comment'}</dd>
                    <dt>When</dt>
                    <dd>{formatDate(item.createdAt)}</dd>
                    <dt>Conversation</dt>
                    <dd>
                      <code>{item.conversationId}</code>
                    </dd>
                  </dl>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </article>
  );
}
