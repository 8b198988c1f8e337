import { useEffect, useRef, useState } from 'preact/hooks';
import type { LoggedConversationDetail } from '../contract/activity.ts';
import type { ManageClient } from './create-manage-client.ts';
import { ErrorMessage } from './error-message.tsx';
import { formatDate } from './format-date.ts';
import { useAction } from './use-action.ts';

/** An answer's wait for its first words, as a person reads it. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One conversation of an app's log: its messages oldest first, each answer with its time to
 * first token and the visitor's rating. "Back" returns to the list (focus goes to the heading).
 */
export function ConversationView({
  appId,
  conversationId,
  client,
  onBack,
}: {
  appId: string;
  conversationId: string;
  client: Pick<ManageClient, 'getConversation'>;
  onBack(): void;
}) {
  const [conversation, setConversation] = useState<LoggedConversationDetail | undefined>();
  const load = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    load.run(async () => {
      setConversation(await client.getConversation(appId, conversationId));
    });
  }, [client, appId, conversationId, load.run]);
  useEffect(() => {
    if (conversation) heading.current?.focus();
  }, [conversation]);
  return (
    <div class="conversation" aria-busy={load.pending}>
      <div class="buttons">
        <button type="button" onClick={onBack}>
          Back to conversations
        </button>
      </div>
      <ErrorMessage error={load.error} />
      {conversation === undefined && load.pending && <p class="note">Loading conversation…</p>}
      {conversation && (
        <>
          <h4 ref={heading} tabIndex={-1}>
            {conversation.title || 'Untitled conversation'}
          </h4>
          <dl class="facts">
            <dt>Visitor</dt>
            <dd>
              <code>{conversation.visitor}</code>
            </dd>
            <dt>Started</dt>
            <dd>{formatDate(conversation.createdAt)}</dd>
            <dt>Last message</dt>
            <dd>{formatDate(conversation.updatedAt)}</dd>
          </dl>
          <ol class="log-messages" aria-label="Messages">
            {conversation.messages.map((message) => (
              <li key={message.id} class={`log-message ${message.role}`}>
                <p class="log-role">{message.role === 'user' ? 'Visitor' : 'Answer'}</p>
                <p class="log-text">{message.content}</p>
                {message.role === 'assistant' && (
                  <p class="note">
                    {message.timeToFirstTokenMs === null
                      ? 'Time to first token unknown'
                      : `First token after ${formatWait(message.timeToFirstTokenMs)}`}
                    {' · '}
                    {message.feedback === null
                      ? 'Not rated'
                      : message.feedback.type === 'positive'
                        ? 'Rated helpful'
                        : 'Rated not helpful'}
                    {message.feedback?.details ? `: “${message.feedback.details}”` : ''}
                  </p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
