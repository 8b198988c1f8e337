import { Component } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatController, UiMessage } from './create-chat-controller.ts';
import { IconButton } from './icon-button.tsx';
import { CopyIcon, RefreshIcon, ThumbIcon } from './icons.tsx';
import { createMarkdownRenderer } from './markdown/create-markdown-renderer.ts';
import type { ChatStrings } from './strings.ts';

interface MarkdownViewProps {
  text: string;
  chunks: readonly string[] | undefined;
  done: boolean;
  strings: ChatStrings;
}

/**
 * Model text rendered as markdown into a node Preact does not manage: the renderer builds DOM
 * nodes itself (never HTML strings) and only rebuilds the block still being written. A streamed
 * answer is fed the pieces that arrived since the last update, never the whole growing text.
 */
function MarkdownView({ text, chunks, done, strings }: MarkdownViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const renderer = useRef<ReturnType<typeof createMarkdownRenderer> | null>(null);
  const fed = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useLayoutEffect(() => {
    if (!host.current) return;
    renderer.current ??= createMarkdownRenderer(host.current, {
      strings: { copy: strings.copy, copied: strings.copied, copyCode: strings.copyCode },
    });
    const view = renderer.current;
    const feed = () => {
      timer.current = null;
      if (!chunks || fed.current >= chunks.length) return;
      const delta = chunks.slice(fed.current).join('');
      view.append(delta);
      fed.current = chunks.length;
    };
    if (!chunks) {
      // A finished answer comes without its pieces. A feed still scheduled from its streaming
      // would append pieces again; the renderer extends what it has with the rest of the text.
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      view.update(text);
    } else if (done) {
      if (timer.current !== null) clearTimeout(timer.current);
      feed();
    } else if (timer.current === null) {
      // Pieces are fed about once a frame, however fast they arrive. A frame's style and layout
      // work does not grow with the answer (finished blocks sit in parts the browser skips), so
      // the frames stay short when the stream does not: a feed holds one frame's worth of text.
      timer.current = setTimeout(feed, 16);
    }
    if (done) view.finish();
  }, [text, chunks, done, strings]);
  useLayoutEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return <div class="md" ref={host} />;
}

interface MessageItemProps {
  message: UiMessage;
  strings: ChatStrings;
  /** Present on the last answer when it can be asked again. */
  onRegenerate?: (() => void) | undefined;
  /** Rates an answer by its id; ratings are offered once the server has stored the answer. */
  onRate?: ChatController['rate'] | undefined;
}

/** One message; skips re-rendering unless its own message changed, so only the streaming one does. */
export class MessageItem extends Component<MessageItemProps> {
  override shouldComponentUpdate(next: MessageItemProps) {
    return (
      next.message !== this.props.message ||
      next.strings !== this.props.strings ||
      next.onRegenerate !== this.props.onRegenerate ||
      next.onRate !== this.props.onRate
    );
  }

  override render() {
    return renderMessage(this.props);
  }
}

function renderMessage({ message, strings, onRegenerate, onRate }: MessageItemProps) {
  const isUser = message.role === 'user';
  return (
    <div
      part="message"
      class={`message ${message.role}`}
      data-status={message.status}
      aria-busy={message.status === 'streaming' ? 'true' : undefined}
    >
      <span class="sr-only">{isUser ? strings.you : strings.assistant}: </span>
      {isUser ? (
        message.content
      ) : (
        <MarkdownView
          text={message.content}
          chunks={message.chunks}
          done={message.status !== 'streaming'}
          strings={strings}
        />
      )}
      {message.status === 'interrupted' && <div class="note">{strings.interrupted}</div>}
      {message.status === 'stopped' && <div class="note">{strings.stopped}</div>}
      {!isUser && message.status !== 'streaming' && (
        <div class="actions">
          <CopyButton text={message.content} strings={strings} />
          {onRegenerate && (
            <IconButton label={strings.regenerate} onClick={onRegenerate}>
              <RefreshIcon />
            </IconButton>
          )}
          {onRate && message.serverId && (
            <Rating message={message} strings={strings} onRate={onRate} />
          )}
        </div>
      )}
    </div>
  );
}

/** Thumbs up and down; after a thumbs-down, an optional comment that replaces the rating. */
function Rating({
  message,
  strings,
  onRate,
}: {
  message: UiMessage;
  strings: ChatStrings;
  onRate: ChatController['rate'];
}) {
  const [phase, setPhase] = useState<'asking' | 'sent'>();
  const [details, setDetails] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const bad = useRef<HTMLButtonElement>(null);
  // The comment field takes focus when it opens; when it closes, focus goes back to the thumb.
  useLayoutEffect(() => {
    if (phase === 'asking') input.current?.focus();
    else if (phase) bad.current?.focus();
  }, [phase]);
  const thumb = (type: 'positive' | 'negative', label: string) => (
    <button
      ref={type === 'negative' ? bad : undefined}
      type="button"
      class={`icon ${type}`}
      aria-label={label}
      title={label}
      aria-pressed={message.feedback === type}
      onClick={() => {
        setPhase(type === 'negative' ? 'asking' : undefined);
        void onRate(message.id, type);
      }}
    >
      <ThumbIcon />
    </button>
  );
  return (
    <>
      {thumb('positive', strings.goodAnswer)}
      {thumb('negative', strings.badAnswer)}
      {phase === 'asking' && (
        <form
          class="feedback"
          onSubmit={(event) => {
            event.preventDefault();
            setPhase('sent');
            void onRate(message.id, 'negative', details.trim());
          }}
        >
          <input
            aria-label={strings.feedbackDetails}
            placeholder={strings.feedbackDetails}
            maxLength={1000}
            value={details}
            onInput={(event) => setDetails(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                setPhase('sent');
              }
            }}
            ref={input}
          />
          <button type="submit" class="text-button">
            {strings.sendFeedback}
          </button>
        </form>
      )}
      <span class="sr-only" role="status">
        {phase === 'sent' || message.feedback === 'positive' ? strings.feedbackThanks : ''}
      </span>
    </>
  );
}

function CopyButton({ text, strings }: { text: string; strings: ChatStrings }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="icon"
      aria-label={copied ? strings.copied : strings.copyMessage}
      title={copied ? strings.copied : strings.copyMessage}
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => {},
        );
      }}
    >
      <CopyIcon />
    </button>
  );
}
