import { parseArgs } from 'node:util';
import { apiKeyUpdateSchema } from '../../contract/api-key.ts';
import { ConfigError } from '../config/config-error.ts';
import { readSettings } from '../config/read-settings.ts';
import { explainIssue } from '../http/describe-issue.ts';
import { ProblemError } from '../http/problem-error.ts';
import { type ApiKeyRecord, viewApiKey } from '../keys/api-key.ts';
import { ApiKeyInputError, parseApiKeyInput } from '../keys/parse-api-key-input.ts';
import { resolveApiKeyChanges } from '../keys/resolve-api-key-changes.ts';
import { openServerState } from '../open-server-state.ts';
import type { ApiKeyStore } from '../storage/stores.ts';
import type { CliIo } from './run-cli.ts';

/** The `keys --help` text. */
export const keysUsage = `Usage: inkeep-chat-server keys <command> [--data DIR] [options]

  keys create --name N --scope chat,read[,manage] [--type service|personal|temporary]
              [--expires 30d] [--ip 1.2.3.4 ...] [--rate-limit 500] [--agent ID]
              [--tenant T] [--project P] [--signed] [--threshold 80] [--owner WHO]
  keys list [--tenant T] [--project P]
  keys show ID                      everything but the secret
  keys update ID [--name N] [--add-ip IP ...] [--remove-ip IP ...]
                 [--rate-limit N|default] [--expires 30d|ISO-DATE|never]
  keys alert ID --threshold N|off   alert at N% of the key's rate limit (1-100)
  keys revoke ID
  keys usage ID

Types: service (default); personal: listed and editable in the manage API only by the identity
that created it (--owner, e.g. key:<publicId> or env:admin; default "cli"); temporary: expires
within 24 h of creation (24 h when --expires is left out). The CLI, with the database itself,
sees every key.

A usage alert logs one line, marks the key (alertedAt) and, with INKEEP_ALERT_WEBHOOK_URL, POSTs
a signed body, once per rate-limit window.

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
        type: { type: 'string' },
        owner: { type: 'string' },
        threshold: { type: 'string' },
        'add-ip': { type: 'string', multiple: true },
        'remove-ip': { type: 'string', multiple: true },
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
  checkWholeNumberFlag(rateLimit, '--rate-limit must be a positive integer', {
    word: command === 'update' ? 'default' : undefined,
    meaning: ' for the server default',
  });
  const threshold = values.threshold as string | undefined;
  checkWholeNumberFlag(threshold, '--threshold must be a percent from 1 to 100', {
    word: command === 'alert' ? 'off' : undefined,
  });
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
          ...(values.type !== undefined ? { type: values.type } : {}),
          ...(threshold !== undefined ? { alertThreshold: Number(threshold) } : {}),
        },
        { tenantId, projectId },
        now(),
      );
      input.createdBy = (values.owner as string | undefined)?.trim() || 'cli';
    } catch (error) {
      throw asFlagError(error);
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
      case 'show':
        print(viewApiKey(await findKey(store)));
        return 0;
      case 'update': {
        const record = await findKey(store);
        const update: Record<string, unknown> = {};
        if (values.name !== undefined) update.name = values.name;
        if (values['add-ip']) update.addIps = values['add-ip'];
        if (values['remove-ip']) update.removeIps = values['remove-ip'];
        if (rateLimit !== undefined) {
          update.rateLimit = rateLimit === 'default' ? null : Number(rateLimit);
        }
        const expires = values.expires as string | undefined;
        if (expires === 'never') update.expiresAt = null;
        else if (expires !== undefined && /^\s*\d+[smhd]\s*$/.test(expires)) {
          update.expiresIn = expires;
        } else if (expires !== undefined) update.expiresAt = expires;
        if (Object.keys(update).length === 0) {
          throw new ConfigError(
            'keys update needs one of --name, --add-ip, --remove-ip, --rate-limit, --expires',
          );
        }
        print(viewApiKey(await change(store, record, update)));
        return 0;
      }
      case 'alert': {
        const record = await findKey(store);
        if (threshold === undefined) {
          throw new ConfigError('keys alert needs --threshold N (1-100) or --threshold off');
        }
        const alertThreshold = threshold === 'off' ? null : Number(threshold);
        print(viewApiKey(await change(store, record, { alertThreshold })));
        return 0;
      }
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
        throw new ConfigError(
          `unknown keys command "${command}" (create, list, show, update, alert, revoke, usage)`,
        );
    }
  }

  async function findKey(store: ApiKeyStore): Promise<ApiKeyRecord> {
    if (!id) throw new ConfigError(`keys ${command} needs a key id`);
    const record = await store.get(id);
    if (!record) throw new ConfigError(`no key with id "${id}"`);
    return record;
  }

  async function change(
    store: ApiKeyStore,
    record: ApiKeyRecord,
    update: Record<string, unknown>,
  ): Promise<ApiKeyRecord> {
    const parsed = apiKeyUpdateSchema.safeParse(update);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const field = String(issue?.path[0] ?? 'body');
      throw asFlagError(
        new ApiKeyInputError(field, issue ? explainIssue(issue).message : 'is not valid'),
      );
    }
    let changes: ReturnType<typeof resolveApiKeyChanges>;
    try {
      changes = resolveApiKeyChanges(parsed.data, record, now());
    } catch (error) {
      throw asFlagError(error);
    }
    // Revoked since it was read: the store refuses, in one line too.
    const updated = await store.update(record.id, changes).catch((error: unknown) => {
      throw asFlagError(error);
    });
    if (!updated) throw new ConfigError(`no key with id "${record.id}"`);
    return updated;
  }
}

/**
 * Refuses a flag value that is neither digits nor, where the command takes one, its `word`
 * (`--rate-limit default`, `--threshold off`); the range is checked with the key's other fields.
 */
function checkWholeNumberFlag(
  value: string | undefined,
  message: string,
  { word, meaning = '' }: { word: string | undefined; meaning?: string },
): void {
  if (value === undefined || /^\d+$/.test(value) || (word !== undefined && value === word)) return;
  throw new ConfigError(word === undefined ? message : `${message}, or "${word}"${meaning}`);
}

// Field names of the key definition, as the command line spells them.
const flags: Record<string, string> = {
  scopes: '--scope',
  expiresIn: '--expires',
  expiresAt: '--expires',
  allowedIps: '--ip',
  addIps: '--add-ip',
  removeIps: '--remove-ip',
  rateLimit: '--rate-limit',
  alertThreshold: '--threshold',
  agentId: '--agent',
  name: '--name',
  type: '--type',
};

/** A refused key definition or change as one line naming the flag. */
function asFlagError(error: unknown): unknown {
  if (!(error instanceof ApiKeyInputError) && !(error instanceof ProblemError)) return error;
  // Named by the field the definition's schema and rules use (`rateLimit …`).
  return new ConfigError(
    error.message.replace(/^(\w+) /, (_whole, field: string) => `${flags[field] ?? field} `),
  );
}
