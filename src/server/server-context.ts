import type { AppStore } from './apps/create-app-store.ts';
import type { Responder } from './chat/responder.ts';
import type { ServerSettings } from './config/read-settings.ts';
import type { ConversationStore } from './conversations/create-conversation-store.ts';
import type { ApiKeyStore } from './keys/create-api-key-store.ts';
import type { IpAllowlist } from './keys/ip-allowlist.ts';
import type { RateLimiter } from './limits/create-rate-limiter.ts';
import type { PowService } from './pow/create-pow-service.ts';
import type { ReplayGuard } from './pow/create-replay-guard.ts';
import type { TokenService } from './session/create-token-service.ts';

/** The collaborators every route receives; built once per server by `createServerApp`. */
export interface ServerContext {
  settings: ServerSettings;
  apps: AppStore;
  conversations: ConversationStore;
  tokens: TokenService;
  pow: PowService | undefined;
  sessionLimiter: RateLimiter;
  chatLimiter: RateLimiter;
  responder: Responder;
  apiKeys: ApiKeyStore;
  /** Per-key (and per-IP for keyless modes) limits of server-to-server calls. */
  apiLimiter: RateLimiter;
  /** `ALLOWED_IPS`, parsed once; undefined = every IP. */
  allowedIps: IpAllowlist | undefined;
  /** Signatures of signed requests, each accepted once. */
  signatureReplay: ReplayGuard;
  now: () => number;
}
