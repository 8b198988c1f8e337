import { useState } from 'preact/hooks';
import type { App, AppInput } from '../contract/app.ts';
import { AppForm } from './app-form.tsx';
import { ConfirmButton } from './confirm-button.tsx';
import { CopyButton } from './copy-button.tsx';
import { embedSnippet } from './embed-snippet.ts';
import { ErrorMessage } from './error-message.tsx';
import { formatDate } from './format-date.ts';
import { useAction } from './use-action.ts';

/**
 * One app: its settings, an embed snippet to copy, a try-it link, edit, enable/disable and
 * delete (confirmed) controls, and signing out its visitors (all, confirmed, or one by id),
 * each with its own error.
 */
export function AppCard({
  app,
  origin,
  onUpdate,
  onDelete,
  onRevokeSessions,
}: {
  app: App;
  /** This server's origin, for the snippet and the try page. */
  origin: string;
  onUpdate: (input: AppInput) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
  /** Signs out every visitor, or the one with `sub`. */
  onRevokeSessions: (sub?: string) => Promise<unknown>;
}) {
  const [editing, setEditing] = useState(false);
  const [visitor, setVisitor] = useState('');
  const toggle = useAction();
  const signOutOne = useAction();
  const visitorId = `app-${app.id}-visitor`;
  const { systemPrompt } = app.config;
  const headingId = `app-${app.id}-name`;
  const snippetId = `app-${app.id}-snippet`;
  const { allowedDomains, allowAnonymous, signingKeys, audience } = app.config.webClient;
  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-header">
        <h3 id={headingId}>{app.name}</h3>
        <span class={app.enabled ? 'badge on' : 'badge off'}>
          {app.enabled ? 'Enabled' : 'Disabled'}
        </span>
      </header>
      {editing ? (
        <AppForm
          app={app}
          idPrefix={`edit-${app.id}`}
          onSubmit={async (input) => {
            await onUpdate(input);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <dl class="facts">
            <dt>App id</dt>
            <dd>
              <code>{app.id}</code>
            </dd>
            <dt>Type</dt>
            <dd>{app.type === 'api' ? 'API' : 'Web client'}</dd>
            <dt>Allowed domains</dt>
            <dd>
              {allowedDomains.length ? (
                <ul class="inline-list">
                  {allowedDomains.map((domain) => (
                    <li key={domain}>
                      <code>{domain}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                'None'
              )}
            </dd>
            <dt>Anonymous visitors</dt>
            <dd>{allowAnonymous ? 'Allowed' : 'Not allowed'}</dd>
            <dt>Signed-in visitors</dt>
            <dd>
              {signingKeys?.length ? (
                <ul class="inline-list" aria-label="Signing keys">
                  {signingKeys.map(({ kid, alg }) => (
                    <li key={kid}>
                      <code>{kid}</code> ({alg})
                    </li>
                  ))}
                  {audience && (
                    <li>
                      audience <code>{audience}</code>
                    </li>
                  )}
                </ul>
              ) : (
                'No signing keys'
              )}
            </dd>
            <dt>Default agent</dt>
            <dd>
              <code>{app.defaultAgentId}</code>
            </dd>
            <dt>System prompt</dt>
            <dd>
              {systemPrompt ? (
                <details>
                  <summary>{`${systemPrompt.length} characters`}</summary>
                  <p class="prompt">{systemPrompt}</p>
                </details>
              ) : (
                'None'
              )}
            </dd>
            {app.sessionsRevokedBefore && (
              <>
                <dt>Visitors signed out</dt>
                <dd>{formatDate(app.sessionsRevokedBefore)}</dd>
              </>
            )}
          </dl>
          <div class="buttons">
            <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${app.name}`}>
              Edit
            </button>
            <button
              type="button"
              disabled={toggle.pending}
              aria-label={`${app.enabled ? 'Disable' : 'Enable'} ${app.name}`}
              onClick={() => toggle.run(() => onUpdate({ enabled: !app.enabled }))}
            >
              {app.enabled ? 'Disable' : 'Enable'}
            </button>
            <ConfirmButton
              label="Sign out all visitors"
              question={`Sign out every visitor of ${app.name}? Each starts over as a new visitor, without their earlier conversations.`}
              confirmLabel={`Sign out all visitors of ${app.name}`}
              onConfirm={() => onRevokeSessions()}
            />
            <ConfirmButton
              label="Delete"
              question={`Delete ${app.name}? Sites using it stop working.`}
              confirmLabel={`Delete ${app.name}`}
              onConfirm={onDelete}
            />
          </div>
          <ErrorMessage error={toggle.error} />
          <details class="visitor">
            <summary>Sign out one visitor</summary>
            <form
              class="inline-form"
              aria-label={`Sign out one visitor of ${app.name}`}
              onSubmit={async (event) => {
                event.preventDefault();
                const sub = visitor.trim();
                if (await signOutOne.run(() => onRevokeSessions(sub))) setVisitor('');
              }}
            >
              <label for={visitorId}>Visitor id</label>
              <div class="row">
                <input
                  id={visitorId}
                  value={visitor}
                  placeholder="anon_… or user_…"
                  spellcheck={false}
                  autocomplete="off"
                  onInput={(event) => setVisitor(event.currentTarget.value)}
                />
                <button
                  type="submit"
                  class="danger"
                  disabled={signOutOne.pending || !visitor.trim()}
                >
                  Sign out visitor
                </button>
              </div>
              <ErrorMessage error={signOutOne.error} />
            </form>
          </details>
        </>
      )}
      <label for={snippetId}>Embed on a site</label>
      <textarea
        id={snippetId}
        class="snippet"
        readOnly
        rows={2}
        wrap="off"
        spellcheck={false}
        value={embedSnippet(app.id, origin)}
      />
      <div class="buttons">
        <CopyButton text={embedSnippet(app.id, origin)} label={`Copy snippet of ${app.name}`} />
        <a class="button" href={`/manage/try.html?app=${encodeURIComponent(app.id)}`}>
          Try it
        </a>
      </div>
    </article>
  );
}
