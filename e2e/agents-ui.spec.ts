// Inkeep's own published chat widget (@inkeep/agents-ui, React) in app-id mode, unchanged,
// against our Run API server: proof of work, anonymous session, the AI SDK chat stream,
// feedback, and reopening a conversation by its `conversationId` setting after a reload.
import { expect, type Page, type Request, test } from '@playwright/test';
import { buildHostPage, type HostPage } from './agents-ui/build-host-page.ts';
import { type StaticSite, serveDirectory } from './agents-ui/serve-directory.ts';
import { type RunningProcess, startApiServer } from './servers.ts';

const adminKey = 'e2e-agents-ui-admin-key-0123456789abcdef';

// Generous, hooks included: a server start (its embedded database opens first), a bundle built,
// and a proof of work solved on the page's main thread for each call, on a machine often busy.
test.describe.configure({ timeout: 180_000 });

let host: HostPage;
let site: StaticSite;
let api: RunningProcess;

test.beforeAll(async () => {
  host = await buildHostPage();
  site = await serveDirectory(host.directory);
});

test.afterAll(async () => {
  await site?.close();
  host?.remove();
});

test.beforeEach(async () => {
  api = await startApiServer(
    {
      INKEEP_POW_HMAC_SECRET: 'e2e-pow-secret-that-is-long-enough-0123',
      INKEEP_ADMIN_API_KEY: adminKey,
    },
    ['--responder', 'echo'],
  );
});

test.afterEach(async () => {
  await api?.stop();
});

/** The widget's messages (inside its shadow root, which locators pierce). */
const messages = (page: Page, role: 'user' | 'assistant') =>
  page.locator(`[data-part="ai-chat-message-wrapper"][data-role="${role}"]`);

interface ChatBody {
  id: string;
  conversationId: string;
  messages: { id: string; role: string; parts: { type: string; text: string }[] }[];
  trigger: string;
}

