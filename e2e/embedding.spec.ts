import { chatThrough } from './chat-through.ts';
import { expect, test } from './fixtures.ts';

test('the zero-markup script tag adds a working launcher by itself', async ({ page, site }) => {
  await page.goto(`${site.url}/zero-markup.html`);
  await expect(page.locator('inkeep-chat')).toHaveCount(1);
  await expect(page.locator('inkeep-chat')).toHaveAttribute('color-mode', 'dark');
  await chatThrough(page.locator('inkeep-chat'), 'From the script tag');
});

test('inline mode renders in place with no launcher and chats', async ({ page, site }) => {
  await page.goto(`${site.url}/inline.html`);
  await expect(page.getByRole('button', { name: 'Open chat' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Ask AI' })).toBeVisible();
  await chatThrough(page.locator('inkeep-chat'), 'Inline question');
});

test('the SPA keeps the conversation across a route change', async ({ page, site }) => {
  await page.goto(`${site.url}/spa/`);
  await expect(page.getByRole('heading', { name: 'Welcome to Acme App' })).toBeVisible();
  await chatThrough(page.locator('inkeep-chat'), 'Before navigating');
  await page.getByRole('link', { name: 'Pricing' }).click();
  await expect(page.getByRole('heading', { name: 'Pricing' })).toBeVisible();
  await expect(page).toHaveURL(/\/spa\/pricing$/);
  await expect(page.locator('inkeep-chat .user')).toContainText('Before navigating');
  await chatThrough(page.locator('inkeep-chat'), 'After navigating');
  await expect(page.locator('inkeep-chat .user')).toHaveCount(2);
});

test('the strict-CSP page works with no CSP violation, proof of work included', async ({
  page,
  startServers,
}) => {
  const { site } = await startServers({
    env: { INKEEP_POW_HMAC_SECRET: 'e2e-pow-secret-that-is-long-enough-0123' },
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const solutions: (string | undefined)[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/anonymous-session') && request.method() === 'POST') {
      solutions.push(request.headers()['x-inkeep-challenge-solution']);
    }
  });
  const response = await page.goto(`${site.url}/strict-csp.html`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await chatThrough(page.locator('inkeep-chat'), 'Under a strict policy');
  const styled = await page
    .getByRole('button', { name: 'Close chat' })
    .last()
    .evaluate((button) => getComputedStyle(button).borderRadius);
  expect(styled).not.toBe('0px');
  expect(solutions).toHaveLength(1);
  expect(solutions[0]).toBeTruthy();
  expect(
    await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  ).toEqual([]);
});

test('an element created from JavaScript works, with its properties and events', async ({
  page,
  api,
  site,
}) => {
  await page.goto(`${site.url}/inline.html`);
  await page.evaluate((baseUrl) => {
    const events: string[] = [];
    (window as unknown as { __events: string[] }).__events = events;
    const element = document.createElement('inkeep-chat');
    element.id = 'made';
    element.appId = 'app_support';
    element.baseUrl = baseUrl;
    for (const type of ['open', 'close', 'message', 'error', 'session']) {
      document.addEventListener(`inkeep-chat-${type}`, (event) => {
        if ((event.target as Element).id === 'made') events.push(type);
      });
    }
    document.body.append(element);
    element.open();
  }, api.url);
  const made = page.locator('#made');
  await expect(made).toHaveAttribute('open', '');
  await chatThrough(made, 'Made by script');
  await page.evaluate(() =>
    document.querySelector<HTMLElementTagNameMap['inkeep-chat']>('#made')?.close(),
  );
  const events = await page.evaluate(() => (window as unknown as { __events: string[] }).__events);
  expect(events).toEqual(expect.arrayContaining(['open', 'session', 'message', 'close']));
  expect(events).not.toContain('error');
});

test('two widgets for two apps keep separate sessions and conversations', async ({
  page,
  api,
  site,
}) => {
  const sessionRequests: string[] = [];
  page.on('request', (request) => {
    const match = /\/run\/auth\/apps\/([^/]+)\/anonymous-session/.exec(request.url());
    if (match?.[1] && request.method() === 'POST') sessionRequests.push(match[1]);
  });
  await page.goto(`${site.url}/inline.html`);
  await page.evaluate((baseUrl) => {
    const second = document.createElement('inkeep-chat');
    second.id = 'second';
    second.setAttribute('mode', 'inline');
    second.setAttribute('app-id', 'app_support');
    second.setAttribute('base-url', baseUrl);
    second.setAttribute('title', 'Support');
    document.querySelector('main')?.append(second);
  }, api.url);
  const first = page.locator('inkeep-chat').first();
  const second = page.locator('#second');
  await chatThrough(first, 'Question for the demo app');
  await chatThrough(second, 'Question for support');
  await expect(first.locator('.user')).toHaveCount(1);
  await expect(second.locator('.user')).toHaveCount(1);
  await expect(second.locator('.user')).toContainText('Question for support');
  expect([...new Set(sessionRequests)].sort()).toEqual(['app_demo', 'app_support']);
  const keys = await page.evaluate(() =>
    Object.keys(localStorage).filter((key) => key.startsWith('inkeep-chat:conversation:')),
  );
  expect(keys).toHaveLength(2);
});

test('removing the element leaves nothing running', async ({ page, site }) => {
  await page.addInitScript(() => {
    const live = {
      timers: new Set<number>(),
      intervals: new Set<number>(),
      workers: new Set<Worker>(),
    };
    (window as unknown as { __live: typeof live }).__live = live;
    const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
    window.setTimeout = ((callback: () => void, ms?: number, ...rest: unknown[]) => {
      const id = st(
        () => {
          live.timers.delete(id);
          callback();
        },
        ms,
        ...rest,
      );
      live.timers.add(id);
      return id;
    }) as typeof setTimeout;
    window.clearTimeout = ((id: number) => {
      live.timers.delete(id);
      ct(id);
    }) as typeof clearTimeout;
    window.setInterval = ((callback: () => void, ms?: number) => {
      const id = si(callback, ms);
      live.intervals.add(id);
      return id;
    }) as typeof setInterval;
    window.clearInterval = ((id: number) => {
      live.intervals.delete(id);
      ci(id);
    }) as typeof clearInterval;
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        live.workers.add(this);
      }
      override terminate() {
        live.workers.delete(this);
        super.terminate();
      }
    };
  });
  await page.goto(site.url);
  await chatThrough(page.locator('inkeep-chat'), 'Before removal');
  // A streaming answer is in flight when the element goes.
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Removed while answering');
  await composer.press('Enter');
  let requestsAfter = 0;
  await page.evaluate(() => document.querySelector('inkeep-chat')?.remove());
  page.on('request', () => requestsAfter++);
  await page.waitForTimeout(1500);
  const live = await page.evaluate(() => {
    const state = (
      window as unknown as {
        __live: { timers: Set<number>; intervals: Set<number>; workers: Set<Worker> };
      }
    ).__live;
    return {
      timers: state.timers.size,
      intervals: state.intervals.size,
      workers: state.workers.size,
    };
  });
  expect(live).toEqual({ timers: 0, intervals: 0, workers: 0 });
  expect(requestsAfter).toBe(0);
});

test('loading the script twice does not throw or define the element twice', async ({
  page,
  site,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(site.url);
  await page.addScriptTag({ url: '/inkeep-chat.js' });
  await page.addScriptTag({ url: '/inkeep-chat.js' });
  expect(errors).toEqual([]);
  await expect(page.locator('inkeep-chat')).toHaveCount(1);
  await chatThrough(page.locator('inkeep-chat'), 'Still one widget');
});
