import type { Context, MiddlewareHandler } from 'hono';
import { authenticate, type Principal } from '../http/authenticate.ts';
import { ProblemError } from '../http/problem-error.ts';
import { enforceRateLimit } from '../http/set-rate-limit-headers.ts';
import { clientKey } from '../limits/client-key.ts';
import { getClientIp } from '../limits/get-client-ip.ts';
import type { ServerContext } from '../server-context.ts';

/** A chat request that may go ahead: who asks, and how to give its answer slots back. */
export interface AdmittedChatTurn {
  principal: Principal;
  /** Gives the answer slots back (idempotent); called when the answer ends, however it ends. */
  release: () => void;
}

/**
 * The checks every chat route makes before it reads the body: the credential (with
 * `x-inkeep-app-id`, `Origin` and the agent header), then the budgets. Visitors (and keyless
 * development callers) are counted per client, per visitor and per app and take an answer slot,
 * in one step (one Redis round trip), before anything is stored, so a refused request leaves no
 * turn behind; API keys spend their own per-key limit in `authenticate`.
 */
export async function admitChatTurn(c: Context, context: ServerContext): Promise<AdmittedChatTurn> {
  const principal = await authenticate(c, context, 'chat', { requireAppHeader: true });
  const requestedAgent = c.req.header('x-inkeep-agent-id') ?? c.req.header('x-inkeep-graph-id');
  if (principal.kind === 'anonymous') {
    if (requestedAgent !== undefined && requestedAgent !== principal.app.defaultAgentId) {
      throw new ProblemError(403, 'forbidden', 'Agent not available for this app');
    }
  } else if (principal.agentId && requestedAgent && requestedAgent !== principal.agentId) {
    throw new ProblemError(403, 'forbidden', 'This credential is bound to another agent');
  }
  const visitor =
    principal.kind === 'anonymous'
      ? `${principal.app.id}\n${principal.claims.sub}`
      : principal.kind === 'development'
        ? principal.sub
        : undefined;
  if (!visitor) return { principal, release: () => {} };
  const client = clientKey(getClientIp(c, context.settings.trustProxy));
  const admission = await context.shared.admit(
    ...context.budgets.chat(
      client,
      visitor,
      principal.kind === 'anonymous' ? principal.app.id : undefined,
    ),
  );
  enforceRateLimit(c, admission.result, admission.budget ?? 'chat');
  let released = false;
  return {
    principal,
    release: () => {
      if (released) return;
      released = true;
      admission.release();
    },
  };
}

/** What the chat routes' admission hands their handler. */
export interface AdmittedChatEnv {
  Variables: { admitted: AdmittedChatTurn };
}

/**
 * {@link admitChatTurn} as a route's middleware, so it runs before the body is read. A request
 * refused after it (its body, its conversation: `c.error`) gives its slots back here; an accepted
 * turn's answer gives them back when it ends.
 */
export function chatAdmission(context: ServerContext): MiddlewareHandler<AdmittedChatEnv> {
  return async (c, next) => {
    const admitted = await admitChatTurn(c, context);
    c.set('admitted', admitted);
    await next();
    if (c.error) admitted.release();
  };
}
