// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiKeyUpdate, ApiKeyView } from '../../src/contract/api-key.ts';
import { KeysScreen } from '../../src/manage/keys-screen.tsx';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { fakeClient, makeKey } from './fake-manage-client.ts';

afterEach(cleanup);

const type = (element: HTMLElement, value: string) =>
  fireEvent.input(element, { target: { value } });

function editingClient(start: ApiKeyView) {
  let key = start;
  const updates: ApiKeyUpdate[] = [];
  const client = fakeClient({
    listKeys: async () => [key],
    updateKey: async (_id, update) => {
      if (update.alertThreshold === 42) {
        throw new ManageApiError(400, 'temporary_key_expiry', 'expiresIn must be no later than …');
      }
      updates.push(update);
      key = {
        ...key,
        ...(update.name !== undefined ? { name: update.name } : {}),
        ...(update.allowedIps !== undefined ? { allowedIps: update.allowedIps } : {}),
        ...(update.rateLimit !== undefined ? { rateLimit: update.rateLimit } : {}),
        ...(update.alertThreshold !== undefined ? { alertThreshold: update.alertThreshold } : {}),
      };
      return key;
    },
  });
  return { client, updates };
}

async function openEdit(name: string) {
  const card = within(await screen.findByRole('article', { name }));
  fireEvent.click(card.getByRole('button', { name: `Edit ${name}` }));
  return within(card.getByRole('form', { name: `Edit ${name}` }));
}

describe('the key edit form', () => {
  it('sends only what changed and shows the saved key', async () => {
    const { client, updates } = editingClient(
      makeKey({ name: 'backend', allowedIps: ['10.0.0.1'], rateLimit: 100 }),
    );
    render(<KeysScreen client={client} />);
    const form = await openEdit('backend');
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('backend');
    type(form.getByLabelText('Allowed IPs (empty: any)'), '10.0.0.1, 10.0.0.2');
    type(form.getByLabelText('Rate limit, requests per minute (empty: default)'), '');
    type(form.getByLabelText(/Usage alert at this percent/), '80');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.getByText('Saved backend.')).toBeTruthy());
    expect(updates).toEqual([
      { allowedIps: ['10.0.0.1', '10.0.0.2'], rateLimit: null, alertThreshold: 80 },
    ]);
    const card = within(screen.getByRole('article', { name: 'backend' }));
    await waitFor(() => expect(card.getByText('At 80% of the rate limit')).toBeTruthy());
    expect(card.queryByRole('form')).toBeNull();
  });

  it('checks the threshold in the browser and puts the server’s refusal by its field', async () => {
    const { client, updates } = editingClient(makeKey({ name: 'tmp', type: 'temporary' }));
    render(<KeysScreen client={client} />);
    const form = await openEdit('tmp');
    // A temporary key is offered lifetimes up to 24 hours only.
    const expiry = document.getElementById('edit-pub123-expiry') as HTMLSelectElement;
    expect([...expiry.options].map((option) => option.value)).toEqual([
      'keep',
      '24h',
      '1h',
      '4h',
      '12h',
    ]);
    const threshold = form.getByLabelText(/Usage alert at this percent/);
    type(threshold, '150');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    expect(form.getByText(/percent from 1 to 100/)).toBeTruthy();
    type(threshold, '42');
    expiry.value = '24h';
    fireEvent.change(expiry);
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(expiry.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('edit-pub123-expiry-error')?.textContent).toContain(
      'no later than',
    );
    expect((threshold as HTMLInputElement).value).toBe('42');
    expect(updates).toEqual([]);
  });

  it('marks a key whose use crossed its alert threshold', async () => {
    const { client } = editingClient(
      makeKey({ name: 'busy', alertThreshold: 80, alertedAt: '2026-11-02T10:00:00.000Z' }),
    );
    render(<KeysScreen client={client} />);
    const card = within(await screen.findByRole('article', { name: 'busy' }));
    expect(card.getByText('Alert crossed')).toBeTruthy();
    expect(card.getByText(/Use crossed 80% of the rate limit on/)).toBeTruthy();
    expect(card.getByText('Service')).toBeTruthy();
  });
});
