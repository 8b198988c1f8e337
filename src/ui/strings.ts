/** Every piece of text the widget shows or announces; each can be overridden. */
export interface ChatStrings {
  title: string;
  openChat: string;
  closeChat: string;
  newChat: string;
  placeholder: string;
  send: string;
  stop: string;
  retry: string;
  messageLabel: string;
  you: string;
  assistant: string;
  emptyState: string;
  connecting: string;
  interrupted: string;
  stopped: string;
  rateLimited: string;
  copy: string;
  copied: string;
  copyCode: string;
  copyMessage: string;
  regenerate: string;
  history: string;
  back: string;
  deleteConversation: string;
  noConversations: string;
  loading: string;
  jumpToLatest: string;
  untitled: string;
  showEarlier: string;
  goodAnswer: string;
  badAnswer: string;
  feedbackDetails: string;
  sendFeedback: string;
  feedbackThanks: string;
}

/** The English defaults. `{seconds}` is replaced where it appears. */
export const defaultStrings: ChatStrings = {
  title: 'Ask AI',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  newChat: 'New chat',
  placeholder: 'Ask a question…',
  send: 'Send',
  stop: 'Stop',
  retry: 'Retry',
  messageLabel: 'Message',
  you: 'You',
  assistant: 'Assistant',
  emptyState: 'Ask anything. Answers appear here.',
  connecting: 'Connecting…',
  interrupted: 'The answer was interrupted.',
  stopped: 'Stopped.',
  rateLimited: 'Too many messages. Sending again in {seconds} s.',
  copy: 'Copy',
  copied: 'Copied',
  copyCode: 'Copy code',
  copyMessage: 'Copy message',
  regenerate: 'Regenerate answer',
  history: 'Past conversations',
  back: 'Back to chat',
  deleteConversation: 'Delete conversation',
  noConversations: 'No past conversations yet.',
  loading: 'Loading…',
  jumpToLatest: 'Jump to latest',
  untitled: 'Untitled conversation',
  showEarlier: 'Show earlier messages',
  goodAnswer: 'Good answer',
  badAnswer: 'Bad answer',
  feedbackDetails: 'What was wrong? (optional)',
  sendFeedback: 'Send feedback',
  feedbackThanks: 'Thanks for your feedback.',
};

/** Fills `{name}` placeholders in a string. */
export function formatString(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in values ? String(values[name]) : match,
  );
}
