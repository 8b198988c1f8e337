import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const lastAnswer = (page: Page) => page.locator('inkeep-chat .assistant').last();

test('Retry and Regenerate replace the answer: after a reload, one question and one answer', async ({
  page,
  startServers,
}) => {
  // Echo answers with the question, a few characters every 40 ms: slow enough to Stop midway.
  const { api, site } = await startServers({
    env: { INKEEP_RESPONDER_TOKEN_DELAY_MS: '40' },
    args: ['--responder', 'echo'],
  });
  // Long enough (about 60 pieces, 2.4 s) that Stop lands while it streams, even on a busy machine.
  const question = Array.from(
    { length: 6 },
    (_, index) => `Part ${index}: tell me about regenerating answers without duplicates.`,
  ).join(' ');
  let authorization = '';
  let conversationId = '';
  page.on('request', async (request) => {
    if (!request.url().endsWith('/run/v1/chat/completions') || request.method() !== 'POST') return;
    authorization = (await request.allHeaders()).authorization ?? authorization;
  });
  page.on('response', (response) => {
    conversationId = response.headers()['x-inkeep-conversation-id'] ?? conversationId;
  });
  const stored = async () => {
    const response = await page.request.get(`${api.url}/run/v1/conversations/${conversationId}`, {
      headers: { authorization, origin: new URL(site.url).origin },
    });
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { data: { messages: { role: string }[] } };
    return body.data.messages.map((message) => message.role);
  };

  // The first answer is stored whole on the server, but the connection drops halfway here.
  let cut = false;
  await page.route('**/run/v1/chat/completions', async (route) => {
    if (route.request().method() !== 'POST' || cut) return route.fallback();
    cut = true;
    const response = await route.fetch();
    const events = (await response.text()).split('\n\n').slice(0, 3);
    await route.fulfill({ response, body: `${events.join('\n\n')}\n\n` });
  });

  await page.goto(site.url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(question);
  await composer.press('Enter');
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'interrupted');
  await expect.poll(stored).toEqual(['user', 'assistant']);

  // Retry replaces the stored answer.
  await page.getByRole('alert').getByRole('button', { name: 'Retry' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastAnswer(page)).toContainText(question);
  expect(await stored()).toEqual(['user', 'assistant']);

  // Regenerate, stopped midway: the server keeps the part that arrived, in place of the answer.
  await lastAnswer(page).getByRole('button', { name: 'Regenerate answer' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'streaming');
  await expect(lastAnswer(page).locator('.md')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'stopped');
  await expect.poll(stored).toEqual(['user', 'assistant']);

  // Regenerate again, to the end.
  await lastAnswer(page).getByRole('button', { name: 'Regenerate answer' }).click();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'complete');
  await expect(lastAnswer(page)).toContainText(question);
  expect(await stored()).toEqual(['user', 'assistant']);

  await page.reload();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await expect(lastAnswer(page)).toContainText(question);
  await expect(page.locator('inkeep-chat .user')).toHaveCount(1);
  await expect(page.locator('inkeep-chat .assistant')).toHaveCount(1);
  await expect(page.locator('inkeep-chat .user')).toContainText(question);
  const response = await page.request.get(`${api.url}/run/v1/conversations/${conversationId}`, {
    headers: { authorization, origin: new URL(site.url).origin },
  });
  const body = (await response.json()) as {
    data: { messages: { role: string; content: string }[] };
  };
  expect(body.data.messages.map(({ role, content }) => [role, content])).toEqual([
    ['user', question],
    ['assistant', question],
  ]);
});
