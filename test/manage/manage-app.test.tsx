// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { ManageApp } from '../../src/manage/manage-app.tsx';
import type { ManageSession } from '../../src/manage/session-storage.ts';
import { fakeClient, makeApp } from './fake-manage-client.ts';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});

function connectWith(valid: string, sessions: ManageSession[] = []) {
  return (session: ManageSession) => {
    sessions.push(session);
    return fakeClient({
      listApps: async () => {
        if (session.apiKey === 'chat-only') {
          throw new ManageApiError(403, 'forbidden', 'This credential lacks the manage scope');
        }
        if (session.apiKey !== valid)
          throw new ManageApiError(401, 'unauthorized', 'Invalid API key');
        return [makeApp()];
      },
    });
  };
}

async function signIn(key: string) {
  fireEvent.input(screen.getByLabelText('API key'), { target: { value: key } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('ManageApp', () => {
  it('refuses a wrong key with a clear message and keeps what was typed', async () => {
    render(<ManageApp connect={connectWith('good')} />);
    expect(document.activeElement).toBe(screen.getByLabelText('API key'));
    await signIn('bad');
    expect(await screen.findByRole('alert')).toHaveProperty(
      'textContent',
      'That key was not accepted. Check it and try again.',
    );
    expect(screen.getByLabelText('API key')).toHaveProperty('value', 'bad');
    expect(screen.getByLabelText('API key').getAttribute('aria-invalid')).toBe('true');
    expect(sessionStorage.length).toBe(0);
  });

  it('says when a key lacks the manage scope', async () => {
    render(<ManageApp connect={connectWith('good')} />);
    await signIn('chat-only');
    expect((await screen.findByRole('alert')).textContent).toContain('cannot manage apps and keys');
  });

  it('asks for a key before calling the server', async () => {
    const sessions: ManageSession[] = [];
    render(<ManageApp connect={connectWith('good', sessions)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Enter a key.');
    expect(sessions).toHaveLength(0);
  });

  it('signs in, keeps the key in sessionStorage only, and forgets it on sign-out', async () => {
    render(<ManageApp connect={connectWith('good')} />);
    await signIn('good');
    expect(await screen.findByRole('heading', { name: 'Docs' })).toBeTruthy();
    expect(sessionStorage.getItem('inkeep-chat-manage:session')).toContain('good');
    expect(localStorage.length).toBe(0);
    expect(document.title).toBe('Apps · Inkeep chat manage');
    fireEvent.click(screen.getByRole('button', { name: 'API keys' }));
    expect(await screen.findByRole('heading', { name: 'API keys' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'API keys' }).getAttribute('aria-current')).toBe(
      'page',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out. The key is forgotten.')).toBeTruthy();
    expect(sessionStorage.length).toBe(0);
    expect(document.body.innerHTML).not.toContain('good');
  });

  it('starts signed in from this tab’s session, with its tenant and project', async () => {
    sessionStorage.setItem(
      'inkeep-chat-manage:session',
      JSON.stringify({ apiKey: 'good', tenantId: 'acme', projectId: 'docs' }),
    );
    const sessions: ManageSession[] = [];
    render(<ManageApp connect={connectWith('good', sessions)} />);
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Docs' })).toBeTruthy());
    expect(sessions[0]).toEqual({ apiKey: 'good', tenantId: 'acme', projectId: 'docs' });
    expect(screen.getByText('acme/docs')).toBeTruthy();
  });
});
