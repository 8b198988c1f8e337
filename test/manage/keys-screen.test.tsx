// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiKeyInput, ApiKeyView } from '../../src/contract/api-key.ts';
import { KeysScreen } from '../../src/manage/keys-screen.tsx';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { fakeClient, makeKey } from './fake-manage-client.ts';

afterEach(cleanup);

const secretKey = 'sk_pub123.the-secret-part-of-the-key';
const type = (element: HTMLElement, value: string) =>
  fireEvent.input(element, { target: { value } });

function keysClient() {
  let keys: ApiKeyView[] = [];
  const inputs: ApiKeyInput[] = [];
  const client = fakeClient({
    listKeys: async () => keys,
    createKey: async (input) => {
      if (input.allowedIps?.includes('nope')) {
        throw new ManageApiError(
          400,
          'bad_request',
          'allowedIps "nope" is not an IP or CIDR range',
        );
      }
      inputs.push(input);
      const data = makeKey({
        name: input.name,
        scopes: input.scopes,
        allowedIps: input.allowedIps ?? [],
        rateLimit: input.rateLimit ?? null,
      });
      keys = [data];
      return { data, key: secretKey };
    },
    revokeKey: async () => {
      keys = keys.map((key) => ({ ...key, revokedAt: '2026-11-02T10:00:00.000Z' }));
    },
    keyUsage: async () => ({
      total: 3,
      byStatus: { '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 0 },
      lastUsedAt: '2026-11-02T09:00:00.000Z',
    }),
  });
  return { client, inputs };
}

async function createKey(fields: { name?: string; ips?: string; rateLimit?: string } = {}) {
  fireEvent.click(await screen.findByRole('button', { name: 'New key' }));
  const form = within(screen.getByRole('form', { name: 'New API key' }));
  if (fields.name !== undefined) type(form.getByLabelText('Name'), fields.name);
  if (fields.ips !== undefined) type(form.getByLabelText('Allowed IPs (optional)'), fields.ips);
  if (fields.rateLimit !== undefined) {
    type(form.getByLabelText('Rate limit, requests per minute (optional)'), fields.rateLimit);
  }
  fireEvent.click(form.getByRole('button', { name: 'Create key' }));
  return form;
}

describe('KeysScreen', () => {
  it('shows a new key once, with a warning, and forgets it when dismissed', async () => {
    const { client, inputs } = keysClient();
    render(<KeysScreen client={client} />);
    fireEvent.click(await screen.findByRole('button', { name: 'New key' }));
    const form = within(screen.getByRole('form', { name: 'New API key' }));
    type(form.getByLabelText('Name'), 'backend');
    type(form.getByLabelText('Allowed IPs (optional)'), '10.0.0.0/8, 127.0.0.1');
    type(form.getByLabelText('Rate limit, requests per minute (optional)'), '50');
    fireEvent.click(form.getByRole('checkbox', { name: /^read/ }));
    // happy-dom does not resolve a <label> to a <select>; the id is the label's `for`.
    const expiry = document.getElementById('key-expiresIn') as HTMLSelectElement;
    expiry.value = '30d';
    fireEvent.change(expiry);
    fireEvent.click(form.getByRole('button', { name: 'Create key' }));
    const shown = (await screen.findByLabelText('API key')) as HTMLInputElement;
    expect(shown.value).toBe(secretKey);
    expect(screen.getByText(/It will not be shown again/)).toBeTruthy();
    expect(inputs).toEqual([
      {
        name: 'backend',
        scopes: ['chat', 'read'],
        expiresIn: '30d',
        allowedIps: ['10.0.0.0/8', '127.0.0.1'],
        rateLimit: 50,
      },
    ]);
    const card = within(await screen.findByRole('article', { name: 'backend' }));
    expect(card.getByText('sk_pub123')).toBeTruthy();
    expect(card.getByText('10.0.0.0/8, 127.0.0.1')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I have stored the key' }));
    expect(document.body.innerHTML).not.toContain('the-secret-part');
    expect(document.activeElement?.id).toBe('keys-heading');
  });

  it('forgets a shown key when the page is left', async () => {
    const { client } = keysClient();
    render(<KeysScreen client={client} />);
    await createKey({ name: 'backend' });
    await screen.findByLabelText('API key');
    window.dispatchEvent(new Event('pagehide'));
    await waitFor(() => expect(document.body.innerHTML).not.toContain('the-secret-part'));
  });

  it('checks name and scopes in the browser, and puts the server’s refusal by its field', async () => {
    const { client, inputs } = keysClient();
    render(<KeysScreen client={client} />);
    const form = await createKey({ name: '' });
    expect(form.getByText('Enter a name.')).toBeTruthy();
    type(form.getByLabelText('Name'), 'backend');
    fireEvent.click(form.getByRole('checkbox', { name: /^chat/ }));
    fireEvent.click(form.getByRole('button', { name: 'Create key' }));
    expect(form.getByText('Choose at least one scope.')).toBeTruthy();
    fireEvent.click(form.getByRole('checkbox', { name: /^chat/ }));
    type(form.getByLabelText('Rate limit, requests per minute (optional)'), 'lots');
    fireEvent.click(form.getByRole('button', { name: 'Create key' }));
    expect(form.getByText(/whole number/)).toBeTruthy();
    type(form.getByLabelText('Rate limit, requests per minute (optional)'), '');
    type(form.getByLabelText('Allowed IPs (optional)'), 'nope');
    fireEvent.click(form.getByRole('button', { name: 'Create key' }));
    const ips = form.getByLabelText('Allowed IPs (optional)');
    await waitFor(() => expect(ips.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('key-allowedIps-error')?.textContent).toContain('nope');
    expect((ips as HTMLTextAreaElement).value).toBe('nope');
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('backend');
    expect(inputs).toHaveLength(0);
  });

  it('refreshes usage and revokes after confirming', async () => {
    const { client } = keysClient();
    render(<KeysScreen client={client} />);
    await createKey({ name: 'backend' });
    fireEvent.click(await screen.findByRole('button', { name: 'I have stored the key' }));
    const card = within(screen.getByRole('article', { name: 'backend' }));
    fireEvent.click(card.getByRole('button', { name: 'Refresh usage of backend' }));
    await waitFor(() => expect(card.getByRole('cell', { name: '3' })).toBeTruthy());
    expect(card.getByText(/Last used/).nextElementSibling?.textContent).not.toBe('Never');
    fireEvent.click(card.getByRole('button', { name: 'Revoke' }));
    const confirm = card.getByRole('button', { name: 'Revoke backend' });
    fireEvent.click(card.getByRole('button', { name: 'Cancel' }));
    expect(card.queryByRole('button', { name: 'Revoke backend' })).toBeNull();
    expect(document.activeElement).toBe(card.getByRole('button', { name: 'Revoke' }));
    expect(confirm.isConnected).toBe(false);
    fireEvent.click(card.getByRole('button', { name: 'Revoke' }));
    fireEvent.keyDown(card.getByRole('button', { name: 'Revoke backend' }), { key: 'Escape' });
    expect(card.queryByRole('button', { name: 'Revoke backend' })).toBeNull();
    fireEvent.click(card.getByRole('button', { name: 'Revoke' }));
    fireEvent.click(card.getByRole('button', { name: 'Revoke backend' }));
    await screen.findByText('Revoked backend.');
    await waitFor(() => expect(card.queryByRole('button', { name: 'Revoke' })).toBeNull());
    expect(card.getAllByText('Revoked').length).toBeGreaterThan(0);
  });

  it('rotates a key: a new key with the same settings, shown once', async () => {
    const inputs: ApiKeyInput[] = [];
    const client = fakeClient({
      listKeys: async () => [makeKey({ allowedIps: ['127.0.0.1'], rateLimit: 5 })],
      createKey: async (input) => {
        inputs.push(input);
        return { data: makeKey({ id: 'pub999' }), key: 'sk_pub999.rotated-secret' };
      },
    });
    render(<KeysScreen client={client} />);
    const card = within(await screen.findByRole('article', { name: 'backend' }));
    fireEvent.click(card.getByRole('button', { name: 'Rotate' }));
    fireEvent.click(card.getByRole('button', { name: 'Rotate backend' }));
    expect(((await screen.findByLabelText('API key')) as HTMLInputElement).value).toBe(
      'sk_pub999.rotated-secret',
    );
    expect(inputs).toEqual([
      { name: 'backend', scopes: ['chat'], allowedIps: ['127.0.0.1'], rateLimit: 5 },
    ]);
    expect(screen.getByText(/Created a replacement for backend/)).toBeTruthy();
  });

  it('shows a failed revoke next to its buttons', async () => {
    const client = fakeClient({
      listKeys: async () => [makeKey()],
      revokeKey: async () => {
        throw new ManageApiError(401, 'unauthorized', 'Invalid API key');
      },
    });
    render(<KeysScreen client={client} />);
    const card = within(await screen.findByRole('article', { name: 'backend' }));
    fireEvent.click(card.getByRole('button', { name: 'Revoke' }));
    fireEvent.click(card.getByRole('button', { name: 'Revoke backend' }));
    expect((await card.findByRole('alert')).textContent).toMatch(/not accepted/);
    expect(card.getByRole('button', { name: 'Revoke backend' })).toBeTruthy();
  });
});
