import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures.ts';

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no violations with the panel closed and open (${colorScheme})`, async ({
    page,
    site,
  }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(site.url);
    await page.evaluate((scheme) => {
      document.querySelector('inkeep-chat')?.setAttribute('color-mode', scheme);
    }, colorScheme);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await expect(launcher).toBeVisible();
    const closed = await new AxeBuilder({ page }).include('inkeep-chat').analyze();
    expect(closed.violations).toEqual([]);

    await launcher.click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Show me a table');
    await composer.press('Enter');
    await expect(page.locator('inkeep-chat .assistant').last()).toHaveAttribute(
      'data-status',
      'complete',
    );
    const open = await new AxeBuilder({ page }).include('inkeep-chat').analyze();
    expect(open.violations).toEqual([]);
  });
}

test('the keyboard alone opens, uses and closes the chat', async ({ page, site }) => {
  await page.goto(site.url);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await launcher.focus();
  await page.keyboard.press('Enter');
  const composer = page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await page.keyboard.type('First line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await expect(composer).toHaveValue('First line\nsecond line');
  await page.keyboard.press('Enter');
  await expect(page.locator('inkeep-chat .assistant').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  // The completed reply is announced once, through the polite live region.
  await expect(page.locator('inkeep-chat [aria-live="polite"]')).toContainText('First line');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Open chat' })).toHaveAttribute(
    'aria-expanded',
    'false',
  );
});
