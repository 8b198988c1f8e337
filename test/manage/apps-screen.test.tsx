// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInput } from '../../src/contract/app.ts';
import { AppsScreen } from '../../src/manage/apps-screen.tsx';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { fakeClient, makeApp } from './fake-manage-client.ts';

afterEach(cleanup);

const origin = 'http://127.0.0.1:3003';
const type = (element: HTMLElement, value: string) =>
  fireEvent.input(element, { target: { value } });

async function openForm() {
  fireEvent.click(await screen.findByRole('button', { name: 'New app' }));
  return within(screen.getByRole('form', { name: 'New app' }));
}

/** Renders the screen with a client that keeps what it is asked to create, and opens the form. */
async function openCreateForm() {
  const created: AppInput[] = [];
  render(
    <AppsScreen
      origin={origin}
      client={fakeClient({
        createApp: async (input) => {
          created.push(input);
          return makeApp({ name: input.name ?? '' });
        },
      })}
    />,
  );
  return { created, form: await openForm() };
}

describe('AppsScreen', () => {
  it('lists apps with their settings, snippet and try link', async () => {
    render(
      <AppsScreen client={fakeClient({ listApps: async () => [makeApp()] })} origin={origin} />,
    );
    const card = within(await screen.findByRole('article', { name: 'Docs' }));
    expect(card.getByText('app_docs')).toBeTruthy();
    expect(card.getByText('docs.example.com')).toBeTruthy();
    expect((card.getByLabelText('Embed on a site') as HTMLTextAreaElement).value).toBe(
      `<script src="${origin}/manage/inkeep-chat.js" defer></script>\n<inkeep-chat app-id="app_docs" base-url="${origin}"></inkeep-chat>`,
    );
    expect(card.getByRole('link', { name: 'Try it' }).getAttribute('href')).toBe(
      '/manage/try.html?app=app_docs',
    );
  });

  it('checks each domain as it is left and blocks a bad one before any request', async () => {
    const { created, form } = await openCreateForm();
    type(form.getByLabelText('Name'), 'Docs site');
    const domain = form.getByRole('textbox', { name: 'Domain 1' });
    type(domain, 'https://docs.example.com/guide');
    fireEvent.blur(domain);
    expect(form.getByText('A domain has no path, query or fragment.')).toBeTruthy();
    expect(domain.getAttribute('aria-invalid')).toBe('true');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    expect(created).toHaveLength(0);
    type(domain, '*.example.com');
    expect(form.queryByText('A domain has no path, query or fragment.')).toBeNull();
    fireEvent.click(form.getByRole('button', { name: 'Add domain' }));
    type(form.getByRole('textbox', { name: 'Domain 2' }), 'localhost:5173');
    fireEvent.click(form.getByRole('button', { name: 'Add domain' }));
    fireEvent.click(form.getByRole('checkbox', { name: /Allow anonymous/ }));
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    await screen.findByText('Created Docs site.');
    expect(created).toEqual([
      {
        name: 'Docs site',
        type: 'web_client',
        defaultAgentId: 'default',
        config: {
          webClient: { allowedDomains: ['*.example.com', 'localhost:5173'], allowAnonymous: false },
        },
      },
    ]);
  });

  it('puts the server’s refusal next to the field it names and keeps the text', async () => {
    let call = 0;
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          createApp: async () => {
            call++;
            if (call === 1) {
              throw new ManageApiError(
                400,
                'bad_request',
                'config.webClient.allowedDomains[1] is not a valid domain rule: "b.example"',
              );
            }
            throw new ManageApiError(
              400,
              'bad_request',
              'defaultAgentId must be a non-empty string',
            );
          },
        })}
      />,
    );
    const form = await openForm();
    type(form.getByLabelText('Name'), 'Docs');
    type(form.getByRole('textbox', { name: 'Domain 1' }), 'a.example');
    fireEvent.click(form.getByRole('button', { name: 'Add domain' }));
    fireEvent.click(form.getByRole('button', { name: 'Add domain' }));
    // A blank entry in between is dropped, so the server's index 1 is the third entry.
    type(form.getByRole('textbox', { name: 'Domain 3' }), 'b.example');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    const third = form.getByRole('textbox', { name: 'Domain 3' });
    await waitFor(() => expect(third.getAttribute('aria-invalid')).toBe('true'));
    expect(
      document.getElementById(third.getAttribute('aria-describedby') ?? '')?.textContent,
    ).toContain('is not a valid domain rule');
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('Docs');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    await waitFor(() =>
      expect(form.getByLabelText('Default agent').getAttribute('aria-invalid')).toBe('true'),
    );
    expect(form.getByRole('alert').textContent).toBe('defaultAgentId must be a non-empty string');
  });

  it('shows a 403 on saving under the form, and a 429 next to the toggle', async () => {
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          listApps: async () => [makeApp()],
          createApp: async () => {
            throw new ManageApiError(
              403,
              'forbidden',
              'This key belongs to another tenant or project',
            );
          },
          updateApp: async () => {
            throw new ManageApiError(429, 'rate_limit_exceeded', 'Rate limit exceeded', {
              retryAfter: 9,
            });
          },
        })}
      />,
    );
    const card = within(await screen.findByRole('article', { name: 'Docs' }));
    fireEvent.click(card.getByRole('button', { name: 'Disable Docs' }));
    expect((await card.findByRole('alert')).textContent).toBe(
      'Too many requests. Try again in 9 seconds.',
    );
    const form = await openForm();
    type(form.getByLabelText('Name'), 'Other');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    expect((await form.findByRole('alert')).textContent).toBe(
      'Not allowed: This key belongs to another tenant or project.',
    );
    expect((form.getByLabelText('Name') as HTMLInputElement).value).toBe('Other');
  });

  it('edits, toggles and deletes (after confirming) an app', async () => {
    let app = makeApp();
    const calls: string[] = [];
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          listApps: async () => [app],
          updateApp: async (id, input) => {
            calls.push(`update ${id} ${JSON.stringify(input)}`);
            app = { ...app, ...(input as object), config: app.config };
            return app;
          },
          deleteApp: async (id) => {
            calls.push(`delete ${id}`);
          },
        })}
      />,
    );
    const card = within(await screen.findByRole('article', { name: 'Docs' }));
    fireEvent.click(card.getByRole('button', { name: 'Disable Docs' }));
    await card.findByRole('button', { name: 'Enable Docs' });
    expect(card.getByText('Disabled')).toBeTruthy();
    fireEvent.click(card.getByRole('button', { name: 'Edit Docs' }));
    const form = within(screen.getByRole('form', { name: 'Edit Docs' }));
    expect((form.getByRole('textbox', { name: 'Domain 1' }) as HTMLInputElement).value).toBe(
      'docs.example.com',
    );
    type(form.getByLabelText('Name'), 'Docs 2');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Saved Docs 2.');
    const renamed = within(screen.getByRole('article', { name: 'Docs 2' }));
    fireEvent.click(renamed.getByRole('button', { name: 'Delete' }));
    expect(calls.some((call) => call.startsWith('delete'))).toBe(false);
    const confirm = renamed.getByRole('button', { name: 'Delete Docs 2' });
    expect(document.activeElement).toBe(confirm);
    fireEvent.click(confirm);
    await screen.findByText('Deleted Docs 2.');
    expect(screen.queryByRole('article', { name: 'Docs 2' })).toBeNull();
    expect(calls).toEqual([
      'update app_docs {"enabled":false}',
      expect.stringContaining('"name":"Docs 2"'),
      'delete app_docs',
    ]);
  });

  it('edits the system prompt, sending it only when changed and null when emptied', async () => {
    let app = makeApp({
      config: { ...makeApp().config, systemPrompt: 'Answer from the docs.' },
    });
    const inputs: AppInput[] = [];
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          listApps: async () => [app],
          updateApp: async (_id, input) => {
            inputs.push(input);
            const { systemPrompt } = input.config ?? {};
            const config = { ...app.config };
            if (systemPrompt) config.systemPrompt = systemPrompt;
            else if (systemPrompt === null) delete config.systemPrompt;
            app = { ...app, config };
            return app;
          },
        })}
      />,
    );
    const card = within(await screen.findByRole('article', { name: 'Docs' }));
    expect(card.getByText('21 characters')).toBeTruthy();
    fireEvent.click(card.getByRole('button', { name: 'Edit Docs' }));
    let form = within(screen.getByRole('form', { name: 'Edit Docs' }));
    const prompt = form.getByLabelText('System prompt') as HTMLTextAreaElement;
    expect(prompt.value).toBe('Answer from the docs.');
    expect(prompt.maxLength).toBe(8000);
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Saved Docs.');
    expect(inputs[0]?.config).not.toHaveProperty('systemPrompt');

    fireEvent.click(card.getByRole('button', { name: 'Edit Docs' }));
    form = within(screen.getByRole('form', { name: 'Edit Docs' }));
    type(form.getByLabelText('System prompt'), 'Be brief.\nCite the pages.');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(inputs).toHaveLength(2));
    expect(inputs[1]?.config?.systemPrompt).toBe('Be brief.\nCite the pages.');
    await card.findByText('25 characters');

    fireEvent.click(card.getByRole('button', { name: 'Edit Docs' }));
    form = within(screen.getByRole('form', { name: 'Edit Docs' }));
    type(form.getByLabelText('System prompt'), '  ');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(inputs).toHaveLength(3));
    expect(inputs[2]?.config?.systemPrompt).toBeNull();
    await waitFor(() =>
      expect(within(screen.getByRole('article', { name: 'Docs' })).getByText('None')).toBeTruthy(),
    );
  });

  it('shows the server’s refusal of a system prompt next to the field', async () => {
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          createApp: async () => {
            throw new ManageApiError(
              400,
              'bad_request',
              'config.systemPrompt must be a string of at most 8000 characters',
            );
          },
        })}
      />,
    );
    const form = await openForm();
    type(form.getByLabelText('Name'), 'Docs');
    type(form.getByLabelText('System prompt'), 'x');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    const prompt = form.getByLabelText('System prompt');
    await waitFor(() => expect(prompt.getAttribute('aria-invalid')).toBe('true'));
    expect(prompt.getAttribute('aria-describedby')).toContain('new-app-systemPrompt-error');
    expect(form.getByRole('alert').textContent).toBe(
      'config.systemPrompt must be a string of at most 8000 characters',
    );
    expect((prompt as HTMLTextAreaElement).value).toBe('x');
  });

  it('signs out all visitors after confirming, and one visitor by id', async () => {
    const calls: string[] = [];
    const sub = 'anon_123e4567-e89b-42d3-a456-426614174000';
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          listApps: async () => [makeApp()],
          revokeSessions: async (id, revocation = {}) => {
            calls.push(`${id} ${JSON.stringify(revocation)}`);
            if (revocation.sub === 'nope') {
              throw new ManageApiError(
                400,
                'bad_request',
                'sub must be a visitor id (anon_<uuid>, or user_ and 32 hex digits)',
              );
            }
            return {
              appId: id,
              sub: revocation.sub ?? null,
              revokedBefore: '2026-01-01T12:00:00.000Z',
            };
          },
        })}
      />,
    );
    const card = within(await screen.findByRole('article', { name: 'Docs' }));
    expect(card.queryByText('Visitors signed out')).toBeNull();
    fireEvent.click(card.getByRole('button', { name: 'Sign out all visitors' }));
    expect(calls).toEqual([]);
    expect(card.getByText('Sign out every visitor of Docs?', { exact: false })).toBeTruthy();
    fireEvent.click(card.getByRole('button', { name: 'Sign out all visitors of Docs' }));
    await screen.findByText('Signed out all visitors of Docs.');
    expect(calls).toEqual(['app_docs {}']);
    expect(card.getByText('Visitors signed out')).toBeTruthy();

    const one = within(card.getByRole('form', { name: 'Sign out one visitor of Docs' }));
    const button = one.getByRole('button', { name: 'Sign out visitor' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    type(one.getByLabelText('Visitor id'), 'nope');
    fireEvent.click(button);
    expect((await one.findByRole('alert')).textContent).toBe(
      'sub must be a visitor id (anon_<uuid>, or user_ and 32 hex digits)',
    );
    type(one.getByLabelText('Visitor id'), ` ${sub} `);
    fireEvent.click(button);
    await screen.findByText(`Signed out visitor ${sub} of Docs.`);
    expect(calls.at(-1)).toBe(`app_docs {"sub":"${sub}"}`);
    expect((one.getByLabelText('Visitor id') as HTMLInputElement).value).toBe('');
  });
});

