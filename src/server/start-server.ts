import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { readSettings } from './config/read-settings.ts';
import { createServerApp, type ServerApp, type ServerAppOptions } from './create-server-app.ts';
import { type ProblemCode, problemBody } from './http/problem-error.ts';
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
  /** With `INKEEP_METRICS_LISTEN`: where `GET /metrics` is served without credentials. */
  metricsUrl: string | undefined;
  /**
   * Starts draining: `/readyz` answers 503 `draining` and new requests (health and metrics
   * excepted) 503 `shutting_down` with `Connection: close`, while requests and streams in flight
   * run on. The listener stays open so balancers see the 503s. {@link RunningServer.close} ends it.
   */
  drain(): void;
  /**
   * Run in order at shutdown, after the last answers ended and before the stores close; push
   * your own (e.g. counters of your own to write out). A failing hook is logged, never fatal.
   */
  flushHooks: (() => Promise<void> | void)[];
  /**
   * Shuts down gracefully: drains, lets requests and streams in flight run for up to `graceMs`
   * (default `INKEEP_SHUTDOWN_GRACE_SECONDS`), ends the streams left with the interrupted
   * marker (their answers so far are stored), runs the flush hooks, stops listening, flushes
   * counters and closes its state. `graceMs: 0` cuts streams short at once.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Opens the server's state (database migrated, caches filled), then listens on `host:port`
 * (env defaults to `process.env`), and on `INKEEP_METRICS_LISTEN` for metrics when set. A
 * database that cannot be opened rejects before listening.
 * @example
 * const server = await startServer({ port: 0, apps });
 * console.log(server.url);
 * await server.close({ graceMs: 10_000 });
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  const env = options.env ?? process.env;
  // Warnings go to the server's log when it has one (level warn), else one line on stderr.
  const { logger } = options;
  const onWarning =
    options.onWarning ??
    (logger
      ? (message: string) => logger.warn(message)
      : (message: string) => console.error(`inkeep-chat-server: warning: ${message}`));
  const { settings } = readSettings(env, options.settings ?? {});
  const owned = options.stores
    ? undefined
    : await openServerState({
        settings,
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
  const { context } = app;
  const stores = await (options.stores ?? owned?.stores);
  const closeState = async () => {
    await stores?.apiKeys.flush();
    if (owned) {
      await owned.stores.close();
      await owned.shared.close();
    }
  };
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  try {
    if (settings.metricsListen) {
      metricsServer = await listenForMetrics(app, settings.metricsListen);
      metricsUrl = `${urlOf(metricsServer.address() as AddressInfo)}/metrics`;
    }
  } catch (error) {
    await closeState().catch(() => {});
    throw error;
  }
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', fail);
      let closing: Promise<void> | undefined;
      const shutDown = async (graceMs: number) => {
        const { finished, interrupted } = await context.drain.settle({ graceMs });
        if (finished || interrupted) {
          context.logger.info({ finished, interrupted }, 'streams ended for shutdown');
        }
        for (const hook of context.flushHooks) {
          try {
            await hook();
          } catch (error) {
            context.logger.error(
              { error: { type: (error as Error).name, message: (error as Error).message } },
              'flush hook failed',
            );
          }
        }
        await stopListening(server);
        if (metricsServer) await stopListening(metricsServer).catch(() => {});
        await closeState();
      };
      resolve({
        url: urlOf(info),
        port: info.port,
        metricsUrl,
        drain: () => context.drain.start(),
        flushHooks: context.flushHooks,
        close: (closeOptions = {}) => {
          closing ??= shutDown(closeOptions.graceMs ?? settings.shutdownGraceSeconds * 1000);
          return closing;
        },
      });
    });
    const fail = (error: Error) => {
      metricsServer?.close();
      closeState().finally(() => reject(error));
    };
    server.once('error', fail);
  });
}

/** Stops accepting and ends open connections (kept-alive ones would keep `close()` waiting). */
function stopListening(server: {
  close(callback: (error?: Error) => void): unknown;
  closeAllConnections?(): void;
}): Promise<void> {
  return new Promise<void>((done, fail) => {
    server.close((error) => (error ? fail(error) : done()));
    server.closeAllConnections?.();
  });
}

function urlOf(info: AddressInfo): string {
  const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  return `http://${shownHost}:${info.port}`;
}

/** `GET /metrics` without credentials on its own address (`INKEEP_METRICS_LISTEN`); 404 else. */
function listenForMetrics(
  app: ServerApp,
  { host, port }: { host: string; port: number },
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    const problem = (status: number, code: ProblemCode, detail: string) =>
      response
        .writeHead(status, {
          'Content-Type': 'application/problem+json',
          'Cache-Control': 'no-store',
        })
        .end(JSON.stringify(problemBody(status, code, detail)));
    if (request.method !== 'GET' || path !== '/metrics') {
      problem(404, 'not_found', 'Only GET /metrics is served here');
      return;
    }
    app.context.metrics.render().then(
      (text) => {
        response
          .writeHead(200, {
            'Content-Type': app.context.metrics.contentType,
            'Cache-Control': 'no-store',
          })
          .end(text);
      },
      () => problem(500, 'internal_error', 'The metrics could not be read'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
