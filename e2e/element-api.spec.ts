import { expect, test } from './fixtures.ts';

test('attributes react after connection; methods open, toggle, send and start over', async ({
  page,
  site,
}) => {
  await page.goto(site.url);
  const chat = page.locator('inkeep-chat');
  await page.evaluate(() => {
    const element = document.querySelector('inkeep-chat');
    element?.setAttribute('title', 'Acme helper');
    element?.setAttribute('color-mode', 'dark');
    element?.setAttribute('position', 'bottom-left');
    element?.setAttribute('strings', JSON.stringify({ openChat: 'Talk to us', send: 'Go' }));
  });
  const launcher = chat.getByRole('button', { name: 'Talk to us' });
  await expect(launcher).toBeVisible();
  const box = await launcher.boundingBox();
  expect(box?.x).toBeLessThan(100);

  await page.evaluate(() => document.querySelector('inkeep-chat')?.toggle());
  await expect(chat).toHaveAttribute('open', '');
  await expect(chat.getByRole('dialog', { name: 'Acme helper' })).toBeVisible();
  await expect(chat.locator('.root')).toHaveClass(/dark/);

  await page.evaluate(() => document.querySelector('inkeep-chat')?.send('Sent by a method'));
  await expect(chat.locator('.assistant').last()).toHaveAttribute('data-status', 'complete');
  await expect(chat.locator('.assistant').last()).toContainText('Sent by a method');

  await page.evaluate(() => document.querySelector('inkeep-chat')?.newConversation());
  await expect(chat.locator('.message')).toHaveCount(0);

  await page.evaluate(() => document.querySelector('inkeep-chat')?.toggle());
  await expect(chat).not.toHaveAttribute('open', '');
  await page.evaluate(() => document.querySelector('inkeep-chat')?.removeAttribute('strings'));
  await expect(chat.getByRole('button', { name: 'Open chat' })).toBeVisible();
});

test('moving the element in the DOM keeps its conversation', async ({ page, site }) => {
  await page.goto(`${site.url}/inline.html`);
  const chat = page.locator('inkeep-chat');
  const composer = chat.getByRole('textbox', { name: 'Message' });
  await composer.fill('Before the move');
  await composer.press('Enter');
  await expect(chat.locator('.assistant').last()).toHaveAttribute('data-status', 'complete');
  await page.evaluate(() => {
    const element = document.querySelector('inkeep-chat');
    if (element) document.body.prepend(element);
  });
  await expect(chat.locator('.user')).toContainText('Before the move');
  await expect(chat.locator('.assistant')).toHaveCount(1);
});

test('right-to-left pages lay the panel out right to left', async ({ page, site }) => {
  await page.goto(`${site.url}/inline.html`);
  await page.evaluate(() => {
    document.documentElement.setAttribute('dir', 'rtl');
    document.documentElement.setAttribute('lang', 'ar');
    const element = document.querySelector('inkeep-chat');
    element?.setAttribute('dir', 'rtl');
  });
  const root = page.locator('inkeep-chat .root');
  await expect(root).toHaveAttribute('dir', 'rtl');
  await expect(root).toHaveAttribute('lang', 'ar');
  const direction = await page
    .getByRole('textbox', { name: 'Message' })
    .evaluate((element) => getComputedStyle(element).direction);
  expect(direction).toBe('rtl');
});
