import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { chatThrough } from './chat-through.ts';
import { expect, test } from './fixtures.ts';
import { startDemo } from './servers.ts';

// The demo site's "Signed in" page, with the servers started as `npm start` starts them: the
// site's backend signs its visitors' tokens with a key pair made at start, whose public half
// app_demo registers.

let demo: Awaited<ReturnType<typeof startDemo>>;

test.beforeAll(async () => {
  // Proof of work on, as `npm start` has it: signing out means a real anonymous session again.
  demo = await startDemo({ INKEEP_POW_HMAC_SECRET: 'e2e-pow-secret-e2e-pow-secret-0123456789' });
});

test.afterAll(async () => {
  await demo?.stop();
});

/** Records the paths of the page's requests to the Run API's auth routes and the site's backend. */
function requests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/run/auth/apps/') || pathname.startsWith('/demo/')) {
      seen.push(pathname);
    }
  });
  return seen;
}

const widget = (page: Page) => page.locator('inkeep-chat');
/** The page's account line (the widget has live regions of its own). */
const status = (page: Page) => page.locator('#account-status');

async function signIn(page: Page, name: string) {
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(status(page)).toHaveText(`Signed in as ${name}. The chat knows who you are.`);
}

test('a visitor signs in, chats, finds the conversation in another browser, and signs out', async ({
  page,
  browser,
}) => {
  const seen = requests(page);
  await page.goto(`${demo.site.url}/signed-in.html`);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Signed in' })).toBeVisible();
  await expect(status(page)).toHaveText('Not signed in: you chat as an anonymous visitor.');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
  expect(
    (await new AxeBuilder({ page }).analyze()).violations,
    'signed out, before chatting',
  ).toEqual([]);

  await signIn(page, 'Ada');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeHidden();
  await chatThrough(widget(page), 'What does a signed-in visitor get?');
  // The widget asked the site's backend for a token and traded it for a session.
  expect(seen).toContain('/demo/chat-token');
  expect(seen).toContain('/run/auth/apps/app_demo/user-session');
  await expect(widget(page).getByRole('alert')).toHaveCount(0);
  expect((await new AxeBuilder({ page }).analyze()).violations, 'signed in, answered').toEqual([]);

  // A fresh browser: nothing in common with the first but the user (the same name, any case).
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await second.goto(`${demo.site.url}/signed-in.html`);
    await expect(status(second)).toHaveText('Not signed in: you chat as an anonymous visitor.');
    await signIn(second, 'ada');
    await widget(second).getByRole('button', { name: 'Past conversations' }).click();
    const entry = widget(second).locator('.conversation', {
      hasText: 'What does a signed-in visitor get?',
    });
    await expect(entry).toBeVisible();
    await entry.click();
    await expect(widget(second).locator('.user')).toContainText(
      'What does a signed-in visitor get?',
    );
    await expect(widget(second).locator('.assistant').last()).toContainText(
      'What does a signed-in visitor get?',
    );
  } finally {
    await other.close();
  }

  // Signed out: an anonymous visitor again, who sees none of Ada's conversations.
  seen.length = 0;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(status(page)).toHaveText('Not signed in: you chat as an anonymous visitor.');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await expect(widget(page).locator('.user')).toHaveCount(0);
  await widget(page).getByRole('button', { name: 'Past conversations' }).click();
  await expect(widget(page).getByText('No past conversations yet.')).toBeVisible();
  await widget(page).getByRole('button', { name: 'Back to chat' }).click();
  await chatThrough(widget(page), 'Who am I now?');
  expect(seen).toContain('/run/auth/apps/app_demo/anonymous-session');
  expect(seen).not.toContain('/demo/chat-token');
  expect(seen).not.toContain('/run/auth/apps/app_demo/user-session');
  // The site's backend signs nothing for a visitor who is not signed in.
  const refused = await page.evaluate(async () => {
    const response = await fetch('/demo/chat-token', { method: 'POST' });
    return response.status;
  });
  expect(refused).toBe(401);
  expect((await new AxeBuilder({ page }).analyze()).violations, 'signed out again').toEqual([]);
});

test('a reload keeps the visitor signed in: the widget starts as the user, never anonymous', async ({
  page,
}) => {
  await page.goto(`${demo.site.url}/signed-in.html`);
  await signIn(page, 'Grace');
  const seen = requests(page);
  await page.reload();
  await expect(status(page)).toHaveText('Signed in as Grace. The chat knows who you are.');
  await chatThrough(widget(page), 'Still Grace after a reload?');
  expect(seen).toContain('/run/auth/apps/app_demo/user-session');
  expect(seen).not.toContain('/run/auth/apps/app_demo/anonymous-session');
});

test('a name the site cannot use is refused on the page, and the visitor stays anonymous', async ({
  page,
}) => {
  await page.goto(`${demo.site.url}/signed-in.html`);
  await expect(status(page)).toHaveText('Not signed in: you chat as an anonymous visitor.');
  await page.getByRole('textbox', { name: 'Name' }).fill('   ');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(status(page)).toHaveText('Could not sign in: A name of 1 to 60 characters');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
});

test('served without the demo key (demo/apps.json alone), the page says sign-in is off and chats anonymously', async ({
  page,
  site,
}) => {
  const seen = requests(page);
  await page.goto(`${site.url}/signed-in.html`);
  await expect(status(page)).toHaveText(
    'Sign-in is off: this demo site was started without its signing key. Start the demo with npm start.',
  );
  await expect(page.getByRole('textbox', { name: 'Name' })).toBeHidden();
  await chatThrough(widget(page), 'Anonymous on the signed-in page');
  expect(seen).toContain('/run/auth/apps/app_demo/anonymous-session');
  expect(seen).not.toContain('/demo/chat-token');
});
