import { h, render } from 'preact';
import { createChatClient } from './chat/create-chat-client.ts';
import { InkeepChatError } from './errors.ts';
import { InkeepChatEvent } from './events.ts';
import { createSession, type Session, type SessionState } from './session/create-session.ts';
import { ChatApp, type SessionView } from './ui/chat-app.tsx';
import {
  type ChatController,
  type ConversationMemory,
  createChatController,
} from './ui/create-chat-controller.ts';
import { type ChatStrings, defaultStrings } from './ui/strings.ts';
import { styles } from './ui/styles.ts';

// Importing this module during server-side rendering must not throw: there is no HTMLElement.
const BaseElement = (
  typeof HTMLElement === 'undefined' ? class {} : HTMLElement
) as typeof HTMLElement;

const attributes = [
  'app-id',
  'base-url',
  'auth-token',
  'mode',
  'open',
  'color-mode',
  'position',
  'title',
  'placeholder',
  'strings',
  'nonce',
  'lang',
  'dir',
] as const;

let sharedSheet: CSSStyleSheet | null = null;

/**
 * The `<inkeep-chat>` element: turns attributes into options, owns one session and one
 * conversation, and renders the interface in its shadow root.
 * @example
 * InkeepChatElement.define();
 * document.body.append(Object.assign(document.createElement('inkeep-chat'), { appId: 'app_…' }));
 */
export class InkeepChatElement extends BaseElement {
  static readonly observedAttributes = attributes;

