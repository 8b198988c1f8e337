import { useEffect, useRef, useState } from 'preact/hooks';
import { createManageClient, type ManageClient } from './create-manage-client.ts';
import { ManageApiError } from './manage-api-error.ts';
import type { ManageSession } from './session-storage.ts';
import { useAction } from './use-action.ts';

function signInMessage(error: unknown): string {
  if (error instanceof ManageApiError) {
    if (error.status === 401) return 'That key was not accepted. Check it and try again.';
    if (error.status === 403) return `This key cannot manage apps and keys: ${error.message}.`;
    if (error.status === 429) {
      return `Too many attempts. Try again in ${error.retryAfter ?? 60} seconds.`;
    }
    return error.message;
  }
  return 'The server could not be reached. Check the connection and try again.';
}

/**
 * Asks for an admin or `manage`-scope key (and, folded away, the tenant and project), and
 * checks it against the manage API before signing in.
 */
export function SignInForm({
  onSignIn,
  connect = createManageClient,
  notice,
}: {
  onSignIn: (session: ManageSession) => void;
  connect?: (session: ManageSession) => ManageClient;
  notice?: string | undefined;
}) {
  const [apiKey, setApiKey] = useState('');
  const [tenantId, setTenantId] = useState('default');
  const [projectId, setProjectId] = useState('default');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const keyRef = useRef<HTMLInputElement>(null);
  // The page is only this form: start in its one required field.
  useEffect(() => keyRef.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const session = {
      apiKey: apiKey.trim(),
      tenantId: tenantId.trim() || 'default',
      projectId: projectId.trim() || 'default',
    };
    setMissing(!session.apiKey);
    if (!session.apiKey) return;
    if (await action.run(() => connect(session).listApps())) onSignIn(session);
  };
  const error = missing ? 'Enter a key.' : action.error ? signInMessage(action.error) : '';
  return (
    <main class="sign-in">
      <h1>Inkeep chat · Manage</h1>
      <p class="note">
        Sign in with an admin key or an API key with the <code>manage</code> scope. It is kept in
        this tab only and forgotten when you sign out or close the tab.
      </p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <label for="sign-in-key">API key</label>
        <input
          id="sign-in-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          ref={keyRef}
          value={apiKey}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <details>
          <summary>Tenant and project</summary>
          <label for="sign-in-tenant">Tenant</label>
          <input
            id="sign-in-tenant"
            value={tenantId}
            onInput={(event) => setTenantId(event.currentTarget.value)}
          />
          <label for="sign-in-project">Project</label>
          <input
            id="sign-in-project"
            value={projectId}
            onInput={(event) => setProjectId(event.currentTarget.value)}
          />
        </details>
        <button type="submit" class="primary" disabled={action.pending}>
          {action.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
