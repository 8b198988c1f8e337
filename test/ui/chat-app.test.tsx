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

  it('shows the empty state before any message', () => {
    renderApp(async function* () {});
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(screen.getByRole('log').textContent).toContain(defaultStrings.emptyState);
  });

  it('shows a Stop button while streaming, and the stopped answer after it', async () => {
    let release: () => void = () => {};
    renderApp(async function* () {
      yield { type: 'text-delta', delta: 'Partial answer' };
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new DOMException('aborted', 'AbortError');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const composer = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(composer, { target: { value: 'Go' } });
    fireEvent.keyDown(composer, { key: 'Enter' });
    const stop = await screen.findByRole('button', { name: 'Stop' });
    const log = screen.getByRole('log');
    expect(log.querySelector('.assistant')?.getAttribute('aria-busy')).toBe('true');
    fireEvent.click(stop);
    release();
    await waitFor(() =>
      expect(log.querySelector('.assistant')?.getAttribute('data-status')).toBe('stopped'),
    );
    expect(log.textContent).toContain(defaultStrings.stopped);
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('marks an interrupted answer and offers Retry', async () => {
    renderApp(async function* () {
      yield { type: 'text-delta', delta: 'Half' };
      throw new InkeepChatError('stream_interrupted', 'The answer was interrupted.');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const composer = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(composer, { target: { value: 'Go' } });
    fireEvent.keyDown(composer, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByRole('log').querySelector('[data-status="interrupted"]')).toBeTruthy(),
    );
    expect(screen.getByRole('log').textContent).toContain(defaultStrings.interrupted);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('renders the end of a finished answer, which no longer carries its pieces, once', async () => {
    let release: () => void = () => {};
    renderApp(async function* () {
      yield { type: 'text-delta', delta: 'Hello ' };
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      yield { type: 'text-delta', delta: '**world**' };
      yield { type: 'text-delta', delta: ', again.' };
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const composer = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(composer, { target: { value: 'Go' } });
    fireEvent.keyDown(composer, { key: 'Enter' });
    const log = screen.getByRole('log');
    const answer = () => log.querySelector('.assistant .md')?.textContent;
    await waitFor(() => expect(answer()).toBe('Hello'));
    release();
    await waitFor(() =>
      expect(log.querySelector('.assistant')?.getAttribute('data-status')).toBe('complete'),
    );
    expect(answer()).toBe('Hello world, again.');
    expect(log.querySelector('.assistant .md strong')?.textContent).toBe('world');
  });

  it('counts down a rate limit in the alert', async () => {
    renderApp(async function* () {
      yield* [];
      throw new InkeepChatError('rate_limited', 'Too many requests', { retryAfter: 9 });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    const composer = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(composer, { target: { value: 'Again' } });
    fireEvent.keyDown(composer, { key: 'Enter' });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(/Sending again in [89] s/),
    );
  });

  it('lists, opens and deletes past conversations in the history view', async () => {
    const conversations = [
      {
        id: 'conv_a',
        title: 'First talk',
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      },
      {
        id: 'conv_b',
        title: 'Second talk',
        createdAt: '2026-01-02T00:00:00Z',
        updatedAt: '2026-01-02T00:00:00Z',
      },
    ];
    const deleted: string[] = [];
    const controller = createChatController({
      client: {
        async *streamChat() {},
        listConversations: async () => ({
          data: conversations.filter((item) => !deleted.includes(item.id)),
          pagination: { page: 1, limit: 20, total: 2, pages: 1 },
        }),
        getConversation: async (id: string) => ({
          ...conversations.find((item) => item.id === id)!,
          messages: [
            { id: 'm1', role: 'user', content: 'Earlier question', parts: [], createdAt: '' },
            { id: 'm2', role: 'assistant', content: 'Earlier *answer*', parts: [], createdAt: '' },
          ],
        }),
        deleteConversation: async (id: string) => {
          deleted.push(id);
        },
      },
    });
    render(
      <ChatApp
        controller={controller}
        session={session().view}
        strings={defaultStrings}
        mode="inline"
        open={false}
        onOpenChange={() => {}}
        colorMode="auto"
        position="bottom-right"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Past conversations' }));
    await screen.findByText('First talk');
    fireEvent.click(screen.getByRole('button', { name: 'Delete conversation: First talk' }));
    await waitFor(() => expect(screen.queryByText('First talk')).toBeNull());
    expect(deleted).toEqual(['conv_a']);
    fireEvent.click(screen.getByText('Second talk'));
    const log = await screen.findByRole('log');
    await waitFor(() => expect(log.querySelector('.assistant em')?.textContent).toBe('answer'));
    expect(controller.getState().conversationId).toBe('conv_b');
  });

  it('shows earlier messages of a resumed conversation on request, keeping focus in the log', async () => {
    const stored = (index: number) => ({
      id: `msg_${index}`,
      role: index % 2 ? ('assistant' as const) : ('user' as const),
      content: `Message ${index}`,
      parts: [],
      createdAt: '',
    });
    const asked: (string | undefined)[] = [];
    const controller = createChatController({
      client: {
        async *streamChat() {},
        getConversation: async (id: string, { before }: { before?: string | undefined } = {}) => {
          asked.push(before);
          const end = before === undefined ? 5 : Number(before.slice(4));
          const start = Math.max(0, end - 2);
          return {
            id,
            title: 'Long',
            createdAt: '',
            updatedAt: '',
            messages: [start, start + 1].filter((index) => index < end).map(stored),
            hasMore: start > 0,
          };
        },
      },
      memory: { get: () => 'conv_long', set: () => {} },
    });
    await controller.restore();
    render(
      <ChatApp
        controller={controller}
        session={session().view}
        strings={defaultStrings}
        mode="inline"
        open={false}
        onOpenChange={() => {}}
        colorMode="auto"
        position="bottom-right"
      />,
    );
    const log = screen.getByRole('log');
    const texts = () => [...log.querySelectorAll('.message')].map((node) => node.textContent);
    expect(texts().join()).toMatch(/Message 3.*Message 4/);
    const button = screen.getByRole('button', { name: 'Show earlier messages' });
    // The button comes first in the log, before the oldest message shown.
    expect(log.firstElementChild).toBe(button);
    button.focus();
    fireEvent.click(button);
    await waitFor(() => expect(texts()).toHaveLength(4));
    expect(texts()[0]).toContain('Message 1');
    expect(document.activeElement).toBe(button);
    expect(screen.getByRole('button', { name: 'Show earlier messages' })).toBe(button);
    fireEvent.click(button);
    await waitFor(() => expect(texts()).toHaveLength(5));
    expect(asked).toEqual([undefined, 'msg_3', 'msg_1']);
    // The last page is in: the button is gone and focus stays in the conversation.
    expect(screen.queryByRole('button', { name: 'Show earlier messages' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(log));
  });

  it('uses overridden strings, language and direction', () => {
    const controller = createChatController({ client: { async *streamChat() {} } });
    const { container } = render(
      <ChatApp
        controller={controller}
        session={session().view}
        strings={{ ...defaultStrings, openChat: 'فتح المحادثة' }}
        mode="floating"
        open={false}
        onOpenChange={() => {}}
        colorMode="dark"
        position="bottom-left"
        lang="ar"
        dir="rtl"
      />,
    );
    expect(screen.getByRole('button', { name: 'فتح المحادثة' })).toBeTruthy();
    const root = container.querySelector('.root');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(root?.getAttribute('lang')).toBe('ar');
    expect(root?.classList.contains('dark')).toBe(true);
    expect(root?.classList.contains('left')).toBe(true);
  });
});
