import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ActivityRange, AppActivity } from '../contract/activity.ts';
import type { App } from '../contract/app.ts';
import { ActivityChart } from './activity-chart.tsx';
import type { ManageClient } from './create-manage-client.ts';
import { ErrorMessage } from './error-message.tsx';
import { useAction } from './use-action.ts';

/** What each refusal code means to an owner. */
const reasons: Record<string, string> = {
  origin_not_allowed: 'Origin not allowed',
  rate_limit_exceeded: 'Rate limit',
  quota_exceeded: 'Storage quota full',
  pow_required: 'Proof of work missing',
  pow_invalid: 'Proof of work wrong or reused',
  pow_expired: 'Proof of work expired',
  unauthorized: 'Invalid or expired session',
  anonymous_disabled: 'Anonymous sessions off',
  not_found: 'App disabled, or conversation not found',
  bad_request: 'Malformed request',
  forbidden: 'Forbidden',
  payload_too_large: 'Request too large',
  service_unavailable: 'Server unavailable',
};

/**
 * One app's activity over a range: totals, the chart, and refusals by reason. Loads on mount;
 * a failure shows next to a reload button.
 */
export function ActivityPanel({
  app,
  client,
  range,
}: {
  app: App;
  client: Pick<ManageClient, 'appActivity'>;
  range: ActivityRange;
}) {
  const [activity, setActivity] = useState<AppActivity | undefined>(undefined);
  const load = useAction();
  const reload = useCallback(
    () =>
      load.run(async () => {
        setActivity(await client.appActivity(app.id, range));
      }),
    [client, app.id, range, load.run],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  const totals = activity?.totals;
  return (
    <div class="card" aria-busy={load.pending}>
      <header class="card-header">
        <h3>{range === '24h' ? 'Last 24 hours' : 'Last 30 days'}</h3>
        <button
          type="button"
          disabled={load.pending}
          aria-label={`Reload activity of ${app.name}`}
          onClick={reload}
        >
          Reload
        </button>
      </header>
      <ErrorMessage error={load.error} />
      {activity === undefined && load.pending && <p class="note">Loading activity…</p>}
      {activity && totals && (
        <>
          <dl class="totals">
            <div>
              <dt>Sessions</dt>
              <dd data-total="sessions">{totals.sessions}</dd>
            </div>
            <div>
              <dt>Chats</dt>
              <dd data-total="chats">{totals.chats}</dd>
            </div>
            <div>
              <dt>Refusals</dt>
              <dd data-total="refusals">{totals.sessionRefusals + totals.chatRefusals}</dd>
            </div>
            <div>
              <dt>Rated helpful</dt>
              <dd data-total="positive">{totals.feedbackPositive}</dd>
            </div>
            <div>
              <dt>Rated not helpful</dt>
              <dd data-total="negative">{totals.feedbackNegative}</dd>
            </div>
          </dl>
          <ActivityChart activity={activity} />
          <h4 id={`refusals-${app.id}`}>Refusals by reason</h4>
          {activity.refusals.length === 0 ? (
            <p class="note">No refusals.</p>
          ) : (
            <table class="usage refusals" aria-labelledby={`refusals-${app.id}`}>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Refused</th>
                  <th scope="col">Count</th>
                </tr>
              </thead>
              <tbody>
                {activity.refusals.map((refusal) => (
                  <tr key={`${refusal.kind}-${refusal.reason}`} data-reason={refusal.reason}>
                    <th scope="row">
                      {reasons[refusal.reason] ?? refusal.reason} <code>{refusal.reason}</code>
                    </th>
                    <td>{refusal.kind === 'session' ? 'Session' : 'Chat'}</td>
                    <td>{refusal.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
