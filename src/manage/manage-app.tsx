import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ActivityScreen } from './activity-screen.tsx';
import { AppsScreen } from './apps-screen.tsx';
import { createManageClient, type ManageClient } from './create-manage-client.ts';
import { FeedbackScreen } from './feedback-screen.tsx';
import { KeysScreen } from './keys-screen.tsx';
import { clearSession, loadSession, type ManageSession, saveSession } from './session-storage.ts';
import { SignInForm } from './sign-in-form.tsx';

type Section = 'apps' | 'keys' | 'feedback' | 'activity';

const sections: [Section, string][] = [
  ['apps', 'Apps'],
  ['keys', 'API keys'],
  ['feedback', 'Feedback'],
  ['activity', 'Activity'],
];

const screens: Record<Section, ComponentType<{ client: ManageClient }>> = {
  apps: AppsScreen,
  keys: KeysScreen,
  feedback: FeedbackScreen,
  activity: ActivityScreen,
};

/**
 * The dashboard: sign-in, then the apps, API keys, feedback and activity of one tenant and project. The key lives
 * in `sessionStorage` and in memory only; signing out forgets it.
 */
export function ManageApp({
  storage = sessionStorage,
  connect = createManageClient,
}: {
  storage?: Storage;
  connect?: (session: ManageSession) => ManageClient;
}) {
  const [session, setSession] = useState(() => loadSession(storage));
  const [section, setSection] = useState<Section>('apps');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const client = useMemo(() => (session ? connect(session) : undefined), [session, connect]);
  useEffect(() => {
    const label = sections.find(([name]) => name === section)?.[1];
    document.title = session ? `${label} · Inkeep chat manage` : 'Sign in · Inkeep chat manage';
  }, [session, section]);

  if (!session || !client) {
    return (
      <SignInForm
        connect={connect}
        notice={notice}
        onSignIn={(next) => {
          saveSession(next, storage);
          setNotice(undefined);
          setSection('apps');
          setSession(next);
        }}
      />
    );
  }
  const Screen = screens[section];
  const signOut = () => {
    clearSession(storage);
    setNotice('Signed out. The key is forgotten.');
    setSession(undefined);
  };
  return (
    <>
      <header class="top">
        <h1 class="brand">Inkeep chat · Manage</h1>
        <nav aria-label="Sections">
          {sections.map(([name, label]) => (
            <button
              key={name}
              type="button"
              class="tab"
              aria-current={section === name ? 'page' : undefined}
              onClick={() => setSection(name)}
            >
              {label}
            </button>
          ))}
        </nav>
        <p class="who">
          <span class="sr-only">Signed in to </span>
          {session.tenantId}/{session.projectId}
        </p>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Screen client={client} />
      </main>
    </>
  );
}
