import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConversationSummary } from '../chat/create-chat-client.ts';
import { InkeepChatError, isAbortError } from '../errors.ts';
import type { ChatController } from './create-chat-controller.ts';
import { TrashIcon } from './icons.tsx';
import type { ChatStrings } from './strings.ts';

export interface HistoryViewProps {
  controller: ChatController;
  strings: ChatStrings;
  /** A conversation was opened: go back to the chat. */
  onOpened(): void;
}

/** The visitor's past conversations: open one, or delete one. */
export function HistoryView({ controller, strings, onOpened }: HistoryViewProps) {
  const [items, setItems] = useState<ConversationSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    controller.listConversations().then(
      (page) => setItems(page.data),
      (failure: unknown) => !isAbortError(failure) && setError(messageOf(failure)),
    );
  }, [controller]);
  useEffect(load, [load]);

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <div class="log history" part="history">
      {error && (
        <div class="alert" role="alert">
          <span>{error}</span>
          <button type="button" onClick={load}>
            {strings.retry}
          </button>
        </div>
      )}
      {items === null && !error && <p class="empty">{strings.loading}</p>}
      {items?.length === 0 && <p class="empty">{strings.noConversations}</p>}
      {items && items.length > 0 && (
        <ul class="conversations">
          {items.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                class="conversation"
                onClick={() =>
                  run(async () => {
                    await controller.openConversation(item.id);
                    onOpened();
                  })
                }
              >
                <span class="conversation-title">{item.title || strings.untitled}</span>
                <time class="note" dateTime={item.updatedAt}>
                  {formatDate(item.updatedAt)}
                </time>
              </button>
              <button
                type="button"
                class="icon"
                aria-label={`${strings.deleteConversation}: ${item.title || strings.untitled}`}
                title={strings.deleteConversation}
                onClick={() =>
                  run(async () => {
                    await controller.deleteConversation(item.id);
                    setItems((list) => list?.filter((entry) => entry.id !== item.id) ?? null);
                  })
                }
              >
                <TrashIcon />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function messageOf(failure: unknown): string {
  return failure instanceof InkeepChatError ? failure.message : 'Something went wrong.';
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
