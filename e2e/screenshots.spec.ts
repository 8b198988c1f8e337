import { chatThrough } from './chat-through.ts';
import { expect, phone, test } from './fixtures.ts';
import { startDemo } from './servers.ts';

// Pictures of what a person sees, kept in test-results/screenshots for review.
test('screenshots of the demo: closed, open with an answer', async ({ page, site }) => {
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(site.url);
  await page.screenshot({ path: 'test-results/screenshots/closed.png' });
  await chatThrough(page.locator('inkeep-chat'), 'How do I embed the widget?');
  await page.screenshot({ path: 'test-results/screenshots/open.png' });
});

test('screenshot on a phone (390×844, touch): the open panel fills the screen', async ({
  browser,
  site,
}) => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(site.url);
  await chatThrough(page.locator('inkeep-chat'), 'How do I embed the widget?');
  await page.screenshot({ path: 'test-results/screenshots/phone.png' });
  const box = await page.locator('inkeep-chat .panel').boundingBox();
  expect(box?.width).toBe(390);
  await context.close();
});

test('screenshots of the signed-in page: signed out, then signed in with an answer', async ({
  page,
}) => {
  // The servers as `npm start` runs them: the page's signing key registered on app_demo.
  const demo = await startDemo();
  try {
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(`${demo.site.url}/signed-in.html`);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/signed-out.png' });
    await page.getByRole('textbox', { name: 'Name' }).fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#account-status')).toContainText('Signed in as Ada Lovelace');
    await chatThrough(page.locator('inkeep-chat'), 'Will you remember me on my laptop?');
    await page.screenshot({ path: 'test-results/screenshots/signed-in.png', fullPage: true });
  } finally {
    await demo.stop();
  }
});

test('screenshots of the error state and dark mode', async ({ page, site }) => {
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(`${site.url}/not-allowed.html`);
  await expect(page.getByRole('alert')).toContainText('not allowed');
  await page.screenshot({ path: 'test-results/screenshots/not-allowed.png' });

  await page.goto(`${site.url}/zero-markup.html`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Dark mode, please');
  await composer.press('Enter');
  await expect(page.locator('inkeep-chat .assistant').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  await page.screenshot({ path: 'test-results/screenshots/dark.png' });
});

test('on a phone (390×844, touch) no demo page is wider than the screen and the launcher is on it', async ({
  browser,
  site,
}) => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const inline = ['/inline.html', '/signed-in.html'];
  for (const path of ['/', ...inline, '/zero-markup.html', '/strict-csp.html']) {
    await page.goto(`${site.url}${path}`);
    await expect(page.locator('inkeep-chat')).toBeAttached();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      path,
    ).toBeLessThanOrEqual(390);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    if (!inline.includes(path)) {
      const box = await launcher.boundingBox();
      expect(box, path).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), path).toBeLessThanOrEqual(390);
    }
  }
  await page.goto(site.url);
  await page.screenshot({ path: 'test-results/screenshots/phone-closed.png' });

  // A host page wider than the phone: the launcher and the panel stay on the screen.
  await page.evaluate(() => {
    const wide = document.createElement('div');
    wide.style.width = '700px';
    wide.textContent = 'A table wider than the phone';
    document.body.prepend(wide);
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  const onScreen = () =>
    page.evaluate(() => {
      const root = document.querySelector('inkeep-chat')?.shadowRoot;
      const launcher = root?.querySelector('.launcher')?.getBoundingClientRect();
      const viewport = window.visualViewport;
      return {
        layoutWidth: document.documentElement.scrollWidth,
        launcherRight: launcher ? launcher.right : -1,
        launcherBottom: launcher ? launcher.bottom : -1,
        screenRight: viewport ? viewport.offsetLeft + viewport.width : 0,
        screenBottom: viewport ? viewport.offsetTop + viewport.height : 0,
      };
    });
  await expect.poll(async () => (await onScreen()).layoutWidth).toBeGreaterThan(390);
  const placed = await onScreen();
  expect(placed.launcherRight).toBeLessThanOrEqual(placed.screenRight);
  expect(placed.launcherRight).toBeGreaterThan(placed.screenRight - 100);
  expect(placed.launcherBottom).toBeLessThanOrEqual(placed.screenBottom);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const panel = await page.evaluate(() => {
    const box = document
      .querySelector('inkeep-chat')
      ?.shadowRoot?.querySelector('.panel')
      ?.getBoundingClientRect();
    const viewport = window.visualViewport;
    return {
      left: box?.left ?? -1,
      right: box?.right ?? -1,
      screenLeft: viewport?.offsetLeft ?? 0,
      screenRight: viewport ? viewport.offsetLeft + viewport.width : 0,
    };
  });
  expect(panel.left).toBeGreaterThanOrEqual(panel.screenLeft - 1);
  expect(panel.right).toBeLessThanOrEqual(panel.screenRight + 1);
  await page.screenshot({ path: 'test-results/screenshots/phone-wide-host.png' });
  await context.close();
});
