import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { chatThrough } from './chat-through.ts';
import { expect, test } from './fixtures.ts';
import { type RunningProcess, startApiServer } from './servers.ts';
import { type HostSite, startHostSite } from './signed-in/start-host-site.ts';

// A site whose visitors are signed in: its backend signs each user a short-lived token with a
// key the app registered; the widget trades it for a session, again before it expires.

const appId = 'app_signed';
/** Short, so the session is renewed while the test watches. */
const tokenSeconds = 8;

let host: HostSite;
let api: RunningProcess;

test.beforeEach(async () => {
  const site = await startHostSite({ appId, tokenSeconds });
  const config = join(mkdtempSync(join(tmpdir(), 'inkeep-signed-in-')), 'apps.json');
  writeFileSync(
    config,
    JSON.stringify({
      apps: [
        {
          id: appId,
          name: 'Signed in',
          config: { webClient: { allowedDomains: ['127.0.0.1'], signingKeys: [site.signingKey] } },
        },
      ],
    }),
  );
  api = await startApiServer({}, ['--config', config]);
  site.setBaseUrl(api.url);
  host = site;
});

test.afterEach(async () => {
  await Promise.all([api?.stop(), host?.stop()]);
});

/** Records the widget's /run/auth/* requests. */
function authPaths(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/run/auth/')) seen.push(pathname);
  });
  return seen;
}

const widget = (page: Page) => page.locator('inkeep-chat');

test('a signed-in visitor chats; the session is renewed before it expires without an error', async ({
  page,
}) => {
  const seen = authPaths(page);
  await page.goto(`${host.url}/?user=ada`);
  await chatThrough(widget(page), 'Hello as Ada');
  expect(seen).toEqual([`/run/auth/apps/${appId}/user-session`]);
  // No proof of work, no anonymous session, nothing in IndexedDB.
  const stored = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('inkeep-chat');
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains('sessions')) return resolve(0);
          const count = database.transaction('sessions').objectStore('sessions').count();
          count.onsuccess = () => resolve(count.result);
        };
        open.onerror = () => resolve(0);
      }),
  );
  expect(stored).toBe(0);
  // The first token's whole life passes: the widget asked the site again on its own.
  const first = host.signed;
  await expect
    .poll(() => host.signed, { timeout: 4 * tokenSeconds * 1000 })
    .toBeGreaterThan(first + 1);
  await chatThrough(widget(page), 'Still me');
  await expect(widget(page).getByRole('alert')).toHaveCount(0);
});

test('a second browser of the same user sees the conversation in its history', async ({
  page,
  browser,
}) => {
  await page.goto(`${host.url}/?user=grace`);
  await chatThrough(widget(page), 'Follow me across devices');

  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await second.goto(`${host.url}/?user=grace`);
    await widget(second).getByRole('button', { name: 'Past conversations' }).click();
    const entry = widget(second).locator('.conversation', { hasText: 'Follow me across devices' });
    await expect(entry).toBeVisible();
    await entry.click();
    await expect(widget(second).locator('.user')).toContainText('Follow me across devices');

    // Someone else signed in on that browser sees none of it.
    await second.goto(`${host.url}/?user=linus`);
    await widget(second).getByRole('button', { name: 'Past conversations' }).click();
    await expect(widget(second).getByText('No past conversations yet.')).toBeVisible();
  } finally {
    await other.close();
  }
});

test('a 401 on chat makes the widget ask the site for a new token, invisibly', async ({ page }) => {
  await page.goto(`${host.url}/?user=ada`);
  await chatThrough(widget(page), 'Before');
  let refused = false;
  await page.route('**/run/v1/chat/completions', async (route) => {
    if (refused) return route.continue();
    refused = true;
    await route.fulfill({
      status: 401,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        title: 'Unauthorized',
        status: 401,
        detail: 'Invalid end-user JWT',
        code: 'unauthorized',
        error: { code: 'unauthorized', message: 'Invalid end-user JWT', status: 401 },
      }),
    });
  });
  const before = host.signed;
  await chatThrough(widget(page), 'After a 401');
  expect(refused).toBe(true);
  expect(host.signed).toBeGreaterThan(before);
  await expect(widget(page).getByRole('alert')).toHaveCount(0);
});

test('a page without getAuthToken stays anonymous', async ({ page }) => {
  const seen = authPaths(page);
  await page.goto(`${host.url}/anonymous`);
  await chatThrough(widget(page), 'Who knows me?');
  expect(seen).toContain(`/run/auth/apps/${appId}/anonymous-session`);
  expect(seen.some((path) => path.endsWith('/user-session'))).toBe(false);
  expect(host.signed).toBe(0);
});

test('a visitor who signs in mid-conversation keeps the conversation, on every device', async ({
  page,
  browser,
}) => {
  const seen = authPaths(page);
  await page.goto(`${host.url}/anonymous`);
  await chatThrough(widget(page), 'Asked before signing in');
  // The site signs the visitor in without a reload: it hands the widget its token source.
  await page.evaluate(() => {
    const element = document.querySelector('inkeep-chat') as HTMLElement & {
      getAuthToken: () => Promise<string>;
    };
    element.getAuthToken = async () => (await fetch('/token?user=upgrader')).text();
  });
  await expect(widget(page).locator('.user')).toContainText('Asked before signing in');
  await chatThrough(widget(page), 'Asked after signing in');
  expect(seen).toContain(`/run/auth/apps/${appId}/user-session`);
  await expect(widget(page).getByRole('alert')).toHaveCount(0);

  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await second.goto(`${host.url}/?user=upgrader`);
    await widget(second).getByRole('button', { name: 'Past conversations' }).click();
    await widget(second).locator('.conversation', { hasText: 'Asked before signing in' }).click();
    await expect(widget(second).locator('.user')).toContainText([
      'Asked before signing in',
      'Asked after signing in',
    ]);
  } finally {
    await other.close();
  }
});

test('a visitor who signs out does not reopen the signed-in user’s conversation', async ({
  page,
}) => {
  await page.goto(`${host.url}/?user=ada`);
  await chatThrough(widget(page), 'Asked while signed in');
  const remembered = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('inkeep-chat:conversation:'))
      .map((key) => localStorage.getItem(key)),
  );
  expect(remembered).toHaveLength(1);
  const userConversation = remembered[0] as string;
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes(userConversation)) asked.push(request.url());
  });

  // Signed out: the same browser, the site no longer hands the widget a token.
  await page.goto(`${host.url}/anonymous`);
  await chatThrough(widget(page), 'Asked anonymously');
  await expect(widget(page).locator('.user')).toHaveText([/Asked anonymously/]);
  expect(asked).toEqual([]);
  await expect(widget(page).getByRole('alert')).toHaveCount(0);
});
