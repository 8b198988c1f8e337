import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../src/chat/create-sse-parser.ts';
import { readSseEvents } from '../../src/chat/read-sse-events.ts';
import { sseFixtures } from './sse-fixtures.ts';

const encoder = new TextEncoder();

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(stream)) events.push(event);
  return events;
}

describe('readSseEvents', () => {
  for (const fixture of sseFixtures) {
    it(`decodes "${fixture.name}" split at every byte offset`, async () => {
      const bytes = encoder.encode(fixture.stream);
      for (let offset = 0; offset <= bytes.length; offset++) {
        const chunks = [bytes.subarray(0, offset), bytes.subarray(offset)];
        expect(await collect(streamOf(chunks)), `split at ${offset}`).toEqual(fixture.events);
      }
    });
  }

  it('decodes a stream delivered one byte per chunk', async () => {
    const bytes = encoder.encode('data: 😀 ä\r\n\r\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await collect(streamOf(chunks))).toEqual([{ data: '😀 ä' }]);
  });

  it('replaces a character cut off by the end of the stream', async () => {
    const bytes = encoder.encode('data: 😀\n\n');
    const truncated = bytes.subarray(0, 8);
    const events = await collect(streamOf([truncated, encoder.encode('\n\n')]));
    expect(events).toEqual([{ data: '\uFFFD' }]);
  });

  it('releases the stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readSseEvents(stream)) {
      expect(event).toEqual({ data: '1' });
      break;
    }
    expect(cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });
});
