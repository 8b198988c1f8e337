import type { SseEvent } from '../../src/chat/create-sse-parser.ts';

/** A server-sent events stream and the events it must produce. */
export interface SseFixture {
  name: string;
  stream: string;
  events: SseEvent[];
}

/** Streams with every framing the parser must survive. */
export const sseFixtures: SseFixture[] = [
  {
    name: 'LF line ends, multi-byte text',
    stream: 'data: héllo wörld 😀\n\ndata: 日本語\n\n',
    events: [{ data: 'héllo wörld 😀' }, { data: '日本語' }],
  },
  {
    name: 'CRLF line ends',
    stream: 'data: one\r\n\r\ndata: two\r\n\r\n',
    events: [{ data: 'one' }, { data: 'two' }],
  },
  {
    name: 'CR line ends',
    stream: 'data: one\r\rdata: two\r\r',
    events: [{ data: 'one' }, { data: 'two' }],
  },
  {
    name: 'mixed line ends',
    stream: 'data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r\n',
    events: [{ data: 'a\nb\nc' }, { data: 'd' }],
  },
  {
    name: 'comments and keep-alives',
    stream: ': ping\n\n:\n\ndata: x\n: inside an event\ndata: y\n\n: bye\n\n',
    events: [{ data: 'x\ny' }],
  },
  {
    name: 'event, id, unknown fields, no space after colon',
    stream: 'event: delta\nid: 7\nretry: 100\nfoo: bar\ndata:no-space\ndata:  two-spaces\n\n',
    events: [{ event: 'delta', id: '7', data: 'no-space\n two-spaces' }],
  },
  {
    name: 'field without colon and empty data',
    stream: 'data\n\ndata:\ndata:\n\nevent: lonely\n\ndata: after\n\n',
    events: [{ data: '' }, { data: '\n' }, { data: 'after' }],
  },
  {
    name: 'byte order mark at the start',
    stream: '\uFEFFdata: bom\n\n',
    events: [{ data: 'bom' }],
  },
  {
    name: 'unfinished event at the end is dropped',
    stream: 'data: complete\n\ndata: partial\n',
    events: [{ data: 'complete' }],
  },
];
