import { expect, type Locator } from '@playwright/test';

/**
 * Chats once through the widget in `scope` (an `<inkeep-chat>` locator, or a page): opens the
 * panel if it has a launcher, sends `text` and waits for the complete answer, which the demo
 * server's responders always make mention the question.
 */
export async function chatThrough(scope: Locator, text: string): Promise<Locator> {
  const launcher = scope.getByRole('button', { name: 'Open chat' });
  if (await launcher.count()) await launcher.click();
  const composer = scope.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
  const answer = scope.locator('.assistant').last();
  await expect(answer).toHaveAttribute('data-status', 'complete');
  await expect(answer).toContainText(text);
  return answer;
}
