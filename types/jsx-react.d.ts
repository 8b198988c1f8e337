// `<inkeep-chat>` in React TSX: `import type {} from 'inkeep-chat/jsx-react'` once.
import type { InkeepChatElement } from 'inkeep-chat';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { InkeepChatAttributes } from './inkeep-chat-attributes.d.ts';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'inkeep-chat': InkeepChatAttributes &
        Omit<
          DetailedHTMLProps<HTMLAttributes<InkeepChatElement>, InkeepChatElement>,
          keyof InkeepChatAttributes
        >;
    }
  }
}