describe('AppsScreen: signed-in visitors', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----';

  it('adds keys (PEM and JWK) and an audience, checking them before any request', async () => {
    const { created, form } = await openCreateForm();
    type(form.getByLabelText('Name'), 'Docs');
    expect(form.getByText('No keys: visitors can only chat anonymously.')).toBeTruthy();
    fireEvent.click(form.getByRole('button', { name: 'Add signing key' }));
    type(form.getByLabelText('Public key 1 (PEM or JWK)'), pem);
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    // No kid: refused in the browser.
    expect(form.getByRole('alert').textContent).toContain('Enter a key id');
    expect(created).toHaveLength(0);
    type(form.getByLabelText('Key id (kid) 1'), 'site-2026');
    fireEvent.click(form.getByRole('button', { name: 'Add signing key' }));
    type(form.getByLabelText('Key id (kid) 2'), 'next');
    type(form.getByLabelText('Public key 2 (PEM or JWK)'), '{"kty":"OKP","crv":"Ed25519",');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    expect(form.getByRole('alert').textContent).toContain('not valid JSON');
    type(
      form.getByLabelText('Public key 2 (PEM or JWK)'),
      '{"kty":"OKP","crv":"Ed25519","x":"AA"}',
    );
    type(form.getByLabelText('Audience (optional)'), 'https://docs.example.com');
    fireEvent.click(form.getByRole('button', { name: 'Create app' }));
    await screen.findByText('Created Docs.');
    expect(created[0]?.config?.webClient).toEqual({
      allowedDomains: [],
      allowAnonymous: true,
      signingKeys: [
        { kid: 'site-2026', key: pem },
        { kid: 'next', key: { kty: 'OKP', crv: 'Ed25519', x: 'AA' } },
      ],
      audience: 'https://docs.example.com',
    });
  });

  it('shows the server’s refusal of a key next to it, and removes keys', async () => {
    const updates: AppInput[] = [];
    const app = makeApp({
      config: {
        webClient: {
          allowedDomains: ['docs.example.com'],
          allowAnonymous: true,
          signingKeys: [
            { kid: 'old', alg: 'EdDSA', key: pem },
            { kid: 'new', alg: 'ES256', key: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } },
          ],
          audience: 'aud',
        },
      },
    });
    render(
      <AppsScreen
        origin={origin}
        client={fakeClient({
          listApps: async () => [app],
          updateApp: async (_id, input) => {
            updates.push(input);
            if (updates.length === 1) {
              throw new ManageApiError(
                400,
                'bad_request',
                'config.webClient.signingKeys[1].key is a private key: register the public key only',
              );
            }
            return app;
          },
        })}
      />,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Docs' }));
    const form = within(screen.getByRole('form', { name: 'Edit Docs' }));
    expect((form.getByLabelText('Key id (kid) 1') as HTMLInputElement).value).toBe('old');
    expect(
      (form.getByLabelText('Public key 2 (PEM or JWK): ES256') as HTMLTextAreaElement).value,
    ).toContain('"crv": "P-256"');
    expect((form.getByLabelText('Audience (optional)') as HTMLInputElement).value).toBe('aud');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    const second = form.getByLabelText('Key id (kid) 2');
    await waitFor(() => expect(second.getAttribute('aria-invalid')).toBe('true'));
    expect(form.getByRole('alert').textContent).toContain('is a private key');
    fireEvent.click(form.getByRole('button', { name: 'Remove signing key 1' }));
    fireEvent.click(form.getByRole('button', { name: 'Remove signing key 1' }));
    type(form.getByLabelText('Audience (optional)'), '');
    fireEvent.click(form.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Saved Docs.');
    expect(updates[1]?.config?.webClient).toMatchObject({ signingKeys: [], audience: null });
  });
});
