/*
 * Server-sent events framing (WHATWG HTML, "Parsing an event stream"):
 * - A stream is lines ended by CRLF, LF or CR. A chunk may end between CR and LF, so a CR at
 *   the very end of a chunk ends the line and a LF at the start of the next chunk is skipped.
 * - `field: value` lines fill the pending event (one space after the colon is dropped);
 *   a line without a colon is a field with an empty value; a line starting with `:` is a
 *   comment (servers send them as keep-alives).
 * - An empty line dispatches the pending event when it has data; `data` lines are joined
 *   with "\n". Unknown fields are ignored, and so is an event left unfinished at the end.
 */

/** One dispatched server-sent event. */
export interface SseEvent {
  data: string;
  event?: string;
  id?: string;
}

/** Options of {@link createSseParser}. */
export interface SseParserOptions {
  onEvent(event: SseEvent): void;
}

/** A push parser: feed it decoded text in chunks of any size. */
export interface SseParser {
  feed(chunk: string): void;
  reset(): void;
}

/** Creates an incremental server-sent events parser, in the style of eventsource-parser. */
export function createSseParser({ onEvent }: SseParserOptions): SseParser {
  // The unfinished last line is kept as pieces and joined once, when its end arrives: each
  // chunk is scanned once, so a long line fed byte by byte costs O(n), not O(n²).
  let pieces: string[] = [];
  // One regex per parser: its lastIndex is state, and onEvent may feed another parser.
  const lineEnd = /\r\n|\r|\n/g;
  let skipLineFeed = false;
  let isFirstChunk = true;
  let data: string[] = [];
  let eventType: string | undefined;
  let id: string | undefined;

  function dispatch(): void {
    if (data.length > 0) {
      const event: SseEvent = { data: data.join('\n') };
      if (eventType !== undefined) event.event = eventType;
      if (id !== undefined) event.id = id;
      data = [];
      eventType = undefined;
      id = undefined;
      onEvent(event);
      return;
    }
    eventType = undefined;
    id = undefined;
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }

  function feed(chunk: string): void {
    if (chunk === '') return;
    let text = chunk;
    if (isFirstChunk) {
      isFirstChunk = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let position = 0;
    if (skipLineFeed && text.charCodeAt(0) === 10) position = 1;
    skipLineFeed = false;
    lineEnd.lastIndex = position;
    for (let match = lineEnd.exec(text); match !== null; match = lineEnd.exec(text)) {
      pieces.push(text.slice(position, match.index));
      const line = pieces.length === 1 ? (pieces[0] as string) : pieces.join('');
      pieces = [];
      position = match.index + match[0].length;
      if (match[0] === '\r' && position === text.length) skipLineFeed = true;
      processLine(line);
    }
    if (position < text.length) pieces.push(text.slice(position));
  }

  function reset(): void {
    pieces = [];
    skipLineFeed = false;
    isFirstChunk = true;
    data = [];
    eventType = undefined;
    id = undefined;
  }

  return { feed, reset };
}
