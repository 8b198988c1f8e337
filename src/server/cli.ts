#!/usr/bin/env node
import { runCli } from './cli/run-cli.ts';

const result = await runCli(process.argv.slice(2), {
  env: process.env,
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});
if (result.server) {
  const { server, graceSeconds } = result;
  let stopping = false;
  // SIGTERM (a deploy) or Ctrl-C: drain, let running answers finish within the grace period,
  // then exit 0. A second signal gives up waiting.
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`inkeep-chat-server: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.error(
      `inkeep-chat-server: ${signal}: draining, answers in flight have ${graceSeconds} s to finish`,
    );
    // Past the grace period and the time streams get to end, something hangs: give up.
    setTimeout(() => process.exit(1), (graceSeconds + 15) * 1000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`inkeep-chat-server: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} else {
  process.exitCode = result.code;
}
