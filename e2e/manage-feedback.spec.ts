import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { type RunningProcess, startApiServer } from './servers.ts';

const adminKey = 'e2e-manage-admin-key-0123456789abcdef';

/** A visitor of `appId` on the server's own origin (127.0.0.1 is allowed by the demo apps). */
async function visitor(api: RunningProcess, appId: string) {
  const origin = new URL(api.url).origin;
  const response = await fetch(`${api.url}/run/auth/apps/${appId}/anonymous-session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const headers = {
    origin,
    authorization: `Bearer ${token}`,
    'x-inkeep-app-id': appId,
    'content-type': 'application/json',
  };

  /** Asks `text` in a new conversation over the AI SDK stream; resolves with the answer's id. */
  async function ask(text: string) {
    // A client-made id (the AI SDK's form); an unknown id of the server's own form is 404.
    const conversationId = `conv_${crypto.randomUUID()}`;
    const chat = await fetch(`${api.url}/run/api/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        id: 'seed-chat',
        conversationId,
        messages: [{ id: 'seed-user', role: 'user', parts: [{ type: 'text', text }] }],
        trigger: 'submit-message',
      }),
    });
    expect(chat.status).toBe(200);
    let messageId = '';
    for (const line of (await chat.text()).split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const chunk = JSON.parse(line.slice('data: '.length)) as { type: string; messageId?: string };
      if (chunk.type === 'start' && chunk.messageId) messageId = chunk.messageId;
    }
    expect(messageId).not.toBe('');
    return { conversationId, messageId };
  }

  /** Rates an answer; the server answers 201 with JSON. */
  async function rate(
    answer: { conversationId: string; messageId: string },
    type: 'positive' | 'negative',
    details?: string,
  ) {
    const response = await fetch(`${api.url}/run/v1/feedback`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...answer, type, ...(details ? { details } : {}) }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toContain('application/json');
  }
  return { ask, rate };
}

test.describe('the dashboard’s feedback section', () => {
  let dataDir: string;
  let api: RunningProcess;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inkeep-feedback-e2e-'));
    api = await startApiServer({ INKEEP_ADMIN_API_KEY: adminKey }, ['--data', dataDir]);
  });

  test.afterEach(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('shows each app’s counts and the latest negative comment with its question', async ({
    page,
  }) => {
    // Three answers of the demo app rated: two up, one down with a comment; one of Support up.
    const demo = await visitor(api, 'app_demo');
    await demo.rate(await demo.ask('How do I reset my password?'), 'positive');
    await demo.rate(await demo.ask('Which plans include SSO?'), 'positive');
    await demo.rate(
      await demo.ask('How do I export my invoices?'),
      'negative',
      'It did not say where the export button is',
    );
    const support = await visitor(api, 'app_support');
    await support.rate(await support.ask('Is there a status page?'), 'positive');

    await page.goto(`${api.url}/manage/`);
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Apps' })).toBeVisible();
    await page.getByRole('button', { name: 'Feedback' }).click();
    await expect(page.getByRole('heading', { name: 'Feedback', level: 2 })).toBeVisible();
    await expect(page).toHaveTitle('Feedback · Inkeep chat manage');

    const card = page.getByRole('article', { name: 'Demo', exact: true });
    await expect(card.locator('[data-feedback="positive"]')).toHaveText('2');
    await expect(card.locator('[data-feedback="negative"]')).toHaveText('1');
    const negative = card
      .getByRole('list', { name: 'Latest negative feedback' })
      .getByRole('listitem');
    await expect(negative).toHaveCount(1);
    await expect(negative).toContainText('How do I export my invoices?');
    await expect(negative).toContainText('It did not say where the export button is');
    // The scripted answer mentions the question: its excerpt is shown too.
    await expect(negative.locator('dd').nth(1)).toContainText('export my invoices');

    const supportCard = page.getByRole('article', { name: 'Support', exact: true });
    await expect(supportCard.locator('[data-feedback="positive"]')).toHaveText('1');
    await expect(supportCard.locator('[data-feedback="negative"]')).toHaveText('0');
    await expect(supportCard.getByText('No negative feedback yet.')).toBeVisible();

    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/manage-feedback.png', fullPage: true });
  });
});
