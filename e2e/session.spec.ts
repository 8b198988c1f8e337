import type { BrowserContext, Page } from '@playwright/test';
import { chatThrough } from './chat-through.ts';
import { expect, test } from './fixtures.ts';
import { startApiServer } from './servers.ts';

const powEnv = {
  INKEEP_POW_HMAC_SECRET: 'e2e-pow-secret-that-is-long-enough-0123',
  INKEEP_POW_DIFFICULTY: '50000',
};

/** Records the /run/auth/* requests of a page or context, in order. */
function authRequests(target: Page | BrowserContext) {
  const seen: { method: string; path: string; solution: string | null }[] = [];
  target.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/run/auth/')) return;
    seen.push({
      method: request.method(),
      path: url.pathname,
      solution: request.headers()['x-inkeep-challenge-solution'] ?? null,
    });
  });
  return seen;
}

test('the first visit solves proof of work; a reload makes no auth request', async ({
  page,
  startServers,
}) => {
  const { site } = await startServers({ env: powEnv });
  const seen = authRequests(page);
  await page.goto(site.url);
  await chatThrough(page.locator('inkeep-chat'), 'First visit');
  const posts = seen.filter((request) => request.method === 'POST');
  expect(seen.some((request) => request.path === '/run/auth/pow/challenge')).toBe(true);
  expect(posts).toHaveLength(1);
  expect(posts[0]?.solution).toBeTruthy();

  seen.length = 0;
  await page.reload();
  await chatThrough(page.locator('inkeep-chat'), 'After reload');
  expect(seen).toEqual([]);
});

test('two tabs opened together make exactly one session request', async ({
  context,
  startServers,
}) => {
  const { site } = await startServers({ env: powEnv });
  const seen = authRequests(context);
  const [first, second] = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all([first.goto(site.url), second.goto(site.url)]);
  await Promise.all([
    chatThrough(first.locator('inkeep-chat'), 'Tab one'),
    chatThrough(second.locator('inkeep-chat'), 'Tab two'),
  ]);
  const posts = seen.filter(
    (request) => request.method === 'POST' && request.path.endsWith('/anonymous-session'),
  );
  expect(posts).toHaveLength(1);
});

test('after the server restarts with a new JWT secret, the next message still gets a reply', async ({
  page,
  startServers,
}) => {
  const { api, site } = await startServers({ env: powEnv });
  await page.goto(site.url);
  await chatThrough(page.locator('inkeep-chat'), 'Before the restart');
  const port = Number(new URL(api.url).port);
  await api.stop();
  const restarted = await startApiServer(
    { ...powEnv, INKEEP_ANON_JWT_SECRET: 'a-completely-different-secret-0123456789' },
    [],
    port,
  );
  try {
    await chatThrough(page.locator('inkeep-chat'), 'After the restart');
    await expect(page.getByRole('alert')).toHaveCount(0);
  } finally {
    await restarted.stop();
  }
});

test('a page that forbids workers still gets a session', async ({ page, startServers }) => {
  const { site } = await startServers({ env: powEnv });
  const seen = authRequests(page);
  const response = await page.goto(`${site.url}/no-workers.html`);
  expect(response?.headers()['content-security-policy']).toContain("worker-src 'none'");
  await chatThrough(page.locator('inkeep-chat'), 'No workers here');
  expect(seen.filter((request) => request.method === 'POST')[0]?.solution).toBeTruthy();
});

test('a disabled app, anonymous sessions off, and a server that is down each say so', async ({
  page,
  api,
  site,
}) => {
  await page.goto(`${site.url}/inline.html`);
  const add = (id: string, appId: string, baseUrl: string) =>
    page.evaluate(
      ([id, appId, baseUrl]) => {
        const element = document.createElement('inkeep-chat');
        element.id = id;
        element.setAttribute('mode', 'inline');
        element.setAttribute('app-id', appId);
        element.setAttribute('base-url', baseUrl);
        document.querySelector('main')?.append(element);
      },
      [id, appId, baseUrl] as const,
    );
  await add('disabled', 'app_disabled', api.url);
  await add('private', 'app_private', api.url);
  await add('down', 'app_demo', 'http://127.0.0.1:9');
  await expect(page.locator('#disabled').getByRole('alert')).toContainText('not available');
  await expect(page.locator('#private').getByRole('alert')).toContainText(
    'does not accept anonymous visitors',
  );
  const down = page.locator('#down').getByRole('alert');
  await expect(down).toContainText('could not be reached');
  await expect(down.getByRole('button', { name: 'Retry' })).toBeVisible();
});
