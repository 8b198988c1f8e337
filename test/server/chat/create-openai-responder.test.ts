import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../src/server/index.ts';
import { demoOrigin, secret, streamedText, testApps, withTestLog } from '../helpers.ts';

// A fake OpenAI-compatible upstream on loopback that streams slowly and reports aborts.
const upstreamLog: { authorization?: string; model?: string; aborted: boolean }[] = [];
const upstream = new Hono();
upstream.post('/v1/chat/completions', async (c) => {
  const body = (await c.req.json()) as { model: string; messages: { content: string }[] };
  const entry = { authorization: c.req.header('authorization'), model: body.model, aborted: false };
  upstreamLog.push(entry);
  const question = body.messages.at(-1)?.content ?? '';
  if (question === 'fail') return c.json({ error: { message: 'upstream secret detail' } }, 500);
  const pieces =
    question === 'slow'
      ? Array.from({ length: 200 }, (_, index) => `${index} `)
      : ['Hel', 'lo ', 'from ', 'upstream'];
  const encoder = new TextEncoder();
  let index = 0;
  const stream = new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, question === 'slow' ? 20 : 1));
      const piece = pieces[index++];
      if (piece === undefined) {
        // Split a frame across writes, as real proxies do.
        controller.enqueue(encoder.encode('data: [DO'));
        controller.enqueue(encoder.encode('NE]\n\n'));
        controller.close();
        return;
      }
      controller.enqueue(
        encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`),
      );
    },
    cancel() {
      entry.aborted = true;
    },
  });
  c.req.raw.signal.addEventListener('abort', () => {
    entry.aborted = true;
  });
  return c.body(stream, 200, { 'content-type': 'text/event-stream' });
});

let upstreamServer: ReturnType<typeof serve>;
let server: RunningServer;

beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    upstreamServer = serve(
      { fetch: upstream.fetch, port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  server = await startServer(
    withTestLog({
      apps: testApps,
      env: {
        INKEEP_UPSTREAM_BASE_URL: `http://127.0.0.1:${port}/v1`,
        INKEEP_UPSTREAM_API_KEY: 'sk-upstream',
        INKEEP_UPSTREAM_MODEL: 'test-model',
      },
      settings: { jwtSecret: secret, responder: 'openai' },
      onWarning: () => {},
    }),
  );
});
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => upstreamServer?.close(resolve));
});

async function chat(content: string, signal?: AbortSignal) {
  const session = await fetch(`${server.url}/run/auth/apps/app_demo/anonymous-session`, {
    method: 'POST',
    headers: { origin: demoOrigin },
  });
  const { token } = (await session.json()) as { token: string };
  return fetch(`${server.url}/run/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'x-inkeep-app-id': 'app_demo',
      origin: demoOrigin,
    },
    body: JSON.stringify({ messages: [{ role: 'user', content }], stream: true }),
    ...(signal ? { signal } : {}),
  });
}

describe('openai responder', () => {
  it('passes the upstream stream through, chunk by chunk, with key and model', async () => {
    const response = await chat('hi');
    const text = await response.text();
    expect(streamedText(text)).toBe('Hello from upstream');
    expect(text).toContain('"model":"test-model"');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(upstreamLog.at(-1)).toMatchObject({
      authorization: 'Bearer sk-upstream',
      model: 'test-model',
    });
  });

  it('reports an upstream failure as an error event without its details', async () => {
    const text = await (await chat('fail')).text();
    expect(text).toContain('"error":{"code":"upstream_error"');
    expect(text).not.toContain('upstream secret detail');
  });

  it('aborts the upstream request when the client aborts', async () => {
    const controller = new AbortController();
    const response = await chat('slow', controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    await expect.poll(() => upstreamLog.at(-1)?.aborted).toBe(true);
  });
});
