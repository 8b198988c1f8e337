import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { readSettings } from './config/read-settings.ts';
import { createServerApp, type ServerAppOptions } from './create-server-app.ts';
import { openServerState } from './open-server-state.ts';

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
  /** Stops accepting connections, ends open ones, flushes counters and closes its state. */
  close(): Promise<void>;
}

/**
 * Opens the server's state (database migrated, caches filled), then listens on `host:port`
 * (env defaults to `process.env`). A database that cannot be opened rejects before listening.
 * @example
 * const server = await startServer({ port: 0, apps });
 * console.log(server.url);
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  const env = options.env ?? process.env;
  const onWarning =
    options.onWarning ??
    ((message: string) => console.error(`inkeep-chat-server: warning: ${message}`));
  const owned = options.stores
    ? undefined
    : await openServerState({
        settings: readSettings(env, options.settings ?? {}).settings,
        dataDir: options.dataDir,
        onWarning,
        now: options.now,
        ...(options.shared ? { shared: options.shared } : {}),
      });
  const app = createServerApp({ ...options, env, onWarning, ...owned });
  try {
    await app.ready;
  } catch (error) {
    await owned?.stores.close().catch(() => {});
    throw error;
  }
  const stores = await (options.stores ?? owned?.stores);
  const closeState = async () => {
    await stores?.apiKeys.flush();
    await stores?.activity.flush().catch(() => {}); // shutdown flush hook: per-app activity counts
    if (owned) {
      await owned.stores.close();
      await owned.shared.close();
    }
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', fail);
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: async () => {
          await new Promise<void>((done, failClose) => {
            server.close((error) => (error ? failClose(error) : done()));
            // Streams held open by clients would otherwise keep close() waiting.
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          await closeState();
        },
      });
    });
    const fail = (error: Error) => {
      closeState().finally(() => reject(error));
    };
    server.once('error', fail);
  });
}
