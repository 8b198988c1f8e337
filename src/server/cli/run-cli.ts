import { ConfigError } from '../config/config-error.ts';
import { loadAppsFile } from '../config/load-apps.ts';
import { type Environment, readSettings } from '../config/read-settings.ts';
import { createLogger, type Logger } from '../logs/create-logger.ts';
import { type RunningServer, startServer } from '../start-server.ts';
import { parseCliArgs, usage } from './parse-cli-args.ts';
import { runDatabaseCommand } from './run-database-command.ts';
import { runKeysCommand } from './run-keys-command.ts';

/** Where the CLI reads its environment and writes its lines. */
export interface CliIo {
  env: Environment;
  log(line: string): void;
  error(line: string): void;
  /** The server's log (default: JSON lines on standard output at `LOG_LEVEL`, pretty on a terminal). */
  logger?: Logger;
}

/** The outcome: an exit code, or a listening server for the caller to stop. */
export type CliResult =
  | { code: number; server?: undefined }
  | { code?: undefined; server: RunningServer; graceSeconds: number };

function describeError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'the port is already in use';
  if (code === 'EACCES') return 'no permission to listen on that port';
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return 'cannot listen on that host';
  return `could not start: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs `inkeep-chat-server` with `argv`: prints exactly one `… listening on URL` line on
 * success, or one line naming the problem on stderr with exit code 1 (never a stack trace).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  try {
    if (argv[0] === 'keys') return { code: await runKeysCommand(argv.slice(1), io) };
    if (argv[0] === 'migrate' || argv[0] === 'import') {
      return { code: await runDatabaseCommand(argv[0], argv.slice(1), io) };
    }
    const args = parseCliArgs(argv);
    if (args.help) {
      io.log(usage);
      return { code: 0 };
    }
    const apps = args.config ? loadAppsFile(args.config) : [];
    // Read here too (startServer reads them again) for the logger and the shutdown grace.
    const { settings } = readSettings(io.env);
    const logger = io.logger ?? createLogger({ level: settings.logLevel });
    const server = await startServer({
      logger,
      port: args.port,
      host: args.host,
      apps,
      env: io.env,
      dataDir: args.data,
      ...(args.manageUi ? {} : { manageUi: false as const }),
      // Warnings are log lines (level warn) beside the request lines, for the same log pipeline.
      onWarning: (message) => logger.warn(message),
      settings: {
        trustProxy: args.trustProxy,
        ...(args.responder ? { responder: args.responder } : {}),
      },
    });
    io.log(`inkeep-chat-server listening on ${server.url}`);
    if (server.metricsUrl) io.log(`inkeep-chat-server metrics on ${server.metricsUrl}`);
    return { server, graceSeconds: settings.shutdownGraceSeconds };
  } catch (error) {
    io.error(`inkeep-chat-server: ${describeError(error)}`);
    return { code: 1 };
  }
}
