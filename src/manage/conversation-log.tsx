import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LoggedConversation } from '../contract/activity.ts';
import type { App } from '../contract/app.ts';
import { ConversationView } from './conversation-view.tsx';
import type { ManageClient } from './create-manage-client.ts';
import { formatDate } from './format-date.ts';
import { ListStatus } from './list-status.tsx';
import { useAction } from './use-action.ts';

const pageSize = 20;

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * Every visitor's conversations of an app, newest first, a page at a time ("Show more"); opening
 * one shows its messages. Visitors appear only as the server's hash.
 */
export function ConversationLog({
  app,
  client,
}: {
  app: App;
  client: Pick<ManageClient, 'listConversations' | 'getConversation'>;
}) {
  const [items, setItems] = useState<LoggedConversation[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const load = useAction();
  const returnTo = useRef<string | undefined>(undefined);
  const reload = useCallback(
    () =>
      load.run(async () => {
        const page = await client.listConversations(app.id, { limit: pageSize });
        setItems(page.items);
        setNext(page.next);
      }),
    [client, app.id, load.run],
  );
  useEffect(() => {
    reload();
  }, [reload]);
  // Back from a conversation: focus its entry in the list again.
  useEffect(() => {
    if (open === undefined && returnTo.current) {
      document.getElementById(`log-${returnTo.current}`)?.focus();
      returnTo.current = undefined;
    }
  }, [open]);
  const more = () =>
    load.run(async () => {
      const page = await client.listConversations(app.id, {
        limit: pageSize,
        cursor: next ?? undefined,
      });
      setItems((held) => [...(held ?? []), ...page.items]);
      setNext(page.next);
    });

  return (
    <section class="card" aria-labelledby={`log-${app.id}-heading`}>
      <header class="card-header">
        <h3 id={`log-${app.id}-heading`}>Conversations</h3>
        {open === undefined && (
          <button
            type="button"
            disabled={load.pending}
            aria-label={`Reload conversations of ${app.name}`}
            onClick={reload}
          >
            Reload
          </button>
        )}
      </header>
      {open !== undefined ? (
        <ConversationView
          appId={app.id}
          conversationId={open}
          client={client}
          onBack={() => setOpen(undefined)}
        />
      ) : (
        <>
          <ListStatus
            items={items}
            pending={load.pending}
            error={load.error}
            onReload={reload}
            reloadLabel="Reload conversations"
            loading="Loading conversations…"
            empty="No conversations yet."
          />
          {items && items.length > 0 && (
            <ol class="log-list" aria-label={`Conversations of ${app.name}`}>
              {items.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    id={`log-${item.id}`}
                    class="log-entry"
                    onClick={() => {
                      returnTo.current = item.id;
                      setOpen(item.id);
                    }}
                  >
                    <span class="log-title">{item.title || 'Untitled conversation'}</span>
                    <span class="note">
                      {formatDate(item.updatedAt)} · visitor <code>{item.visitor}</code> ·{' '}
                      {plural(item.messageCount, 'message', 'messages')}
                      {item.feedback.positive > 0 &&
                        ` · ${plural(item.feedback.positive, 'helpful', 'helpful')}`}
                      {item.feedback.negative > 0 &&
                        ` · ${plural(item.feedback.negative, 'not helpful', 'not helpful')}`}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          )}
          {next !== null && (
            <div class="buttons">
              <button type="button" disabled={load.pending} onClick={more}>
                Show more
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
