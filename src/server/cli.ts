#!/usr/bin/env node
import { parseCliArgs, usage } from './cli/parse-cli-args.ts';
import { ConfigError } from './config/config-error.ts';
import { loadAppsFile } from './config/load-apps.ts';
import { startServer } from './start-server.ts';

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    console.log(usage);
    return;
  }
  const apps = args.config ? loadAppsFile(args.config) : [];
  const server = await startServer({
    port: args.port,
    host: args.host,
    apps,
    dataDir: args.data,
    settings: {
      trustProxy: args.trustProxy,
      ...(args.responder ? { responder: args.responder } : {}),
    },
  });
  console.log(`inkeep-chat-server listening on ${server.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    error instanceof ConfigError
      ? error.message
      : code === 'EADDRINUSE'
        ? 'the port is already in use'
        : code === 'EACCES'
          ? 'no permission to listen on that port'
          : `could not start: ${error instanceof Error ? error.message : String(error)}`;
  console.error(`inkeep-chat-server: ${message}`);
  process.exit(1);
});
