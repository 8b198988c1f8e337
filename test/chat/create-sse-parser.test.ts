import { describe, expect, it, vi } from 'vitest';
import { createSseParser, type SseEvent } from '../../src/chat/create-sse-parser.ts';
import { sseFixtures } from './sse-fixtures.ts';

const encoder = new TextEncoder();

/** Feeds the bytes split at the given offsets through a streaming decoder and the parser. */
function parseBytes(bytes: Uint8Array, offsets: number[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  let start = 0;
  for (const end of [...offsets, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(start, end), { stream: true }));
    start = end;
  }
  parser.feed(decoder.decode());
  return events;
}

describe('createSseParser', () => {
  for (const fixture of sseFixtures) {
    describe(fixture.name, () => {
      const bytes = encoder.encode(fixture.stream);

      it('parses the whole stream at once', () => {
        expect(parseBytes(bytes, [])).toEqual(fixture.events);
      });

      it('parses the stream split at every byte offset', () => {
        for (let offset = 0; offset <= bytes.length; offset++) {
          expect(parseBytes(bytes, [offset]), `split at ${offset}`).toEqual(fixture.events);
        }
      });

      it('parses the stream split at every pair of byte offsets', () => {
        for (let first = 1; first < bytes.length; first++) {
          for (let second = first; second < bytes.length; second += 3) {
            expect(parseBytes(bytes, [first, second]), `split at ${first}, ${second}`).toEqual(
              fixture.events,
            );
          }
        }
      });

      it('parses the stream fed one byte at a time', () => {
        const offsets = Array.from({ length: bytes.length }, (_, index) => index);
        expect(parseBytes(bytes, offsets)).toEqual(fixture.events);
      });
    });
  }

  it('treats CR, empty chunks, then LF as one line end', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser({ onEvent: (event) => events.push(event) });
    parser.feed('data: a\r');
    parser.feed('');
    parser.feed('\n');
    expect(events).toEqual([]);
    parser.feed('\n');
    expect(events).toEqual([{ data: 'a' }]);
    parser.feed('data: b\r');
    parser.feed('data: c\r');
    parser.feed('\r');
    expect(events).toEqual([{ data: 'a' }, { data: 'b\nc' }]);
  });

  it('ignores an id containing NUL', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser({ onEvent: (event) => events.push(event) });
    parser.feed('id: a\0b\ndata: x\n\n');
    expect(events).toEqual([{ data: 'x' }]);
  });

  it('forgets pending input on reset', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser({ onEvent: (event) => events.push(event) });
    parser.feed('data: lost\ndata: half');
    parser.reset();
    parser.feed('data: kept\n\n');
    expect(events).toEqual([{ data: 'kept' }]);
  });

  it('lets onEvent feed another parser', () => {
    const inner: SseEvent[] = [];
    const innerParser = createSseParser({ onEvent: (event) => inner.push(event) });
    const outer: SseEvent[] = [];
    const parser = createSseParser({
      onEvent: (event) => {
        outer.push(event);
        innerParser.feed('data: inner\n\n');
      },
    });
    parser.feed('data: 1\n\ndata: 2\n\n');
    expect(outer).toEqual([{ data: '1' }, { data: '2' }]);
    expect(inner).toHaveLength(2);
  });

  it('stays linear on a long line fed one character at a time', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser({ onEvent: (event) => events.push(event) });
    const length = 100_000;
    // Count characters scanned, not time: each chunk is searched for a line end once, so the
    // total is the stream's length, however finely it is split.
    const exec = RegExp.prototype.exec;
    let scanned = 0;
    const spy = vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (
      this: RegExp,
      input: string,
    ) {
      scanned += input.length - this.lastIndex;
      return exec.call(this, input);
    });
    try {
      parser.feed('data: ');
      for (let index = 0; index < length; index++) parser.feed('x');
      parser.feed('\n\n');
    } finally {
      spy.mockRestore();
    }
    expect(events[0]?.data.length).toBe(length);
    // (A line end is searched for once more after each match: a few characters at most.)
    expect(scanned).toBeLessThanOrEqual(length + 2 * 'data: \n\n'.length);
  });
});
