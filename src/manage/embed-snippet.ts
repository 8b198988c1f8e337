function attribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** The HTML a site pastes to embed the widget for `appId`, talking to the server at `baseUrl`. */
export function embedSnippet(appId: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return [
    `<script src="${attribute(`${base}/manage/inkeep-chat.js`)}" defer></script>`,
    `<inkeep-chat app-id="${attribute(appId)}" base-url="${attribute(base)}"></inkeep-chat>`,
  ].join('\n');
}
