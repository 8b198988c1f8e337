import { InkeepChatElement } from './element.ts';

// The script-tag entry and the `./define` export: registering is its whole purpose.
InkeepChatElement.define();

declare global {
  interface HTMLElementTagNameMap {
    'inkeep-chat': InkeepChatElement;
  }
}

export { InkeepChatElement };
