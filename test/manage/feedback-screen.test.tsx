// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackSummary } from '../../src/contract/feedback.ts';
import { FeedbackScreen } from '../../src/manage/feedback-screen.tsx';
import { ManageApiError } from '../../src/manage/manage-api-error.ts';
import { fakeClient, makeApp } from './fake-manage-client.ts';

afterEach(cleanup);

const summary: FeedbackSummary = {
  counts: { positive: 3, negative: 1 },
  latestNegative: [
    {
      conversationId: 'conv_abcdefghijklmnop',
      messageId: 'msg_1',
      details: 'It ignored my plan name',
      createdAt: '2026-11-02T10:00:00.000Z',
      question: 'How do I upgrade my plan?',
      answer: 'You can upgrade from the billing page…',
    },
  ],
};

describe('FeedbackScreen', () => {
  it('shows each app’s counts and latest negative feedback with its question and answer', async () => {
    const asked: string[] = [];
    const client = fakeClient({
      listApps: async () => [makeApp(), makeApp({ id: 'app_support', name: 'Support' })],
      appFeedback: async (id) => {
        asked.push(id);
        return id === 'app_docs'
          ? summary
          : { counts: { positive: 0, negative: 0 }, latestNegative: [] };
      },
    });
    render(<FeedbackScreen client={client} />);
    const docs = within(await screen.findByRole('article', { name: 'Docs' }));
    expect(await docs.findByText('How do I upgrade my plan?')).toBeTruthy();
    expect(docs.getByText('It ignored my plan name')).toBeTruthy();
    expect(docs.getByText('You can upgrade from the billing page…')).toBeTruthy();
    expect(docs.getByText('3')).toBeTruthy();
    expect(docs.getByText('1')).toBeTruthy();
    const support = within(screen.getByRole('article', { name: 'Support' }));
    expect(await support.findByText('No negative feedback yet.')).toBeTruthy();
    expect(asked.sort()).toEqual(['app_docs', 'app_support']);
  });

  it('says when a negative has no comment and no question', async () => {
    const [first] = summary.latestNegative;
    const client = fakeClient({
      listApps: async () => [makeApp()],
      appFeedback: async () => ({
        ...summary,
        latestNegative: first ? [{ ...first, details: null, question: null }] : [],
      }),
    });
    render(<FeedbackScreen client={client} />);
    expect(await screen.findByText('No comment')).toBeTruthy();
    expect(screen.getByText('None')).toBeTruthy();
  });

  it('shows a failure next to a reload button that tries again', async () => {
    let calls = 0;
    const client = fakeClient({
      listApps: async () => [makeApp()],
      appFeedback: async () => {
        calls += 1;
        if (calls === 1) throw new ManageApiError(403, 'forbidden', 'Key lacks the manage scope');
        return summary;
      },
    });
    render(<FeedbackScreen client={client} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not allowed: Key lacks the manage scope.');
    fireEvent.click(screen.getByRole('button', { name: 'Reload feedback of Docs' }));
    expect(await screen.findByText('How do I upgrade my plan?')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so when there are no apps, and when the apps cannot be listed', async () => {
    render(<FeedbackScreen client={fakeClient()} />);
    expect(await screen.findByText('No apps yet, so no feedback.')).toBeTruthy();
    cleanup();
    render(
      <FeedbackScreen
        client={fakeClient({
          listApps: () => Promise.reject(new TypeError('fetch failed')),
        })}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not be reached/);
    expect(screen.getByRole('button', { name: 'Reload apps' })).toBeTruthy();
  });
});
