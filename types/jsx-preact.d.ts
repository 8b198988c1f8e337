// `<inkeep-chat>` in Preact TSX: `import type {} from 'inkeep-chat/jsx-preact'` once.
import type { InkeepChatElement } from 'inkeep-chat';
import type { JSX } from 'preact';
import type { InkeepChatAttributes } from './inkeep-chat-attributes.d.ts';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'inkeep-chat': InkeepChatAttributes &
        Omit<JSX.HTMLAttributes<InkeepChatElement>, keyof InkeepChatAttributes>;
    }
  }
}
