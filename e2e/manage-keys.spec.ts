// The dashboard's key lifecycle: a key's type chosen on create, its settings edited in place,
// and a usage alert that marks the key and reaches a signed webhook on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { signatureHolds, startWebhookReceiver } from '../test/server/alerts/webhook-receiver.ts';
import { type RunningProcess, startApiServer } from './servers.ts';

const adminKey = 'e2e-manage-admin-key-0123456789abcdef';
/** `ADMIN_API_KEY`: the environment admin, who sees every key. */
const rootKey = 'e2e-root-admin-key-0123456789abcdef01';
const webhookSecret = 'e2e-webhook-secret-0123456789abcdef01';

async function expectNoAxeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  expect(result.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

test.describe('the dashboard’s key lifecycle', () => {
  let dataDir: string;
  let api: RunningProcess;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inkeep-keys-e2e-'));
    receiver = await startWebhookReceiver();
    api = await startApiServer(
      {
        INKEEP_ADMIN_API_KEY: adminKey,
        ADMIN_API_KEY: rootKey,
        INKEEP_ALERT_WEBHOOK_URL: receiver.url,
        INKEEP_ALERT_WEBHOOK_SECRET: webhookSecret,
      },
      ['--data', dataDir],
    );
  });

  test.afterEach(async () => {
    await api?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('creates a temporary key, edits a key, and marks the key whose use crossed its alert', async ({
    page,
  }) => {
    await page.goto(`${api.url}/manage/`);
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Apps' })).toBeVisible();
    await page.getByRole('button', { name: 'API keys' }).click();
    await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();

    // A temporary key: only lifetimes up to 24 hours are offered.
    await page.getByRole('button', { name: 'New key' }).click();
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Name').fill('debugging');
    await form.getByLabel('Type').selectOption('temporary');
    const lifetimes = form.getByLabel('Expires after').getByRole('option');
    await expect(lifetimes).toHaveText(['24 hours', '1 hour', '4 hours', '12 hours']);
    await form.getByLabel('Expires after').selectOption('4h');
    await form.getByRole('button', { name: 'Create key' }).click();
    await expect(page.locator('#created-key-value')).toBeVisible();
    await page.getByRole('button', { name: 'I have stored the key' }).click();
    const temporary = page.getByRole('article', { name: 'debugging' });
    await expect(temporary).toContainText('Temporary (24 hours at most)');

    // A service key, used by a backend.
    await page.getByRole('button', { name: 'New key' }).click();
    await form.getByLabel('Name').fill('reports');
    await form.getByLabel('read — read conversations').check();
    await form.getByLabel('Rate limit, requests per minute (optional)').fill('10');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = await page.locator('#created-key-value').inputValue();
    await page.getByRole('button', { name: 'I have stored the key' }).click();
    const card = page.getByRole('article', { name: 'reports' });
    await expect(card).toContainText('Service');
    await expect(card).toContainText('Off');

    // Edit: a refusal lands next to its field and keeps what was typed; then the change saves.
    await card.getByRole('button', { name: 'Edit reports' }).click();
    const edit = card.getByRole('form', { name: 'Edit reports' });
    await expect(edit.getByLabel('Name')).toHaveValue('reports');
    await expect(edit.getByLabel('Rate limit, requests per minute (empty: default)')).toHaveValue(
      '10',
    );
    await edit.getByLabel('Allowed IPs (empty: any)').fill('not-an-ip');
    await edit.getByLabel('Usage alert at this percent of the rate limit (empty: off)').fill('50');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const ips = edit.getByLabel('Allowed IPs (empty: any)');
    await expect(ips).toBeFocused();
    await expect(ips).toHaveAttribute('aria-invalid', 'true');
    await expect(edit.getByRole('alert')).toContainText('not an IP address');
    await expectNoAxeViolations(page);
    await ips.fill('127.0.0.1');
    await edit.getByLabel('Name').fill('nightly reports');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Saved nightly reports.')).toBeVisible();
    const saved = page.getByRole('article', { name: 'nightly reports' });
    await expect(saved).toContainText('At 50% of the rate limit');
    await expect(saved).toContainText('127.0.0.1');
    await expect(saved.locator('.badge.alert')).toHaveCount(0);

    // Five requests of ten per minute: the key crosses 50%.
    for (let index = 0; index < 5; index++) {
      const response = await fetch(`${api.url}/run/v1/conversations`, {
        headers: { 'X-API-Key': key },
      });
      expect(response.status).toBe(200);
    }
    await expect.poll(() => receiver.deliveries.length).toBe(1);
    const [delivery] = receiver.deliveries;
    expect(delivery && signatureHolds(delivery, webhookSecret)).toBe(true);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
      type: 'api_key.usage_alert',
      data: { name: 'nightly reports', threshold: 50, used: 5, limit: 10 },
    });
    expect(api.output()).toContain('usage alert: key');
    expect(api.output()).not.toContain(key.split('.')[1]);

    // Back on the keys screen, the key is marked.
    await page.getByRole('button', { name: 'Apps' }).click();
    await page.getByRole('button', { name: 'API keys' }).click();
    const marked = page.getByRole('article', { name: 'nightly reports' });
    await expect(marked.locator('.badge.alert')).toHaveText('Alert crossed');
    await expect(marked).toContainText('Use crossed 50% of the rate limit on');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: 'test-results/screenshots/manage-keys.png', fullPage: true });
  });

  test('the environment admin sees another identity’s personal key and revokes it', async ({
    page,
  }) => {
    const keysUrl = `${api.url}/manage/tenants/default/projects/default/api-keys`;
    const create = async (credential: string, body: Record<string, unknown>) => {
      const response = await fetch(keysUrl, {
        method: 'POST',
        headers: { 'x-api-key': credential, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { key: string };
    };
    // A teammate's stored manage key makes a personal key, which then leaks.
    const teammate = await create(rootKey, { name: 'teammate', scopes: ['manage', 'chat'] });
    const leaked = await create(teammate.key, {
      name: 'laptop',
      scopes: ['chat'],
      type: 'personal',
    });
    const listedTo = async (credential: string) =>
      (
        (await (await fetch(keysUrl, { headers: { 'x-api-key': credential } })).json()) as {
          data: { name: string }[];
        }
      ).data.map(({ name }) => name);
    expect(await listedTo(adminKey)).not.toContain('laptop');

    await page.goto(`${api.url}/manage/`);
    await page.getByLabel('API key').fill(rootKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'API keys' }).click();
    const card = page.getByRole('article', { name: 'laptop' });
    await expect(card).toContainText('Personal (its creator and the environment admin see it)');
    await card.getByRole('button', { name: 'Revoke' }).click();
    await card.getByRole('button', { name: 'Revoke laptop' }).click();
    await expect(card.locator('.badge').first()).toHaveText('Revoked');
    const refused = await fetch(`${api.url}/run/v1/conversations`, {
      headers: { 'X-API-Key': leaked.key },
    });
    expect(refused.status).toBe(401);
  });
});