test('Inkeep’s agents-ui widget gets a session, chats, rates an answer and reopens the chat', async ({
  page,
  context,
}) => {
  // Only loopback: anything else the widget asks for is refused and remembered.
  const elsewhere: string[] = [];
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      elsewhere.push(route.request().url());
      return route.abort();
    },
  );
  const calls: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(api.url) && request.method() !== 'OPTIONS') calls.push(request);
  });
  const path = (request: Request) => new URL(request.url()).pathname;
  const chatRequests = () => calls.filter((request) => path(request) === '/run/api/chat');

  // A session, after solving the proof of work the server offers.
  const session = page.waitForResponse(
    (response) =>
      response.url() === `${api.url}/run/auth/apps/app_demo/anonymous-session` &&
      response.request().method() === 'POST',
  );
  const hostUrl = `${site.url}/?baseUrl=${encodeURIComponent(api.url)}&appId=app_demo`;
  await page.goto(hostUrl);
  const sessionResponse = await session;
  expect(sessionResponse.status()).toBe(200);
  expect(await sessionResponse.request().headerValue('x-inkeep-challenge-solution')).toBeTruthy();
  expect(calls.some((request) => path(request) === '/run/auth/pow/challenge')).toBe(true);

  // A first question, answered (the echo responder repeats it).
  const composer = page.getByRole('textbox').first();
  const first = 'How does proof of work keep bots out?';
  const firstAnswer = page.waitForResponse(`${api.url}/run/api/chat`);
  await composer.fill(first);
  await composer.press('Enter');
  const firstResponse = await firstAnswer;
  expect(firstResponse.status()).toBe(200);
  expect(firstResponse.headers()['x-vercel-ai-ui-message-stream']).toBe('v1');
  await expect(messages(page, 'assistant').filter({ hasText: first })).toHaveCount(1);

  // A second one, in the same conversation.
  const second = 'And what happens when my session expires?';
  await composer.fill(second);
  await composer.press('Enter');
  await expect(messages(page, 'assistant').filter({ hasText: second })).toHaveCount(1);
  const [firstChat, secondChat] = chatRequests();
  const firstBody = firstChat?.postDataJSON() as ChatBody;
  const secondBody = secondChat?.postDataJSON() as ChatBody;
  expect(firstBody.conversationId).toMatch(/^conv_[A-Za-z0-9_-]{16,}$/);
  expect(secondBody.conversationId).toBe(firstBody.conversationId);
  expect(secondBody.trigger).toBe('submit-message');
  expect(secondBody.messages.map((message) => message.parts[0]?.text)).toEqual([second]);
  // Each call carries its own fresh solution, which the server accepts and ignores.
  const solutions = await Promise.all(
    chatRequests().map((request) => request.headerValue('x-inkeep-challenge-solution')),
  );
  expect(new Set(solutions).size).toBe(2);

  // Thumbs up on the second answer: 201 with JSON, stored on the server.
  const feedback = page.waitForResponse(`${api.url}/run/v1/feedback`);
  const secondAnswer = messages(page, 'assistant').filter({ hasText: second });
  await secondAnswer.getByRole('button', { name: 'Upvote Message' }).click();
  const feedbackResponse = await feedback;
  expect(feedbackResponse.status()).toBe(201);
  expect(feedbackResponse.headers()['content-type']).toContain('application/json');
  expect(await feedbackResponse.json()).toBeTruthy();
  const rated = feedbackResponse.request().postDataJSON() as {
    conversationId: string;
    messageId: string;
    type: string;
  };
  expect(rated).toMatchObject({ conversationId: firstBody.conversationId, type: 'positive' });

  // Thumbs down on the first answer, with a comment: the owner sees it with its question.
  const downvote = page.waitForResponse(`${api.url}/run/v1/feedback`);
  const firstAnswerMessage = messages(page, 'assistant').filter({ hasText: first });
  await firstAnswerMessage.getByRole('button', { name: 'Downvote Message' }).click();
  await page.getByLabel('Please provide details').fill('It never said how hard the puzzle is');
  await page.getByRole('button', { name: 'Submit' }).click();
  expect((await downvote).status()).toBe(201);
  const summary = await page.request.get(
    `${api.url}/manage/tenants/default/projects/default/apps/app_demo/feedback`,
    { headers: { 'x-api-key': adminKey } },
  );
  expect(summary.status()).toBe(200);
  expect(await summary.json()).toMatchObject({
    counts: { positive: 1, negative: 1 },
    latestNegative: [
      {
        conversationId: firstBody.conversationId,
        question: first,
        answer: first,
        details: 'It never said how hard the puzzle is',
      },
    ],
  });

  // After a reload the host passes the conversation back as `conversationId`: the widget reads
  // it from the server and shows both exchanges again.
  const reopened = page.waitForResponse(
    (response) =>
      response.url().startsWith(`${api.url}/run/v1/conversations/${firstBody.conversationId}`) &&
      response.request().method() === 'GET',
  );
  await page.reload();
  const reopenedResponse = await reopened;
  expect(reopenedResponse.status()).toBe(200);
  // The answers keep the ids the stream announced: the rated one is found by its id.
  const { data } = (await reopenedResponse.json()) as {
    data: { messages: { id: string; role: string; parts: { type: string; text: string }[] }[] };
  };
  const ratedAnswer = data.messages.find((message) => message.id === rated.messageId);
  expect(ratedAnswer?.role).toBe('assistant');
  expect(ratedAnswer?.parts).toEqual([{ type: 'text', text: second }]);
  await expect(messages(page, 'user')).toHaveCount(2);
  await expect(messages(page, 'user').nth(0)).toContainText(first);
  await expect(messages(page, 'user').nth(1)).toContainText(second);
  await expect(messages(page, 'assistant').filter({ hasText: first })).toHaveCount(1);
  await expect(messages(page, 'assistant').filter({ hasText: second })).toHaveCount(1);

  // The reopened conversation goes on: the next question lands in it.
  const third = 'Thanks, one more: where are my chats kept?';
  await page.getByRole('textbox').first().fill(third);
  await page.getByRole('textbox').first().press('Enter');
  await expect(messages(page, 'assistant').filter({ hasText: third })).toHaveCount(1);
  const thirdBody = chatRequests().at(-1)?.postDataJSON() as ChatBody | undefined;
  expect(thirdBody?.conversationId).toBe(firstBody.conversationId);

  // Cleared, then found in the chat history under its title (the first question): reopened.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(messages(page, 'user')).toHaveCount(0);
  const listed = page.waitForResponse(`${api.url}/run/v1/conversations?page=1&limit=25`);
  await page.getByRole('button', { name: 'Chat history' }).click();
  expect((await listed).status()).toBe(200);
  await page.getByText(first, { exact: true }).click();
  await expect(messages(page, 'user')).toHaveCount(3);
  await expect(messages(page, 'assistant').filter({ hasText: third })).toHaveCount(1);
  expect(elsewhere).toEqual([]);
});
