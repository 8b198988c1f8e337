import { InkeepChatElement } from './element.ts';

// The script-tag entry and the `./define` export: registering is its whole purpose. A second
// copy of the script (or another version) finds the name taken and leaves the first in place.
if (typeof customElements !== 'undefined') {
  InkeepChatElement.define();
  addLauncherFromScriptTag();
}

/**
 * The zero-markup form: `<script src="…/inkeep-chat.js" data-app-id="app_…" data-base-url="…">`
 * adds a floating launcher by itself, once the document has a body.
 */
function addLauncherFromScriptTag() {
  const script = document.currentScript;
  const appId = script?.dataset.appId;
  if (!script || !appId) return;
  const add = () => {
    if (document.querySelector(`inkeep-chat[data-from-script][app-id="${CSS.escape(appId)}"]`)) {
      return;
    }
    const element = document.createElement('inkeep-chat');
    element.setAttribute('app-id', appId);
    element.setAttribute('data-from-script', '');
    for (const [key, value] of Object.entries(script.dataset)) {
      if (key === 'appId' || value === undefined) continue;
      element.setAttribute(
        key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
        value,
      );
    }
    document.body.append(element);
  };
  if (document.body) add();
  else document.addEventListener('DOMContentLoaded', add, { once: true });
}

declare global {
  interface HTMLElementTagNameMap {
    'inkeep-chat': InkeepChatElement;
  }
}

export { InkeepChatElement };
