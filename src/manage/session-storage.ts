/** Who is signed in to the dashboard: the key and the tenant and project it manages. */
export interface ManageSession {
  apiKey: string;
  tenantId: string;
  projectId: string;
}

const storageKey = 'inkeep-chat-manage:session';

/** The signed-in session kept in `sessionStorage` (this tab only), if any. */
export function loadSession(storage: Storage = sessionStorage): ManageSession | undefined {
  try {
    const value = JSON.parse(storage.getItem(storageKey) ?? 'null') as Partial<ManageSession>;
    if (value && typeof value.apiKey === 'string' && value.apiKey) {
      return {
        apiKey: value.apiKey,
        tenantId: value.tenantId || 'default',
        projectId: value.projectId || 'default',
      };
    }
  } catch {
    // Storage blocked or the value unreadable: not signed in.
  }
  return undefined;
}

/** Keeps the session for this tab only (never `localStorage`, never a cookie). */
export function saveSession(session: ManageSession, storage: Storage = sessionStorage): void {
  try {
    storage.setItem(storageKey, JSON.stringify(session));
  } catch {
    // Storage blocked: the session lives in memory until the page is left.
  }
}

/** Forgets the session. */
export function clearSession(storage: Storage = sessionStorage): void {
  try {
    storage.removeItem(storageKey);
  } catch {
    // Nothing stored.
  }
}
