import { expect, test } from './fixtures.ts';

/**
 * A hostile answer of about 50 KB in one paragraph: unclosed and mismatched emphasis, runs of
 * backticks, bracket nests and half-written links, the inputs that once made rendering quadratic.
 */
function adversarialAnswer(): string {
  const pieces = ['*a ', '**b _c ', '```d ', '``e ', '[f [g ', '[h](i ', '](j) ', 'k* l_ '];
  let text = '';
  for (let index = 0; text.length < 50_000; index++) text += pieces[index % pieces.length];
  return `${text}THE-END`;
}

test('a 50 KB adversarial answer streams to its end while the host page stays responsive', async ({
  page,
  startServers,
}) => {
  // The echo responder answers with the question itself: the hostile text comes back streamed.
  const { site } = await startServers({
    env: {
      INKEEP_RESPONDER_TOKEN_DELAY_MS: '1',
      INKEEP_MAX_MESSAGE_LENGTH: '60000',
      INKEEP_BODY_LIMIT_BYTES: '262144',
    },
    args: ['--responder', 'echo'],
  });
  await page.goto(site.url);
  await page.evaluate(() => {
    const host = window as unknown as { hostClicks: string[] };
    host.hostClicks = [];
    const button = document.createElement('button');
    button.textContent = 'Host action';
    button.style.cssText = 'position:fixed;top:8px;left:8px;z-index:1';
    // The host's own handler records what the widget's answer was doing when it ran.
    button.addEventListener('click', () => {
      const chat = document.querySelector('inkeep-chat')!;
      const answers = chat.shadowRoot!.querySelectorAll<HTMLElement>('.assistant');
      host.hostClicks.push(answers[answers.length - 1]?.dataset.status ?? 'none');
    });
    document.body.append(button);
  });

  const text = adversarialAnswer();
  await page.evaluate((text) => {
    (document.querySelector('inkeep-chat') as HTMLElement & { send(text: string): void }).send(
      text,
    );
  }, text);
  const answer = page.locator('inkeep-chat .assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await page.getByRole('button', { name: 'Host action' }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { hostClicks: string[] }).hostClicks))
    .toEqual(['streaming']);

  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 120_000 });
  await expect(answer).toContainText('THE-END');
  // All of it is shown: markup characters and link targets aside, the text is there.
  const shown = await answer.locator('.md').evaluate((node) => node.textContent ?? '');
  expect(shown.replace(/[^a-h]/g, '').length).toBeGreaterThan(
    text.replace(/[^a-h]/g, '').length * 0.9,
  );
});
