// The drain alone (requests and streams in flight, the grace period, interrupting what is left),
// then a server that drains: 503s for new requests, readiness, and answers that either finish in
// the grace period or end with the interrupted marker, their words stored.
import { describe, expect, it } from 'vitest';
import type { Responder } from '../../../src/server/chat/responder.ts';
import { createLogger, createMemorySharedState, startServer } from '../../../src/server/index.ts';
import { createDrain } from '../../../src/server/shutdown/create-drain.ts';
import { createTestApp, getToken, requestChat, secret, sseData, testApps } from '../helpers.ts';
import { createTestStores } from '../test-database.ts';
import { uiEvents } from '../ui-chat-helpers.ts';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  return {
    setTimeout: (callback: () => void, ms: number) => {
      next += 1;
      pending.set(next, { callback, ms });
      return next;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    /** Fires every pending timer of `ms`. */
    fire(ms: number) {
      for (const [handle, timer] of [...pending]) {
        if (timer.ms !== ms) continue;
        pending.delete(handle);
        timer.callback();
      }
    },
    get count() {
      return pending.size;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createDrain', () => {
  it('is not draining until started, and settles at once with nothing in flight', async () => {
    const drain = createDrain();
    expect(drain.draining).toBe(false);
    drain.start();
    expect(drain.draining).toBe(true);
    expect(await drain.settle({ graceMs: 1000 })).toEqual({ finished: 0, interrupted: 0 });
  });

  it('waits for streams and requests that end within the grace period', async () => {
    const timers = manualTimers();
    const drain = createDrain(timers);
    let interrupted = 0;
    const untrack = drain.track({ interrupt: async () => void interrupted++ });
    const leave = drain.enter();
    expect(drain.activeStreams).toBe(1);
    expect(drain.activeRequests).toBe(1);
    let settled: unknown;
    const settling = drain.settle({ graceMs: 30_000 }).then((result) => {
      settled = result;
    });
    await tick();
    expect(settled).toBeUndefined();
    leave();
    await tick();
    expect(settled).toBeUndefined();
    untrack();
    untrack();
    await settling;
    expect(settled).toEqual({ finished: 1, interrupted: 0 });
    expect(interrupted).toBe(0);
    expect(timers.count).toBe(0);
  });

  it('interrupts the streams left when the grace period ends and waits for them to end', async () => {
    const timers = manualTimers();
    const drain = createDrain(timers);
    let endStream = () => {};
    const calls: string[] = [];
    drain.track({
      interrupt: () => {
        calls.push('interrupt');
        return new Promise<void>((resolve) => {
          endStream = resolve;
        });
      },
    });
    let settled: unknown;
    const settling = drain.settle({ graceMs: 30_000, closeMs: 5000 }).then((result) => {
      settled = result;
    });
    await tick();
    expect(calls).toEqual([]);
    timers.fire(30_000);
    await tick();
    expect(calls).toEqual(['interrupt']);
    expect(drain.activeStreams).toBe(0);
    expect(settled).toBeUndefined();
    endStream();
    await settling;
    expect(settled).toEqual({ finished: 0, interrupted: 1 });
  });

  it('interrupts at once a stream that starts after the grace period, and waits for it', async () => {
    const timers = manualTimers();
    const drain = createDrain(timers);
    const calls: string[] = [];
    const ends: (() => void)[] = [];
    const stream = (name: string) => ({
      interrupt: () => {
        calls.push(name);
        return new Promise<void>((resolve) => ends.push(resolve));
      },
    });
    drain.track(stream('early'));
    // A request still queued at the deadline: its stream registers afterwards.
    const leave = drain.enter();
    let settled: unknown;
    const settling = drain.settle({ graceMs: 30_000, closeMs: 5000 }).then((result) => {
      settled = result;
    });
    await tick();
    timers.fire(30_000);
    await tick();
    expect(calls).toEqual(['early']);
    drain.track(stream('late'));
    await tick();
    expect(calls).toEqual(['early', 'late']);
    leave();
    for (const end of ends.splice(0, 1)) end();
    await tick();
    // The late stream has not ended yet: the final wait still counts it.
    expect(settled).toBeUndefined();
    for (const end of ends.splice(0)) end();
    await settling;
    expect(settled).toEqual({ finished: 0, interrupted: 2 });
    expect(timers.count).toBe(0);
  });

  it('gives up on a stream that does not end after closeMs', async () => {
    const timers = manualTimers();
    const drain = createDrain(timers);
    drain.track({ interrupt: () => new Promise<void>(() => {}) });
    const settling = drain.settle({ graceMs: 10, closeMs: 20 });
    await tick();
    timers.fire(10);
    await tick();
    timers.fire(20);
    expect(await settling).toEqual({ finished: 0, interrupted: 1 });
  });
});

/** A responder that says one piece each time the test calls `release()`, `pieces` in all. */
function gatedResponder(pieces: string[]) {
  const waiting: (() => void)[] = [];
  let released = 0;
  const responder: Responder = {
    model: 'gated',
    async *respond({ signal }) {
      for (const piece of pieces) {
        if (released === 0) {
          await new Promise<void>((resolve, reject) => {
            waiting.push(resolve);
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          });
        }
        released -= 1;
        yield piece;
      }
    },
  };
  return {
    responder,
    release(count = 1) {
      released += count;
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

describe('a draining server', () => {
  it('refuses new requests with 503 shutting_down, answers health, and is not ready', async () => {
    const app = createTestApp({
      env: { ADMIN_API_KEY: 'drain-admin-drain-admin-drain-admin-0001' },
    });
    expect((await app.request('/readyz')).status).toBe(200);
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' });
    app.context.drain.start();
    const refused = await app.request('/run/v1/conversations');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('connection')).toBe('close');
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 503, code: 'shutting_down' });
    expect(body.requestId).toBe(refused.headers.get('x-request-id'));
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(await ready.json()).toMatchObject({ code: 'draining' });
    expect((await app.request('/healthz')).status).toBe(200);
    const metrics = await app.request('/metrics', {
      headers: { 'x-api-key': 'drain-admin-drain-admin-drain-admin-0001' },
    });
    expect(metrics.status).toBe(200);
  });

  it('refuses a cross-origin request with CORS headers, so the widget can read the 503', async () => {
    const app = createTestApp();
    await app.ready;
    app.context.drain.start();
    const refused = await app.request('/run/v1/chat/completions', {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = (refused.headers.get('access-control-expose-headers') ?? '')
      .toLowerCase()
      .split(/,\s*/);
    expect(exposed).toContain('retry-after');
    expect(exposed).toContain('x-request-id');
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ status: 503, code: 'shutting_down' });
    // The preflight still answers, so the browser sends the request and reads the refusal.
    const preflight = await app.request('/run/v1/chat/completions', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(app.context.drain.activeRequests).toBe(0);
  });

  it('is not ready while its database does not answer', async () => {
    const app = createTestApp();
    await app.ready;
    app.context.stores.health = async () => 'down';
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'unavailable' });
  });

  it('lets an answer finish within the grace period', async () => {
    const gate = gatedResponder(['one ', 'two ', 'three']);
    const app = createTestApp({ responder: gate.responder });
    const token = await getToken(app);
    const response = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    const text = response.text();
    gate.release();
    await tick();
    const settled = app.context.drain.settle({ graceMs: 60_000 });
    gate.release(2);
    expect(await settled).toEqual({ finished: 1, interrupted: 0 });
    const data = sseData(await text);
    expect(data.at(-1)).toBe('[DONE]');
    const id = response.headers.get('x-inkeep-conversation-id') ?? '';
    const stored = await app.context.conversations.get(id, {
      sub: JSON.parse(atob(token.split('.')[1] ?? '')).sub,
      appId: 'app_demo',
    });
    expect(stored?.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'one two three' });
  });

  it('ends an answer still running at the deadline as interrupted, and stores what was said', async () => {
    const gate = gatedResponder(['one ', 'two ', 'three']);
    const app = createTestApp({ responder: gate.responder });
    const token = await getToken(app);
    const response = await requestChat(app, token, {
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    gate.release();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('one ');
    // The client waits for the next piece, which never comes before the deadline.
    const rest = (async () => {
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += new TextDecoder().decode(value);
      }
    })();
    expect(await app.context.drain.settle({ graceMs: 0 })).toEqual({
      finished: 0,
      interrupted: 1,
    });
    // No stop chunk and no [DONE]: what the widget shows as "The answer was interrupted."
    const data = sseData(await rest);
    expect(data).not.toContain('[DONE]');
    expect(data.some((chunk) => chunk.includes('"finish_reason":"stop"'))).toBe(false);
    const id = response.headers.get('x-inkeep-conversation-id') ?? '';
    const stored = await app.context.conversations.get(id, {
      sub: JSON.parse(atob(token.split('.')[1] ?? '')).sub,
      appId: 'app_demo',
    });
    expect(stored?.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'one ' });
  });

  it('ends an interrupted UI message stream with an error chunk', async () => {
    const gate = gatedResponder(['one ', 'two']);
    const app = createTestApp({ responder: gate.responder });
    const token = await getToken(app);
    const response = await app.request('/run/api/chat', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-inkeep-app-id': 'app_demo',
        origin: 'http://localhost:5173',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        id: 'conv_drained_ui_stream_01',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'count' }] }],
      }),
    });
    expect(response.status).toBe(200);
    const text = response.text();
    gate.release();
    await tick();
    await app.context.drain.settle({ graceMs: 0 });
    const events = uiEvents(await text);
    expect(events.map((event) => (event as { type?: string }).type)).toContain('error');
    expect(events.map((event) => (event as { type?: string }).type)).not.toContain('finish');
  });
});

describe('startServer: drain() and close()', () => {
  it('drains on drain(), then runs every flush hook on close, a failing one logged', async () => {
    const shared = createMemorySharedState();
    const lines: string[] = [];
    const server = await startServer({
      apps: testApps,
      stores: createTestStores({ shared }),
      shared,
      settings: { jwtSecret: secret },
      manageUi: false,
      logger: createLogger({
        pretty: false,
        destination: { write: (text: string) => void lines.push(text) },
      }),
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.drain();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'draining' });
    expect((await fetch(`${server.url}/run/v1/conversations`)).status).toBe(503);
    const ran: string[] = [];
    server.flushHooks.push(
      () => void ran.push('first'),
      () => {
        throw new Error('disk full');
      },
      async () => void ran.push('third'),
    );
    await server.close({ graceMs: 0 });
    expect(ran).toEqual(['first', 'third']);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        msg: 'flush hook failed',
        error: { type: 'Error', message: 'disk full' },
      }),
    );
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
