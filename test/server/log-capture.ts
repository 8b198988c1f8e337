// The log of every test server, kept in memory, and the secrets those servers were given:
// test/setup/log-secrecy.ts checks after each test file of the server project that no captured
// line holds one of them (README Operations: "never reach a log line").
import type { StartServerOptions } from '../../src/server/index.ts';
import { createLogger } from '../../src/server/logs/create-logger.ts';

/** The lines written since the current test file started, and the secrets its servers used. */
export const capturedLog = { lines: [] as string[], secrets: new Set<string>() };

/** One logger for every test server (level info, so every request writes its line). */
const testLogger = createLogger({
  level: 'info',
  pretty: false,
  destination: { write: (text: string) => void capturedLog.lines.push(text) },
});

/** Variables and settings holding a credential, by their name. */
const secretName = /secret|key|token|password/i;

/** Forbidden in any line whatever the test gave the server: a JWT, or a whole API key. */
const secretShapes = [
  { name: 'a JWT', pattern: /eyJ[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]*)?/g },
  { name: 'an API key', pattern: /sk_[\w-]+\.[\w-]{8,}/g },
];

/** Remembers a credential value (a comma-separated list is several); short or numeric values are settings, not secrets. */
function remember(value: unknown) {
  if (typeof value !== 'string') {
    if (Array.isArray(value)) for (const item of value) remember(item);
    return;
  }
  for (const part of value.split(',')) {
    const secret = part.trim();
    if (secret.length >= 8 && !/^\d+$/.test(secret)) capturedLog.secrets.add(secret);
  }
}

/**
 * `options` for `createServerApp` / `startServer` with the shared test logger (unless the test
 * brings its own), after remembering every credential in `env` and `settings`.
 */
export function withTestLog(options: StartServerOptions): StartServerOptions {
  for (const source of [options.env, options.settings]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (secretName.test(name)) remember(value);
    }
  }
  return { ...options, logger: options.logger ?? testLogger };
}

/** The first captured line holding a secret, described with the secret masked; or undefined. */
export function findLeak(
  lines: readonly string[],
  secrets: ReadonlySet<string>,
): string | undefined {
  for (const line of lines) {
    for (const secret of secrets) {
      if (line.includes(secret)) {
        return `a log line holds a secret the test server was given (${secret.slice(0, 4)}…): ${line.split(secret).join('[SECRET]').trim()}`;
      }
    }
    for (const { name, pattern } of secretShapes) {
      pattern.lastIndex = 0;
      if (pattern.test(line)) {
        return `a log line holds ${name}: ${line.replace(pattern, '[SECRET]').trim()}`;
      }
    }
  }
  return undefined;
}