  /** Registers the element under `tag` unless that name is already taken. */
  static define(tag = 'inkeep-chat', registry: CustomElementRegistry = customElements) {
    // `this`, not the class name: a subclass registers itself.
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (!registry.get(tag)) registry.define(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: see above
    return this;
  }

  #mount: HTMLElement | null = null;
  #session: Session | null = null;
  #controller: ChatController | null = null;
  #sessionView: SessionView | null = null;
  #open = false;
  #strings: Partial<ChatStrings> = {};
  #teardown: Promise<void> | null = null;
  #idle: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;
  #configError: InkeepChatError | null = null;
  #getAuthToken: (() => string | Promise<string>) | null = null;
  // A session failure reaches the element twice: through the session's subscription and, as
  // the same object, through the controller's send that needed the token. Announce it once.
  #announced = new WeakSet<InkeepChatError>();

  /** The app's id (`app_…`), as issued by the server. */
  get appId(): string {
    return this.getAttribute('app-id') ?? '';
  }
  set appId(value: string) {
    this.setAttribute('app-id', value);
  }

  /** The Run API's base URL, e.g. `https://api.example.com`. */
  get baseUrl(): string {
    return this.getAttribute('base-url') ?? '';
  }
  set baseUrl(value: string) {
    this.setAttribute('base-url', value);
  }

  /**
   * Signs the visitor in: an async function returning a JWT that the site's backend signed for
   * its user (see the README, *Signed-in visitors*). Called again before the session expires and
   * after a 401; its tokens are kept in memory only. `null` = anonymous (or `auth-token`).
   */
  get getAuthToken(): (() => string | Promise<string>) | null {
    return this.#getAuthToken;
  }
  set getAuthToken(value: (() => string | Promise<string>) | null) {
    if (value === this.#getAuthToken) return;
    this.#getAuthToken = value;
    this.#restart();
  }

  /** Whether the floating panel is open. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Overrides for any visible text. */
  get strings(): Partial<ChatStrings> {
    return this.#strings;
  }
  set strings(value: Partial<ChatStrings>) {
    this.#strings = { ...value };
    this.#render();
  }

  /** Opens the floating panel. */
  open(): void {
    this.#setOpen(true);
  }

  /** Closes the floating panel. */
  close(): void {
    this.#setOpen(false);
  }

  /** Opens the panel when closed and closes it when open. */
  toggle(): void {
    this.#setOpen(!this.#open);
  }

  /** Sends a message as if the visitor typed it, opening the floating panel to show the answer. */
  send(text: string): void {
    this.#ensureStarted();
    this.#controller?.send(text);
    // Opened after the message is in, so opening does not load the remembered conversation
    // over it (the message starts a new one, as it did when the panel stayed closed).
    if (text.trim() !== '' && this.getAttribute('mode') !== 'inline') this.#setOpen(true);
  }

  /** Starts a new, empty conversation. */
  newConversation(): void {
    this.#controller?.newConversation();
  }

  connectedCallback(): void {
    // A move within the document disconnects and reconnects in one task: keep everything.
    this.#teardown = null;
    // Set before the element was defined, the property hides the accessor: hand it over.
    if (Object.getOwnPropertyDescriptor(this, 'getAuthToken')) {
      const value = this.getAuthToken;
      delete (this as { getAuthToken?: unknown }).getAuthToken;
      this.getAuthToken = value;
    }
    if (!this.shadowRoot) this.#createShadow();
    this.#ensureStarted();
    this.#render();
  }

  disconnectedCallback(): void {
    const teardown = Promise.resolve().then(() => {
      if (this.#teardown !== teardown || this.isConnected) return;
      this.#stop();
    });
    this.#teardown = teardown;
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (previous === value) return;
    if (name === 'app-id' || name === 'base-url' || name === 'auth-token') this.#restart();
    if (name === 'open') this.#setOpen(value !== null, false);
    if (name === 'strings') {
      try {
        this.#strings = value ? (JSON.parse(value) as Partial<ChatStrings>) : {};
      } catch {
        this.#strings = {};
      }
    }
    this.#render();
  }

  #restart() {
    if (this.#session) this.#stop();
    if (this.isConnected) this.#ensureStarted();
    this.#render();
  }

  #createShadow() {
    const shadow = this.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
      // Constructed stylesheets are not subject to a page's style-src CSP.
      sharedSheet ??= new CSSStyleSheet();
      if (sharedSheet.cssRules.length === 0) sharedSheet.replaceSync(styles);
      shadow.adoptedStyleSheets = [sharedSheet];
    } else {
      const style = document.createElement('style');
      const nonce = this.getAttribute('nonce');
      if (nonce) style.nonce = nonce;
      style.textContent = styles;
      shadow.append(style);
    }
    this.#mount = document.createElement('div');
    shadow.append(this.#mount);
  }

  #ensureStarted() {
    if (this.#session || !this.isConnected) return;
    const appId = this.appId;
    const baseUrl = this.baseUrl;
    const configError = validateConfig(appId, baseUrl);
    if (configError) {
      // The same mistake found again (another send, another attribute) is not a new failure.
      if (configError.message === this.#configError?.message && this.#controller) return;
      this.#configError = configError;
      this.#sessionView = staticSession({ status: 'error', error: configError });
      this.#controller?.dispose();
      this.#controller = createChatController({
        client: { streamChat: failingStream(configError) },
        onError: (error) => this.#emitError(error),
      });
      // Announced once the running script is done: a page that sets app-id and base-url one
      // after the other hears nothing of the moment between them.
      queueMicrotask(() => {
        if (this.#configError === configError && this.isConnected) this.#emitError(configError);
      });
      return;
    }
    this.#configError = null;
    const authToken = this.getAttribute('auth-token');
    const getAuthToken = this.#getAuthToken ?? (authToken ? () => authToken : undefined);
    const session = createSession({ appId, baseUrl, getAuthToken });
    // Each identity remembers its own conversation, so that signing in or out never resumes the
    // other's. Signing in moves the anonymous visitor's conversations to the user (the session
    // hands them over), and with them the one it was in.
    const key = `inkeep-chat:conversation:${baseUrl}:${appId}`;
    let memory = rememberConversation(key);
    if (getAuthToken) {
      const moved = memory.get();
      memory.set(null);
      memory = rememberConversation(`${key}:user`);
      if (moved) memory.set(moved);
    }
    this.#session = session;
    this.#sessionView = session;
    this.#unsubscribe = session.subscribe((state: SessionState) => {
      if (state.status === 'error' && state.error) this.#emitError(state.error);
      if (state.status === 'ready')
        this.dispatchEvent(new InkeepChatEvent('inkeep-chat-session', state));
    });
    this.#controller?.dispose();
    this.#controller = createChatController({
      client: createChatClient({ fetch: session.fetch }),
      memory,
      onError: (error) => this.#emitError(error),
      onMessage: (message) =>
        this.dispatchEvent(new InkeepChatEvent('inkeep-chat-message', message)),
      onFeedback: (feedback) =>
        this.dispatchEvent(new InkeepChatEvent('inkeep-chat-feedback', feedback)),
    });
    this.#idle = whenIdle(() => {
      session.prewarm();
      // The remembered conversation is loaded once it can be seen, not on every page view.
      if (this.#open || this.getAttribute('mode') === 'inline') void this.#controller?.restore();
    });
  }

  #stop() {
    this.#idle?.();
    this.#idle = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#controller?.dispose();
    this.#controller = null;
    this.#configError = null;
    this.#session?.dispose();
    this.#session = null;
    this.#sessionView = null;
    if (this.#mount) render(null, this.#mount);
  }

  #emitError(error: InkeepChatError) {
    if (this.#announced.has(error)) return;
    this.#announced.add(error);
    this.dispatchEvent(new InkeepChatEvent('inkeep-chat-error', error));
  }

  #setOpen(open: boolean, reflect = true) {
    if (open === this.#open) return;
    this.#open = open;
    if (reflect) this.toggleAttribute('open', open);
    if (open) {
      this.#session?.prewarm();
      void this.#controller?.restore();
    }
    this.dispatchEvent(new InkeepChatEvent(open ? 'inkeep-chat-open' : 'inkeep-chat-close', null));
    this.#render();
  }

  #render() {
    if (!this.#mount || !this.#controller || !this.#sessionView || !this.isConnected) return;
    const mode = this.getAttribute('mode') === 'inline' ? 'inline' : 'floating';
    const colorMode = this.getAttribute('color-mode');
    render(
      h(ChatApp, {
        controller: this.#controller,
        session: this.#sessionView,
        strings: this.#mergedStrings(),
        mode,
        open: this.#open,
        onOpenChange: (open: boolean) => this.#setOpen(open),
        colorMode: colorMode === 'dark' || colorMode === 'auto' ? colorMode : 'light',
        position: this.getAttribute('position') ?? 'bottom-right',
        title: this.getAttribute('title') ?? undefined,
        placeholder: this.getAttribute('placeholder') ?? undefined,
        lang: this.closest('[lang]')?.getAttribute('lang') || undefined,
        dir: textDirection(this),
      }),
      this.#mount,
    );
  }

  #cachedStrings: { from: Partial<ChatStrings>; merged: ChatStrings } | null = null;
  #mergedStrings(): ChatStrings {
    if (this.#cachedStrings?.from !== this.#strings) {
      this.#cachedStrings = {
        from: this.#strings,
        merged: { ...defaultStrings, ...this.#strings },
      };
    }
    return this.#cachedStrings.merged;
  }
}

