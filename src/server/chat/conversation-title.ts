/** A conversation's title: its first user message on one line, at most 80 characters. */
export function conversationTitle(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (!line) return 'New conversation';
  const characters = Array.from(line);
  return characters.length > 80 ? `${characters.slice(0, 79).join('').trimEnd()}…` : line;
}
