import { Component } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { UiMessage } from './create-chat-controller.ts';
import { createMarkdownRenderer } from './markdown/create-markdown-renderer.ts';
import type { ChatStrings } from './strings.ts';

interface MarkdownViewProps {
  text: string;
  done: boolean;
  strings: ChatStrings;
}

/**
 * Model text rendered as markdown into a node Preact does not manage: the renderer builds DOM
 * nodes itself (never HTML strings) and only rebuilds the block still being written.
 */
function MarkdownView({ text, done, strings }: MarkdownViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const renderer = useRef<ReturnType<typeof createMarkdownRenderer> | null>(null);
  useLayoutEffect(() => {
    if (!host.current) return;
    renderer.current ??= createMarkdownRenderer(host.current, {
      strings: { copy: strings.copy, copied: strings.copied, copyCode: strings.copyCode },
    });
    renderer.current.update(text);
    if (done) renderer.current.finish();
  }, [text, done, strings]);
  return <div class="md" ref={host} />;
}

interface MessageItemProps {
  message: UiMessage;
  strings: ChatStrings;
}

/** One message; skips re-rendering unless its own message changed, so only the streaming one does. */
export class MessageItem extends Component<MessageItemProps> {
  override shouldComponentUpdate(next: MessageItemProps) {
    return next.message !== this.props.message || next.strings !== this.props.strings;
  }

  override render() {
    return renderMessage(this.props);
  }
}

function renderMessage({ message, strings }: MessageItemProps) {
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
          done={message.status !== 'streaming'}
          strings={strings}
        />
      )}
      {message.status === 'interrupted' && <div class="note">{strings.interrupted}</div>}
      {message.status === 'stopped' && <div class="note">{strings.stopped}</div>}
    </div>
  );
}