/** The element's own `dir`, else the nearest ancestor's; `auto` and unknown values are left out. */
function textDirection(element: Element): 'ltr' | 'rtl' | undefined {
  const dir = element.closest('[dir]')?.getAttribute('dir')?.toLowerCase();
  return dir === 'rtl' || dir === 'ltr' ? dir : undefined;
}

function validateConfig(appId: string, baseUrl: string): InkeepChatError | null {
  if (!appId) return new InkeepChatError('config', 'The chat is not set up: app-id is missing.');
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
  } catch {
    return new InkeepChatError('config', 'The chat is not set up: base-url is not a valid URL.');
  }
  return null;
}

function staticSession(state: SessionState): SessionView {
  return {
    subscribe(listener) {
      listener(state);
      return () => {};
    },
    prewarm() {},
  };
}

function failingStream(error: InkeepChatError) {
  // biome-ignore lint/correctness/useYield: it fails before producing anything
  return async function* () {
    throw error;
  };
}

/** Remembers the current conversation's id in localStorage; forgets quietly where it is blocked. */
function rememberConversation(key: string): ConversationMemory {
  return {
    get() {
      try {
        return localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(id) {
      try {
        if (id === null) localStorage.removeItem(key);
        else localStorage.setItem(key, id);
      } catch {
        // Storage blocked (privacy mode, sandboxed iframe): the conversation lasts for this page.
      }
    },
  };
}

/** Runs `callback` once the browser is idle; returns a cancel function. */
function whenIdle(callback: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(callback, { timeout: 2000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(callback, 200);
  return () => clearTimeout(handle);
}
