import AxeBuilder from '@axe-core/playwright';
import { chatThrough } from './chat-through.ts';
import { expect, test } from './fixtures.ts';

const adminKey = 'feedback-admin-key-feedback-admin-key-0123';

test('a visitor rates answers with the mouse and the keyboard; the ratings reach the server', async ({
  page,
  startServers,
}) => {
  const { api, site } = await startServers({ env: { INKEEP_ADMIN_API_KEY: adminKey } });
  await page.goto(site.url);
  await page.evaluate(() => {
    const host = window as unknown as { ratings: unknown[] };
    host.ratings = [];
    document.addEventListener('inkeep-chat-feedback', (event) => {
      host.ratings.push((event as CustomEvent).detail);
    });
  });
  const chat = page.locator('inkeep-chat');
  const first = await chatThrough(chat, 'How do I embed the widget?');

  // Mouse: a thumbs-up is pressed and announced.
  const good = first.getByRole('button', { name: 'Good answer' });
  await good.click();
  await expect(good).toHaveAttribute('aria-pressed', 'true');
  await expect(first.getByRole('status')).toHaveText('Thanks for your feedback.');

  // Keyboard: a thumbs-down on the next answer, then a comment that replaces it.
  const second = await chatThrough(chat, 'Does it work with a strict CSP?');
  const bad = second.getByRole('button', { name: 'Bad answer' });
  await bad.focus();
  await page.keyboard.press('Enter');
  const comment = second.getByRole('textbox', { name: 'What was wrong? (optional)' });
  await expect(comment).toBeFocused();
  await expect(bad).toHaveAttribute('aria-pressed', 'true');
  expect((await new AxeBuilder({ page }).include('inkeep-chat').analyze()).violations).toEqual([]);
  await page.keyboard.type('It missed the nonce option');
  await page.keyboard.press('Enter');
  await expect(comment).toHaveCount(0);
  await expect(bad).toBeFocused();
  await expect(second.getByRole('status')).toHaveText('Thanks for your feedback.');
  expect((await new AxeBuilder({ page }).include('inkeep-chat').analyze()).violations).toEqual([]);

  // The page heard each stored rating; the server keeps one per answer.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { ratings: unknown[] }).ratings.length))
    .toBe(3);
  const ratings = await page.evaluate(
    () => (window as unknown as { ratings: { type: string; details?: string }[] }).ratings,
  );
  expect(ratings.map(({ type, details }) => [type, details])).toEqual([
    ['positive', undefined],
    ['negative', undefined],
    ['negative', 'It missed the nonce option'],
  ]);
  const summary = await page.request.get(
    `${api.url}/manage/tenants/default/projects/default/apps/app_demo/feedback`,
    { headers: { authorization: `Bearer ${adminKey}` } },
  );
  expect(summary.status()).toBe(200);
  const body = (await summary.json()) as {
    counts: { positive: number; negative: number };
    latestNegative: { details: string; question: string }[];
  };
  expect(body.counts).toEqual({ positive: 1, negative: 1 });
  expect(body.latestNegative[0]).toMatchObject({
    details: 'It missed the nonce option',
    question: 'Does it work with a strict CSP?',
  });
});
