// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../src/chat/create-chat-client.ts';
import { InkeepChatError } from '../../src/errors.ts';
import { ChatApp, type SessionView } from '../../src/ui/chat-app.tsx';
import { createChatController } from '../../src/ui/create-chat-controller.ts';
import { defaultStrings } from '../../src/ui/strings.ts';

function session(state: { status: string; error?: InkeepChatError } = { status: 'ready' }) {
  let prewarms = 0;
  const view: SessionView = {
    subscribe(listener) {
      listener(state);
      return () => {};
    },
    prewarm() {
      prewarms++;
    },
  };
  return { view, prewarms: () => prewarms };
}

function renderApp(
  streamChat: () => AsyncGenerator<ChatStreamEvent>,
  sessionState?: { status: string; error?: InkeepChatError },
) {
  const controller = createChatController({ client: { streamChat } });
  const fakeSession = session(sessionState);
  let open = false;
  const props = () => ({
    controller,
    session: fakeSession.view,
    strings: defaultStrings,
    mode: 'floating' as const,
    open,
    onOpenChange: (next: boolean) => {
      open = next;
      result.rerender(<ChatApp {...props()} />);
    },
    colorMode: 'light' as const,
    position: 'bottom-right',
  });
  const result = render(<ChatApp {...props()} />);
  return { ...result, fakeSession };
}

afterEach(cleanup);

describe('ChatApp', () => {
  it('opens from a labelled launcher, sends with Enter and shows the streamed answer', async () => {
    const { fakeSession } = renderApp(async function* () {
      yield { type: 'text-delta', delta: 'Hello **there**' };
      yield { type: 'text-end', finishReason: 'stop' };
    });
    const launcher = screen.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    fireEvent.focus(launcher);
    expect(fakeSession.prewarms()).toBe(1);
    fireEvent.click(launcher);

    const composer = screen.getByRole('textbox', { name: 'Message' });
    expect(screen.getByRole('button', { name: 'Close chat', expanded: true })).toBeTruthy();
    fireEvent.input(composer, { target: { value: 'Hi' } });
    fireEvent.keyDown(composer, { key: 'Enter' });

    const log = screen.getByRole('log');
    await waitFor(() => expect(log.querySelector('.assistant strong')?.textContent).toBe('there'));
    expect(log.querySelector('.user')?.textContent).toContain('Hi');
    expect((composer as HTMLTextAreaElement).value).toBe('');
  });

  it('shows a session failure as an alert with the message', () => {
    renderApp(async function* () {}, {
      status: 'error',
      error: new InkeepChatError(
        'origin_not_allowed',
        'This site is not allowed to use this chat.',
      ),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(screen.getByRole('alert').textContent).toContain('not allowed');
  });

  it('keeps the typed text in the composer when sending fails', async () => {
    renderApp(async function* () {
      yield* [];
      throw new InkeepChatError('network', 'The chat server cannot be reached.');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const composer = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
    fireEvent.input(composer, { target: { value: 'do not lose me' } });
    fireEvent.keyDown(composer, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('cannot be reached'),
    );
    expect(composer.value).toBe('do not lose me');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
