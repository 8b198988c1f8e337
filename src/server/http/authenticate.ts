import type { Context } from 'hono';
import { type ApiKeyRecord, allScopes, type Scope } from '../keys/api-key.ts';
import { createIpAllowlist, type IpAllowlist } from '../keys/ip-allowlist.ts';
import { matchEnvironmentKey, sameSecret } from '../keys/match-environment-key.ts';
import { verifyRequestSignature } from '../keys/verify-request-signature.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import { noteRequest } from '../logs/note-request.ts';
import type { ServerContext } from '../server-context.ts';
import { authenticateVisitor, type Visitor } from './authenticate-visitor.ts';
import { bearerToken } from './bearer-token.ts';
import { ProblemError } from './problem-error.ts';
import { enforceRateLimit } from './set-rate-limit-headers.ts';

/** Who is calling, after authentication. */
export type Principal =
  | ({ kind: 'anonymous'; scopes: Scope[] } & Visitor)
  | {
      kind: 'api_key' | 'env_key' | 'bypass' | 'development';
      tenantId: string;
      projectId: string;
      /** The agent the credential is bound to or named in the scope headers. */
      agentId: string | null;
      scopes: Scope[];
      /** The stored key's public id (usage, conversations). */
      keyId: string | null;
      /** Who owns conversations made with this credential. */
      sub: string;
    };

const deniedIp = () => new ProblemError(403, 'forbidden', 'Access denied from this IP address');
const invalidKey = () => new ProblemError(401, 'unauthorized', 'Invalid API key');

function scopeHeaders(c: Context) {
  const tenantId = c.req.header('x-inkeep-tenant-id');
  const projectId = c.req.header('x-inkeep-project-id');
  const agentId = c.req.header('x-inkeep-agent-id') ?? c.req.header('x-inkeep-graph-id');
  return tenantId && projectId && agentId ? { tenantId, projectId, agentId } : undefined;
}

// A key's IP list never changes after creation: parse it once per list.
const allowlists = new WeakMap<string[], IpAllowlist>();
function keyAllowlist(entries: string[]): IpAllowlist {
  let allowlist = allowlists.get(entries);
  if (!allowlist) {
    allowlist = createIpAllowlist(entries);
    allowlists.set(entries, allowlist);
  }
  return allowlist;
}

/** Remembers which stored key made a request, for its usage counters. */
export const keyOfRequest = new WeakMap<Request, string>();

/**
 * Authenticates a request needing `scope`. A request that presents a credential first checks
 * its client's failure budget (`INKEEP_AUTH_FAILURE_LIMIT`): a client whose credentials failed
 * too often waits (429) before anything is verified, and each 401 spends that budget. Server-to-server credentials (`X-API-Key`, which wins,
 * or a bearer that is a stored `sk_` key, an environment key or the bypass secret; or, with
 * `ENVIRONMENT=development`, no credential but the scope headers) are checked for IP, scope,
 * signature and per-key rate limit. Any other bearer is an anonymous-session JWT.
 */
export async function authenticate(
  c: Context,
  context: ServerContext,
  scope: Scope,
  options: { requireAppHeader?: boolean } = {},
): Promise<Principal> {
  const { settings, budgets } = context;
  const ip = getClientIp(c, settings.trustProxy);
  const client = clientKey(ip);
  if (c.req.header('x-api-key') === undefined && bearerToken(c) === undefined) {
    return check(c, context, scope, options, ip, client);
  }
  // A client that spent its failure budget waits before any credential of it is looked at.
  const blocked = budgets.authFailures.blocked(client);
  if (blocked) {
    // Held first: a guesser on N connections gets N answers a second, not thousands.
    await budgets.failureTarpit.hold();
    enforceRateLimit(c, blocked, 'auth-failures');
  }
  try {
    return await check(c, context, scope, options, ip, client);
  } catch (error) {
    if (error instanceof ProblemError && error.status === 401) {
      await budgets.authFailures.fail(client);
    }
    throw error;
  }
}

