import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { InkeepChatError } from '../errors.ts';
import { ChatPanel } from './chat-panel.tsx';
import type { ChatController } from './create-chat-controller.ts';
import { ChatIcon, CloseIcon } from './icons.tsx';
import type { ChatStrings } from './strings.ts';

/** What the interface needs to know of the session: its state, and a way to start it. */
export interface SessionView {
  subscribe(listener: (state: { status: string; error?: InkeepChatError }) => void): () => void;
  prewarm(): void;
}

export interface ChatAppProps {
  controller: ChatController;
  session: SessionView;
  strings: ChatStrings;
  mode: 'floating' | 'inline';
  open: boolean;
  onOpenChange(open: boolean): void;
  colorMode: 'light' | 'dark' | 'auto';
  position: string;
  title?: string | undefined;
  placeholder?: string | undefined;
  /** The language and direction of the widget's text, from the element or the page. */
  lang?: string | undefined;
  dir?: 'ltr' | 'rtl' | undefined;
}

/** The whole widget: a launcher and a floating panel, or the panel inline. */
export function ChatApp({
  controller,
  session,
  strings,
  mode,
  open,
  onOpenChange,
  colorMode,
  position,
  title,
  placeholder,
  lang,
  dir,
}: ChatAppProps) {
  const [state, setState] = useState(controller.getState());
  const [sessionState, setSessionState] = useState<{ status: string; error?: InkeepChatError }>({
    status: 'idle',
  });
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement | null>(null);
  const dark = useDarkMode(colorMode);
  const inline = mode === 'inline';
  const visible = inline || open;

  useEffect(() => {
    // Tokens can arrive many times a frame: render the newest state once per frame.
    let frame: number | null = null;
    const render = () => {
      frame = null;
      setState(controller.getState());
    };
    setState(controller.getState());
    const unsubscribe = controller.subscribe((next) => {
      if (!next.streaming) {
        if (frame !== null) cancelAnimationFrame(frame);
        render();
      } else frame ??= requestAnimationFrame(render);
    });
    return () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [controller]);
  useEffect(() => session.subscribe(setSessionState), [session]);

  const wasOpen = useRef(open);
  useEffect(() => {
    if (!inline && open && !wasOpen.current) input.current?.focus();
    if (!inline && !open && wasOpen.current) launcher.current?.focus();
    wasOpen.current = open;
  }, [open, inline]);

  const root = useRef<HTMLDivElement>(null);
  useVisualViewport(root, !inline);

  const close = useCallback(() => onOpenChange(false), [onOpenChange]);
  const classes = [
    'root',
    inline ? 'inline' : 'floating',
    open && 'open',
    dark && 'dark',
    position.includes('left') && 'left',
    position.includes('top') && 'top',
  ];

  return (
    <div ref={root} class={classes.filter(Boolean).join(' ')} lang={lang} dir={dir}>
      {visible && (
        <section
          part="panel"
          class="panel"
          id="panel"
          role={inline ? 'region' : 'dialog'}
          aria-label={title ?? strings.title}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && !inline) {
              event.stopPropagation();
              close();
            }
          }}
        >
          <ChatPanel
            state={state}
            controller={controller}
            strings={strings}
            title={title ?? strings.title}
            placeholder={placeholder ?? strings.placeholder}
            sessionError={sessionState.status === 'error' ? (sessionState.error ?? null) : null}
            connecting={sessionState.status === 'loading' && state.streaming}
            onRetrySession={() => session.prewarm()}
            onClose={inline ? undefined : close}
            inputRef={input}
          />
        </section>
      )}
      {!inline && (
        <button
          ref={launcher}
          type="button"
          part="launcher"
          class="launcher"
          aria-label={open ? strings.closeChat : strings.openChat}
          aria-expanded={open ? 'true' : 'false'}
          aria-controls="panel"
          onClick={() => onOpenChange(!open)}
          onPointerEnter={() => session.prewarm()}
          onFocus={() => session.prewarm()}
        >
          {open ? <CloseIcon /> : <ChatIcon />}
        </button>
      )}
    </div>
  );
}

/**
 * Follows the visual viewport: the full-screen panel stays inside it, so an on-screen keyboard
 * shrinks the panel instead of covering the composer; and the launcher stays in its corner even
 * on a host page wider than the phone (where the layout viewport grows past the screen).
 */
function useVisualViewport(root: { current: HTMLElement | null }, active: boolean) {
  useEffect(() => {
    const viewport = typeof visualViewport === 'undefined' ? null : visualViewport;
    const element = root.current;
    if (!active || !viewport || !element) return;
    const update = () => {
      const set = (name: string, value: number) =>
        element.style.setProperty(`--ic-viewport-${name}`, `${value}px`);
      set('width', viewport.width);
      set('height', viewport.height);
      set('top', viewport.offsetTop);
      set('left', viewport.offsetLeft);
      set('right', viewport.offsetLeft + viewport.width);
      set('bottom', viewport.offsetTop + viewport.height);
    };
    update();
    viewport.addEventListener('resize', update);
    viewport.addEventListener('scroll', update);
    return () => {
      viewport.removeEventListener('resize', update);
      viewport.removeEventListener('scroll', update);
    };
  }, [root, active]);
}

/** Whether to draw dark: fixed by `color-mode`, or following the system with `auto`. */
function useDarkMode(colorMode: 'light' | 'dark' | 'auto'): boolean {
  const [systemDark, setSystemDark] = useState(() => systemPrefersDark()?.matches ?? false);
  useEffect(() => {
    const query = systemPrefersDark();
    if (!query || colorMode !== 'auto') return;
    const listener = () => setSystemDark(query.matches);
    listener();
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }, [colorMode]);
  return colorMode === 'dark' || (colorMode === 'auto' && systemDark);
}

function systemPrefersDark(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
}
