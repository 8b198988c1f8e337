import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { InkeepChatError } from '../errors.ts';
import { Composer } from './composer.tsx';
import type { ChatController, ChatState } from './create-chat-controller.ts';
import { HistoryView } from './history-view.tsx';
import { IconButton } from './icon-button.tsx';
import { BackIcon, CloseIcon, DownIcon, HistoryIcon, PlusIcon } from './icons.tsx';
import { MessageItem } from './message-item.tsx';
import { type ChatStrings, formatString } from './strings.ts';

export interface ChatPanelProps {
  state: ChatState;
  controller: ChatController;
  strings: ChatStrings;
  title: string;
  placeholder: string;
  /** A failure to get a session, shown until it is retried. */
  sessionError: InkeepChatError | null;
  connecting: boolean;
  onRetrySession(): void;
  /** Absent in inline mode, where there is nothing to close. */
  onClose?: () => void;
  inputRef: { current: HTMLTextAreaElement | null };
  now?: () => number;
}

/** The conversation: header, message log, status line and composer. */
export function ChatPanel({
  state,
  controller,
  strings,
  title,
  placeholder,
  sessionError,
  connecting,
  onRetrySession,
  onClose,
  inputRef,
  now = Date.now,
}: ChatPanelProps) {
  const log = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const [view, setView] = useState<'chat' | 'history'>('chat');
  const seconds = useCountdown(state.resendAt, now);

  // Follow new tokens while the visitor is at the bottom; stop when they scroll up to read.
  const autoScrollTop = useRef(0);
  const scrollToEnd = useCallback(() => {
    const element = log.current;
    if (!element) return;
    element.scrollTop = element.scrollHeight;
    autoScrollTop.current = element.scrollTop;
  }, []);
  useLayoutEffect(() => {
    if (following) scrollToEnd();
  }, [following, view, state.messages.length, scrollToEnd]);
  // Follow the answer as it grows: a ResizeObserver runs after layout, so scrolling there costs
  // no extra layout pass (reading scrollHeight on every render would force one each time).
  const last = state.messages.at(-1);
  const lastId = last?.id;
  useEffect(() => {
    const element = log.current?.lastElementChild;
    if (!element || !following || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(scrollToEnd);
    observer.observe(element);
    return () => observer.disconnect();
  }, [lastId, following, scrollToEnd]);

  // Earlier messages arrive above the ones being read: keep those where they are on screen.
  const fromBottom = useRef<number | null>(null);
  const firstId = state.messages[0]?.id;
  useLayoutEffect(() => {
    const element = log.current;
    if (element && fromBottom.current !== null) {
      element.scrollTop = element.scrollHeight - fromBottom.current;
    }
    fromBottom.current = null;
  }, [firstId]);
  const showEarlier = async () => {
    const element = log.current;
    if (!element) return;
    fromBottom.current = element.scrollHeight - element.scrollTop;
    setFollowing(false);
    await controller.loadEarlier();
    if (controller.getState().messages[0]?.id === firstId) fromBottom.current = null;
    // The button is gone once the first message is shown: keep focus in the conversation.
    if (!controller.getState().hasEarlier) element.focus({ preventScroll: true });
  };

  const showChat = () => {
    setView('chat');
    setFollowing(true);
    requestAnimationFrame(() => inputRef.current?.focus());
  };

  // A finished answer is read out from its start; a long one only up to about a minute of
  // speech (the rest is in the log). The whole of a 200 KB answer in one live-region line would
  // also cost its own layout of all that text.
  const announcement =
    last?.role === 'assistant' && last.status === 'complete' ? last.content.slice(0, 1000) : '';
  const error = sessionError ?? state.error;

  return (
    <>
      <div class="header" part="header">
        {view === 'history' && (
          <IconButton label={strings.back} onClick={showChat}>
            <BackIcon />
          </IconButton>
        )}
        <h2>{view === 'history' ? strings.history : title}</h2>
        {view === 'chat' && (
          <IconButton label={strings.history} onClick={() => setView('history')}>
            <HistoryIcon />
          </IconButton>
        )}
        <IconButton
          label={strings.newChat}
          onClick={() => {
            controller.newConversation();
            showChat();
          }}
        >
          <PlusIcon />
        </IconButton>
        {onClose && (
          <IconButton label={strings.closeChat} onClick={onClose}>
            <CloseIcon />
          </IconButton>
        )}
      </div>
      {view === 'history' ? (
        <HistoryView controller={controller} strings={strings} onOpened={showChat} />
      ) : (
        <div
          part="messages"
          class="log"
          ref={log}
          role="log"
          aria-live="off"
          aria-label={title}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          onScroll={(event) => {
            const element = event.currentTarget;
            const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
            // Content growing under an automatic scroll is not the visitor leaving the bottom;
            // only a scroll up from where we put it is.
            const leftBottom = element.scrollTop < autoScrollTop.current - 4;
            if (atBottom && !following) setFollowing(true);
            else if (leftBottom && following) setFollowing(false);
          }}
        >
          {state.messages.length === 0 && <p class="empty">{strings.emptyState}</p>}
          {state.hasEarlier && (
            <button type="button" class="text-button earlier" onClick={showEarlier}>
              {strings.showEarlier}
            </button>
          )}
          {state.messages.map((message, index) => (
            <MessageItem
              key={message.id}
              message={message}
              strings={strings}
              onRate={controller.rate}
              onRegenerate={
                index === state.messages.length - 1 &&
                message.role === 'assistant' &&
                !state.streaming
                  ? controller.regenerate
                  : undefined
              }
            />
          ))}
        </div>
      )}
      {view === 'chat' && !following && (
        <button
          type="button"
          class="jump"
          onClick={() => {
            setFollowing(true);
          }}
        >
          <DownIcon />
          {strings.jumpToLatest}
        </button>
      )}
      <div class="sr-only" aria-live="polite">
        {announcement}
      </div>
      {error && (
        <div class="alert" role="alert">
          <span>
            {error.code === 'rate_limited' && seconds !== null
              ? formatString(strings.rateLimited, { seconds })
              : error.message}
          </span>
          {(error.retryable || state.sendFailed) && (
            <button
              type="button"
              onClick={() => (sessionError ? onRetrySession() : controller.retry())}
            >
              {strings.retry}
            </button>
          )}
        </div>
      )}
      {connecting && !error && <p class="status">{strings.connecting}</p>}
      <Composer
        strings={strings}
        placeholder={placeholder}
        streaming={state.streaming}
        text={state.draft}
        onTextChange={controller.setDraft}
        onSend={controller.send}
        onStop={controller.stop}
        inputRef={inputRef}
      />
    </>
  );
}

/** Whole seconds left until `deadline`, ticking once a second; null without one. */
function useCountdown(deadline: number | null, now: () => number): number | null {
  const [, tick] = useState(0);
  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => tick((count) => count + 1), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - now()) / 1000));
}
