// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ActivityRange,
  AppActivity,
  LoggedConversation,
  LoggedConversationDetail,
} from '../../src/contract/activity.ts';
import { ActivityScreen } from '../../src/manage/activity-screen.tsx';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { fakeClient, makeApp } from './fake-manage-client.ts';

afterEach(cleanup);

function activity(appId: string, range: ActivityRange, chats: number): AppActivity {
  const count = range === '24h' ? 24 : 30;
  const ms = range === '24h' ? 3_600_000 : 86_400_000;
  const from = Date.parse('2026-11-02T00:00:00.000Z');
  const series = Array.from({ length: count }, (_, index) => ({
    start: new Date(from + index * ms).toISOString(),
    sessions: index === count - 1 ? 4 : 0,
    sessionRefusals: 0,
    chats: index === count - 1 ? chats : 0,
    chatRefusals: index === count - 1 ? 2 : 0,
    feedbackPositive: 0,
    feedbackNegative: 0,
  }));
  return {
    appId,
    range,
    bucket: range === '24h' ? 'hour' : 'day',
    from: series[0]?.start ?? '',
    to: new Date(from + count * ms).toISOString(),
    totals: {
      sessions: 4,
      sessionRefusals: 0,
      chats,
      chatRefusals: 2,
      feedbackPositive: 3,
      feedbackNegative: 1,
    },
    refusals: [{ kind: 'chat', reason: 'rate_limit_exceeded', count: 2 }],
    series,
  };
}

const conversation = (id: string, title: string): LoggedConversation => ({
  id,
  title,
  visitor: '0123456789abcdef',
  messageCount: 2,
  createdAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-02T10:00:05.000Z',
  feedback: { positive: 1, negative: 0 },
});

describe('ActivityScreen', () => {
  it('shows totals, chart and refusals, and switches range and app', async () => {
    const asked: string[] = [];
    const client = fakeClient({
      listApps: async () => [makeApp(), makeApp({ id: 'app_support', name: 'Support' })],
      appActivity: async (id, range) => {
        asked.push(`${id} ${range}`);
        return activity(id, range, range === '24h' ? 7 : 70);
      },
    });
    const { container } = render(<ActivityScreen client={client} />);
    const total = (name: string) => container.querySelector(`[data-total="${name}"]`)?.textContent;
    await expect.poll(() => total('chats')).toBe('7');
    expect(container.querySelector('[data-total="refusals"]')?.textContent).toBe('2');
    expect(container.querySelector('[data-total="positive"]')?.textContent).toBe('3');
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toMatch(
      /per hour over the last 24 hours: 4 sessions, 7 chats, 2 refusals/,
    );
    expect(container.querySelectorAll('.activity-table tbody tr')).toHaveLength(24);
    expect(screen.getByText('rate_limit_exceeded')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Last 30 days' }));
    await expect.poll(() => total('chats')).toBe('70');
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(
      /per day over the last 30 days/,
    );
    expect(screen.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe(
      'true',
    );

    fireEvent.change(screen.getByLabelText('App'), { target: { value: 'app_support' } });
    await expect.poll(() => asked).toContain('app_support 30d');
    expect(asked.slice(0, 2)).toEqual(['app_docs 24h', 'app_docs 30d']);
  });

  it('pages the conversation log and opens a conversation with its TTFT and rating', async () => {
    const cursors: (string | undefined)[] = [];
    const detail: LoggedConversationDetail = {
      ...conversation('conv_first_aaaaaaaaaaaa', 'How do I export?'),
      messages: [
        {
          id: 'msg_q',
          role: 'user',
          content: 'How do I export?',
          createdAt: '2026-11-02T10:00:00.000Z',
          timeToFirstTokenMs: null,
          feedback: null,
        },
        {
          id: 'msg_a',
          role: 'assistant',
          content: 'From the billing page.',
          createdAt: '2026-11-02T10:00:05.000Z',
          timeToFirstTokenMs: 1250,
          feedback: {
            type: 'negative',
            details: 'Where is it?',
            createdAt: '2026-11-02T10:01:00.000Z',
          },
        },
      ],
    };
    const client = fakeClient({
      listApps: async () => [makeApp()],
      appActivity: async (id, range) => activity(id, range, 1),
      listConversations: async (_id, page) => {
        cursors.push(page?.cursor);
        return page?.cursor
          ? { items: [conversation('conv_second_aaaaaaaaaaa', 'Second page')], next: null }
          : { items: [conversation('conv_first_aaaaaaaaaaaa', 'How do I export?')], next: 'c1' };
      },
      getConversation: async () => detail,
    });
    render(<ActivityScreen client={client} />);
    const log = await screen.findByRole('list', { name: 'Conversations of Docs' });
    expect(within(log).getByText('0123456789abcdef')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByText('Second page')).toBeTruthy();
    expect(cursors).toEqual([undefined, 'c1']);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: /How do I export\?/ }));
    const messages = await screen.findByRole('list', { name: 'Messages' });
    expect(within(messages).getByText('From the billing page.')).toBeTruthy();
    expect(messages.textContent).toContain('First token after 1.3 s');
    expect(messages.textContent).toContain('Rated not helpful: “Where is it?”');
    fireEvent.click(screen.getByRole('button', { name: 'Back to conversations' }));
    expect(await screen.findByRole('list', { name: 'Conversations of Docs' })).toBeTruthy();
  });

  it('shows a failure next to a reload button', async () => {
    const client = fakeClient({
      listApps: async () => [makeApp()],
      appActivity: async () => {
        throw new ManageApiError(503, 'service_unavailable', 'Database unavailable');
      },
    });
    render(<ActivityScreen client={client} />);
    expect((await screen.findAllByRole('alert'))[0]?.textContent).toContain('Database unavailable');
    expect(screen.getByRole('button', { name: 'Reload activity of Docs' })).toBeTruthy();
  });
});
