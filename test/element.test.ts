// @vitest-environment happy-dom
import { waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InkeepChatElement } from '../src/element.ts';
import type { InkeepChatError } from '../src/errors.ts';
import type { InkeepChatEvent } from '../src/events.ts';
import { base, createFakeRunApi, json, problem, sessionPath } from './session/fake-run-api.ts';

const chatPath = '/run/v1/chat/completions';
/** A request that never answers: a background retry that must not add an event of its own. */
const never = () => new Promise<Response>(() => {});
const unreachable = () => Promise.reject(new TypeError('Failed to fetch'));
const session = () => json({ token: 'token_1', expiresAt: new Date(Date.now() + 3_600_000) });

InkeepChatElement.define();

beforeEach(() => {
  // The idle pre-warm would start a session of its own at a moment the test does not choose.
  vi.stubGlobal('requestIdleCallback', () => 0);
  vi.stubGlobal('cancelIdleCallback', () => {});
});

afterEach(async () => {
  document.body.replaceChildren();
  // The element lets go of its session a microtask after it leaves the document.
  await Promise.resolve();
  vi.unstubAllGlobals();
});

function mount(
  attributes: Record<string, string>,
  handlers: Parameters<typeof createFakeRunApi>[0],
) {
  const api = createFakeRunApi(handlers);
  vi.stubGlobal('fetch', api.fetch);
  const element = document.createElement('inkeep-chat') as InkeepChatElement;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const errors: InkeepChatError[] = [];
  element.addEventListener('inkeep-chat-error', (event) => {
    errors.push((event as InkeepChatEvent<'inkeep-chat-error'>).detail);
  });
  document.body.append(element);
  const composer = () => element.shadowRoot?.querySelector<HTMLTextAreaElement>('textarea') ?? null;
  return { element, errors, api, composer };
}

/** The alert's text; a rate limit's shows the seconds until the message is sent again. */
const alert = (element: InkeepChatElement) =>
  element.shadowRoot?.querySelector('[role="alert"]')?.textContent ?? '';

const configured = { 'app-id': 'app_1', 'base-url': base, mode: 'inline' };

describe('<inkeep-chat> error events', () => {
  it('announces a configuration error once, however often it is met', async () => {
    const { element, errors, composer } = mount({ mode: 'inline' }, {});
    await waitFor(() => expect(errors.map((error) => error.code)).toEqual(['config']));
    element.send('Hi');
    element.send('Hi again');
    await waitFor(() => expect(composer()?.value).toContain('Hi'));
    expect(errors).toHaveLength(1);
  });

  it('says nothing of a configuration completed in the same task', async () => {
    const { element, errors } = mount({ mode: 'inline' }, { [sessionPath]: never });
    element.appId = 'app_1';
    element.baseUrl = base;
    await Promise.resolve();
    await Promise.resolve();
    expect(errors).toHaveLength(0);
  });

  it('announces a refused session once, not again through the send that needed it', async () => {
    const { element, errors, composer } = mount(configured, {
      [sessionPath]: () => problem(403, 'origin_not_allowed', 'This origin is not allowed'),
    });
    element.send('Hi');
    await waitFor(() => expect(composer()?.value).toBe('Hi'));
    expect(errors.map((error) => error.code)).toEqual(['origin_not_allowed']);
  });

  it('announces an unreachable session server once', async () => {
    const { element, errors, composer } = mount(configured, {
      [sessionPath]: (_request, index) => (index === 0 ? unreachable() : never()),
    });
    element.send('Hi');
    await waitFor(() => expect(composer()?.value).toBe('Hi'));
    expect(errors.map((error) => error.code)).toEqual(['network']);
  });

  it('announces a rate-limited session once', async () => {
    const { element, errors } = mount(configured, {
      [sessionPath]: (_request, index) =>
        index === 0 ? problem(429, 'rate_limit_exceeded', 'Slow down') : never(),
    });
    element.send('Hi');
    await waitFor(() => expect(alert(element)).toMatch(/\d/));
    expect(errors.map((error) => error.code)).toEqual(['rate_limited']);
  });

  it('announces a failed chat once', async () => {
    const { element, errors, composer } = mount(configured, {
      [sessionPath]: session,
      [chatPath]: () => problem(500, 'internal', 'Broken'),
    });
    element.send('Hi');
    await waitFor(() => expect(composer()?.value).toBe('Hi'));
    expect(errors.map((error) => error.code)).toEqual(['server_error']);
  });

  it('announces a rate-limited chat once, while it waits to send again', async () => {
    const { element, errors } = mount(configured, {
      [sessionPath]: session,
      [chatPath]: () =>
        json({ code: 'rate_limit_exceeded', detail: 'Slow down' }, 429, { 'retry-after': '600' }),
    });
    element.send('Hi');
    await waitFor(() => expect(alert(element)).toMatch(/\d/));
    expect(errors.map((error) => error.code)).toEqual(['rate_limited']);
  });

  it('announces an unreachable chat server once', async () => {
    const { element, errors, composer } = mount(configured, {
      [sessionPath]: session,
      [chatPath]: unreachable,
    });
    element.send('Hi');
    await waitFor(() => expect(composer()?.value).toBe('Hi'));
    expect(errors.map((error) => error.code)).toEqual(['network']);
  });
});

