import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createServerApp, type ServerAppOptions } from './create-server-app.ts';
import { createApiKeyStore } from './keys/create-api-key-store.ts';

/** Options of {@link startServer}: those of `createServerApp` plus where to listen. */
export interface StartServerOptions extends ServerAppOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A listening server. */
export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting connections, ends open ones, and resolves when closed. */
  close(): Promise<void>;
}

/**
 * Creates the app and listens on `host:port` (env defaults to `process.env`).
 * @example
 * const server = await startServer({ port: 0, apps });
 * console.log(server.url);
 * await server.close();
 */
export function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  const apiKeys =
    options.apiKeys ?? createApiKeyStore({ dataDir: options.dataDir, now: options.now });
  const app = createServerApp({
    env: process.env,
    onWarning: (message) => console.error(`inkeep-chat-server: warning: ${message}`),
    ...options,
    apiKeys,
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: async () => {
          await new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Streams held open by clients would otherwise keep close() waiting.
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          await apiKeys.flush();
        },
      });
    });
    server.once('error', reject);
  });
}
