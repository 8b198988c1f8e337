import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { type RunningProcess, startProcess } from './servers.ts';

const adminKey = 'e2e-activity-admin-key-0123456789abcdef';
const activityPath = '/manage/tenants/default/projects/default/apps/app_demo/activity';

test.describe('the dashboard’s activity section', () => {
  let dataDir: string;
  let api: RunningProcess;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inkeep-activity-e2e-'));
    // A server that has served a scripted day (counts over 24 h, then real conversations).
    api = await startProcess('e2e/activity/serve-scripted-day.mjs', ['--data', dataDir], {
      INKEEP_ADMIN_API_KEY: adminKey,
      INKEEP_ANON_JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
    });
  });

  test.afterEach(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('shows the day’s totals, chart and refusals, and browses the conversation log', async ({
    page,
  }) => {
    const expected = (await (
      await fetch(`${api.url}${activityPath}?range=24h`, { headers: { 'x-api-key': adminKey } })
    ).json()) as {
      data: {
        totals: {
          sessions: number;
          sessionRefusals: number;
          chats: number;
          chatRefusals: number;
          feedbackPositive: number;
          feedbackNegative: number;
        };
      };
    };
    const { totals } = expected.data;
    // The scripted hours and this hour's real traffic are both there.
    expect(totals.chats).toBeGreaterThan(100);
    expect(totals.feedbackPositive).toBe(1);
    expect(totals.feedbackNegative).toBe(1);

    await page.goto(`${api.url}/manage/`);
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Apps' })).toBeVisible();
    await page.getByRole('button', { name: 'Activity', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Activity', level: 2 })).toBeVisible();
    await expect(page).toHaveTitle('Activity · Inkeep chat manage');
    await expect(page.getByLabel('App', { exact: true })).toHaveValue('app_demo');

    await expect(page.locator('[data-total="sessions"]')).toHaveText(String(totals.sessions));
    await expect(page.locator('[data-total="chats"]')).toHaveText(String(totals.chats));
    await expect(page.locator('[data-total="refusals"]')).toHaveText(
      String(totals.sessionRefusals + totals.chatRefusals),
    );
    await expect(page.locator('[data-total="positive"]')).toHaveText('1');
    await expect(page.locator('[data-total="negative"]')).toHaveText('1');
    const chart = page.getByRole('img', { name: /Sessions, chats and refusals per hour/ });
    await expect(chart).toHaveAccessibleName(new RegExp(`${totals.chats} chats`));
    await expect(chart.locator('rect').first()).toBeVisible();
    for (const reason of [
      'rate_limit_exceeded',
      'pow_invalid',
      'origin_not_allowed',
      'unauthorized',
    ]) {
      await expect(page.locator(`tr[data-reason="${reason}"]`)).toBeVisible();
    }
    // The table under the chart holds the same numbers.
    await page.getByText('Show as table').click();
    await expect(page.locator('.activity-table tbody tr')).toHaveCount(24);

    let axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    await page.screenshot({ path: 'test-results/screenshots/manage-activity.png', fullPage: true });

    // The conversation log: newest first, visitors hashed.
    const log = page.getByRole('list', { name: 'Conversations of Demo' });
    await expect(log.getByRole('listitem')).toHaveCount(3);
    await expect(log.getByRole('listitem').first()).toContainText('Which plans include SSO?');
    await expect(log).not.toContainText('anon_');
    await log.getByRole('button', { name: /How do I export my invoices\?/ }).click();
    const messages = page.getByRole('list', { name: 'Messages' });
    await expect(messages.getByRole('listitem')).toHaveCount(4);
    await expect(messages.getByRole('listitem').nth(1)).toContainText(/First token after \d/);
    await expect(messages.getByRole('listitem').nth(1)).toContainText('Not rated');
    await expect(messages.getByRole('listitem').nth(3)).toContainText(
      'Rated not helpful: “It did not say where the export button is”',
    );
    await expect(messages.getByRole('listitem').nth(2)).toContainText('And as CSV?');
    axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    await page.screenshot({
      path: 'test-results/screenshots/manage-activity-conversation.png',
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await expect(log.getByRole('button', { name: /How do I export my invoices\?/ })).toBeFocused();

    // 30 days: daily buckets, the earlier days' chats counted too.
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await expect(page.getByRole('button', { name: 'Last 30 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(page.getByRole('img', { name: /per day over the last 30 days/ })).toBeVisible();
    // The 30 days hold the last 24 hours whole, and the 8 earlier days of 40 chats each.
    await expect(page.locator('[data-total="chats"]')).toHaveText(String(totals.chats + 8 * 40));
  });
});
