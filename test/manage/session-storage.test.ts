// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { clearSession, loadSession, saveSession } from '../../src/manage/session-storage.ts';

afterEach(() => sessionStorage.clear());

describe('session storage', () => {
  it('keeps the session in sessionStorage only, and forgets it', () => {
    expect(loadSession()).toBeUndefined();
    saveSession({ apiKey: 'sk_a.b', tenantId: 't', projectId: 'p' });
    expect(loadSession()).toEqual({ apiKey: 'sk_a.b', tenantId: 't', projectId: 'p' });
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    clearSession();
    expect(loadSession()).toBeUndefined();
    expect(sessionStorage.length).toBe(0);
  });

  it('treats unreadable or blocked storage as signed out', () => {
    sessionStorage.setItem('inkeep-chat-manage:session', '{not json');
    expect(loadSession()).toBeUndefined();
    const blocked = {
      getItem() {
        throw new Error('blocked');
      },
      setItem() {
        throw new Error('blocked');
      },
      removeItem() {
        throw new Error('blocked');
      },
    } as unknown as Storage;
    expect(loadSession(blocked)).toBeUndefined();
    expect(() =>
      saveSession({ apiKey: 'k', tenantId: 'd', projectId: 'd' }, blocked),
    ).not.toThrow();
    expect(() => clearSession(blocked)).not.toThrow();
  });
});
