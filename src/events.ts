import type { Feedback } from './chat/create-chat-client.ts';
import type { InkeepChatError } from './errors.ts';
import type { SessionState } from './session/create-session.ts';
import type { UiMessage } from './ui/create-chat-controller.ts';

/** What each event of `<inkeep-chat>` carries in `detail`. */
export interface InkeepChatEventMap {
  'inkeep-chat-open': null;
  'inkeep-chat-close': null;
  'inkeep-chat-message': UiMessage;
  'inkeep-chat-error': InkeepChatError;
  'inkeep-chat-session': SessionState;
  /** The visitor rated an answer (and the server stored it). */
  'inkeep-chat-feedback': Feedback;
}

/** The events `<inkeep-chat>` dispatches; they bubble and cross shadow boundaries. */
export class InkeepChatEvent<
  K extends keyof InkeepChatEventMap = keyof InkeepChatEventMap,
> extends Event {
  readonly detail: InkeepChatEventMap[K];

  constructor(type: K, detail: InkeepChatEventMap[K]) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
