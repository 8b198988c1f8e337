import { expect, test } from './fixtures.ts';

// A resumed long conversation opens with its latest messages; earlier ones come a page at a
// time from a button at the top, reachable by keyboard, without moving what is being read.
test('a resumed long conversation shows earlier messages on request', async ({
  page,
  startServers,
}) => {
  const { site } = await startServers({ args: ['--responder', 'echo'] });
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(site.url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  const sent = page.waitForRequest('**/run/v1/chat/completions');
  await composer.fill('Hello');
  await composer.press('Enter');
  const chat = await sent;
  const chatHeaders = await chat.allHeaders();
  const messages = page.locator('inkeep-chat .message');
  await expect(messages.last()).toHaveAttribute('data-status', 'complete');

  // This visitor stores a 120-message conversation (100 messages at most per request: a start
  // of 99 and its answer, then ten turns), and it becomes the one the widget remembers.
  const conversationId = await page.evaluate(
    async ({ url, headers }) => {
      const post = async (body: object) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, stream: false }),
        });
        if (!response.ok) throw new Error(await response.text());
        return response.headers.get('x-inkeep-conversation-id') ?? '';
      };
      const start = Array.from({ length: 99 }, (_, index) => ({
        role: index % 2 === 0 ? 'user' : 'assistant',
        content: `Message ${index + 1}`,
      }));
      const id = await post({ messages: start });
      for (let turn = 101; turn < 120; turn += 2) {
        await post({
          conversationId: id,
          messages: [{ role: 'user', content: `Message ${turn}` }],
        });
      }
      const key = Object.keys(localStorage).find((name) =>
        name.startsWith('inkeep-chat:conversation:'),
      );
      if (key) localStorage.setItem(key, id);
      return id;
    },
    {
      url: chat.url(),
      headers: {
        authorization: chatHeaders.authorization ?? '',
        'x-inkeep-app-id': chatHeaders['x-inkeep-app-id'] ?? '',
      },
    },
  );
  expect(conversationId).toMatch(/^conv_/);

  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(messages).toHaveCount(50);
  await expect(messages.first()).toContainText('Message 71');
  const earlier = page.getByRole('button', { name: 'Show earlier messages' });
  const log = page.locator('inkeep-chat [role="log"]');
  await log.evaluate((element) => {
    element.scrollTop = 0;
  });
  await page.screenshot({ path: 'test-results/screenshots/history-paging.png' });

  // By keyboard: the button is reached with Tab from the log and pressed with Enter.
  await log.focus();
  await page.keyboard.press('Tab');
  await expect(earlier).toBeFocused();
  const oldestShown = messages.filter({ hasText: 'Message 71' });
  const before = await oldestShown.boundingBox();
  await page.keyboard.press('Enter');
  await expect(messages).toHaveCount(100);
  await expect(messages.first()).toContainText('Message 21');
  // What was being read stays where it was; the button keeps focus for the next page.
  const after = await oldestShown.boundingBox();
  expect(Math.abs((after?.y ?? 0) - (before?.y ?? 0))).toBeLessThan(2);
  await expect(earlier).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(messages).toHaveCount(120);
  await expect(earlier).toHaveCount(0);
  await expect(log).toBeFocused();
  await log.evaluate((element) => {
    element.scrollTop = 0;
  });
  await expect(messages.first()).toContainText('Message 1');
  await expect(messages.first()).toBeInViewport();
  await page.screenshot({ path: 'test-results/screenshots/history-paging-all.png' });
});
