import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import { readSettings } from '../config/read-settings.ts';
import { viewApiKey } from '../keys/api-key.ts';
import { ApiKeyInputError, parseApiKeyInput } from '../keys/parse-api-key-input.ts';
import { openServerState } from '../open-server-state.ts';
import type { ApiKeyStore } from '../storage/stores.ts';
import type { CliIo } from './run-cli.ts';

/** The `keys --help` text. */
export const keysUsage = `Usage: inkeep-chat-server keys <command> [--data DIR] [options]

  keys create --name N --scope chat,read[,manage] [--expires 30d] [--ip 1.2.3.4 ...]
              [--rate-limit 500] [--agent ID] [--tenant T] [--project P] [--signed]
  keys list [--tenant T] [--project P]
  keys revoke ID
  keys usage ID

The key (and a signing secret with --signed) is printed once; only a scrypt hash is kept.
Keys live in the database: DATABASE_URL's, or the embedded one in --data DIR. A server
running on DIR holds it: use the manage API then. With DATABASE_URL (and REDIS_URL), running
servers see a new or revoked key at once (without REDIS_URL, within 30 s).`;

/** Runs `inkeep-chat-server keys …` against `--data DIR`; prints JSON, returns an exit code. */
export async function runKeysCommand(
  argv: readonly string[],
  io: CliIo,
  now = Date.now,
): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        name: { type: 'string' },
        scope: { type: 'string' },
        expires: { type: 'string' },
        ip: { type: 'string', multiple: true },
        'rate-limit': { type: 'string' },
        agent: { type: 'string' },
        tenant: { type: 'string' },
        project: { type: 'string' },
        signed: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError(String((error as Error).message).split('\n')[0] ?? 'bad arguments');
  }
  const [command, id, extra] = positionals;
  if (values.help || command === undefined) {
    io.log(keysUsage);
    return values.help ? 0 : 1;
  }
  if (extra !== undefined) throw new ConfigError(`unexpected argument "${extra}"`);
  const dataDir = values.data as string | undefined;
  const tenantId = (values.tenant as string | undefined) ?? 'default';
  const projectId = (values.project as string | undefined) ?? 'default';
  const rateLimit = values['rate-limit'] as string | undefined;
  if (rateLimit !== undefined && !/^\d+$/.test(rateLimit)) {
    throw new ConfigError('--rate-limit must be a positive integer');
  }
  let input: ReturnType<typeof parseApiKeyInput> | undefined;
  if (command === 'create') {
    try {
      input = parseApiKeyInput(
        {
          name: values.name,
          scopes: ((values.scope as string | undefined) ?? '').split(',').filter(Boolean),
          ...(values.expires ? { expiresIn: values.expires } : {}),
          ...(values.agent ? { agentId: values.agent } : {}),
          allowedIps: (values.ip as string[] | undefined) ?? [],
          ...(rateLimit ? { rateLimit: Number(rateLimit) } : {}),
          signed: values.signed === true,
        },
        { tenantId, projectId },
        now(),
      );
    } catch (error) {
      if (error instanceof ApiKeyInputError) {
        throw new ConfigError(
          error.message.replace(/^scopes /, '--scope ').replace(/^expiresIn /, '--expires '),
        );
      }
      throw error;
    }
  }
  const { settings } = readSettings(io.env);
  if (!dataDir && !settings.databaseUrl) {
    throw new ConfigError('keys commands need --data DIR or DATABASE_URL');
  }
  const state = await openServerState({
    settings,
    dataDir,
    now,
    onWarning: (message) => io.error(`inkeep-chat-server: warning: ${message}`),
  });
  try {
    return await runOnStore(state.stores.apiKeys);
  } finally {
    await state.stores.close();
    await state.shared.close();
  }

  async function runOnStore(store: ApiKeyStore): Promise<number> {
    const print = (value: unknown) => io.log(JSON.stringify(value, null, 2));

    switch (command) {
      case 'create': {
        if (!input) throw new ConfigError('keys create needs its options');
        const { key, record, signingSecret } = await store.create(input);
        print({ key, ...(signingSecret ? { signingSecret } : {}), ...viewApiKey(record) });
        return 0;
      }
      case 'list':
        print(
          (
            await store.list(
              values.tenant as string | undefined,
              values.project as string | undefined,
            )
          ).map(viewApiKey),
        );
        return 0;
      case 'revoke':
      case 'usage': {
        if (!id) throw new ConfigError(`keys ${command} needs a key id`);
        const record = await store.get(id);
        if (!record) throw new ConfigError(`no key with id "${id}"`);
        if (command === 'revoke') {
          await store.revoke(id);
          print(viewApiKey((await store.get(id)) ?? record));
        } else {
          print({ id, ...record.usage });
        }
        return 0;
      }
      default:
        throw new ConfigError(`unknown keys command "${command}" (create, list, revoke, usage)`);
    }
  }
}
