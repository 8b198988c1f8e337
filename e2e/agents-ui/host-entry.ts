// A host site that embeds Inkeep's published chat widget (@inkeep/agents-ui) in app-id mode,
// pointed at our Run API server: bundled with esbuild by build-host-page.ts at test setup.
// The page's query names the server (`?baseUrl=…&appId=…`). It remembers the conversation the
// widget reports and hands it back as the `conversationId` setting on the next load, as a site
// that restores a visitor's chat after a reload does.
import { InkeepEmbeddedChat } from '@inkeep/agents-ui';
import type { InkeepCallbackEvent } from '@inkeep/agents-ui/types';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const storageKey = 'host:conversationId';
const query = new URLSearchParams(location.search);
const baseUrl = query.get('baseUrl') ?? '';
const appId = query.get('appId') ?? '';
const conversationId = localStorage.getItem(storageKey) ?? undefined;

/** Keeps the conversation the widget is in, from the events it reports to its host. */
async function onEvent(event: InkeepCallbackEvent): Promise<void> {
  const properties = event.properties as { conversationId?: unknown };
  if (typeof properties.conversationId === 'string' && properties.conversationId) {
    localStorage.setItem(storageKey, properties.conversationId);
  }
}

const root = document.getElementById('chat');
if (!root) throw new Error('The host page has no #chat element');
createRoot(root).render(
  createElement(InkeepEmbeddedChat, {
    baseSettings: {
      organizationDisplayName: 'Acme',
      primaryBrandColor: '#3b5bdb',
      theme: { disableLoadingDefaultFont: true },
      onEvent,
    },
    aiChatSettings: {
      appId,
      baseUrl,
      conversationId,
      aiAssistantName: 'Acme assistant',
    },
  }),
);