describe('<inkeep-chat> send(text)', () => {
  const question = (element: InkeepChatElement) =>
    element.shadowRoot?.querySelector('.message.user')?.textContent ?? '';

  it('opens the floating panel to show the message and its answer', async () => {
    const { element } = mount(
      { 'app-id': 'app_1', 'base-url': base },
      { [sessionPath]: session, [chatPath]: never },
    );
    const opened: Event[] = [];
    element.addEventListener('inkeep-chat-open', (event) => opened.push(event));
    expect(element.isOpen).toBe(false);
    element.send('Hi');
    expect(element.isOpen).toBe(true);
    expect(element.hasAttribute('open')).toBe(true);
    expect(opened).toHaveLength(1);
    await waitFor(() => expect(question(element)).toContain('Hi'));
    element.send('   ');
    expect(opened).toHaveLength(1);
  });

  it('leaves a closed panel closed when there is nothing to send', () => {
    const { element } = mount({ 'app-id': 'app_1', 'base-url': base }, {});
    element.send('  ');
    expect(element.isOpen).toBe(false);
  });

  it('just sends in inline mode', async () => {
    const { element } = mount(configured, { [sessionPath]: session, [chatPath]: never });
    const opened: Event[] = [];
    element.addEventListener('inkeep-chat-open', (event) => opened.push(event));
    element.send('Hi');
    await waitFor(() => expect(question(element)).toContain('Hi'));
    expect(opened).toHaveLength(0);
    expect(element.hasAttribute('open')).toBe(false);
  });
});

describe('<inkeep-chat> on a phone', () => {
  const composerFontSize = async (width: number) => {
    (window as unknown as { happyDOM: { setViewport(size: object): void } }).happyDOM.setViewport({
      width,
      height: 844,
    });
    const { composer } = mount(configured, {});
    await waitFor(() => expect(composer()).toBeTruthy());
    return Number.parseFloat(getComputedStyle(composer() as HTMLTextAreaElement).fontSize);
  };

  it('keeps the composer at 16 px or more, so iOS does not zoom into it on focus', async () => {
    expect(await composerFontSize(390)).toBeGreaterThanOrEqual(16);
  });

  it('keeps the page size of text on wider screens', async () => {
    expect(await composerFontSize(1024)).toBe(15);
  });
});