async function check(
  c: Context,
  context: ServerContext,
  scope: Scope,
  { requireAppHeader = false }: { requireAppHeader?: boolean },
  ip: string,
  client: string,
): Promise<Principal> {
  const { settings, apiKeys, budgets } = context;
  const fromHeader = c.req.header('x-api-key');
  const credential = fromHeader ?? bearerToken(c);
  const checkGlobalIps = () => {
    if (context.allowedIps && !context.allowedIps.allows(ip)) throw deniedIp();
  };
  let principal: Principal;
  let rateLimit = settings.apiRateLimit;
  let rateKey = `ip:${client}`;
  let storedKey: ApiKeyRecord | undefined;

  if (credential === undefined) {
    const headers = scopeHeaders(c);
    if (settings.environment !== 'development' || !headers) {
      throw new ProblemError(401, 'unauthorized', 'Bearer token required');
    }
    checkGlobalIps();
    principal = {
      kind: 'development',
      ...headers,
      scopes: ['chat', 'read'],
      keyId: null,
      // Keyless callers are told apart by client, so one cannot read another's conversations.
      sub: `development:${client}`,
    };
  } else if (settings.bypassSecret && sameSecret(credential, settings.bypassSecret)) {
    checkGlobalIps();
    const headers = scopeHeaders(c);
    if (!headers) {
      throw new ProblemError(
        400,
        'bad_request',
        'x-inkeep-tenant-id, x-inkeep-project-id and x-inkeep-agent-id are required',
      );
    }
    principal = { kind: 'bypass', ...headers, scopes: [...allScopes], keyId: null, sub: 'bypass' };
  } else {
    // scrypt runs only for a known id whose secret has not verified here yet, and only within
    // the slow-check budgets of the client and of the key id.
    const slowCheck = async (id: string) => {
      for (const key of [`client:${client}`, `key:${id}`]) {
        const result = await budgets.slowKeyChecks.consume(key);
        if (!result.allowed) {
          await budgets.failureTarpit.hold();
          enforceRateLimit(c, result, 'slow-key-checks');
        }
      }
    };
    const stored = credential.startsWith('sk_')
      ? await apiKeys.verify(credential, slowCheck)
      : undefined;
    if (stored && !stored.ok && stored.reason === 'expired') {
      throw new ProblemError(401, 'expired_api_key', 'API key has expired');
    }
    if (stored && !stored.ok && stored.reason === 'revoked') throw invalidKey();
    const environmentKey = stored?.ok ? undefined : matchEnvironmentKey(credential, settings);
    if (stored?.ok) {
      checkGlobalIps();
      const { record } = stored;
      storedKey = record;
      keyOfRequest.set(c.req.raw, record.id);
      noteRequest(c.req.raw, { keyId: record.id });
      if (record.allowedIps.length && !keyAllowlist(record.allowedIps).allows(ip)) throw deniedIp();
      principal = {
        kind: 'api_key',
        tenantId: record.tenantId,
        projectId: record.projectId,
        agentId: record.agentId,
        scopes: record.scopes,
        keyId: record.id,
        sub: `key:${record.id}`,
      };
      rateLimit = record.rateLimit ?? rateLimit;
      rateKey = `key:${record.id}`;
      if (record.signingSecret) await verifyRequestSignature(c, context, record.signingSecret);
    } else if (environmentKey) {
      checkGlobalIps();
      principal = {
        kind: 'env_key',
        tenantId: 'default',
        projectId: 'default',
        agentId: null,
        keyId: null,
        ...environmentKey,
      };
      rateKey = environmentKey.sub;
    } else if (stored || fromHeader !== undefined || scope === 'manage') {
      throw invalidKey();
    } else {
      const visitor = await authenticateVisitor(c, context, requireAppHeader);
      return { kind: 'anonymous', scopes: ['chat', 'read'], ...visitor };
    }
  }

  noteRequest(c.req.raw, { auth: principal.kind });
  if (!principal.scopes.includes(scope)) {
    throw new ProblemError(403, 'forbidden', `This credential lacks the ${scope} scope`);
  }
  const result = await budgets.api.consume(rateKey, rateLimit);
  // Counted before the refusal: use that reaches the limit crosses any threshold on the way.
  if (storedKey) context.alerts?.observe(storedKey, result);
  enforceRateLimit(c, result, 'api');
  return principal;
}

/** Who owns the conversations a principal makes and reads. */
export function ownerOf(principal: Principal): { sub: string; appId: string } {
  return principal.kind === 'anonymous'
    ? { sub: principal.claims.sub, appId: principal.app.id }
    : { sub: principal.sub, appId: `${principal.tenantId}/${principal.projectId}` };
}
