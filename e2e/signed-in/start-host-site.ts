import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** A site with its own backend that signs its users' tokens, as a real host site would. */
export interface HostSite {
  url: string;
  /** The public key to register on the app (`config.webClient.signingKeys`). */
  signingKey: { kid: string; key: Record<string, unknown> };
  /** How many tokens the backend signed so far. */
  readonly signed: number;
  stop(): Promise<void>;
}

/**
 * Starts a tiny host site on 127.0.0.1: `/?user=ID` embeds the widget with a `getAuthToken`
 * that fetches `/token?user=ID`, which signs an ES256 JWT living `tokenSeconds`; `/anonymous`
 * embeds it without. `baseUrl` is the Run API server (which also serves the widget script).
 */
export async function startHostSite({
  appId,
  tokenSeconds,
}: {
  appId: string;
  tokenSeconds: number;
}): Promise<HostSite & { setBaseUrl(url: string): void }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'host-e2e';
  let baseUrl = '';
  let signed = 0;
  const page = (script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host site</title>
<script src="${baseUrl}/manage/inkeep-chat.js" defer></script></head>
<body><main><h1>Host site</h1>
<inkeep-chat app-id="${appId}" base-url="${baseUrl}" mode="inline"></inkeep-chat></main>
<script>${script}</script></body></html>`;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token') {
      // The host's backend: its own session says who the user is (here, the query).
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ name: `User ${url.searchParams.get('user')}` })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(url.searchParams.get('user') ?? 'anonymous')
        .setIssuedAt(now)
        .setExpirationTime(now + tokenSeconds)
        .sign(privateKey);
      signed++;
      response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      return response.end(token);
    }
    const html =
      url.pathname === '/anonymous'
        ? page('')
        : page(`document.querySelector('inkeep-chat').getAuthToken = async () => {
  const response = await fetch('/token?user=' + encodeURIComponent(${JSON.stringify(url.searchParams.get('user') ?? 'ada')}));
  return response.text();
};`);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    signingKey: { kid, key: { ...(await exportJWK(publicKey)) } },
    get signed() {
      return signed;
    },
    setBaseUrl(url) {
      baseUrl = url;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
