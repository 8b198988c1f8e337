import { expect, test } from './fixtures.ts';

test('the script-tag demo page chats and streams the reply', async ({ page, site }) => {
  await page.goto(site.url);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await launcher.click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await composer.fill('How do I install the widget?');
  await composer.press('Enter');

  const log = page.getByRole('log');
  await expect(log.locator('.user')).toContainText('How do I install the widget?');
  const reply = log.locator('.assistant').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(reply).toContainText('How do I install the widget?');
  // The scripted reply is markdown: it arrives rendered as a heading, a table and code.
  await expect(reply.locator('h1, h2, h3').first()).toBeVisible();
  await expect(reply.locator('table')).toBeVisible();
  await expect(reply.locator('pre code')).toBeVisible();
  await expect(composer).toHaveValue('');
});

test('an origin that is not on the allowlist sees a clear error', async ({ page, site }) => {
  await page.goto(`${site.url}/not-allowed.html`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('not allowed');
  await expect(alert).toContainText(new URL(site.url).origin);

  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Is anyone there?');
  await composer.press('Enter');
  await expect(alert).toContainText('not allowed');
  // The visitor's text is kept, not swallowed by the failure.
  await expect(composer).toHaveValue('Is anyone there?');
});
