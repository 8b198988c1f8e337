import { useEffect, useState } from 'preact/hooks';
import type { ApiKeyUpdate, ApiKeyView, KeyType, KeyUsage } from '../contract/api-key.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { ErrorMessage } from './error-message.tsx';
import { formatDate } from './format-date.ts';
import { KeyEditForm } from './key-edit-form.tsx';
import { useAction } from './use-action.ts';

function keyStatus(key: ApiKeyView, now: number): string {
  if (key.revokedAt) return 'Revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'Expired';
  return 'Active';
}

const typeNames: Record<KeyType, string> = {
  service: 'Service',
  personal: 'Personal (its creator and the environment admin see it)',
  temporary: 'Temporary (24 hours at most)',
};

/**
 * One API key, never its secret: public id, type, scopes, dates, allowed IPs, limit and usage
 * alert (marked when use crossed it); its usage on request; edit in place; revoke behind a
 * confirmation.
 */
export function KeyCard({
  apiKey,
  loadUsage,
  onRevoke,
  onRotate,
  onUpdate,
  now = Date.now,
}: {
  apiKey: ApiKeyView;
  loadUsage: () => Promise<KeyUsage>;
  onRevoke: () => Promise<unknown>;
  onRotate: () => Promise<unknown>;
  onUpdate: (update: ApiKeyUpdate) => Promise<unknown>;
  now?: () => number;
}) {
  const [editing, setEditing] = useState(false);
  const [usage, setUsage] = useState<KeyUsage | undefined>(undefined);
  const usageAction = useAction();
  // A reloaded list brings fresher counts than an earlier refresh.
  useEffect(() => setUsage(undefined), [apiKey]);
  const status = keyStatus(apiKey, now());
  const headingId = `key-${apiKey.id}-name`;
  const shown = usage ?? apiKey.usage;
  const refresh = () => usageAction.run(async () => setUsage(await loadUsage()));
  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-header">
        <h3 id={headingId}>{apiKey.name}</h3>
        <span class="badges">
          {apiKey.alertedAt && <span class="badge alert">Alert crossed</span>}
          <span class={status === 'Active' ? 'badge on' : 'badge off'}>{status}</span>
        </span>
      </header>
      {apiKey.alertedAt && (
        <p class="alert-note">
          Use crossed {apiKey.alertThreshold}% of the rate limit on {formatDate(apiKey.alertedAt)}.
        </p>
      )}
      <dl class="facts">
        <dt>Type</dt>
        <dd>{typeNames[apiKey.type]}</dd>
        <dt>Public id</dt>
        <dd>
          <code>sk_{apiKey.id}</code>
        </dd>
        <dt>Scopes</dt>
        <dd>{apiKey.scopes.join(', ')}</dd>
        <dt>Created</dt>
        <dd>{formatDate(apiKey.createdAt)}</dd>
        <dt>Expires</dt>
        <dd>{formatDate(apiKey.expiresAt)}</dd>
        {apiKey.revokedAt && (
          <>
            <dt>Revoked</dt>
            <dd>{formatDate(apiKey.revokedAt)}</dd>
          </>
        )}
        <dt>Last used</dt>
        <dd>{formatDate(shown.lastUsedAt)}</dd>
        <dt>Allowed IPs</dt>
        <dd>{apiKey.allowedIps.length ? apiKey.allowedIps.join(', ') : 'Any'}</dd>
        <dt>Rate limit</dt>
        <dd>{apiKey.rateLimit ? `${apiKey.rateLimit} per minute` : 'Server default'}</dd>
        <dt>Usage alert</dt>
        <dd>{apiKey.alertThreshold ? `At ${apiKey.alertThreshold}% of the rate limit` : 'Off'}</dd>
        {apiKey.agentId && (
          <>
            <dt>Agent</dt>
            <dd>
              <code>{apiKey.agentId}</code>
            </dd>
          </>
        )}
      </dl>
      <h4>Usage</h4>
      <table class="usage">
        <caption class="sr-only">Requests made with {apiKey.name}, by status</caption>
        <thead>
          <tr>
            <th scope="col">Total</th>
            <th scope="col">2xx</th>
            <th scope="col">3xx</th>
            <th scope="col">4xx</th>
            <th scope="col">5xx</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td data-usage="total">{shown.total}</td>
            <td data-usage="2xx">{shown.byStatus['2xx']}</td>
            <td data-usage="3xx">{shown.byStatus['3xx']}</td>
            <td data-usage="4xx">{shown.byStatus['4xx']}</td>
            <td data-usage="5xx">{shown.byStatus['5xx']}</td>
          </tr>
        </tbody>
      </table>
      <div class="buttons">
        <button
          type="button"
          disabled={usageAction.pending}
          aria-label={`Refresh usage of ${apiKey.name}`}
          onClick={refresh}
        >
          Refresh usage
        </button>
        {!apiKey.revokedAt && !editing && (
          <button type="button" aria-label={`Edit ${apiKey.name}`} onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {status === 'Active' && (
          <ConfirmButton
            label="Rotate"
            destructive={false}
            question={`Create a new key with the settings of ${apiKey.name}? This one keeps working until you revoke it.`}
            confirmLabel={`Rotate ${apiKey.name}`}
            onConfirm={onRotate}
          />
        )}
        {!apiKey.revokedAt && (
          <ConfirmButton
            label="Revoke"
            question={`Revoke ${apiKey.name}? Requests with it are refused from now on.`}
            confirmLabel={`Revoke ${apiKey.name}`}
            onConfirm={onRevoke}
          />
        )}
      </div>
      <ErrorMessage error={usageAction.error} />
      {editing && (
        <KeyEditForm
          apiKey={apiKey}
          onSubmit={async (update) => {
            await onUpdate(update);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      )}
    </article>
  );
}
