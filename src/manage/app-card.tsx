import { useState } from 'preact/hooks';
import { AppForm } from './app-form.tsx';
import { ConfirmButton } from './confirm-button.tsx';
import { CopyButton } from './copy-button.tsx';
import { embedSnippet } from './embed-snippet.ts';
import { ErrorMessage } from './error-message.tsx';
import type { App, AppInput } from './manage-types.ts';
import { useAction } from './use-action.ts';

/**
 * One app: its settings, an embed snippet to copy, a try-it link, and edit, enable/disable and
 * delete (confirmed) controls, each with its own error.
 */
export function AppCard({
  app,
  origin,
  onUpdate,
  onDelete,
}: {
  app: App;
  /** This server's origin, for the snippet and the try page. */
  origin: string;
  onUpdate: (input: AppInput) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
}) {
  const [editing, setEditing] = useState(false);
  const toggle = useAction();
  const headingId = `app-${app.id}-name`;
  const snippetId = `app-${app.id}-snippet`;
  const { allowedDomains, allowAnonymous } = app.config.webClient;
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
            <dt>Default agent</dt>
            <dd>
              <code>{app.defaultAgentId}</code>
            </dd>
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
              label="Delete"
              question={`Delete ${app.name}? Sites using it stop working.`}
              confirmLabel={`Delete ${app.name}`}
              onConfirm={onDelete}
            />
          </div>
          <ErrorMessage error={toggle.error} />
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
