// The openai responder reads its upstream with eventsource-parser: however the upstream's bytes
// are split (between CR and LF, mid-line, mid-UTF-8, one byte at a time), the deltas are exact.
import { describe, expect, it } from 'vitest';
import { createOpenAiResponder } from '../../../src/server/index.ts';

const encoder = new TextEncoder();

/** An upstream body: `data:` events with CRLF line ends, one of them over two data lines. */
function upstreamText(pieces: string[], lineEnd = '\r\n'): string {
  const events = pieces.map((piece, index) => {
    const json = JSON.stringify({ choices: [{ delta: { content: piece } }] });
    // Every other event spreads its JSON over two `data:` lines (joined by "\n" when parsed).
    if (index % 2 === 1) {
      const cut = json.indexOf('"delta":');
      return `data: ${json.slice(0, cut)}${lineEnd}data: ${json.slice(cut)}${lineEnd}${lineEnd}`;
    }
    return `: keep-alive${lineEnd}data: ${json}${lineEnd}${lineEnd}`;
  });
  return `${events.join('')}data: [DONE]${lineEnd}${lineEnd}`;
}

/** The deltas the responder yields when the upstream sends `chunks` (bytes). */
async function deltas(chunks: Uint8Array[]): Promise<string[]> {
  const responder = createOpenAiResponder({
    baseUrl: 'http://upstream.invalid/v1',
    model: 'm',
    fetch: async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
  });
  const seen: string[] = [];
  for await (const piece of responder.respond({
    messages: [{ role: 'user', content: 'hi' }],
    signal: new AbortController().signal,
  })) {
    seen.push(piece);
  }
  return seen;
}

const pieces = ['Hel', 'lo, ', 'wörld ', '👋', ' end'];

describe('openai responder: upstream bytes split anywhere', () => {
  const bytes = encoder.encode(upstreamText(pieces));

  it('whole', async () => {
    expect(await deltas([bytes])).toEqual(pieces);
  });

  it('between the CR and the LF of every line end', async () => {
    const text = upstreamText(pieces);
    const parts = text.split(/(?<=\r)(?=\n)/).map((part) => encoder.encode(part));
    expect(parts.length).toBeGreaterThan(10);
    expect(await deltas(parts)).toEqual(pieces);
  });

  it('at every single place, in two chunks', async () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await deltas([bytes.slice(0, cut), bytes.slice(cut)])).toEqual(pieces);
    }
  });

  it('one byte at a time (mid-UTF-8 too)', async () => {
    expect(await deltas(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(pieces);
  });

  it('with LF or CR line ends alone', async () => {
    for (const lineEnd of ['\n', '\r']) {
      const text = encoder.encode(upstreamText(pieces, lineEnd));
      expect(await deltas([text.slice(0, 7), text.slice(7, 40), text.slice(40)])).toEqual(pieces);
    }
  });
});
