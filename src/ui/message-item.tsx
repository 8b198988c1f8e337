import { Component } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { UiMessage } from './create-chat-controller.ts';
import { IconButton } from './icon-button.tsx';
import { CopyIcon, RefreshIcon } from './icons.tsx';
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
  const fedLength = useRef(0);
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
      fedLength.current += delta.length;
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
      // The browser's style and layout work per update grows with the answer, so updates get
      // rarer as it grows (about once a frame up to 16 KB, every 250 ms from 250 KB): the total
      // cost stays proportional to the answer's length.
      timer.current = setTimeout(feed, Math.min(250, Math.max(16, fedLength.current / 1000)));
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
}

/** One message; skips re-rendering unless its own message changed, so only the streaming one does. */
export class MessageItem extends Component<MessageItemProps> {
  override shouldComponentUpdate(next: MessageItemProps) {
    return (
      next.message !== this.props.message ||
      next.strings !== this.props.strings ||
      next.onRegenerate !== this.props.onRegenerate
    );
  }

  override render() {
    return renderMessage(this.props);
  }
}

function renderMessage({ message, strings, onRegenerate }: MessageItemProps) {
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
        </div>
      )}
    </div>
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