describe('<inkeep-chat> with a signed-in visitor', () => {
  const userSessionPath = '/run/auth/apps/app_1/user-session';
  const userSession = () =>
    json({ token: 'user_token', expiresAt: new Date(Date.now() + 3_600_000) });

  it('uses getAuthToken instead of an anonymous session, and again after a 401', async () => {
    const { element, api } = mount(configured, {
      [userSessionPath]: userSession,
      [chatPath]: (_request, index) =>
        index === 0 ? problem(401, 'unauthorized', 'Invalid end-user JWT') : never(),
    });
    const getAuthToken = vi.fn(async () => 'site_token');
    element.getAuthToken = getAuthToken;
    expect(element.getAuthToken).toBe(getAuthToken);
    element.send('Hi');
    await waitFor(() => expect(api.to(chatPath)).toHaveLength(2));
    expect(getAuthToken).toHaveBeenCalledTimes(2);
    expect(api.to(sessionPath)).toHaveLength(0);
    expect(JSON.parse(api.to(userSessionPath)[0]?.body ?? '{}')).toEqual({ token: 'site_token' });
    expect(api.to(chatPath)[1]?.headers.get('authorization')).toBe('Bearer user_token');
  });

  it('takes a static token from the auth-token attribute', async () => {
    const { element, api } = mount(
      { ...configured, 'auth-token': 'static_token' },
      { [userSessionPath]: userSession, [chatPath]: never },
    );
    element.send('Hi');
    await waitFor(() => expect(api.to(chatPath)).toHaveLength(1));
    expect(JSON.parse(api.to(userSessionPath)[0]?.body ?? '{}')).toEqual({
      token: 'static_token',
    });
  });

  it('picks up a getAuthToken set before the element was defined', async () => {
    class LateChatElement extends InkeepChatElement {}
    const api = createFakeRunApi({ [userSessionPath]: userSession, [chatPath]: never });
    vi.stubGlobal('fetch', api.fetch);
    const element = document.createElement('late-chat') as InkeepChatElement;
    for (const [name, value] of Object.entries(configured)) element.setAttribute(name, value);
    const getAuthToken = async () => 'early_token';
    Object.assign(element, { getAuthToken });
    document.body.append(element);
    LateChatElement.define('late-chat');
    await waitFor(() => expect(element.getAuthToken).toBe(getAuthToken));
    element.send('Hi');
    await waitFor(() => expect(api.to(userSessionPath)).toHaveLength(1));
    expect(api.to(sessionPath)).toHaveLength(0);
  });
});

describe('<inkeep-chat> remembers a conversation per identity', () => {
  const anonymousKey = `inkeep-chat:conversation:${base}:app_1`;
  const userKey = `${anonymousKey}:user`;
  const userSessionPath = '/run/auth/apps/app_1/user-session';
  const userSession = () =>
    json({ token: 'user_token', expiresAt: new Date(Date.now() + 3_600_000) });
  const asked = (api: ReturnType<typeof createFakeRunApi>, id: string) =>
    api.requests.some((request) => request.url.includes(id));

  beforeEach(() => {
    // Idle at once: the remembered conversation is restored as soon as the element starts.
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => {
      queueMicrotask(callback);
      return 0;
    });
  });
  afterEach(() => localStorage.clear());

  it('moves the anonymous visitor’s conversation to the user on sign-in, and never back on sign-out', async () => {
    localStorage.setItem(anonymousKey, 'conv_1');
    const { element, api } = mount(
      { ...configured, 'auth-token': 'site_token' },
      {
        [userSessionPath]: userSession,
        [sessionPath]: session,
        '/run/v1/conversations/conv_1': never,
        [chatPath]: never,
      },
    );
    // Signing in moves the anonymous visitor's conversations to the user: the one it was in too.
    await waitFor(() => expect(asked(api, 'conv_1')).toBe(true));
    expect(localStorage.getItem(userKey)).toBe('conv_1');
    expect(localStorage.getItem(anonymousKey)).toBeNull();

    // Signed out: the anonymous visitor starts afresh, and the user's conversation stays theirs.
    const before = api.requests.filter((request) => request.url.includes('conv_1')).length;
    element.removeAttribute('auth-token');
    await waitFor(() => expect(api.to(sessionPath)).toHaveLength(1));
    element.send('Hi');
    await waitFor(() => expect(api.to(chatPath)).toHaveLength(1));
    expect(api.requests.filter((request) => request.url.includes('conv_1'))).toHaveLength(before);
    expect(localStorage.getItem(userKey)).toBe('conv_1');
  });
});
