import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { chatThrough } from './chat-through.ts';
import { expect, phone, test } from './fixtures.ts';
import { type RunningProcess, startApiServer, startDemoSite } from './servers.ts';

const adminKey = 'e2e-manage-admin-key-0123456789abcdef';
const shots = 'test-results/screenshots';

async function expectNoAxeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  expect(result.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

function chatWithKey(apiUrl: string, key: string) {
  return fetch(`${apiUrl}/run/v1/chat/completions`, {
    method: 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      messages: [{ role: 'user', content: 'Hello from a server' }],
      stream: false,
    }),
  });
}

test.describe('the manage dashboard', () => {
  let dataDir: string;
  let api: RunningProcess;
  let site: RunningProcess;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inkeep-manage-e2e-'));
    api = await startApiServer({ INKEEP_ADMIN_API_KEY: adminKey }, ['--data', dataDir]);
    site = await startDemoSite(api.url);
  });

  test.afterEach(async () => {
    await Promise.all([api?.stop(), site?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('signs in, creates an app that chats, and a key that works once shown, then is revoked', async ({
    page,
    context,
    browser,
  }) => {
    test.setTimeout(180_000);
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    // The pages are served under a strict Content-Security-Policy: nothing may be refused.
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(
          `${location.pathname} ${event.violatedDirective} ${event.blockedURI}`,
        );
      });
    });

    // Sign in: a wrong key is refused with a clear message, then the admin key works.
    await page.goto(`${api.url}/manage/`);
    const keyInput = page.getByLabel('API key');
    await expect(keyInput).toBeFocused();
    await keyInput.fill('not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(
      'That key was not accepted. Check it and try again.',
    );
    await expect(keyInput).toHaveValue('not-a-real-key');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${shots}/manage-sign-in.png`, fullPage: true });
    await keyInput.fill(adminKey);
    await keyInput.press('Enter');
    await expect(page.getByRole('heading', { name: 'Apps' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Demo', exact: true })).toBeVisible();

    // An app with a bad then a good domain pattern.
    await page.getByRole('button', { name: 'New app' }).click();
    const form = page.getByRole('form', { name: 'New app' });
    await form.getByLabel('Name').fill('Docs site');
    const domain = form.getByRole('textbox', { name: 'Domain 1', exact: true });
    await domain.fill('https://docs.example.com/guide');
    await domain.blur();
    await expect(form.getByText('A domain has no path, query or fragment.')).toBeVisible();
    await expect(domain).toHaveAttribute('aria-invalid', 'true');
    await form.getByRole('button', { name: 'Create app' }).click();
    await expect(domain).toBeFocused();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${shots}/manage-app-form.png`, fullPage: true });
    await domain.fill('https://docs.example.com');
    await expect(form.getByText('A domain has no path, query or fragment.')).toHaveCount(0);
    await form.getByRole('button', { name: 'Add domain' }).click();
    await expect(form.getByRole('textbox', { name: 'Domain 2', exact: true })).toBeFocused();
    await page.keyboard.type('127.0.0.1');
    await form.getByLabel('Default agent').fill('agent_docs');
    await form.getByRole('button', { name: 'Create app' }).click();
    await expect(page.getByText('Created Docs site.')).toBeVisible();
    const card = page.getByRole('article', { name: 'Docs site' });
    await expect(card).toContainText('https://docs.example.com');
    const snippet = await card.getByLabel('Embed on a site').inputValue();
    const appId = /app-id="(app_[^"]+)"/.exec(snippet)?.[1] ?? '';
    expect(appId).toMatch(/^app_/);
    expect(snippet).toContain(`base-url="${api.url}"`);
    expect(snippet).toContain(`src="${api.url}/manage/inkeep-chat.js"`);
    await expectNoAxeViolations(page);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/manage-apps.png`, fullPage: true });

    // Disable and enable again, each confirmed by the badge.
    await card.getByRole('button', { name: 'Disable Docs site' }).click();
    await expect(card.locator('.badge')).toHaveText('Disabled');
    await card.getByRole('button', { name: 'Enable Docs site' }).click();
    await expect(card.locator('.badge')).toHaveText('Enabled');

    // The snippet, pasted into a page of an allowed origin (the demo site), chats.
    const sitePage = await context.newPage();
    await sitePage.goto(`${site.url}/inline.html`);
    await sitePage.evaluate((html) => {
      for (const element of document.querySelectorAll('inkeep-chat')) element.remove();
      document.body.append(document.createRange().createContextualFragment(html));
    }, snippet);
    await chatThrough(sitePage.locator(`inkeep-chat[app-id="${appId}"]`), 'Hello from the snippet');
    await sitePage.close();

    // The try-it page on this server's origin (127.0.0.1 is allowed) chats too.
    await card.getByRole('link', { name: 'Try it' }).click();
    await expect(page.getByRole('heading', { name: `Try ${appId}` })).toBeVisible();
    await chatThrough(page.locator('inkeep-chat'), 'Hello from the try page');
    await page.screenshot({ path: `${shots}/manage-try.png`, fullPage: true });
    await page.goBack();

    // API keys: a refusal lands next to its field and keeps what was typed.
    await page.getByRole('button', { name: 'API keys' }).click();
    await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
    await page.getByRole('button', { name: 'New key' }).click();
    const keyForm = page.getByRole('form', { name: 'New API key' });
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    await expect(keyForm.getByText('Enter a name.')).toBeVisible();
    await keyForm.getByLabel('Name').fill('backend');
    await keyForm.getByLabel('Allowed IPs (optional)').fill('not-an-ip');
    await keyForm.getByLabel('Rate limit, requests per minute (optional)').fill('100');
    await keyForm.getByLabel('Expires after').selectOption('30d');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const ips = keyForm.getByLabel('Allowed IPs (optional)');
    await expect(ips).toHaveAttribute('aria-invalid', 'true');
    await expect(keyForm.locator('#key-allowedIps-error')).toContainText('allowedIps');
    await expect(keyForm.getByLabel('Name')).toHaveValue('backend');
    await ips.fill('127.0.0.1');
    await keyForm.getByRole('button', { name: 'Create key' }).click();

    // The key, shown once.
    await expect(page.getByText('It will not be shown again.')).toBeVisible();
    const key = await page.locator('#created-key-value').inputValue();
    expect(key).toMatch(/^sk_[^.]+\..+/);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${shots}/manage-key-created.png`, fullPage: true });

    // The key works from a server, and its usage moves.
    expect((await chatWithKey(api.url, key)).status).toBe(200);
    expect((await chatWithKey(api.url, key)).status).toBe(200);
    // Leaving the page and coming back does not bring the key back.
    await page.goto(`${site.url}/inline.html`);
    await page.goBack();
    await page.getByRole('button', { name: 'API keys' }).click();
    await expect(page.getByRole('article', { name: 'backend' })).toBeVisible();
    await expect(page.locator('#created-key-value')).toHaveCount(0);
    expect(await page.content()).not.toContain(key);
    const publicId = key.split('.')[0] ?? '';
    const keyCard = page.getByRole('article', { name: 'backend' }).filter({ hasText: publicId });
    await keyCard.getByRole('button', { name: 'Refresh usage of backend' }).click();
    await expect(keyCard.locator('[data-usage="total"]')).toHaveText('2');
    await expect(keyCard.locator('[data-usage="2xx"]')).toHaveText('2');
    await expect(keyCard).toContainText('127.0.0.1');
    await expect(keyCard).toContainText('100 per minute');
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${shots}/manage-keys.png`, fullPage: true });

    // A chat-only key cannot sign in to the dashboard, in another tab.
    const otherTab = await context.newPage();
    await otherTab.goto(`${api.url}/manage/`);
    await otherTab.getByLabel('API key').fill(key);
    await otherTab.getByRole('button', { name: 'Sign in' }).click();
    await expect(otherTab.getByRole('alert')).toContainText('cannot manage apps and keys');
    await otherTab.close();

    // Rotated: a new key with the same settings, shown once, working beside the old one.
    await keyCard.getByRole('button', { name: 'Rotate' }).click();
    await keyCard.getByRole('button', { name: 'Rotate backend' }).click();
    await expect(
      page.getByText('Created a replacement for backend.', { exact: false }),
    ).toBeVisible();
    const rotated = await page.locator('#created-key-value').inputValue();
    expect(rotated).toMatch(/^sk_/);
    expect(rotated).not.toBe(key);
    expect((await chatWithKey(api.url, rotated)).status).toBe(200);
    expect((await chatWithKey(api.url, key)).status).toBe(200);
    await page.getByRole('button', { name: 'I have stored the key' }).click();
    await expect(page.getByRole('article', { name: 'backend' })).toHaveCount(2);

    // Revoked, with confirmation: the next request is refused.
    await keyCard.getByRole('button', { name: 'Revoke' }).click();
    await keyCard.getByRole('button', { name: 'Revoke backend' }).click();
    await expect(keyCard.locator('.badge')).toHaveText('Revoked');
    expect((await chatWithKey(api.url, key)).status).toBe(401);
    await expect(keyCard.getByRole('button', { name: 'Rotate' })).toHaveCount(0);
    expect((await chatWithKey(api.url, rotated)).status).toBe(200);

    // On a phone (390×844, touch): nothing scrolls sideways.
    const phoneContext = await browser.newContext(phone);
    const phonePage = await phoneContext.newPage();
    await phonePage.goto(`${api.url}/manage/`);
    await phonePage.getByLabel('API key').fill(adminKey);
    await phonePage.getByRole('button', { name: 'Sign in' }).tap();
    await expect(phonePage.getByRole('article', { name: 'Docs site' })).toBeVisible();
    expect(
      await phonePage.evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      ),
    ).toBe(true);
    await phonePage.screenshot({ path: `${shots}/manage-phone.png` });
    await phoneContext.close();

    // Delete with confirmation.
    await page.getByRole('button', { name: 'Apps' }).click();
    await card.getByRole('button', { name: 'Delete' }).click();
    await card.getByRole('button', { name: 'Delete Docs site' }).click();
    await expect(page.getByText('Deleted Docs site.')).toBeVisible();
    await expect(page.getByRole('article', { name: 'Docs site' })).toHaveCount(0);

    // Sign out forgets the key; no secret went into a URL or the server's output.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.getByLabel('API key')).toHaveValue('');
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(adminKey);
    expect(await page.content()).not.toContain(adminKey);
    for (const url of urls) {
      expect(url).not.toContain(adminKey);
      expect(url).not.toContain(key);
      expect(url).not.toContain(rotated);
    }
    expect(api.output()).not.toContain(adminKey);
    expect(api.output()).not.toContain(key);
    expect(violations).toEqual([]);
  });

  test('keeps the system prompt of an app across a reload, and signs its visitors out', async ({
    page,
  }) => {
    const session = async () => {
      const response = await fetch(`${api.url}/run/auth/apps/app_demo/anonymous-session`, {
        method: 'POST',
        headers: { origin: api.url, 'content-type': 'application/json' },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    const read = (token: string) =>
      fetch(`${api.url}/run/v1/conversations`, {
        headers: {
          authorization: `Bearer ${token}`,
          origin: api.url,
          'x-inkeep-app-id': 'app_demo',
        },
      });
    const subOf = (token: string) =>
      (
        JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
          sub: string;
        }
      ).sub;

    await page.goto(`${api.url}/manage/`);
    await page.getByLabel('API key').fill(adminKey);
    await page.getByLabel('API key').press('Enter');
    const card = page.getByRole('article', { name: 'Demo', exact: true });
    await expect(card).toContainText('System prompt');

    // The system prompt: typed, saved, and there again after a reload.
    const prompt = 'Answer only from the product docs.\nSay so when they do not cover it.';
    await card.getByRole('button', { name: 'Edit Demo' }).click();
    const form = page.getByRole('form', { name: 'Edit Demo' });
    await form.getByLabel('System prompt').fill(prompt);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Saved Demo.')).toBeVisible();
    await expect(card).toContainText(`${prompt.length} characters`);
    await page.reload();
    await card.getByText(`${prompt.length} characters`).click();
    await expect(card.locator('.prompt')).toHaveText(prompt);
    await card.getByRole('button', { name: 'Edit Demo' }).click();
    await expect(
      page.getByRole('form', { name: 'Edit Demo' }).getByLabel('System prompt'),
    ).toHaveValue(prompt);
    await expectNoAxeViolations(page);
    await page
      .getByRole('form', { name: 'Edit Demo' })
      .getByRole('button', { name: 'Cancel' })
      .click();
    const stored = await fetch(`${api.url}/manage/tenants/default/projects/default/apps/app_demo`, {
      headers: { 'x-api-key': adminKey },
    });
    expect(
      ((await stored.json()) as { data: { config: { systemPrompt?: string } } }).data.config
        .systemPrompt,
    ).toBe(prompt);

    // Sign out all visitors, after confirming: a session from before is refused.
    const before = await session();
    expect((await read(before)).status).toBe(200);
    await card.getByRole('button', { name: 'Sign out all visitors' }).click();
    await expect(card.getByText('Sign out every visitor of Demo?', { exact: false })).toBeVisible();
    await card.getByRole('button', { name: 'Sign out all visitors of Demo' }).click();
    await expect(page.getByText('Signed out all visitors of Demo.')).toBeVisible();
    await expect(card).toContainText('Visitors signed out');
    const refused = await read(before);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      code: 'unauthorized',
      detail: 'Invalid end-user JWT',
    });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/manage-sessions.png`, fullPage: true });

    // One visitor, by id: only that visitor is refused.
    const target = await session();
    const bystander = await session();
    expect((await read(target)).status).toBe(200);
    await card.locator('summary', { hasText: 'Sign out one visitor' }).click();
    const one = card.getByRole('form', { name: 'Sign out one visitor of Demo' });
    await one.getByLabel('Visitor id').fill(subOf(target));
    await one.getByRole('button', { name: 'Sign out visitor' }).click();
    await expect(page.getByText(`Signed out visitor ${subOf(target)} of Demo.`)).toBeVisible();
    expect((await read(target)).status).toBe(401);
    expect((await read(bystander)).status).toBe(200);
    await expectNoAxeViolations(page);
  });

  test('works from the keyboard alone, and in dark mode without axe violations', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${api.url}/manage/`);
    await page.keyboard.type(adminKey);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Apps' })).toBeVisible();
    await expectNoAxeViolations(page);
    // Tab to "New app" and fill the form with keys only.
    const newApp = page.getByRole('button', { name: 'New app' });
    for (
      let step = 0;
      step < 10 && !(await newApp.evaluate((el) => el === document.activeElement));
      step++
    ) {
      await page.keyboard.press('Tab');
    }
    await expect(newApp).toBeFocused();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'New app' });
    await form.getByLabel('Name').focus();
    await page.keyboard.type('Keyboard app');
    await page.keyboard.press('Tab'); // type
    await page.keyboard.press('Tab'); // domain 1
    await expect(form.getByRole('textbox', { name: 'Domain 1', exact: true })).toBeFocused();
    await page.keyboard.type('*.example.org');
    await page.keyboard.press('Enter');
    await expect(page.getByText('Created Keyboard app.')).toBeVisible();
    const card = page.getByRole('article', { name: 'Keyboard app' });
    await card.getByRole('button', { name: 'Delete' }).focus();
    await page.keyboard.press('Enter');
    await expect(card.getByRole('button', { name: 'Delete Keyboard app' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(card.getByRole('button', { name: 'Delete' })).toBeFocused();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${shots}/manage-dark.png` });
  });
});

test('the try page chats under its strict policy with proof of work on', async ({ page }) => {
  const api = await startApiServer({
    INKEEP_POW_HMAC_SECRET: 'e2e-pow-secret-that-is-long-enough-0123',
  });
  try {
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(
          `${event.violatedDirective} ${event.blockedURI}`,
        );
      });
    });
    const solutions: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/anonymous-session')) {
        solutions.push(request.headers()['x-inkeep-challenge-solution']);
      }
    });
    const response = await page.goto(`${api.url}/manage/try.html?app=app_demo`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await chatThrough(page.locator('inkeep-chat'), 'Proof of work first');
    expect(solutions.length).toBeGreaterThan(0);
    expect(solutions[0]).toBeTruthy();
    expect(violations).toEqual([]);
  } finally {
    await api.stop();
  }
});

test('--no-manage-ui turns the dashboard off', async () => {
  const api = await startApiServer({}, ['--no-manage-ui']);
  try {
    const response = await fetch(`${api.url}/manage/`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  } finally {
    await api.stop();
  }
});
