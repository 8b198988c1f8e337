import type { Page } from '@playwright/test';
import { xssVectors } from '../test/ui/markdown/xss-vectors.ts';
import { expect, test } from './fixtures.ts';

async function openAndAsk(page: Page, text: string) {
  const launcher = page.getByRole('button', { name: 'Open chat' });
  if (await launcher.isVisible()) await launcher.click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  return composer;
}

const lastAnswer = (page: Page) => page.locator('inkeep-chat .assistant').last();

test('a streamed answer renders a code block with a copy button and a table', async ({
  page,
  site,
}) => {
  await page.goto(site.url);
  await openAndAsk(page, 'Show me everything');
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'complete');
  await expect(answer.locator('pre code')).toBeVisible();
  await expect(answer.getByRole('button', { name: /copy code/i })).toBeVisible();
  await expect(answer.locator('table th').first()).toBeVisible();
  const link = answer.locator('a').first();
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');
});

test('Stop ends a streaming answer and keeps what arrived', async ({ page, startServers }) => {
  const { site } = await startServers({ env: { INKEEP_RESPONDER_TOKEN_DELAY_MS: '60' } });
  await page.goto(site.url);
  await openAndAsk(page, 'Tell me slowly');
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await expect(answer).toContainText('Tell me slowly');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  const kept = await answer.locator('.md').textContent();
  expect(kept?.length).toBeGreaterThan(0);
  await page.waitForTimeout(400);
  expect(await answer.locator('.md').textContent()).toBe(kept);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
});

test('Stop works before the first token arrives', async ({ page, site }) => {
  await page.goto(site.url);
  await page.route('**/run/v1/chat/completions', () => {
    // Never answered: the request hangs until the widget aborts it.
  });
  await openAndAsk(page, 'Hello?');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  await expect(page.locator('inkeep-chat .assistant')).toHaveCount(0);
});

test('429 shows the wait and sends by itself when it ends', async ({ page, site }) => {
  await page.goto(site.url);
  let refused = 0;
  await page.route('**/run/v1/chat/completions', async (route) => {
    if (route.request().method() !== 'POST' || refused > 0) return route.fallback();
    refused++;
    await route.fulfill({
      status: 429,
      headers: {
        'content-type': 'application/problem+json',
        'retry-after': '2',
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'Retry-After',
      },
      body: JSON.stringify({
        title: 'Too Many Requests',
        status: 429,
        detail: 'Rate limit exceeded',
        code: 'rate_limit_exceeded',
        error: {
          code: 'rate_limit_exceeded',
          message: 'Rate limit exceeded',
          status: 429,
          retry_after: 2,
        },
      }),
    });
  });
  await openAndAsk(page, 'Patience please');
  await expect(page.getByRole('alert')).toContainText(/Sending again in \d s/);
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete', { timeout: 15_000 });
  await expect(lastAnswer(page)).toContainText('Patience please');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('an interrupted answer is kept, marked, and Retry completes it', async ({ page, site }) => {
  await page.goto(site.url);
  let cut = false;
  await page.route('**/run/v1/chat/completions', async (route) => {
    if (route.request().method() !== 'POST' || cut) return route.fallback();
    cut = true;
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    await route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'access-control-allow-origin': '*' },
      body: chunk('Half of ') + chunk('an answer'),
    });
  });
  await openAndAsk(page, 'Will this finish?');
  const answer = lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'interrupted');
  await expect(answer).toContainText('Half of an answer');
  await expect(answer).toContainText('interrupted');
  await page.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastAnswer(page)).toContainText('Will this finish?');
  await expect(page.locator('inkeep-chat .user')).toHaveCount(1);
});

test('a network failure keeps the text in the composer, and Retry sends it', async ({
  page,
  site,
}) => {
  await page.goto(site.url);
  let failed = false;
  await page.route('**/run/v1/chat/completions', (route) => {
    if (route.request().method() !== 'POST' || failed) return route.fallback();
    failed = true;
    return route.abort('connectionrefused');
  });
  const composer = await openAndAsk(page, 'Please do not lose this');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(composer).toHaveValue('Please do not lose this');
  await page.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  await expect(composer).toHaveValue('');
});

test('the conversation survives a reload; history opens and deletes it', async ({ page, site }) => {
  await page.goto(site.url);
  await openAndAsk(page, 'Remember me');
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(page.locator('inkeep-chat .user')).toContainText('Remember me');
  await expect(lastAnswer(page)).toContainText('Remember me');

  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.locator('inkeep-chat .message')).toHaveCount(0);
  await page.getByRole('button', { name: 'Past conversations' }).click();
  const entry = page.locator('inkeep-chat .conversation', { hasText: 'Remember me' });
  await expect(entry).toBeVisible();
  await entry.click();
  await expect(page.locator('inkeep-chat .user')).toContainText('Remember me');

  await page.getByRole('button', { name: 'Past conversations' }).click();
  await page.getByRole('button', { name: /Delete conversation: Remember me/ }).click();
  await expect(entry).toHaveCount(0);
  await expect(page.locator('inkeep-chat').getByText('No past conversations yet.')).toBeVisible();
});

test('XSS vectors echoed by the server execute nothing', async ({ page, startServers }) => {
  const { site } = await startServers({
    args: ['--responder', 'echo'],
    env: { INKEEP_RESPONDER_TOKEN_DELAY_MS: '0', INKEEP_CHAT_RATE_LIMIT: '1000' },
  });
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(site.url);
  await page.evaluate(() => {
    (window as unknown as { __sentinel: string }).__sentinel = 'untouched';
  });
  const vectors = xssVectors.map((vector) =>
    vector.replaceAll('alert(1)', 'window.__sentinel="pwned"'),
  );
  expect(vectors.length).toBeGreaterThanOrEqual(40);
  for (let index = 0; index < vectors.length; index += 10) {
    await openAndAsk(page, vectors.slice(index, index + 10).join('\n\n'));
    await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  }
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __sentinel: string }).__sentinel)).toBe(
    'untouched',
  );
  const unsafe = await page.evaluate(() => {
    const root = document.querySelector('inkeep-chat')?.shadowRoot;
    const found: string[] = [];
    for (const element of root?.querySelectorAll('.message *') ?? []) {
      for (const attribute of element.attributes) {
        if (attribute.name.startsWith('on')) found.push(`${element.tagName} ${attribute.name}`);
      }
      const tag = element.tagName.toUpperCase();
      const isIcon = (tag === 'SVG' || tag === 'PATH') && element.closest('button');
      const dangerous =
        /^(SCRIPT|IFRAME|OBJECT|EMBED|STYLE|IMG|FORM|SVG|PATH|MATH|BASE|META|LINK)$/;
      if (!isIcon && dangerous.test(tag)) found.push(tag);
      const href = element.getAttribute('href');
      if (href !== null && !/^(https?:|mailto:)/i.test(href)) found.push(`href=${href}`);
    }
    return found;
  });
  expect(unsafe).toEqual([]);
});

test('the host page styles do not leak in, and ours do not leak out', async ({ page, site }) => {
  await page.goto(site.url);
  const launcherBackground = await page
    .getByRole('button', { name: 'Open chat' })
    .evaluate((button) => getComputedStyle(button).backgroundColor);
  expect(launcherBackground).not.toBe('rgb(255, 105, 180)');
  const hostButton = await page.evaluate(() => {
    const button = document.createElement('button');
    button.textContent = 'host';
    document.body.append(button);
    return getComputedStyle(button).backgroundColor;
  });
  expect(hostButton).toBe('rgb(255, 105, 180)');
});
